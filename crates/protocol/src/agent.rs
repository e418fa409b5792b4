//! The agent side: the HTTP API under `/v1/agent/...` and the frames of the agent's live
//! connection (`/v1/agent/live`), used by the agent console.
//!
//! Agents sign in with email and password and get an HttpOnly session cookie; the live
//! connection is authenticated by that cookie. One connection carries everything for the
//! agent: the queues of their sites, offers, and the messages of every conversation they have.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    Problem,
    conversation::{Author, ConversationState, HandoffReason, Identity, Message},
};

/// Whether an agent takes conversations now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    /// Takes offers, up to their capacity.
    Available,
    /// Signed in, keeps their conversations, gets no offers.
    Away,
    /// Takes nothing.
    Offline,
}

impl AgentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentStatus::Available => "available",
            AgentStatus::Away => "away",
            AgentStatus::Offline => "offline",
        }
    }

    pub fn parse(text: &str) -> Option<AgentStatus> {
        [
            AgentStatus::Available,
            AgentStatus::Away,
            AgentStatus::Offline,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// `POST /v1/agent/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login {
    pub email: String,
    pub password: String,
}

/// `PUT /v1/agent/password`: the agent changes their own password. Every other session of
/// the account ends; the one that asked stays signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePassword {
    pub current: String,
    pub new: String,
}

/// The signed-in agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentProfile {
    pub id: String,
    pub name: String,
    pub email: String,
    /// The sites whose conversations this agent may see.
    pub sites: Vec<String>,
    pub status: AgentStatus,
    /// How many conversations at once.
    pub capacity: u32,
    /// The sites this agent administers: adds and removes their agents, reads the check
    /// report of their knowledge base.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub admin_of: Vec<String>,
}

/// An agent of a site, as its admins see them (`GET /v1/agent/admin/agents?site=S`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteAgent {
    pub id: String,
    pub name: String,
    pub email: String,
    pub admin: bool,
    pub status: AgentStatus,
}

/// `POST /v1/agent/admin/agents`: adds an agent to a site, creating the account if the email
/// is new (then the password, at least 10 characters, is required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgent {
    pub site: String,
    pub email: String,
    pub name: String,
    pub password: String,
}

/// `GET /v1/agent/admin/kb-report?site=S`: the `kb check` report of the site's knowledge
/// base, as the command prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbReport {
    pub report: String,
    /// The knowledge base is being compiled again (an edit saved, or the file read again); the
    /// report is the current model's until the new one is ready.
    #[serde(default)]
    pub reloading: bool,
}

/// `GET /v1/agent/admin/kb-source?site=S`: the text of the site's knowledge base, for its
/// admins to edit in the console: the configured file's, or the newest version saved there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbSource {
    /// The knowledge base as TOML.
    pub text: String,
    /// How many versions the site's admins have saved (0: none yet); a save names the one it
    /// started from, so that it cannot overwrite a newer one unseen.
    pub version: i64,
    /// Who saved the text in use, and when; `None` while the configured file is in use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<KbSaved>,
    /// The site has a configured file to put (back) in use (`POST .../kb-reload`).
    #[serde(default)]
    pub file: bool,
    /// Why the text in use could not be read (its file, on the server); `text` is then empty,
    /// to write the knowledge base afresh.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// A page of the versions of a site's knowledge base saved in the console, newest first:
/// `GET /v1/agent/admin/kb-versions?site=S` for the newest, `&before=N` for those before
/// version N.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbVersionPage {
    pub versions: Vec<KbVersionInfo>,
    /// Older versions follow: ask for those before the last one listed.
    pub more: bool,
}

/// One version of a site's knowledge base saved in the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbVersionInfo {
    pub version: i64,
    pub saved: KbSaved,
    /// This version put the configured file back in use: it has no text of its own.
    #[serde(default)]
    pub file: bool,
}

/// A saved version's text (`GET /v1/agent/admin/kb-versions/N?site=S`), to open in the
/// editor and save again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbVersionText {
    pub version: i64,
    pub text: String,
}

/// Who saved a knowledge base in the console, and when (milliseconds since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbSaved {
    pub by: String,
    pub at: i64,
}

/// `PUT /v1/agent/admin/kb-source?site=S`: an edited knowledge base to check, keep and put
/// live. Refused with every error's line when it does not read (422), and when another
/// version was saved after `base_version` (409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbEdit {
    pub text: String,
    pub base_version: i64,
}

