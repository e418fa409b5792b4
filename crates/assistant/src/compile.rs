//! Compiling a knowledge base into a [`Model`], with the report of what to expect from it.
//!
//! [`compile`] sizes the ensemble to the knowledge base, cross-validates it on the phrasings
//! (module `calibrate`), fits the temperature, picks the answer and clarify thresholds that
//! meet the site's target precision, and finally trains the shipped classifier on every
//! phrasing (and on the titles and answers, which name each topic in the merchant's words). The
//! [`CompileReport`] keeps the cross-validated figures the merchant sees in `kb check`.

use std::collections::BTreeMap;

use crate::answer::{Segment, segments};
use crate::calibrate::{
    Examples, NEVER, Scored, clarify_threshold, cross_validate, fit_temperature,
    threshold_for_precision,
};
pub use crate::classifier::EnsembleConfig;
use crate::classifier::{Classifier, softmax};
use crate::features::Terms;
use crate::kb::KnowledgeBase;
use crate::model::{Model, ModelEntry};
use crate::policy::{Judgement, Policy};

/// Never answer directly below this probability, whatever cross-validation says: below one
/// half, another entry may be as likely as the best.
const MIN_ANSWER_THRESHOLD: f32 = 0.5;

/// A compiled knowledge base: the model to ship and what cross-validation expects of it.
pub struct Compiled {
    pub model: Model,
    pub report: CompileReport,
}

/// Cross-validated expectations for the compiled model.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileReport {
    pub entries: usize,
    pub phrasings: usize,
    pub ensemble: EnsembleConfig,
    /// Share of phrasings whose best entry is right.
    pub accuracy: f64,
    pub target_precision: f64,
    /// Precision and share of the direct answers at the chosen threshold.
    pub expected_precision: f64,
    pub expected_answered: f64,
    /// Share of messages answered with a choice of entries, and how often the right one is
    /// among them.
    pub expected_clarified: f64,
    pub clarify_hit_rate: f64,
    /// The answer threshold, and the combined probability of two or three entries at which the
    /// shopper is asked to choose (above 1: never).
    pub threshold: f32,
    pub clarify_threshold: f32,
    pub temperature: f32,
    /// Pairs of entries most often mistaken for each other, most frequent first.
    pub confusions: Vec<Confusion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub a: String,
    pub b: String,
    pub count: usize,
}

const MAX_CONFUSIONS: usize = 10;

/// The ensemble's size, grown with the data so the model stays small on the wire: under
/// 100 KB gzip for a shop's few hundred phrasings (paid for with some bucket collisions),
/// under 1 MB for BANKING77's ten thousand. Wider or more networks at the same size measured
/// no better (BENCHMARKS.md).
pub fn ensemble_for(phrasings: usize) -> EnsembleConfig {
    let bits = (usize::BITS - phrasings.leading_zeros() + 1).clamp(11, 13) as u8;
    let hidden = match phrasings {
        0..1000 => 16,
        1000..4000 => 32,
        _ => 48,
    };
    EnsembleConfig {
        members: 3,
        bits,
        hidden,
    }
}

/// Compiles `kb`: seconds for a shop's knowledge base, about half a minute for BANKING77 on
/// two cores. Deterministic: the same knowledge base gives the same model bytes.
pub fn compile(kb: &KnowledgeBase) -> Compiled {
    let mut phrasing_terms = Vec::new();
    let mut labels = Vec::new();
    for (i, e) in kb.entries.iter().enumerate() {
        for p in &e.phrasings {
            phrasing_terms.push(Terms::of(&p.text));
            labels.push(i);
        }
    }
    // The title and the answer name the topic in the merchant's words: extra training
    // examples, never held out, that help most when an entry has few phrasings.
    let (described, described_labels): (Vec<Terms>, Vec<usize>) = kb
        .entries
        .iter()
        .enumerate()
        .flat_map(|(i, e)| [(e.title.clone(), i), (answer_text(&e.answer), i)])
        .filter(|(t, _)| !t.trim().is_empty())
        .map(|(t, i)| (Terms::of(&t), i))
        .unzip();
    let phrasings = Examples {
        docs: phrasing_terms.iter().collect(),
        labels,
    };
    let extra = Examples {
        docs: described.iter().collect(),
        labels: described_labels,
    };
    let labels = &phrasings.labels;
    let classes = kb.entries.len();
    let config = ensemble_for(labels.len());

    let logits = cross_validate(config, &phrasings, &extra, classes);
    let temperature = fit_temperature(&logits, labels);
    let probabilities: Vec<Vec<f32>> = logits.iter().map(|l| softmax(l, temperature)).collect();
    let scored: Vec<Scored> = probabilities
        .iter()
        .zip(labels)
        .map(|(p, &y)| {
            let (best, confidence) = crate::policy::ranked(p, 1)[0];
            (confidence, best == y)
        })
        .collect();
    let target = kb.site.target_precision;
    let threshold = threshold_for_precision(&scored, target)
        .map_or(NEVER, |(t, _, _)| t)
        .max(MIN_ANSWER_THRESHOLD);
    let policy = Policy {
        answer_threshold: threshold,
        clarify_threshold: clarify_threshold(&probabilities, labels, threshold, target),
    };

    let all_docs: Vec<&Terms> = phrasings.docs.iter().chain(&extra.docs).copied().collect();
    let all_labels: Vec<usize> = labels.iter().chain(&extra.labels).copied().collect();
    let mut classifier = Classifier::train(config, &all_docs, &all_labels, classes);
    classifier.temperature = temperature;
    let model = Model {
        site: kb.site.clone(),
        entries: kb
            .entries
            .iter()
            .map(|e| ModelEntry {
                id: e.id.clone(),
                title: e.title.clone(),
                answer: e.answer.clone(),
                follow_ups: e
                    .follow_ups
                    .iter()
                    .filter_map(|f| kb.entries.iter().position(|x| &x.id == f))
                    .collect(),
                always_human: e.always_human,
            })
            .collect(),
        classifier,
        policy,
    };
    let report = report(kb, config, &policy, &probabilities, labels, temperature);
    Compiled { model, report }
}

