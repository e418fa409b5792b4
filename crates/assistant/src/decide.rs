//! The decision: answer, ask which entry was meant, say it is unsure, or hand over.
//!
//! [`decide`] masks card numbers, then checks the handoff triggers in order of urgency
//! (sensitive topic, a request for a person, frustration) and only then asks the classifier,
//! whose probabilities the policy (module `policy`) turns into an answer, a
//! clarification or "unsure". Being unsure twice in a row hands over, with that question's
//! likely guesses beside the offer of a person. [`choose`] handles a
//! button press (a clarification candidate or a follow-up), [`feedback`] the shopper's "did
//! this help?", and [`suggest`] ranks entries for the agent console. Every function updates
//! the [`Conversation`] it is given and nothing else.

use serde::{Deserialize, Serialize};
/// Why a person takes over: the wire protocol's reasons, so the widget hands the assistant's
/// verdict to the queue as it is.
pub use tandem_protocol::HandoffReason;

use crate::conversation::{Conversation, Turn};
use crate::mask::mask_card_numbers;
use crate::model::Model;
use crate::policy::{Judgement, ranked};
use crate::text::tokens;
use crate::triggers::{SensitiveTopic, asked_for_human, frustrated, sensitive_topic};

/// What the assistant does with a message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Show the entry's answer.
    Answer { entry: usize, confidence: f32 },
    /// Ask which of these two or three entries the shopper meant (buttons).
    Clarify { candidates: Vec<Candidate> },
    /// Say the assistant is not sure: offer these best guesses (up to three) or a rephrase.
    Unsure { candidates: Vec<Candidate> },
    /// Hand the conversation to a person.
    Handoff {
        reason: HandoffReason,
        /// A short line to show now (sensitive topics only).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        safety_line: Option<String>,
        /// The built-in sensitive topic that was recognised.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<SensitiveTopic>,
        /// The always-human entry that was recognised.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry: Option<usize>,
        /// Unsure once too often: the best guesses likely enough to offer, shown beside the
        /// offer of a person so the shopper may still pick one.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        candidates: Vec<Candidate>,
    },
}

/// An entry (index into [`Model::entries`]) and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub entry: usize,
    pub confidence: f32,
}

/// Unsure this many times in a row and the assistant hands over.
pub const LOW_CONFIDENCE_LIMIT: u32 = 2;
/// This many unhelpful answers in a conversation and the assistant hands over.
pub const NEGATIVE_FEEDBACK_LIMIT: u32 = 2;
/// Alternatives offered after an unhelpful answer must be at least this likely. Lower than
/// `policy::MIN_GUESS`: they are the runners-up of an answer that took most of the
/// probability, so what is left for them is small even when they are the real second reading.
const MIN_ALTERNATIVE: f32 = 0.05;

/// Decides what to do with the shopper's `text` and records the turn in `conversation`.
pub fn decide(model: &Model, conversation: &mut Conversation, text: &str) -> Decision {
    let masked = mask_card_numbers(text).into_owned();
    let words = tokens(&masked);
    if words.is_empty() {
        return Decision::Unsure {
            candidates: Vec::new(),
        };
    }
    let earlier: Vec<Vec<String>> = conversation
        .turns
        .iter()
        .filter(|t| t.typed)
        .map(|t| tokens(&t.text))
        .collect();
    let mut alternatives = Vec::new();
    let decision = if let Some(topic) = sensitive_topic(&words) {
        let safety = &model.site.safety;
        let line = match topic {
            SensitiveTopic::SelfHarm => &safety.self_harm,
            SensitiveTopic::Fraud => &safety.fraud,
            SensitiveTopic::Legal => &safety.legal,
        };
        handoff(
            HandoffReason::Sensitive,
            Some(line.clone()),
            Some(topic),
            None,
        )
    } else if asked_for_human(&words, masked.contains('?')) {
        handoff(HandoffReason::Asked, None, None, None)
    } else if frustrated(&masked, &words, &earlier) {
        handoff(HandoffReason::Frustration, None, None, None)
    } else {
        let probabilities = model.classifier.probabilities(&masked);
        match model.policy.judge(&probabilities) {
            Judgement::Answer { entry, confidence } => {
                alternatives = candidates(&ranked(&probabilities, 3)[1..])
                    .into_iter()
                    .filter(|c| c.confidence >= MIN_ALTERNATIVE)
                    .collect();
                show(model, entry, confidence)
            }
            Judgement::Clarify { candidates: c } => Decision::Clarify {
                candidates: candidates(&c),
            },
            Judgement::Unsure { candidates: c } => {
                if conversation.low_confidence_streak + 1 >= LOW_CONFIDENCE_LIMIT {
                    Decision::Handoff {
                        reason: HandoffReason::LowConfidence,
                        safety_line: None,
                        topic: None,
                        entry: None,
                        candidates: candidates(&c),
                    }
                } else {
                    Decision::Unsure {
                        candidates: candidates(&c),
                    }
                }
            }
        }
    };
    conversation.low_confidence_streak = match decision {
        Decision::Unsure { .. } => conversation.low_confidence_streak + 1,
        _ => 0,
    };
    conversation.turns.push(Turn {
        text: masked,
        typed: true,
        decision: decision.clone(),
        alternatives,
        helpful: None,
    });
    decision
}

