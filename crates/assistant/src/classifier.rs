//! The classifier: an ensemble of small networks whose averaged scores become probabilities.
//!
//! Each member hashes features with its own seed, so the members make different mistakes
//! (their bucket collisions differ) and their average is both more accurate and better at
//! knowing when it is unsure than any one of them. The temperature, fitted on cross-validated
//! predictions by [`crate::calibrate`], turns the averaged scores into probabilities that mean
//! what they say.

use crate::features::{FeatureConfig, Terms};
use crate::network::Network;
use crate::train::{TrainConfig, train};

/// The shape of an ensemble, chosen by [`crate::compile()`] from the knowledge base's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnsembleConfig {
    pub members: usize,
    pub bits: u8,
    pub hidden: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    pub networks: Vec<Network>,
    pub temperature: f32,
}

impl Classifier {
    /// Trains every member on `docs` (with `labels` in `0..classes`), at temperature 1.
    pub fn train(
        config: EnsembleConfig,
        docs: &[&Terms],
        labels: &[usize],
        classes: usize,
    ) -> Classifier {
        let networks = (0..config.members)
            .map(|m| {
                let member = TrainConfig {
                    features: FeatureConfig {
                        bits: config.bits,
                        // Odd multipliers spread the seeds over the whole word.
                        seed: (m as u32 + 1).wrapping_mul(0x9E37_79B9),
                    },
                    hidden: config.hidden,
                    seed: m as u64 + 1,
                };
                train(member, docs, labels, classes)
            })
            .collect();
        Classifier {
            networks,
            temperature: 1.0,
        }
    }

    pub fn classes(&self) -> usize {
        self.networks.first().map_or(0, |n| n.classes)
    }

    /// The members' mean scores for a message, before the temperature.
    pub fn logits(&self, terms: &Terms) -> Vec<f32> {
        let mut sum = vec![0.0f32; self.classes()];
        for net in &self.networks {
            sum.iter_mut()
                .zip(net.logits(terms))
                .for_each(|(s, l)| *s += l);
        }
        let n = self.networks.len().max(1) as f32;
        sum.iter_mut().for_each(|s| *s /= n);
        sum
    }

    /// The probability of each class for `text`.
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        softmax(&self.logits(&Terms::of(text)), self.temperature)
    }
}

/// `exp(l / t)`, normalised to sum to one.
pub fn softmax(logits: &[f32], temperature: f32) -> Vec<f32> {
    let max = logits.iter().fold(f32::MIN, |m, &l| m.max(l));
    let exp: Vec<f32> = logits
        .iter()
        .map(|l| ((l - max) / temperature).exp())
        .collect();
    let sum: f32 = exp.iter().sum();
    exp.into_iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_temperature_sharpens() {
        let p = softmax(&[2.0, 1.0, 0.0], 1.0);
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        let sharp = softmax(&[2.0, 1.0, 0.0], 0.5);
        assert!(sharp[0] > p[0] && p[0] > p[1] && p[1] > p[2]);
    }

    #[test]
    fn members_hash_differently() {
        let docs = [
            Terms::of("where is my parcel"),
            Terms::of("return my shoes"),
        ];
        let config = EnsembleConfig {
            members: 2,
            bits: 8,
            hidden: 4,
        };
        let c = Classifier::train(config, &[&docs[0], &docs[1]], &[0, 1], 2);
        assert_eq!(c.networks.len(), 2);
        assert_ne!(c.networks[0].features.seed, c.networks[1].features.seed);
        assert_ne!(c.networks[0].idf, c.networks[1].idf);
    }
}
