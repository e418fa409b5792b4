//! The compiled model: everything the widget needs to answer, in one compact binary file.
//!
//! A [`Model`] carries the site settings, the entries (id, title, answer, follow-ups, whether
//! a person must take the topic) and the classifier with its thresholds, so the browser never
//! needs the knowledge base source. [`Model::to_bytes`] writes the format below with the
//! helpers in `codec`; [`Model::from_bytes`] checks the magic, the version and the
//! `checksum` before trusting anything.
//!
//! ```text
//! "TNDA"  u16 format version  u16 reserved (0)  u32 payload length  u32 CRC-32 of payload
//! payload: site, entries, policy, classifier (every table length-prefixed, little-endian)
//! ```
//! The same model always encodes to the same bytes.

mod checksum;
mod codec;

use crate::classifier::Classifier;
use crate::features::{FeatureConfig, Idf};
use crate::kb::{SafetyLines, Site};
use crate::network::{Network, Quantized};
use crate::policy::Policy;
use codec::{Reader, Writer};

const MAGIC: &[u8; 4] = b"TNDA";
/// Bumped on any change to the layout; older widgets refuse newer models instead of misreading.
pub const FORMAT_VERSION: u16 = 1;
const HEADER_LEN: usize = 16;

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub site: Site,
    pub entries: Vec<ModelEntry>,
    pub(crate) classifier: Classifier,
    pub(crate) policy: Policy,
}

/// An entry as the widget needs it (no phrasings).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelEntry {
    pub id: String,
    pub title: String,
    pub answer: String,
    /// Indices of the entries suggested after this answer.
    pub follow_ups: Vec<usize>,
    pub always_human: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("not a Tandem assistant model (bad magic bytes)")]
    BadMagic,
    #[error(
        "model format version {0} is not supported (this build reads version {FORMAT_VERSION})"
    )]
    UnsupportedVersion(u16),
    #[error("model file is truncated")]
    Truncated,
    #[error("model file is damaged (checksum mismatch)")]
    ChecksumMismatch,
    #[error("model file is invalid: {0}")]
    Invalid(&'static str),
}

impl Model {
    /// The entry at `index`, as returned in decisions.
    pub fn entry(&self, index: usize) -> &ModelEntry {
        &self.entries[index]
    }

    /// The probability below which the best entry is not answered directly.
    pub fn answer_threshold(&self) -> f32 {
        self.policy.answer_threshold
    }

    /// The index of the entry with this id.
    pub fn entry_index(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        write_site(&mut w, &self.site);
        w.count(self.entries.len());
        for e in &self.entries {
            w.str(&e.id);
            w.str(&e.title);
            w.str(&e.answer);
            w.u8(u8::from(e.always_human));
            w.count(e.follow_ups.len());
            e.follow_ups.iter().for_each(|&f| w.count(f));
        }
        w.f32(self.policy.answer_threshold);
        w.f32(self.policy.clarify_threshold);
        w.f32(self.classifier.temperature);
        w.count(self.classifier.networks.len());
        self.classifier
            .networks
            .iter()
            .for_each(|n| write_network(&mut w, n));

        let payload = w.bytes;
        let mut out = Writer::default();
        out.bytes.extend_from_slice(MAGIC);
        out.u16(FORMAT_VERSION);
        out.u16(0);
        out.count(payload.len());
        out.u32(checksum::crc32(&payload));
        out.bytes.extend_from_slice(&payload);
        out.bytes
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut header = Reader::new(bytes.get(..HEADER_LEN).ok_or(ModelError::Truncated)?);
        if bytes[..4] != MAGIC[..] {
            return Err(ModelError::BadMagic);
        }
        header.u32()?;
        let version = header.u16()?;
        if version != FORMAT_VERSION {
            return Err(ModelError::UnsupportedVersion(version));
        }
        header.u16()?;
        let len = header.count()?;
        let crc = header.u32()?;
        let payload = &bytes[HEADER_LEN..];
        if payload.len() < len {
            return Err(ModelError::Truncated);
        }
        if payload.len() > len {
            return Err(ModelError::Invalid("trailing bytes after the payload"));
        }
        if checksum::crc32(payload) != crc {
            return Err(ModelError::ChecksumMismatch);
        }

        let mut r = Reader::new(payload);
        let site = read_site(&mut r)?;
        let count = r.count()?;
        let mut entries = Vec::with_capacity(count.min(payload.len()));
        for _ in 0..count {
            let id = r.str()?;
            let title = r.str()?;
            let answer = r.str()?;
            let always_human = r.u8()? != 0;
            let follows = r.count()?;
            let follow_ups = (0..follows)
                .map(|_| r.count())
                .collect::<Result<Vec<_>, _>>()?;
            entries.push(ModelEntry {
                id,
                title,
                answer,
                follow_ups,
                always_human,
            });
        }
        if entries
            .iter()
            .flat_map(|e| &e.follow_ups)
            .any(|&f| f >= count)
        {
            return Err(ModelError::Invalid("follow-up points past the last entry"));
        }
        let policy = Policy {
            answer_threshold: r.f32()?,
            clarify_threshold: r.f32()?,
        };
        let temperature = r.f32()?;
        // Scores are divided by it: zero, negative or not a number would make every
        // confidence meaningless.
        if !(temperature > 0.0 && temperature.is_finite()) {
            return Err(ModelError::Invalid("temperature"));
        }
        let members = r.count()?;
        let networks = (0..members)
            .map(|_| read_network(&mut r, count))
            .collect::<Result<Vec<_>, _>>()?;
        if networks.is_empty() {
            return Err(ModelError::Invalid("no classifier"));
        }
        if !r.is_empty() {
            return Err(ModelError::Invalid("unread bytes in the payload"));
        }
        Ok(Model {
            site,
            entries,
            classifier: Classifier {
                networks,
                temperature,
            },
            policy,
        })
    }
}