/// The shopper pressed the button of `entry` (a clarification candidate, a best guess or a
/// follow-up). `None` if the model has no such entry.
pub fn choose(model: &Model, conversation: &mut Conversation, entry: usize) -> Option<Decision> {
    let chosen = model.entries.get(entry)?;
    // The shopper's own choice: as certain as the assistant can be.
    let decision = show(model, entry, 1.0);
    conversation.low_confidence_streak = 0;
    conversation.turns.push(Turn {
        text: chosen.title.clone(),
        typed: false,
        decision: decision.clone(),
        alternatives: Vec::new(),
        helpful: None,
    });
    Some(decision)
}

/// Records "did this help?" for the latest unrated answer with `entry`. An unhelpful answer
/// brings back the runner-up entries it had (or a request to rephrase); the second one hands
/// over. `None` when there is nothing more to show.
pub fn feedback(conversation: &mut Conversation, entry: usize, helpful: bool) -> Option<Decision> {
    let turn = conversation.unrated_answer(entry)?;
    turn.helpful = Some(helpful);
    if helpful {
        return None;
    }
    let alternatives = turn.alternatives.clone();
    conversation.negative_feedback += 1;
    Some(
        if conversation.negative_feedback >= NEGATIVE_FEEDBACK_LIMIT {
            handoff(HandoffReason::NegativeFeedback, None, None, None)
        } else {
            Decision::Unsure {
                candidates: alternatives,
            }
        },
    )
}

/// The `k` most likely entries for `text`, for an agent answering by hand.
pub fn suggest(model: &Model, text: &str, k: usize) -> Vec<Candidate> {
    let masked = mask_card_numbers(text);
    candidates(&ranked(&model.classifier.probabilities(&masked), k))
}

/// Show `entry`, unless it is a topic only a person may handle.
fn show(model: &Model, entry: usize, confidence: f32) -> Decision {
    let e = model.entry(entry);
    if e.always_human {
        handoff(
            HandoffReason::Sensitive,
            Some(e.answer.clone()),
            None,
            Some(entry),
        )
    } else {
        Decision::Answer { entry, confidence }
    }
}

fn handoff(
    reason: HandoffReason,
    safety_line: Option<String>,
    topic: Option<SensitiveTopic>,
    entry: Option<usize>,
) -> Decision {
    Decision::Handoff {
        reason,
        safety_line,
        topic,
        entry,
        candidates: Vec::new(),
    }
}

