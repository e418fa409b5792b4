//! Turning a message into a sparse feature vector by feature hashing.
//!
//! Three blocks of features are hashed into one space of `2^bits` buckets:
//! - words: every token and every pair of adjacent tokens;
//! - characters: 2- to 5-grams of each token padded with spaces, so misspellings and
//!   inflections ("refunded", "refnud") still share most features with the right phrasing;
//! - word pairs: every unordered pair of distinct tokens in the message, wherever they are,
//!   which lets the network see combinations ("card" with "arrive" vs "card" with "declined").
//!
//! [`Terms::of`] hashes a message once; each ensemble member then places the hashes in its own
//! buckets ([`Terms::buckets`]). [`vectorize`] weights each block with sublinear term frequency
//! and the inverse document frequency learnt from the knowledge base ([`Idf`]), normalises each
//! block and then the whole vector to unit length. Hashing keeps the model free of any
//! vocabulary: the browser never needs the merchant's phrasings to score a message.

use crate::text::tokens;

/// A sparse vector with strictly increasing indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseVec {
    pub idx: Vec<u32>,
    pub val: Vec<f32>,
}

impl SparseVec {
    pub fn norm_squared(&self) -> f32 {
        self.val.iter().map(|v| v * v).sum()
    }

    fn scale(&mut self, factor: f32) {
        self.val.iter_mut().for_each(|v| *v *= factor);
    }

    /// Builds a vector from unsorted `(index, value)` pairs, summing repeated indices.
    fn from_pairs(mut pairs: Vec<(u32, f32)>) -> SparseVec {
        pairs.sort_unstable_by_key(|&(i, _)| i);
        let mut out = SparseVec::default();
        for (i, v) in pairs {
            if out.idx.last() == Some(&i) {
                *out.val.last_mut().expect("values follow indices") += v;
            } else {
                out.idx.push(i);
                out.val.push(v);
            }
        }
        out
    }
}

/// The shape of the feature space; stored in the model so the browser hashes exactly as the
/// compiler did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// The space has `2^bits` buckets.
    pub bits: u8,
    /// Varies the hash functions, so ensemble members see different bucket collisions.
    pub seed: u32,
}

/// Character n-gram lengths (within a token padded with spaces).
const CHAR_MIN: usize = 2;
const CHAR_MAX: usize = 5;
const BLOCKS: usize = 3;
/// Hash seeds keep the blocks apart: the word "card" and the character gram "card" differ.
const WORD_SEED: u64 = 0x5744;
const CHAR_SEED: u64 = 0x4348;
const PAIR_SEED: u64 = 0x5041;
/// Pairs grow quadratically; long messages keep the pairs of their first distinct tokens.
const MAX_PAIR_TOKENS: usize = 24;

/// A message's features before they are placed in a feature space: one 64-bit hash per
/// occurrence, per block. Computed once per message and shared by every ensemble member,
/// which only differ in how they map hashes to buckets ([`Terms::buckets`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Terms {
    blocks: [Vec<u64>; BLOCKS],
}

impl Terms {
    pub fn of(text: &str) -> Terms {
        let toks = tokens(text);
        let mut words = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            words.push(Fnv::new(WORD_SEED).str(t).0);
            if let Some(next) = toks.get(i + 1) {
                words.push(Fnv::new(WORD_SEED).str(t).byte(b' ').str(next).0);
            }
        }
        let mut chars = Vec::new();
        for t in &toks {
            let padded: Vec<char> = std::iter::once(' ')
                .chain(t.chars())
                .chain(std::iter::once(' '))
                .collect();
            for start in 0..padded.len() {
                let mut h = Fnv::new(CHAR_SEED);
                for (len, &c) in padded[start..].iter().take(CHAR_MAX).enumerate() {
                    h = h.char(c);
                    if len + 1 >= CHAR_MIN {
                        chars.push(h.0);
                    }
                }
            }
        }
        let mut distinct: Vec<&String> = Vec::new();
        for t in &toks {
            if distinct.len() < MAX_PAIR_TOKENS && !distinct.contains(&t) {
                distinct.push(t);
            }
        }
        // Each pair hashed in alphabetical order, so "red shoes" and "shoes red" share it.
        // (Ordered pair by pair rather than by sorting the tokens: a sort of strings would be
        // a second sort in the widget's wasm, and the order of the hashes does not matter.)
        let mut pairs = Vec::new();
        for (i, &a) in distinct.iter().enumerate() {
            for &b in &distinct[i + 1..] {
                let (a, b) = if a < b { (a, b) } else { (b, a) };
                pairs.push(Fnv::new(PAIR_SEED).str(a).byte(b'|').str(b).0);
            }
        }
        Terms {
            blocks: [words, chars, pairs],
        }
    }

    /// The bucket of every occurrence in the feature space of `config`, per block.
    pub fn buckets(&self, config: FeatureConfig) -> [Vec<u32>; BLOCKS] {
        let mask = (1u64 << config.bits) - 1;
        self.blocks.each_ref().map(|block| {
            block
                .iter()
                .map(|&h| (mix(h ^ u64::from(config.seed)) & mask) as u32)
                .collect()
        })
    }
}

/// Inverse document frequency per bucket, learnt from the phrasings and stored in one byte
/// per bucket. Training uses the same byte-rounded weights, so the browser computes exactly
/// the vectors the network was trained on.
#[derive(Debug, Clone, PartialEq)]
pub struct Idf {
    /// The weight of the rarest possible bucket (one never seen in training).
    pub max: f32,
    /// Per bucket, the weight as a step between 1 and `max`: `1 + level / 255 * (max - 1)`.
    pub levels: Vec<u8>,
}