/// `POST /v1/agent/admin/kb-try?site=S`: a knowledge base text tried before it is saved:
/// compiled as a save would compile it, and the questions put to it in turn, as one shopper's
/// conversation. Refused with every error's line when it does not read (422).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbTry {
    pub text: String,
    /// At most [`MAX_TRIED_QUESTIONS`], each at most [`crate::MAX_MESSAGE_BYTES`].
    pub questions: Vec<String>,
}

/// The most questions one try puts to a knowledge base.
pub const MAX_TRIED_QUESTIONS: usize = 20;

/// What a tried knowledge base would do: its `kb check` report (lint and cross-validated
/// quality, as the site's admins see it once it is live) and its reply to each question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KbTried {
    pub report: String,
    pub replies: Vec<KbReply>,
}

/// What the assistant would do with one question; entries are named by their titles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum KbReply {
    /// The entry's answer, shown.
    Answer {
        entry: String,
        confidence: f32,
        answer: String,
    },
    /// "Which of these did you mean?"
    Clarify { entries: Vec<String> },
    /// Not sure: these best guesses offered (none: asked to rephrase).
    Unsure { entries: Vec<String> },
    /// Handed to a person; a sensitive topic's safety line shown.
    Handoff {
        reason: HandoffReason,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        safety_line: Option<String>,
    },
}

/// `PUT /v1/agent/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetStatus {
    pub status: AgentStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
}

/// A conversation waiting in a queue, as agents see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub id: String,
    pub site: String,
    /// 1-based place in the site's queue.
    pub position: u32,
    pub reason: HandoffReason,
    /// Higher goes first: 0 normal, 1 sensitive, 2 returned to the queue.
    pub priority: i64,
    /// When it joined the queue (Unix milliseconds).
    pub queued_at: i64,
    /// The shopper's last message, if any (card numbers masked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// An offer to take a conversation; it expires at `expires_at` (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub conversation: QueueEntry,
    pub expires_at: i64,
}

/// Everything about one conversation, for the agent who works it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationDetail {
    pub id: String,
    pub site: String,
    pub state: ConversationState,
    pub reason: HandoffReason,
    pub priority: i64,
    /// The page and checkout context the merchant set.
    pub context: Map<String, Value>,
    /// When the shop's page last changed the context after the handoff (ms since the
    /// epoch): it may differ from what the shopper saw when they asked for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_changed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// Whether the identity's signature matched the site's secret.
    pub identity_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The agent who has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// All messages: the assistant's part, the handoff marker, and the live conversation.
    pub messages: Vec<Message>,
    pub queued_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_comment: Option<String>,
    /// The agents' notes on it, oldest first (never the shopper's to see).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
}

/// A note agents leave on a conversation for each other and for later (what they checked,
/// what they promised, why they transferred it). Only agents of the site see notes: they
/// are kept apart from the messages, and nothing sends them to the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub id: String,
    /// Who wrote it.
    pub agent_name: String,
    pub text: String,
    /// When (ms since the epoch).
    pub at: i64,
}

/// `POST /v1/agent/conversations/{id}/notes`: a note on a conversation the agent has
/// (answered with the [`Note`] as stored, card numbers masked). A retry with the same
/// `client_id` is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewNote {
    pub client_id: String,
    pub text: String,
}

/// How many closed conversations `GET /v1/agent/history` answers at a time.
pub const HISTORY_PAGE: usize = 50;

/// A closed conversation, as the site's history lists it
/// (`GET /v1/agent/history?site=S[&before=MS&before_id=ID][&low=true][&shopper=ID][&q=TEXT]`,
/// newest first, [`HISTORY_PAGE`] at a time: `before` and `before_id`, the last one's
/// `closed_at` and `id`, ask for the next page; `q` keeps those that mention the text;
/// `low` keeps those the shopper rated 1 or 2; `shopper` those of one merchant-verified
/// identity id). The whole conversation is `GET /v1/agent/conversations/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedConversation {
    pub id: String,
    pub reason: HandoffReason,
    pub closed_at: i64,
    /// The agent who had it last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_comment: Option<String>,
    /// The shopper's first message: what they came with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
}

/// How a conversation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Solved,
    NotSolved,
    Spam,
    Duplicate,
    Other,
    /// The agent handed the shopper back to the assistant: nothing was left for a person.
    ReturnedToAssistant,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Solved => "solved",
            Resolution::NotSolved => "not_solved",
            Resolution::Spam => "spam",
            Resolution::Duplicate => "duplicate",
            Resolution::Other => "other",
            Resolution::ReturnedToAssistant => "returned_to_assistant",
        }
    }

    pub fn parse(text: &str) -> Option<Resolution> {
        [
            Resolution::Solved,
            Resolution::NotSolved,
            Resolution::Spam,
            Resolution::Duplicate,
            Resolution::Other,
            Resolution::ReturnedToAssistant,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }
}