fn write_site(w: &mut Writer, site: &Site) {
    w.str(&site.name);
    w.str(&site.language);
    w.str(&site.greeting);
    w.f64(site.target_precision);
    w.str(&site.safety.self_harm);
    w.str(&site.safety.fraud);
    w.str(&site.safety.legal);
}

fn read_site(r: &mut Reader) -> Result<Site, ModelError> {
    Ok(Site {
        name: r.str()?,
        language: r.str()?,
        greeting: r.str()?,
        target_precision: r.f64()?,
        safety: SafetyLines {
            self_harm: r.str()?,
            fraud: r.str()?,
            legal: r.str()?,
        },
    })
}

fn write_network(w: &mut Writer, n: &Network) {
    w.u8(n.features.bits);
    w.u32(n.features.seed);
    w.count(n.hidden);
    w.count(n.classes);
    w.f32(n.idf.max);
    w.raw(&n.idf.levels);
    for q in [&n.embed, &n.output] {
        w.f32(q.scale);
        w.raw(&q.values.iter().map(|&v| v as u8).collect::<Vec<u8>>());
    }
    w.f32s(&n.hidden_bias);
    w.f32s(&n.output_bias);
}

fn read_network(r: &mut Reader, entries: usize) -> Result<Network, ModelError> {
    let bits = r.u8()?;
    if !(1..=24).contains(&bits) {
        return Err(ModelError::Invalid("feature space size"));
    }
    let features = FeatureConfig {
        bits,
        seed: r.u32()?,
    };
    let hidden = r.count()?;
    let classes = r.count()?;
    if classes != entries {
        return Err(ModelError::Invalid("classifier and entries disagree"));
    }
    let idf = Idf {
        max: r.f32()?,
        levels: r.raw()?.to_vec(),
    };
    let mut quantized = || -> Result<Quantized, ModelError> {
        Ok(Quantized {
            scale: r.f32()?,
            values: r.raw()?.iter().map(|&b| b as i8).collect(),
        })
    };
    let embed = quantized()?;
    let output = quantized()?;
    let network = Network {
        features,
        idf,
        hidden,
        classes,
        embed,
        hidden_bias: r.f32s()?,
        output,
        output_bias: r.f32s()?,
    };
    let buckets = 1usize << bits;
    // Checked: on wasm32 a claimed size can overflow (wrapping round, in the release build,
    // to the length actually there), and the forward pass would then read past the tables.
    let sizes_ok = network.idf.levels.len() == buckets
        && buckets.checked_mul(hidden) == Some(network.embed.values.len())
        && network.hidden_bias.len() == hidden
        && hidden.checked_mul(classes) == Some(network.output.values.len())
        && network.output_bias.len() == classes;
    if !sizes_ok {
        return Err(ModelError::Invalid("table sizes do not match"));
    }
    Ok(network)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::fixture::{KB, compiled};
    use crate::kb::KnowledgeBase;

    #[test]
    fn a_model_survives_the_round_trip_through_bytes() {
        let model = &compiled().model;
        let bytes = model.to_bytes();
        assert_eq!(&bytes[..4], b"TNDA");
        assert_eq!(Model::from_bytes(&bytes).as_ref(), Ok(model));
    }

    #[test]
    fn compiling_the_same_knowledge_base_gives_the_same_bytes() {
        let again = compile(&KnowledgeBase::parse(KB).unwrap());
        assert_eq!(again.model.to_bytes(), compiled().model.to_bytes());
        assert_eq!(again.report, compiled().report);
    }

    #[test]
    fn damaged_truncated_or_foreign_files_are_refused() {
        let bytes = compiled().model.to_bytes();
        let mut flipped = bytes.clone();
        let middle = bytes.len() / 2;
        flipped[middle] ^= 0x40;
        assert_eq!(
            Model::from_bytes(&flipped),
            Err(ModelError::ChecksumMismatch)
        );
        assert_eq!(
            Model::from_bytes(&bytes[..bytes.len() - 1]),
            Err(ModelError::Truncated)
        );
        assert_eq!(Model::from_bytes(&bytes[..10]), Err(ModelError::Truncated));
        let mut foreign = bytes.clone();
        foreign[..4].copy_from_slice(b"PK\x03\x04");
        assert_eq!(Model::from_bytes(&foreign), Err(ModelError::BadMagic));
        let mut newer = bytes.clone();
        newer[4..6].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        assert_eq!(
            Model::from_bytes(&newer),
            Err(ModelError::UnsupportedVersion(FORMAT_VERSION + 1))
        );
    }

    /// Runs natively and in the browser, where `usize` is 32 bits and the claimed table
    /// sizes below (2^16 buckets × 2^16 hidden units) overflow: a release build would take
    /// them for an empty table.
    #[cfg_attr(not(target_arch = "wasm32"), test)]
    #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
    fn tables_too_big_to_count_or_a_temperature_that_is_no_number_are_refused() {
        let mut model = compiled().model.clone();
        let classes = model.entries.len();
        let network = &mut model.classifier.networks[0];
        network.features.bits = 16;
        network.hidden = 1 << 16;
        network.idf.levels = vec![1; 1 << 16];
        network.embed.values = Vec::new();
        network.hidden_bias = vec![0.0; 1 << 16];
        network.output.values = vec![0; (1 << 16) * classes];
        assert_eq!(
            Model::from_bytes(&model.to_bytes()),
            Err(ModelError::Invalid("table sizes do not match"))
        );
        for temperature in [0.0, -1.0, f32::NAN, f32::INFINITY] {
            let mut model = compiled().model.clone();
            model.classifier.temperature = temperature;
            assert_eq!(
                Model::from_bytes(&model.to_bytes()),
                Err(ModelError::Invalid("temperature")),
                "{temperature}"
            );
        }
    }

    #[test]
    fn the_model_carries_what_the_widget_shows() {
        let model = Model::from_bytes(&compiled().model.to_bytes()).unwrap();
        assert_eq!(model.site.name, "Test shop");
        assert_eq!(model.site.greeting, "Hi!");
        assert_eq!(
            model.site.safety.fraud,
            "Do not type card numbers; a person is coming."
        );
        let delivery = model.entry(model.entry_index("delivery-time").unwrap());
        assert_eq!(delivery.title, "Delivery times");
        assert!(
            delivery
                .answer
                .contains("[Tracking](https://shop.example/track)")
        );
        assert_eq!(delivery.follow_ups, [model.entry_index("returns").unwrap()]);
        assert!(
            model
                .entry(model.entry_index("chargeback").unwrap())
                .always_human
        );
    }
}
