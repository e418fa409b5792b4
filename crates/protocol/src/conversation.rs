//! Conversations with a person: the handoff packet the widget sends, the server's answer, the
//! stored messages, and the shopper's other calls (cancel, rate, leave a message).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Author {
    Shopper,
    /// The in-browser assistant, quoting the merchant's knowledge base.
    Assistant,
    /// A person working the queue.
    Agent,
    /// Tandem itself: the handoff marker, "agent joined", and so on.
    System,
}

/// Why the conversation was handed to a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoffReason {
    /// The shopper asked (button or words).
    Asked,
    /// The assistant was unsure twice in a row.
    LowConfidence,
    /// The shopper was frustrated.
    Frustration,
    /// A topic that always goes to a person.
    Sensitive,
    /// The shopper said an answer did not help.
    NegativeFeedback,
}

impl HandoffReason {
    pub fn as_str(self) -> &'static str {
        match self {
            HandoffReason::Asked => "asked",
            HandoffReason::LowConfidence => "low_confidence",
            HandoffReason::Frustration => "frustration",
            HandoffReason::Sensitive => "sensitive",
            HandoffReason::NegativeFeedback => "negative_feedback",
        }
    }

    pub fn parse(text: &str) -> Option<HandoffReason> {
        [
            HandoffReason::Asked,
            HandoffReason::LowConfidence,
            HandoffReason::Frustration,
            HandoffReason::Sensitive,
            HandoffReason::NegativeFeedback,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// One line of the conversation before the handoff, as the widget recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptEntry {
    /// `shopper` or `assistant`.
    pub author: Author,
    pub text: String,
    /// The assistant's confidence in this answer, 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The knowledge-base entry the assistant answered from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// When it was written (Unix milliseconds, the shopper's clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
}

/// Who the shopper is, as the merchant's page says. `signature` is the lowercase hex
/// HMAC-SHA256 of `id` with the site's secret; the agent is told whether it verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

impl Identity {
    /// Without its signature, as it is stored and shown once checked: whoever read the
    /// signature could vouch for that shopper in a handoff of their own.
    pub fn unsigned(self) -> Identity {
        Identity {
            signature: None,
            ..self
        }
    }
}

/// The handoff packet: asks the server to put the shopper in the site's queue for a person,
/// with everything the person needs to pick up where the assistant left off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateConversation {
    /// The site the shopper is on.
    pub site: String,
    /// The conversation so far (at most [`crate::MAX_TRANSCRIPT_MESSAGES`]).
    #[serde(default)]
    pub transcript: Vec<TranscriptEntry>,
    #[serde(default = "asked")]
    pub reason: HandoffReason,
    /// The page and checkout context the merchant set (`Tandem.setContext`).
    #[serde(default)]
    pub context: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// The shopper's language (BCP 47), for routing and for the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A secret the widget makes up for this handoff (16 to 64 letters, digits, `-` or `_`)
    /// and sends again when it tries again, say after the page reloaded before the answer
    /// came: while the conversation it made is open, the same key gets that conversation
    /// back (with a new token) instead of a second one in the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

fn asked() -> HandoffReason {
    HandoffReason::Asked
}

impl CreateConversation {
    /// A packet with nothing but the site: the shopper pressed the button straight away.
    pub fn new(site: impl Into<String>) -> CreateConversation {
        CreateConversation {
            site: site.into(),
            transcript: Vec::new(),
            reason: HandoffReason::Asked,
            context: Map::new(),
            identity: None,
            language: None,
            key: None,
        }
    }
}

/// Where a conversation is in its life (see the lifecycle in `DESIGN.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationState {
    /// Waiting in the queue for an agent.
    Queued,
    /// An agent has it.
    WithAgent,
    /// Finished by the agent; the shopper may rate it.
    Closed,
    /// The shopper left the queue.
    Cancelled,
}

