//! The WebSocket upgrades: `/v1/conversations/{id}/live` for shoppers and `/v1/agent/live`
//! for agents. Origins are checked before the upgrade (a WebSocket is not protected by CORS,
//! so without this any page could open one); the sessions themselves live in `crate::live`.

use axum::{
    extract::{Path, State, WebSocketUpgrade},
    response::Response,
};

use crate::{
    app::AppState,
    auth::AgentSession,
    error::AppError,
    http::conversations::check_origin,
    live::{self, MAX_FRAME_BYTES},
    origin::{self, RequestOrigin},
};

/// Frames are small, so are the buffers: the defaults (128 KiB each way per connection)
/// would take gigabytes for ten thousand waiting shoppers. A frame up to four times the
/// largest allowed is still read whole, so it gets a clear refusal rather than a dropped
/// connection; that memory is taken only while such a frame arrives.
fn sized(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(MAX_FRAME_BYTES * 4)
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0)
}

/// The shopper's connection; the token comes in the first frame.
pub async fn shopper(
    State(state): State<AppState>,
    Path(id): Path<String>,
    from: RequestOrigin,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if state.shutdown.is_cancelled() {
        return Err(AppError::ShuttingDown);
    }
    let conversation = state
        .db
        .conversation(&id)
        .await?
        .ok_or_else(|| AppError::UnknownConversation(id.clone()))?;
    check_origin(&state, &conversation.site, &from)?;
    let site = conversation.site;
    Ok(sized(upgrade).on_upgrade(move |socket| live::shopper::run(state, socket, id, site)))
}

/// The agent's connection, from the console on this server only.
pub async fn agent(
    State(state): State<AppState>,
    session: AgentSession,
    from: RequestOrigin,
    upgrade: WebSocketUpgrade,
) -> Result<Response, AppError> {
    if state.shutdown.is_cancelled() {
        return Err(AppError::ShuttingDown);
    }
    let origin = from.origin.unwrap_or_default();
    if !origin::is_same_host(&origin, from.host.as_deref()) {
        return Err(AppError::ForeignAgentRequest(origin));
    }
    Ok(sized(upgrade).on_upgrade(move |socket| live::agent::run(state, socket, session)))
}