fn report(
    kb: &KnowledgeBase,
    ensemble: EnsembleConfig,
    policy: &Policy,
    probabilities: &[Vec<f32>],
    labels: &[usize],
    temperature: f32,
) -> CompileReport {
    let n = labels.len().max(1) as f64;
    let (mut right, mut answered, mut answered_right, mut clarified, mut clarified_hit) =
        (0, 0, 0, 0, 0);
    let mut pairs: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (p, &y) in probabilities.iter().zip(labels) {
        let best = crate::policy::ranked(p, 1)[0].0;
        if best == y {
            right += 1;
        } else {
            *pairs.entry((best.min(y), best.max(y))).or_default() += 1;
        }
        match policy.judge(p) {
            Judgement::Answer { entry, .. } => {
                answered += 1;
                answered_right += usize::from(entry == y);
            }
            Judgement::Clarify { candidates } => {
                clarified += 1;
                clarified_hit += usize::from(candidates.iter().any(|c| c.0 == y));
            }
            Judgement::Unsure { .. } => {}
        }
    }
    let mut confusions: Vec<Confusion> = pairs
        .into_iter()
        .map(|((a, b), count)| Confusion {
            a: kb.entries[a].id.clone(),
            b: kb.entries[b].id.clone(),
            count,
        })
        .collect();
    // Stable sort keeps equal counts in entry order.
    confusions.sort_by_key(|c| std::cmp::Reverse(c.count));
    confusions.truncate(MAX_CONFUSIONS);
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    CompileReport {
        entries: kb.entries.len(),
        phrasings: labels.len(),
        ensemble,
        accuracy: right as f64 / n,
        target_precision: kb.site.target_precision,
        expected_precision: ratio(answered_right, answered),
        expected_answered: answered as f64 / n,
        expected_clarified: clarified as f64 / n,
        clarify_hit_rate: ratio(clarified_hit, clarified),
        threshold: policy.answer_threshold,
        clarify_threshold: policy.clarify_threshold,
        temperature,
        confusions,
    }
}

/// The words of an answer, links reduced to their text.
fn answer_text(answer: &str) -> String {
    segments(answer)
        .into_iter()
        .map(|s| match s {
            Segment::Text { text } | Segment::Link { text, .. } => text,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::compiled;

    #[test]
    fn the_threshold_meets_the_target_on_cross_validation() {
        let r = &compiled().report;
        assert_eq!((r.entries, r.phrasings), (6, 48));
        assert!(r.threshold >= MIN_ANSWER_THRESHOLD);
        if r.expected_answered > 0.0 {
            assert!(r.expected_precision >= r.target_precision, "{r:?}");
        }
        assert!(r.expected_answered + r.expected_clarified <= 1.0);
    }

    #[test]
    fn the_ensemble_grows_with_the_knowledge_base() {
        let small = ensemble_for(400);
        let large = ensemble_for(10_000);
        assert!(small.bits < large.bits && small.hidden < large.hidden);
        assert_eq!(
            ensemble_for(1_000_000),
            large,
            "capped so the model stays under 1 MB gzip"
        );
    }

    #[test]
    fn answers_train_as_plain_text() {
        assert_eq!(
            answer_text("See [our page](https://a.example/x) now"),
            "See our page now"
        );
    }
}
