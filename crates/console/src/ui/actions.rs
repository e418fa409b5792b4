//! What the components can ask for; the root ([`super::App`]) carries it out against the
//! server, and tests record it.

use leptos::prelude::*;
use tandem_protocol::agent::{Resolution, SetStatus};

use crate::api::Take;

#[derive(Clone, Copy)]
pub struct Actions {
    /// Accept or decline an offer, or take a conversation from the queue.
    pub take: Callback<(String, Take)>,
    /// Send `(conversation, text)` to the shopper.
    pub send: Callback<(String, String)>,
    /// Send again the failed message with this client id.
    pub retry: Callback<String>,
    pub close: Callback<(String, Resolution)>,
    /// Hand `(conversation, to)` to a colleague, or with `None` back to the front of the queue.
    pub transfer: Callback<(String, Option<String>)>,
    /// Add the note the agent wrote on this conversation (the desk holds its text).
    pub note: Callback<String>,
    /// The agent is typing in this conversation.
    pub typing: Callback<String>,
    /// The offline message with this id was answered.
    pub handled: Callback<String>,
    pub set_status: Callback<SetStatus>,
    pub sign_out: Callback<()>,
    /// Read this closed conversation whole (on the history page).
    pub read_past: Callback<String>,
}
