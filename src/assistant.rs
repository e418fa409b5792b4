//! The assistant, running here in the shopper's browser on the site's compiled knowledge
//! base: what the shopper types is decided on locally and never leaves the device (until a
//! handoff). [`Brain`] turns the assistant crate's decisions into chat [`Reply`]s with the
//! merchant's texts, and into the counts the merchant learns from (no text, no identifiers).

use tandem_assistant::{Candidate, Conversation, Decision, Model, ModelError, decide};
use tandem_protocol::events::AssistantEvent;

use crate::chat::{Reply, Topic};

/// The model and the assistant's memory of this conversation.
pub struct Brain {
    model: Model,
    conversation: Conversation,
}

impl Brain {
    /// Loads a compiled model (as served at the site's `model_url`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Brain, ModelError> {
        Ok(Brain {
            model: Model::from_bytes(bytes)?,
            conversation: Conversation::new(),
        })
    }

    /// Forgets the conversation (a new chat), keeping the model.
    pub fn forget(&mut self) {
        self.conversation = Conversation::new();
    }

    fn topic(&self, index: usize) -> Topic {
        let entry = self.model.entry(index);
        Topic {
            index,
            id: entry.id.clone(),
            title: entry.title.clone(),
        }
    }

    fn topics(&self, candidates: &[Candidate]) -> Vec<Topic> {
        candidates.iter().map(|c| self.topic(c.entry)).collect()
    }

    /// The decision as a chat reply, and what it counts as.
    fn reply(&self, decision: Decision) -> (Reply, Option<AssistantEvent>) {
        match decision {
            Decision::Answer { entry, confidence } => {
                let topic = self.topic(entry);
                let event = AssistantEvent::Answered {
                    entry: topic.id.clone(),
                };
                let text = self.model.entry(entry).answer.clone();
                (
                    Reply::Answer {
                        topic,
                        text,
                        confidence,
                    },
                    Some(event),
                )
            }
            Decision::Clarify { candidates } => (
                Reply::Choices {
                    topics: self.topics(&candidates),
                    unsure: false,
                },
                Some(AssistantEvent::Clarified),
            ),
            Decision::Unsure { candidates } => (
                Reply::Choices {
                    topics: self.topics(&candidates),
                    unsure: true,
                },
                None,
            ),
            Decision::Handoff {
                reason: why,
                safety_line,
                candidates,
                ..
            } => (
                Reply::Handoff {
                    reason: why,
                    safety: safety_line,
                    guesses: self.topics(&candidates),
                },
                None,
            ),
        }
    }

    /// What the assistant makes of the shopper's message.
    pub fn ask(&mut self, text: &str) -> (Reply, Option<AssistantEvent>) {
        let decision = decide(&self.model, &mut self.conversation, text);
        self.reply(decision)
    }

    /// The shopper pressed the button of an entry. By its id: a button drawn before the
    /// merchant changed the knowledge base (kept across a reload) must not answer whatever
    /// entry now has its place; one whose entry is gone does nothing.
    pub fn choose(&mut self, id: &str) -> Option<(Reply, Option<AssistantEvent>)> {
        let index = self.model.entry_index(id)?;
        let decision = tandem_assistant::choose(&self.model, &mut self.conversation, index)?;
        Some(self.reply(decision))
    }

    /// "Did this help?" on an answer from `entry`: what to show next, if anything, and the
    /// feedback to count.
    pub fn feedback(&mut self, entry: &str, helpful: bool) -> (Option<Reply>, AssistantEvent) {
        let next = self
            .model
            .entry_index(entry)
            .and_then(|index| tandem_assistant::feedback(&mut self.conversation, index, helpful))
            .map(|d| self.reply(d).0);
        (
            next,
            AssistantEvent::Feedback {
                entry: entry.to_owned(),
                helpful,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tandem_protocol::HandoffReason;

    fn brain() -> Brain {
        Brain::from_bytes(&tandem_assistant::fixture::compiled().model.to_bytes()).unwrap()
    }

    #[test]
    fn answers_carry_the_merchants_text_and_count_as_answered() {
        let mut brain = brain();
        let (reply, event) = brain.ask("how long does delivery take");
        let Reply::Answer { topic, text, .. } = reply else {
            panic!("an answer, got {reply:?}")
        };
        assert_eq!(
            (topic.id.as_str(), text.as_str()),
            (
                "delivery-time",
                "2-4 working days. [Tracking](https://shop.example/track)"
            )
        );
        assert_eq!(
            event,
            Some(AssistantEvent::Answered {
                entry: "delivery-time".into()
            })
        );
        let (_, feedback) = brain.feedback("delivery-time", true);
        assert_eq!(
            feedback,
            AssistantEvent::Feedback {
                entry: "delivery-time".into(),
                helpful: true
            }
        );
    }

    #[test]
    fn did_this_help_rates_the_answer_it_is_under() {
        // "No" under both answers, the older one first: two unhelpful answers hand over (the
        // older "No" once rated the newer answer, and the second "No" found nothing to rate).
        let mut brain = brain();
        brain.ask("how long does delivery take");
        brain.ask("which size should I order");
        let (next, _) = brain.feedback("delivery-time", false);
        assert!(
            matches!(next, Some(Reply::Choices { unsure: true, .. })),
            "{next:?}"
        );
        let (next, _) = brain.feedback("sizes", false);
        assert!(
            matches!(
                next,
                Some(Reply::Handoff {
                    reason: HandoffReason::NegativeFeedback,
                    ..
                })
            ),
            "{next:?}"
        );
    }

    #[test]
    fn asking_for_a_person_hands_over() {
        let mut brain = brain();
        let (reply, _) = brain.ask("I want to talk to a real person");
        assert_eq!(
            reply,
            Reply::Handoff {
                reason: HandoffReason::Asked,
                safety: None,
                guesses: vec![],
            }
        );
    }

    #[test]
    fn a_chosen_topic_is_answered() {
        let mut brain = brain();
        let (reply, event) = brain.choose("delivery-time").unwrap();
        assert!(matches!(reply, Reply::Answer { ref topic, .. } if topic.id == "delivery-time"));
        assert!(event.is_some());
        assert!(
            brain.choose("gone-since").is_none(),
            "an entry no longer there"
        );
    }
}
