//! Sample values of the wire types for other crates' tests (feature `fixture`), so the
//! console's unit tests and its browser tests describe the same agent, queue and messages.

use serde_json::Map;

use crate::agent::{AgentProfile, AgentStatus, ConversationDetail, QueueEntry};
use crate::conversation::{Author, ConversationState, HandoffReason, Message, Notice};

/// Ada, available for two chats on site `acme`, admin of none.
pub fn agent() -> AgentProfile {
    AgentProfile {
        id: "a1".into(),
        name: "Ada".into(),
        email: "ada@acme.example".into(),
        sites: vec!["acme".into()],
        status: AgentStatus::Available,
        capacity: 2,
        admin_of: vec![],
    }
}

/// A shopper waiting on `acme` at `position`, whose last message is "question of ID".
pub fn waiting(id: &str, position: u32, reason: HandoffReason) -> QueueEntry {
    QueueEntry {
        id: id.into(),
        site: "acme".into(),
        position,
        reason,
        priority: 0,
        queued_at: 0,
        preview: Some(format!("question of {id}")),
        language: None,
    }
}

/// A stored message (the assistant's carry their `confidence`).
pub fn message(seq: u64, author: Author, text: &str, confidence: Option<f32>) -> Message {
    Message {
        seq,
        author,
        text: text.into(),
        client_id: None,
        agent_name: None,
        confidence,
        entry: None,
        notice: None,
        at: 0,
    }
}

/// Tandem's own line with this notice, as the server stores it.
pub fn announcement(seq: u64, notice: Notice) -> Message {
    Message {
        text: notice.english(),
        notice: Some(notice),
        ..message(seq, Author::System, "", None)
    }
}

/// One notice of every kind, about `name`.
pub fn notices(name: &str) -> Vec<Notice> {
    let name = || name.to_owned();
    vec![
        Notice::Joined { name: name() },
        Notice::TookOver { name: name() },
        Notice::Closed { name: name() },
        Notice::HandedBack { name: name() },
        Notice::BackInQueue,
        Notice::Disconnected { name: name() },
    ]
}

/// Ada's conversation `id` on `acme`, where the shopper said "Hello".
pub fn conversation(id: &str) -> ConversationDetail {
    ConversationDetail {
        id: id.into(),
        site: "acme".into(),
        state: ConversationState::WithAgent,
        reason: HandoffReason::LowConfidence,
        priority: 0,
        context: Map::new(),
        context_changed_at: None,
        identity: None,
        identity_verified: false,
        language: None,
        agent_id: Some("a1".into()),
        messages: vec![message(1, Author::Shopper, "Hello", None)],
        queued_at: 1_000,
        assigned_at: Some(2_000),
        closed_at: None,
        resolution: None,
        rating: None,
        rating_comment: None,
        notes: Vec::new(),
    }
}
