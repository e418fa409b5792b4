//! The live connections: one WebSocket per shopper conversation (`shopper`) and one per agent
//! (`agent`). Both follow the same pattern: authenticate, register with the hub, send what
//! the client missed, then relay frames from the client and deliveries from the hub until
//! either side leaves or the server shuts down (which tells clients when to reconnect).
//!
//! `session` runs that relaying for both; `shopper` and `agent` say what is theirs.
//!
//! Messages reach a client in sequence order without gaps: each connection remembers the
//! last sequence number it sent per conversation and reads any gap back from the database.

pub mod agent;
pub mod session;
pub mod shopper;

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use serde::Serialize;

use crate::config::Config;

/// The largest frame a client may send: a maximal context (`context::MAX_CONTEXT_BYTES`) as
/// a JSON string, where escaping can double it, plus its envelope.
pub const MAX_FRAME_BYTES: usize = 40 * 1024;

/// How often a connection is pinged at most, so proxies keep it open.
pub const KEEPALIVE: Duration = Duration::from_secs(25);

/// How long a client has to say who it is.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes: the server restarts (reconnect later), the client broke the rules or its
/// agent session ended, the client could not keep up or must follow changed sites
/// (reconnect now).
pub const CLOSE_RESTART: u16 = 1012;
pub const CLOSE_POLICY: u16 = 1008;
pub const CLOSE_TRY_AGAIN: u16 = 1013;

/// Sends a frame as JSON text; `false` if the socket is gone.
pub async fn send_json(socket: &mut WebSocket, frame: &impl Serialize) -> bool {
    let text = serde_json::to_string(frame).expect("frames serialise");
    socket.send(WsMessage::Text(text.into())).await.is_ok()
}

/// How long a closing connection waits for the client's side of the closing handshake.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Closes the socket with a code and reason, and waits (briefly) for the client to answer,
/// so the close frame is read before the TCP connection goes: dropping it with unread data
/// would reset it and lose the frame.
pub async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = WsMessage::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    if socket.send(frame).await.is_err() {
        return;
    }
    let _ = tokio::time::timeout(CLOSE_WAIT, async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, WsMessage::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// How often a connection is pinged: a quarter of the agents' grace period (at least a
/// second, at most [`KEEPALIVE`]), so a connection gone quiet is closed (after
/// [`UNANSWERED_PINGS`]) soon after an agent on it would count as vanished.
pub fn keepalive_period(config: &Config) -> Duration {
    (Duration::from_secs(config.agent_grace_secs) / 4).clamp(Duration::from_secs(1), KEEPALIVE)
}

/// The keepalive timer: its first tick comes after one period, not at once, and ticks
/// missed while the connection was busy are not made up in a burst.
pub fn keepalive(config: &Config) -> tokio::time::Interval {
    let period = keepalive_period(config);
    let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    timer
}

/// A client that sent nothing, not even the answer to one of this many pings in a row, is
/// gone (a sleeping laptop, a dead network), though its connection was never closed: its
/// socket would take minutes to fail, and an agent on it would keep their conversations
/// meanwhile. Counted in pings, not time, so a server too busy to read for a while does
/// not take a healthy client for a gone one.
pub const UNANSWERED_PINGS: u32 = 2;

/// A short random delay before clients reconnect after a restart, so they do not all come
/// back in the same millisecond.
pub fn reconnect_after_ms() -> u64 {
    let mut byte = [0u8; 2];
    getrandom::fill(&mut byte).expect("the operating system provides randomness");
    1000 + u64::from(u16::from_le_bytes(byte)) % 2000
}