impl ConversationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationState::Queued => "queued",
            ConversationState::WithAgent => "with_agent",
            ConversationState::Closed => "closed",
            ConversationState::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<ConversationState> {
        [
            ConversationState::Queued,
            ConversationState::WithAgent,
            ConversationState::Closed,
            ConversationState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// The server's answer to [`CreateConversation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationCreated {
    /// The conversation's identifier.
    pub id: String,
    /// The shopper's secret for this conversation (WebSocket and HTTP calls). The server keeps
    /// only its hash: lose it and the conversation cannot be resumed.
    pub token: String,
    /// Its state right after creation.
    pub state: ConversationState,
    /// 1-based place in the site's queue while queued ("you are number 2 in line").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    /// Estimated seconds until an agent joins, while queued; none while no agent is available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_secs: Option<u32>,
    /// Whether an agent is available now; with none, the conversation waits until one is.
    pub availability: crate::site::Availability,
    /// The sequence number of the last message stored with the handoff (the transcript, then
    /// a marker for the agent; after a retry, the lines it added): the client already has
    /// these, so it resumes after it.
    pub transcript_seq: u64,
}

/// A conversation as the shopper sees it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationStatus {
    pub id: String,
    pub state: ConversationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_wait_secs: Option<u32>,
    /// The display name of the agent who has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// The shopper's rating, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// Closed by an agent who handed the shopper back to the assistant: the widget goes on
    /// with the assistant instead of asking for a rating.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub returned_to_assistant: bool,
    /// Queued while no agent of the site is available: the shopper may leave a message
    /// instead of waiting for someone who may not come.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_agents: bool,
}

/// A stored message. `seq` counts from 1 within the conversation, without gaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub seq: u64,
    pub author: Author,
    pub text: String,
    /// The sender's id for this message, to recognise it and its retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The agent's display name, on agents' messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    /// The assistant's confidence, on its answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The knowledge-base entry, on the assistant's answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// What Tandem's own lines say, so the widget can say it in the shopper's language
    /// (`text` has it in English, for agents and transcripts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Notice>,
    /// When the server stored it (Unix milliseconds).
    pub at: i64,
}

/// A line from Tandem itself about who has the conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// An agent took the conversation from the queue.
    Joined { name: String },
    /// Another agent took it over from the first.
    TookOver { name: String },
    /// The agent ended it.
    Closed { name: String },
    /// The agent handed the shopper back to the assistant.
    HandedBack { name: String },
    /// The agent put it back in the queue.
    BackInQueue,
    /// The agent's connection was lost; the conversation is at the front of the queue.
    Disconnected { name: String },
}

impl Notice {
    /// The line in English, as agents and transcripts read it.
    pub fn english(&self) -> String {
        match self {
            Notice::Joined { name } => format!("{name} joined the conversation."),
            Notice::TookOver { name } => format!("{name} took over the conversation."),
            Notice::Closed { name } => format!("{name} closed the conversation."),
            Notice::HandedBack { name } => {
                format!("{name} handed the conversation back to the assistant.")
            }
            Notice::BackInQueue => "Back in the queue: the next free person will join.".to_owned(),
            Notice::Disconnected { name } => {
                format!("{name} was disconnected. You are back at the front of the queue.")
            }
        }
    }
}

/// Sends a message (HTTP fallback; the WebSocket carries the same fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessage {
    /// Chosen by the sender, unique within the conversation; a retry reuses it.
    pub client_id: String,
    pub text: String,
}

/// The answer to [`SendMessage`]: the message's place, the same for every retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub seq: u64,
}

/// Messages after a sequence number (HTTP fallback), with the conversation's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MessagesSince {
    pub messages: Vec<Message>,
    pub status: ConversationStatus,
}

/// The shopper's rating of a closed conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// 1 (bad) to 5 (excellent).
    pub score: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A message left when no one can answer live.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeaveMessage {
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub message: String,
    #[serde(default)]
    pub transcript: Vec<TranscriptEntry>,
    #[serde(default)]
    pub context: Map<String, Value>,
}

/// The answer to [`LeaveMessage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageLeft {
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_travel_as_a_kind_and_a_name() {
        let joined = Notice::Joined {
            name: "Anna".into(),
        };
        let json = serde_json::to_string(&joined).unwrap();
        assert_eq!(json, r#"{"kind":"joined","name":"Anna"}"#);
        assert_eq!(serde_json::from_str::<Notice>(&json).unwrap(), joined);
        assert_eq!(
            serde_json::to_string(&Notice::BackInQueue).unwrap(),
            r#"{"kind":"back_in_queue"}"#
        );
        assert_eq!(joined.english(), "Anna joined the conversation.");
    }

    #[test]
    fn a_message_without_a_notice_reads_as_before() {
        let m: Message =
            serde_json::from_str(r#"{"seq":1,"author":"system","text":"Hi","at":5}"#).unwrap();
        assert_eq!(m.notice, None);
        assert!(!serde_json::to_string(&m).unwrap().contains("notice"));
    }
}