fn candidates(ranked: &[(usize, f32)]) -> Vec<Candidate> {
    ranked
        .iter()
        .map(|&(entry, confidence)| Candidate { entry, confidence })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::compiled;

    fn model() -> &'static Model {
        &compiled().model
    }

    fn id(d: &Decision) -> Option<&str> {
        match d {
            Decision::Answer { entry, .. } => Some(model().entry(*entry).id.as_str()),
            _ => None,
        }
    }

    fn reason(d: &Decision) -> Option<HandoffReason> {
        match d {
            Decision::Handoff { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// A copy of the model that is never confident enough to answer or clarify.
    fn never_sure() -> Model {
        let mut m = model().clone();
        m.policy.answer_threshold = 2.0;
        m.policy.clarify_threshold = 2.0;
        m
    }

    #[test]
    fn answers_questions_asked_in_new_words() {
        let mut c = Conversation::new();
        let d = decide(
            model(),
            &mut c,
            "How long does it take for my parcel to arrive?",
        );
        assert_eq!(id(&d), Some("delivery-time"), "{d:?}");
        let d = decide(model(), &mut c, "Can I pay with PayPal?");
        assert_eq!(id(&d), Some("payment"), "{d:?}");
        assert_eq!(c.turns.len(), 2);
    }

    #[test]
    fn clarifies_when_two_entries_together_are_likely_enough() {
        let text = "return policy and payment options";
        let p = model().classifier.probabilities(text);
        let top = ranked(&p, 2);
        let mut m = model().clone();
        m.policy.answer_threshold = top[0].1 + top[1].1 / 2.0;
        m.policy.clarify_threshold = m.policy.answer_threshold;
        let d = decide(&m, &mut Conversation::new(), text);
        let Decision::Clarify { candidates } = d else {
            panic!("expected a clarification, got {d:?}")
        };
        let entries: Vec<usize> = candidates.iter().map(|c| c.entry).collect();
        assert_eq!(entries, [top[0].0, top[1].0]);
    }

    /// Some guesses, each likely enough to offer.
    fn likely_guesses(candidates: &[Candidate]) -> bool {
        !candidates.is_empty()
            && candidates
                .iter()
                .all(|c| c.confidence >= crate::policy::MIN_GUESS)
    }

    #[test]
    fn unsure_twice_in_a_row_hands_over_and_a_choice_resets_the_streak() {
        let m = never_sure();
        let mut c = Conversation::new();
        let d = decide(&m, &mut c, "what is the meaning of life");
        assert!(
            matches!(&d, Decision::Unsure { candidates } if likely_guesses(candidates)),
            "the likely enough guesses: {d:?}"
        );
        choose(&m, &mut c, 0);
        assert!(matches!(
            decide(&m, &mut c, "tell me about quantum physics"),
            Decision::Unsure { .. }
        ));
        let d = decide(&m, &mut c, "and the weather on mars");
        assert_eq!(reason(&d), Some(HandoffReason::LowConfidence));
        assert!(
            matches!(&d, Decision::Handoff { candidates, .. } if likely_guesses(candidates)),
            "the guesses come with the offer of a person: {d:?}"
        );
    }

    #[test]
    fn sensitive_topics_hand_over_with_the_merchants_safety_line() {
        let d = decide(model(), &mut Conversation::new(), "My card was stolen!");
        assert_eq!(
            d,
            Decision::Handoff {
                reason: HandoffReason::Sensitive,
                safety_line: Some("Do not type card numbers; a person is coming.".into()),
                topic: Some(SensitiveTopic::Fraud),
                entry: None,
                candidates: vec![],
            }
        );
        let d = decide(
            model(),
            &mut Conversation::new(),
            "I want to dispute this charge with my bank",
        );
        let chargeback = model().entry_index("chargeback");
        assert_eq!(
            d,
            Decision::Handoff {
                reason: HandoffReason::Sensitive,
                safety_line: Some("A colleague takes disputes personally.".into()),
                topic: None,
                entry: chargeback,
                candidates: vec![],
            }
        );
    }

    #[test]
    fn asking_for_a_person_and_frustration_hand_over() {
        let mut c = Conversation::new();
        let d = decide(model(), &mut c, "Kann ich mit einem Mitarbeiter sprechen?");
        assert_eq!(reason(&d), Some(HandoffReason::Asked));
        let d = decide(model(), &mut Conversation::new(), "you are useless");
        assert_eq!(reason(&d), Some(HandoffReason::Frustration));
        let mut c = Conversation::new();
        assert_eq!(
            id(&decide(model(), &mut c, "what is your return policy")),
            Some("returns")
        );
        let d = decide(model(), &mut c, "What is your return policy?");
        assert_eq!(
            reason(&d),
            Some(HandoffReason::Frustration),
            "the same question again"
        );
    }

    #[test]
    fn card_numbers_are_masked_in_the_conversation() {
        let mut c = Conversation::new();
        decide(
            model(),
            &mut c,
            "I paid with 4242 4242 4242 4242, which payment methods work?",
        );
        assert_eq!(
            c.turns[0].text,
            "I paid with •••• 4242, which payment methods work?"
        );
    }

    #[test]
    fn unhelpful_answers_offer_alternatives_then_hand_over() {
        let mut c = Conversation::new();
        let entry = |id| model().entry_index(id).unwrap();
        let (delivery, sizes, payment) = (entry("delivery-time"), entry("sizes"), entry("payment"));
        assert_eq!(
            feedback(&mut c, delivery, false),
            None,
            "nothing to rate yet"
        );
        decide(model(), &mut c, "how long does delivery take");
        assert_eq!(
            feedback(&mut c, sizes, false),
            None,
            "sizes was not answered"
        );
        assert_eq!(feedback(&mut c, delivery, true), None);
        assert_eq!(feedback(&mut c, delivery, false), None, "already rated");
        decide(model(), &mut c, "which size should I order");
        let d = feedback(&mut c, sizes, false).expect("an unhelpful answer gets a reply");
        assert!(matches!(d, Decision::Unsure { .. }), "{d:?}");
        decide(model(), &mut c, "can I pay by invoice");
        let d = feedback(&mut c, payment, false).expect("second unhelpful answer");
        assert_eq!(reason(&d), Some(HandoffReason::NegativeFeedback));
        assert_eq!(c.turns[0].helpful, Some(true));
    }

    #[test]
    fn an_older_answer_is_rated_as_itself() {
        // "No" under the first answer, given after a second one: the first is the one that
        // did not help, and its runners-up are offered, not the second answer's.
        let mut c = Conversation::new();
        let delivery = model().entry_index("delivery-time").unwrap();
        decide(model(), &mut c, "how long does delivery take");
        decide(model(), &mut c, "which size should I order");
        let Some(Decision::Unsure { candidates }) = feedback(&mut c, delivery, false) else {
            panic!("an unhelpful answer gets its alternatives");
        };
        assert_eq!(candidates, c.turns[0].alternatives);
        assert_eq!(c.turns[0].helpful, Some(false));
        assert_eq!(c.turns[1].helpful, None, "the later answer is not rated");
        // The same entry answered again: its "No" counts too, and two unhelpful answers
        // hand over.
        choose(model(), &mut c, delivery);
        let d = feedback(&mut c, delivery, false).expect("the second answer's rating");
        assert_eq!(reason(&d), Some(HandoffReason::NegativeFeedback));
    }

    #[test]
    fn choosing_an_entry_answers_it_unless_a_person_must() {
        let mut c = Conversation::new();
        let returns = model().entry_index("returns").unwrap();
        assert_eq!(
            choose(model(), &mut c, returns),
            Some(Decision::Answer {
                entry: returns,
                confidence: 1.0
            })
        );
        assert_eq!(c.turns[0].text, "Returns");
        let chargeback = model().entry_index("chargeback").unwrap();
        let d = choose(model(), &mut c, chargeback).unwrap();
        assert_eq!(reason(&d), Some(HandoffReason::Sensitive));
        assert_eq!(choose(model(), &mut c, 99), None);
    }

    #[test]
    fn suggestions_are_ranked_and_limited() {
        let s = suggest(model(), "do you accept visa cards", 3);
        assert_eq!(s.len(), 3);
        assert_eq!(model().entry(s[0].entry).id, "payment");
        assert!(s[0].confidence >= s[1].confidence && s[1].confidence >= s[2].confidence);
    }

    #[test]
    fn decisions_serialise_in_snake_case() {
        let d = Decision::Handoff {
            reason: HandoffReason::LowConfidence,
            safety_line: None,
            topic: None,
            entry: None,
            candidates: vec![],
        };
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"decision":"handoff","reason":"low_confidence"}"#);
        assert_eq!(serde_json::from_str::<Decision>(&json).unwrap(), d);
    }
}
