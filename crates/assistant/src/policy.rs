//! The answer / clarify / unsure rule applied to the classifier's probabilities.
//!
//! [`Policy::judge`] is the one place the thresholds are used: by [`crate::decide()`] for real
//! messages and by [`crate::calibrate`] and [`crate::check`] to predict, from cross-validation,
//! what shoppers will see. Answer when the best entry alone reaches the answer threshold;
//! clarify when the best two or three together reach the clarify threshold (the shopper picks
//! with a button); otherwise the assistant is unsure, and offers as best guesses only the
//! entries that reach [`MIN_GUESS`].

/// Thresholds picked by calibration for the knowledge base's target precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// The lowest probability at which the best entry is answered directly.
    pub answer_threshold: f32,
    /// The lowest combined probability of two or three entries at which the shopper is asked
    /// to choose between them.
    pub clarify_threshold: f32,
}

/// What the probabilities alone call for, before any handoff trigger.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgement {
    Answer {
        entry: usize,
        confidence: f32,
    },
    /// Two or three entries that together reach the threshold, most likely first.
    Clarify {
        candidates: Vec<(usize, f32)>,
    },
    /// The best guesses (up to three), none of them likely enough.
    Unsure {
        candidates: Vec<(usize, f32)>,
    },
}

/// Most candidates a shopper is asked to choose from.
pub const MAX_CANDIDATES: usize = 3;

/// The least probability at which an entry is offered as a best guess. Below it a guess is
/// noise: on CLINC150's validation set no unsure query's best guess under 0.067 was right (32
/// queries, 30 of them about nothing the knowledge base covers), and one in five up to 0.15; a
/// question in another language or gibberish gets about 0.05 from the demo shop's model. The
/// shopper is then asked to rephrase, with the person one click away, instead of being shown
/// topics that have nothing to do with the question.
pub const MIN_GUESS: f32 = 0.1;

impl Policy {
    pub fn judge(&self, probabilities: &[f32]) -> Judgement {
        let top = ranked(probabilities, MAX_CANDIDATES);
        let Some(&(best, confidence)) = top.first() else {
            return Judgement::Unsure { candidates: top };
        };
        if confidence >= self.answer_threshold {
            return Judgement::Answer {
                entry: best,
                confidence,
            };
        }
        let mut mass = confidence;
        for k in 2..=top.len() {
            mass += top[k - 1].1;
            if mass >= self.clarify_threshold {
                return Judgement::Clarify {
                    candidates: top[..k].to_vec(),
                };
            }
        }
        Judgement::Unsure {
            candidates: top.into_iter().filter(|&(_, p)| p >= MIN_GUESS).collect(),
        }
    }
}

/// The `k` most probable classes with their probabilities, most probable first; ties go to
/// the lower index. A single pass keeping the best `k` (k is small), not a sort: a sort's
/// code would weigh more in the widget than this whole module.
pub fn ranked(probabilities: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut top: Vec<(usize, f32)> = Vec::with_capacity(k + 1);
    for (i, &p) in probabilities.iter().enumerate() {
        let at = top
            .iter()
            .position(|&(_, q)| p.total_cmp(&q).is_gt())
            .unwrap_or(top.len());
        if at < k {
            top.insert(at, (i, p));
            top.truncate(k);
        }
    }
    top
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        answer_threshold: 0.8,
        clarify_threshold: 0.8,
    };

    #[test]
    fn ranked_keeps_the_k_most_probable_with_ties_to_the_lower_index() {
        assert_eq!(
            ranked(&[0.2, 0.5, 0.2, 0.1], 3),
            [(1, 0.5), (0, 0.2), (2, 0.2)]
        );
        assert_eq!(ranked(&[0.1, 0.9], 5), [(1, 0.9), (0, 0.1)]);
        assert_eq!(ranked(&[0.3], 0), []);
    }

    #[test]
    fn answers_when_one_entry_is_likely_enough() {
        assert_eq!(
            POLICY.judge(&[0.05, 0.85, 0.1]),
            Judgement::Answer {
                entry: 1,
                confidence: 0.85
            }
        );
    }

    #[test]
    fn clarifies_between_the_fewest_entries_that_together_are_likely_enough() {
        assert_eq!(
            POLICY.judge(&[0.45, 0.4, 0.1, 0.05]),
            Judgement::Clarify {
                candidates: vec![(0, 0.45), (1, 0.4)]
            }
        );
        let Judgement::Clarify { candidates } = POLICY.judge(&[0.3, 0.3, 0.25, 0.15]) else {
            panic!("three together reach 0.8")
        };
        assert_eq!(
            candidates.iter().map(|c| c.0).collect::<Vec<_>>(),
            [0, 1, 2]
        );
    }

    #[test]
    fn a_stricter_clarify_threshold_leaves_the_assistant_unsure() {
        let strict = Policy {
            clarify_threshold: 0.9,
            ..POLICY
        };
        let probabilities = [0.45, 0.4, 0.03, 0.03, 0.03, 0.03, 0.03];
        assert!(matches!(
            POLICY.judge(&probabilities),
            Judgement::Clarify { .. }
        ));
        assert!(matches!(
            strict.judge(&probabilities),
            Judgement::Unsure { .. }
        ));
        assert!(matches!(
            strict.judge(&[0.5, 0.4, 0.1]),
            Judgement::Clarify { .. }
        ));
    }

    #[test]
    fn offers_as_guesses_only_entries_likely_enough_to_be_meant() {
        let mut spread = vec![0.01; 60];
        spread[..4].copy_from_slice(&[0.25, 0.12, 0.05, 0.04]);
        assert_eq!(
            POLICY.judge(&spread),
            Judgement::Unsure {
                candidates: vec![(0, 0.25), (1, 0.12)]
            }
        );
        // A question about nothing the knowledge base covers spreads its probability thin.
        assert_eq!(
            POLICY.judge(&[0.05; 20]),
            Judgement::Unsure { candidates: vec![] }
        );
    }

    #[test]
    fn is_unsure_when_even_three_are_not_enough() {
        let j = POLICY.judge(&[0.2, 0.2, 0.2, 0.2, 0.2]);
        assert_eq!(
            j,
            Judgement::Unsure {
                candidates: vec![(0, 0.2), (1, 0.2), (2, 0.2)]
            }
        );
    }
}
