//! One small neural network over hashed features: the unit of the classifier's ensemble.
//!
//! A message becomes a sparse TF-IDF vector over `2^bits` hashed buckets
//! ([`crate::features`]); the network maps it through one hidden layer of rectified units to one
//! score (logit) per entry. The first layer is a table of one row per bucket, so a message
//! costs only as many row additions as it has features. Weights are stored as bytes with one
//! scale per table ([`Quantized`]); the trainer produces them in float and rounds once, at the
//! end ([`crate::train`]).

use crate::features::{FeatureConfig, Idf, SparseVec, Terms, vectorize};

/// Weights rounded to signed bytes: `value = scale * q`.
///
/// Only 63 of the 255 byte values are used: measured on BANKING77, the coarser steps cost no
/// accuracy and let gzip shrink the model by a fifth, which is what a shopper downloads.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantized {
    pub scale: f32,
    pub values: Vec<i8>,
}

/// The largest stored magnitude (6 bits and a sign).
const LEVELS: f32 = 31.0;

impl Quantized {
    /// Rounds `values` with the scale that maps the largest magnitude to the top level.
    pub fn from_floats(values: &[f32]) -> Quantized {
        let max = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let scale = if max > 0.0 { max / LEVELS } else { 1.0 };
        Quantized {
            scale,
            values: values
                .iter()
                .map(|v| (v / scale).round().clamp(-LEVELS, LEVELS) as i8)
                .collect(),
        }
    }
}

/// A trained network, as stored in the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub features: FeatureConfig,
    pub idf: Idf,
    pub hidden: usize,
    pub classes: usize,
    /// `2^bits` rows of `hidden` weights.
    pub embed: Quantized,
    pub hidden_bias: Vec<f32>,
    /// `hidden` rows of `classes` weights.
    pub output: Quantized,
    pub output_bias: Vec<f32>,
}

impl Network {
    /// One score per class for a message; higher is more likely.
    pub fn logits(&self, terms: &Terms) -> Vec<f32> {
        self.logits_of(&vectorize(self.features, &self.idf, terms))
    }

    fn logits_of(&self, x: &SparseVec) -> Vec<f32> {
        let h = self.hidden;
        let mut acc = vec![0.0f32; h];
        for (&j, &v) in x.idx.iter().zip(&x.val) {
            let row = &self.embed.values[j as usize * h..(j as usize + 1) * h];
            for (a, &w) in acc.iter_mut().zip(row) {
                *a += v * f32::from(w);
            }
        }
        let mut out = self.output_bias.clone();
        for (t, a) in acc.iter().enumerate() {
            let activation =
                (a * self.embed.scale + self.hidden_bias[t]).max(0.0) * self.output.scale;
            if activation > 0.0 {
                let row = &self.output.values[t * self.classes..(t + 1) * self.classes];
                for (o, &w) in out.iter_mut().zip(row) {
                    *o += activation * f32::from(w);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantisation_keeps_values_within_half_a_step() {
        let values = [0.5, -1.27, 0.0, 0.013, 1.0];
        let q = Quantized::from_floats(&values);
        for (v, &qv) in values.iter().zip(&q.values) {
            assert!((v - q.scale * f32::from(qv)).abs() <= q.scale / 2.0 + 1e-6);
        }
        assert_eq!(f32::from(q.values[1]), -LEVELS);
    }
}
