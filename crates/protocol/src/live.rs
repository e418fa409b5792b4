//! The shopper's live connection: the frames of the WebSocket at
//! `/v1/conversations/{id}/live`, JSON text frames named by their single key
//! (`{"send": {"client_id": "c1", "text": "Hi"}}`; a frame without fields is just its name,
//! `"cancel"`). That form keeps the browser's decoding code small.
//!
//! The shopper's first frame is [`ShopperFrame::Hello`] with the conversation's token (never
//! in the URL, so it stays out of logs) and the last sequence number the client holds; the
//! server answers with every message after that number and then [`ServerFrame::Welcome`]
//! (so a client that learns there the conversation ended already has its last words), then
//! pushes whatever happens. A frame the server cannot accept gets a
//! [`ServerFrame::Error`] and the connection goes on.

use serde::{Deserialize, Serialize};

use crate::{
    Problem,
    conversation::{Author, ConversationStatus, Message},
};

/// Shopper → server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShopperFrame {
    /// Authenticates the connection and asks for what was missed.
    Hello {
        token: String,
        /// The highest sequence number the client already has (0 for none).
        #[serde(default)]
        last_seq: u64,
    },
    /// A message; retried with the same `client_id` until acknowledged.
    Send { client_id: String, text: String },
    /// The shopper started or stopped typing.
    Typing { typing: bool },
    /// What the shop's page says now (`Tandem.setContext`, or the shop's next page), as the
    /// JSON text of an object: the agent sees where the shopper is while a person is
    /// involved, not only where they were at the handoff. Sent after each `hello` and on
    /// every change; the same context again changes nothing.
    Context { context: String },
    /// Leave the queue.
    Cancel,
}

/// Server → shopper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerFrame {
    /// The connection is authenticated; the conversation as it is now.
    Welcome { status: ConversationStatus },
    /// A stored message (the shopper's own ones too, in order).
    Message { message: Message },
    /// The message with this `client_id` is stored at `seq`.
    Ack { client_id: String, seq: u64 },
    /// The conversation changed: queue position, agent joined or left, closed...
    Status { status: ConversationStatus },
    /// Someone started or stopped typing.
    Typing { author: Author, typing: bool },
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