impl Idf {
    /// Smoothed IDF, `ln((1 + n) / (1 + df)) + 1`, as in common TF-IDF practice.
    pub fn fit(config: FeatureConfig, docs: &[&Terms]) -> Idf {
        let mut df = vec![0u32; 1 << config.bits];
        for terms in docs {
            let mut seen: Vec<u32> = terms.buckets(config).concat();
            seen.sort_unstable();
            seen.dedup();
            seen.into_iter().for_each(|b| df[b as usize] += 1);
        }
        let n = docs.len() as f32;
        let max = (1.0 + n).ln() + 1.0;
        let levels = df
            .iter()
            .map(|&count| {
                let w = ((1.0 + n) / (1.0 + count as f32)).ln() + 1.0;
                (((w - 1.0) / (max - 1.0)) * 255.0).round() as u8
            })
            .collect();
        Idf { max, levels }
    }

    pub fn get(&self, bucket: u32) -> f32 {
        1.0 + f32::from(self.levels[bucket as usize]) / 255.0 * (self.max - 1.0)
    }
}

/// Sublinear TF-IDF vectors, each block and then the whole unit length.
pub fn vectorize(config: FeatureConfig, idf: &Idf, terms: &Terms) -> SparseVec {
    let mut all = Vec::new();
    for block in terms.buckets(config) {
        let counts = SparseVec::from_pairs(block.into_iter().map(|b| (b, 1.0)).collect());
        let mut weighted = counts.clone();
        for (v, &b) in weighted.val.iter_mut().zip(&counts.idx) {
            *v = (1.0 + v.ln()) * idf.get(b);
        }
        let norm = weighted.norm_squared().sqrt();
        if norm > 0.0 {
            weighted.scale(1.0 / norm);
        }
        all.extend(weighted.idx.into_iter().zip(weighted.val));
    }
    let mut v = SparseVec::from_pairs(all);
    let norm = v.norm_squared().sqrt();
    if norm > 0.0 {
        v.scale(1.0 / norm);
    }
    v
}

/// FNV-1a, chosen because it is tiny and gives the same buckets on every platform.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new(seed: u64) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325 ^ seed)
    }

    fn byte(self, b: u8) -> Fnv {
        Fnv((self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
    }

    fn str(self, s: &str) -> Fnv {
        s.bytes().fold(self, Fnv::byte)
    }

    fn char(self, c: char) -> Fnv {
        let mut buf = [0; 4];
        self.str(c.encode_utf8(&mut buf))
    }
}

/// Spreads FNV's weak low bits over the whole word before masking (splitmix64 finaliser).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: FeatureConfig = FeatureConfig { bits: 16, seed: 0 };

    fn idf(texts: &[&str]) -> Idf {
        let terms: Vec<Terms> = texts.iter().map(|t| Terms::of(t)).collect();
        Idf::fit(CONFIG, &terms.iter().collect::<Vec<_>>())
    }

    fn vector(idf: &Idf, text: &str) -> SparseVec {
        vectorize(CONFIG, idf, &Terms::of(text))
    }

    fn cosine(idf: &Idf, a: &str, b: &str) -> f32 {
        let (a, b) = (vector(idf, a), vector(idf, b));
        a.idx
            .iter()
            .zip(&a.val)
            .filter_map(|(i, v)| b.idx.binary_search(i).ok().map(|j| v * b.val[j]))
            .sum()
    }

    #[test]
    fn word_pairs_do_not_depend_on_word_order() {
        let pairs = |text| {
            let mut p = Terms::of(text).blocks[2].clone();
            p.sort_unstable();
            p
        };
        assert_eq!(pairs("red running shoes"), pairs("shoes running red"));
        assert_eq!(pairs("red running shoes").len(), 3);
    }

    #[test]
    fn vectors_are_unit_length_and_case_insensitive() {
        let idf = idf(&["where is my parcel"]);
        let v = vector(&idf, "Where is my PARCEL?");
        assert!((v.norm_squared() - 1.0).abs() < 1e-5);
        assert!((cosine(&idf, "Where is my PARCEL?", "where is my parcel") - 1.0).abs() < 1e-5);
    }

    #[test]
    fn a_misspelling_stays_closer_than_another_topic() {
        let idf = idf(&["where is my refund", "how do I pay with invoice"]);
        let typo = cosine(&idf, "where is my refnud", "where is my refund");
        let other = cosine(&idf, "where is my refnud", "how do I pay with invoice");
        assert!(typo > 0.5 && other < 0.1, "typo {typo}, other {other}");
    }

    #[test]
    fn unseen_words_weigh_as_the_rarest() {
        let idf = idf(&["a b", "a c"]);
        let a = Terms::of("a").buckets(CONFIG)[0][0];
        let z = Terms::of("zebra").buckets(CONFIG)[0][0];
        assert!(idf.get(a) < idf.get(z));
        assert_eq!(idf.get(z), idf.max);
    }

    #[test]
    fn members_with_other_seeds_place_the_same_terms_in_other_buckets() {
        let terms = Terms::of("where is my parcel");
        let other = FeatureConfig { bits: 16, seed: 7 };
        assert_eq!(
            terms.buckets(CONFIG),
            Terms::of("Where is my parcel?").buckets(CONFIG)
        );
        assert_ne!(terms.buckets(CONFIG), terms.buckets(other));
    }
}
