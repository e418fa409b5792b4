//! The state of one conversation with the assistant: plain data the widget keeps and may
//! serialise, and that [`crate::decide()`] reads and updates.

use serde::{Deserialize, Serialize};

use crate::decide::{Candidate, Decision};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    /// Every shopper message (card numbers already masked) and what the assistant did.
    pub turns: Vec<Turn>,
    /// How many messages in a row the assistant was unsure about.
    pub low_confidence_streak: u32,
    /// How many answers the shopper said did not help.
    pub negative_feedback: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// What the shopper sent, masked; for a button press, the title of the entry chosen.
    pub text: String,
    /// Typed by the shopper (rather than a button press); only these count as repeats.
    pub typed: bool,
    pub decision: Decision,
    /// The next most likely entries when the decision was an answer, offered again if the
    /// shopper says the answer did not help.
    pub alternatives: Vec<Candidate>,
    /// The shopper's "did this help?" on an answer.
    pub helpful: Option<bool>,
}

impl Conversation {
    pub fn new() -> Conversation {
        Conversation::default()
    }

    /// The most recent turn that answered with `entry` and that the shopper has not rated
    /// yet. By entry, not just the latest: "Did this help?" stays on older answers too (and
    /// an entry answered twice has two).
    pub fn unrated_answer(&mut self, entry: usize) -> Option<&mut Turn> {
        self.turns.iter_mut().rev().find(|t| {
            t.helpful.is_none()
                && matches!(t.decision, Decision::Answer { entry: e, .. } if e == entry)
        })
    }
}
