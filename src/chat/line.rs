//! A line in the conversation as the shopper sees it: who said it, and what goes with it
//! (the delivery state of the shopper's messages, the answer's feedback, the choices offered).

use tandem_protocol::Notice;

use crate::api::ApiError;

/// Where a message the shopper typed is on its way to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// Said to the assistant only: it never leaves the browser (until a handoff).
    Local,
    /// In the outbox: sent (or to be sent) and not yet acknowledged.
    Sending,
    /// Stored by the server, at this sequence number.
    Sent { seq: u64 },
    /// Refused by the server, with its reason; the shopper can retry.
    Failed { reason: ApiError },
}

/// An entry of the knowledge base, as a line shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    /// The entry's index in the model, for choosing it.
    pub index: usize,
    pub id: String,
    pub title: String,
}

/// What a line is.
#[derive(Debug, Clone, PartialEq)]
pub enum LineKind {
    /// The shopper's own words.
    Shopper {
        text: String,
        client_id: Option<String>,
        delivery: Delivery,
    },
    /// The assistant's first words.
    Greeting { text: String },
    /// An answer from the knowledge base: the merchant's text.
    Answer {
        topic: Topic,
        text: String,
        confidence: f32,
        /// "Did this help?": none until the shopper says.
        helpful: Option<bool>,
    },
    /// "Which of these did you mean?", or, when `unsure`, "I'm not sure I understood".
    Choices {
        topics: Vec<Topic>,
        unsure: bool,
        chosen: Option<usize>,
    },
    /// A short line shown at once for a sensitive topic.
    Safety { text: String },
    /// A person from the merchant's team.
    Agent {
        name: Option<String>,
        text: String,
        seq: u64,
    },
    /// Tandem itself, in the server's words: a line that came without a notice (the handoff
    /// marker, rows stored before notices).
    Notice { text: String },
    /// Tandem itself, on something that did not go through (a handoff, a conversation that
    /// could not be resumed): told in the shopper's language when drawn.
    Failure { error: ApiError },
    /// Tandem itself, on who has the conversation (someone joined, it ended...): drawn in the
    /// shopper's language.
    Announcement { notice: Notice },
}

/// One line, with an id stable for the life of the chat.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: u32,
    pub kind: LineKind,
}
