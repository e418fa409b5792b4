//! Wire types shared by the widget, the agent console and the server.
//!
//! Every JSON body and WebSocket frame that crosses the network is declared here, once, so
//! the two ends of a connection cannot drift apart: the server serialises these types and the
//! WebAssembly clients deserialise the very same definitions.
//!
//! - [`site`]: the public description of a merchant's site that the widget loads first.
//! - [`conversation`]: the handoff packet, stored messages with their sequence numbers, and
//!   the shopper's HTTP calls (send, fetch since, cancel, rate, leave a message).
//! - [`live`]: the shopper's WebSocket frames.
//! - [`events`]: what the widget reports about the assistant (counts, no text).
//! - [`agent`]: the agents' HTTP API and WebSocket frames.
//! - [`dashboard`]: the quality dashboard's figures per site and day.
//! - [`problem`]: the error body of every failed call (RFC 9457 problem details).
//! - `fixture` (feature `fixture`): sample values for other crates' tests.

pub mod agent;
pub mod conversation;
pub mod dashboard;
pub mod events;
pub mod language;
pub mod live;
pub mod problem;
pub mod site;

#[cfg(feature = "fixture")]
pub mod fixture;

pub use conversation::{
    Author, ConversationCreated, ConversationState, ConversationStatus, CreateConversation,
    HandoffReason, Message, Notice, TranscriptEntry,
};
pub use problem::Problem;
pub use site::{Availability, Position, SiteInfo};

/// Version of the wire protocol; bumped on any incompatible change to these types.
pub const PROTOCOL_VERSION: u32 = 1;

/// The largest message a client may send, in bytes of UTF-8.
pub const MAX_MESSAGE_BYTES: usize = 4096;

/// The most messages a handoff transcript may carry.
pub const MAX_TRANSCRIPT_MESSAGES: usize = 200;

/// The longest `client_id`, in bytes.
pub const MAX_CLIENT_ID_BYTES: usize = 64;
