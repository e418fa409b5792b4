//! HTTP handlers, one module per part of the server's surface (see `app::router` for the map).
//!
//! - `embed`: the script-tag loader, `embed.js`.
//! - `widget`: the widget's page (`/w/{site}`) and its build's files (`/widget/...`).
//! - `console`: the agent console's page (`/console`) and its build's files.
//! - `demo`: the demo merchant's checkout page.
//! - `sites`: a site's public description and availability, and its compiled knowledge base.
//! - `events`: the widget's counts of what the assistant did.
//! - `conversations`: the shopper's side: handoff, messages, cancel, rating.
//! - `offline`: leaving a message when no one can answer.
//! - `agent`: the agents' API; `admin`: the site admins' part of it, `kb` their knowledge
//!   base; `history`: the site's closed conversations.
//! - `live`: the WebSocket upgrades for shoppers and agents.
//! - `health`: liveness, readiness and metrics.

pub mod admin;
pub mod agent;
pub mod console;
pub mod conversations;
pub mod demo;
pub mod embed;
pub mod events;
pub mod health;
pub mod history;
pub mod kb;
pub mod live;
pub mod offline;
pub mod sites;
pub mod widget;

use axum::http::StatusCode;
use tandem_protocol::conversation::Sent;

use crate::{error::AppJson, store::Appended};

/// The answer to a sent message, from a shopper or an agent: `201 Created` when it was stored
/// now, `200 OK` when a retry with the same client id found it stored; the same `seq` either way.
fn sent(appended: &Appended) -> (StatusCode, AppJson<Sent>) {
    (
        stored(appended.duplicate),
        AppJson(Sent {
            seq: appended.message.seq,
        }),
    )
}

/// What a write under a client id answers: 201 when stored now, 200 for a retry of one
/// stored before.
fn stored(duplicate: bool) -> StatusCode {
    if duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}