/// `POST /v1/agent/conversations/{id}/close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseConversation {
    pub resolution: Resolution,
}

/// `POST /v1/agent/conversations/{id}/transfer`: to another agent, or back to the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    /// The agent to hand it to; none puts it back at the front of the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_agent: Option<String>,
}

/// A colleague, as a transfer target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: String,
    pub name: String,
    pub status: AgentStatus,
    /// Whether they are connected now.
    pub online: bool,
}

impl Colleague {
    /// Whether a conversation can be handed to them: connected and not offline (one who is
    /// away gets no offers, but may still be handed one on purpose).
    pub fn can_take(&self) -> bool {
        self.online && self.status != AgentStatus::Offline
    }
}

/// A message a shopper left while no one was available.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineMessage {
    pub id: String,
    pub site: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub message: String,
    pub transcript: Vec<crate::conversation::TranscriptEntry>,
    pub context: Map<String, Value>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handled_by: Option<String>,
}

/// An agent's offline inbox for one site (`GET /v1/agent/offline-messages?site=S`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineInbox {
    /// The oldest messages not handled yet, oldest first (at most
    /// [`OfflineInbox::PAGE`]), then those handled in the last week, newest first (as many
    /// at most).
    pub messages: Vec<OfflineMessage>,
    /// How many are not handled yet in all: more than shown when there are more than a page.
    pub unhandled: u64,
}

impl OfflineInbox {
    /// The most messages of each kind one answer carries: the inbox is asked for every
    /// minute by every agent, and a site that never marks its messages handled would
    /// otherwise send all it ever got.
    pub const PAGE: usize = 50;

    /// How many messages not handled yet are not in this answer.
    pub fn unhandled_not_shown(&self) -> u64 {
        let shown = self
            .messages
            .iter()
            .filter(|m| m.handled_at.is_none())
            .count();
        self.unhandled
            .saturating_sub(u64::try_from(shown).unwrap_or(u64::MAX))
    }
}

/// Agent → server, on the live connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentFrame {
    /// A message to the shopper of a conversation the agent has.
    Send {
        conversation: String,
        client_id: String,
        text: String,
    },
    /// The agent started or stopped typing in a conversation.
    Typing { conversation: String, typing: bool },
}

/// Server → agent, on the live connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentServerFrame {
    /// The connection is up: who the agent is, and the conversations they have.
    Welcome {
        profile: AgentProfile,
        conversations: Vec<ConversationDetail>,
    },
    /// A site's queue as it is now (sent whenever it changes).
    Queue {
        site: String,
        entries: Vec<QueueEntry>,
    },
    /// Take this conversation? Accept before `expires_at`.
    Offer { offer: Offer },
    /// The offer for this conversation is gone (expired, declined, or taken by someone else).
    OfferWithdrawn { conversation: String },
    /// The agent now has this conversation.
    Assigned { conversation: ConversationDetail },
    /// The agent no longer has this conversation (closed, transferred, returned, cancelled).
    Released {
        conversation: String,
        state: ConversationState,
    },
    /// A stored message in one of the agent's conversations.
    Message {
        conversation: String,
        message: Message,
    },
    /// The agent's message with this `client_id` is stored at `seq`.
    Ack {
        conversation: String,
        client_id: String,
        seq: u64,
    },
    /// The shopper started or stopped typing.
    Typing {
        conversation: String,
        author: Author,
        typing: bool,
    },
    /// The shop's page changed the context of one of the agent's conversations (the
    /// shopper went on to another page, or the cart changed), at `at` (ms since the epoch;
    /// the detail's `context_changed_at` from now on).
    Context {
        conversation: String,
        context: Map<String, Value>,
        at: i64,
    },
    /// The notes on one of the agent's conversations, all of them, after one was added.
    Notes {
        conversation: String,
        notes: Vec<Note>,
    },
    /// The agent's own status changed (possibly from another tab).
    Profile { profile: AgentProfile },
    /// A frame could not be accepted; the connection stays open. `client_id` names the
    /// message refused, when the frame was a `send`.
    Error {
        problem: Problem,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
    },
    /// The server is restarting: reconnect after this many milliseconds.
    Reconnect { after_ms: u64 },
}
