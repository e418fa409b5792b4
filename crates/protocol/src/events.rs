//! What the widget tells the merchant about the assistant, without any shopper text and
//! without identifiers (`POST /v1/sites/{site}/events`): the server keeps daily counts per
//! site and entry for the quality dashboard.

use serde::{Deserialize, Serialize};

use crate::conversation::HandoffReason;

/// One thing the assistant did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssistantEvent {
    /// It answered from this entry.
    Answered { entry: String },
    /// It offered two or three entries to choose from.
    Clarified,
    /// It handed the shopper over (or the shopper asked).
    HandedOver { reason: HandoffReason },
    /// The shopper said whether an answer from this entry helped.
    Feedback { entry: String, helpful: bool },
}

/// A batch of events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBatch {
    pub events: Vec<AssistantEvent>,
}

/// The most events one batch may carry.
pub const MAX_EVENTS_PER_BATCH: usize = 50;
