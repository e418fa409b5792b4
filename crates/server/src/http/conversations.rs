//! The shopper's HTTP API for a conversation: hand over (`POST /v1/conversations`), then,
//! with the conversation's token as a bearer token, read its status, send and fetch messages
//! (the fallback for networks that block WebSockets; fetching can long-poll), say typing,
//! cancel while waiting, and rate once closed.

use std::time::Duration;

use axum::{
    extract::{FromRequestParts, Path, State},
    http::{StatusCode, header, request::Parts},
    response::IntoResponse,
};
use serde::Deserialize;
use tandem_protocol::{
    Author, ConversationStatus, CreateConversation,
    conversation::{MessagesSince, Rating, SendMessage},
};

use crate::{
    app::AppState,
    assign,
    client::ClientAddress,
    error::{AppError, AppJson, AppQuery},
    handoff,
    hub::{Delivery, Interest},
    ids,
    origin::{RequestOrigin, SiteOrigins},
    queue::{self, QueueSnapshot},
    relay::{self, Writer},
    store::Conversation,
};

/// The longest a fetch may wait for new messages.
const MAX_WAIT: Duration = Duration::from_secs(25);

/// Refuses a browser page whose origin the site does not allow.
pub fn check_origin(state: &AppState, site: &str, from: &RequestOrigin) -> Result<(), AppError> {
    let Some(origin) = &from.origin else {
        return Ok(());
    };
    let site = state.site(site)?;
    let origins = SiteOrigins {
        allowed: &site.allowed_origins,
        host: from.host.as_deref(),
    };
    if origins.may_call(origin) {
        Ok(())
    } else {
        Err(AppError::OriginNotAllowed {
            origin: origin.clone(),
            site: site.id.clone(),
        })
    }
}

/// `POST /v1/conversations`: puts the shopper in the site's queue.
pub async fn create(
    State(state): State<AppState>,
    from: RequestOrigin,
    ClientAddress(address): ClientAddress,
    AppJson(packet): AppJson<CreateConversation>,
) -> Result<impl IntoResponse, AppError> {
    let site = state.site(&packet.site)?.clone();
    check_origin(&state, &site.id, &from)?;
    state
        .limits
        .conversations
        .check(&address)
        .map_err(AppError::RateLimited)?;
    let created = handoff::create(&state, &site, packet).await?;
    let location = format!("/v1/conversations/{}", created.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        AppJson(created),
    ))
}

/// The conversation named in the path, for a request that carries its token (as a bearer
/// token) from a page the site allows.
pub struct Authorized(pub Conversation);

impl FromRequestParts<AppState> for Authorized {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| AppError::Invalid(rejection.body_text()))?;
        let from = RequestOrigin::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        let conversation = state
            .db
            .conversation(&id)
            .await?
            .ok_or(AppError::UnknownConversation(id))?;
        check_origin(state, &conversation.site, &from)?;
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(AppError::WrongToken)?;
        if ids::token_hash(token.trim()) != conversation.token_hash {
            return Err(AppError::WrongToken);
        }
        Ok(Authorized(conversation))
    }
}

/// `GET /v1/conversations/{id}`.
pub async fn status(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
) -> Result<AppJson<ConversationStatus>, AppError> {
    read_budget(&state, &conversation.id)?;
    Ok(AppJson(queue::status(&state, &conversation).await?))
}

/// The shopper's reads of their conversation (its status, its messages) have a budget of
/// their own, as their messages do: each one reads the site's whole queue.
fn read_budget(state: &AppState, conversation: &str) -> Result<(), AppError> {
    state
        .limits
        .messages
        .check(&format!("read:{conversation}"))
        .map_err(AppError::RateLimited)
}

/// `POST /v1/conversations/{id}/messages`: 201 when stored, 200 when it was already stored.
pub async fn send(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
    AppJson(message): AppJson<SendMessage>,
) -> Result<impl IntoResponse, AppError> {
    let appended = relay::send(
        &state,
        &conversation.id,
        Writer::Shopper,
        &message.client_id,
        &message.text,
    )
    .await?;
    Ok(super::sent(&appended))
}

#[derive(Deserialize)]
pub struct SinceQuery {
    #[serde(default)]
    after: u64,
    /// Seconds to wait for a new message when there is none yet (long poll).
    #[serde(default)]
    wait: u64,
}

/// `GET /v1/conversations/{id}/messages?after=N&wait=S`.
pub async fn since(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
    AppQuery(query): AppQuery<SinceQuery>,
) -> Result<AppJson<MessagesSince>, AppError> {
    read_budget(&state, &conversation.id)?;
    let id = conversation.id.clone();
    let mut messages = state.db.messages_since(&id, query.after).await?;
    if messages.is_empty() && query.wait > 0 {
        let mut subscription = state.hub.subscribe(Interest::Shopper {
            conversation: id.clone(),
            site: conversation.site.clone(),
        });
        // Read again now that nothing can slip between the read and the subscription.
        messages = state.db.messages_since(&id, query.after).await?;
        if messages.is_empty() {
            let wait = Duration::from_secs(query.wait).min(MAX_WAIT);
            let deadline = tokio::time::Instant::now() + wait;
            let place = |snapshot: &QueueSnapshot| (snapshot.place(&id), snapshot.no_agents());
            let before = place(&queue::snapshot(&state, &conversation.site).await?);
            loop {
                let delivery = tokio::select! {
                    delivery = tokio::time::timeout_at(deadline, subscription.receiver.recv()) => delivery,
                    () = state.shutdown.cancelled() => break,
                };
                // A change of the site's queue that leaves this shopper where they were
                // (someone queued behind them) is no news: waking for it would spend
                // their read budget on a busy site.
                if let Ok(Some(Delivery::Queue(snapshot))) = &delivery
                    && place(snapshot) == before
                {
                    continue;
                }
                break;
            }
            messages = state.db.messages_since(&id, query.after).await?;
        }
    }
    let conversation = state.db.conversation(&id).await?.unwrap_or(conversation);
    Ok(AppJson(MessagesSince {
        messages,
        status: queue::status(&state, &conversation).await?,
    }))
}

#[derive(Deserialize)]
pub struct Typing {
    typing: bool,
}

/// `POST /v1/conversations/{id}/typing`.
pub async fn typing(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
    AppJson(body): AppJson<Typing>,
) -> Result<StatusCode, AppError> {
    relay::typing(&state, &conversation, Author::Shopper, body.typing).await;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/conversations/{id}/cancel`.
pub async fn cancel(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
) -> Result<AppJson<ConversationStatus>, AppError> {
    assign::cancel(&state, &conversation).await?;
    let conversation = state
        .db
        .conversation(&conversation.id)
        .await?
        .unwrap_or(conversation);
    Ok(AppJson(queue::status(&state, &conversation).await?))
}

/// `POST /v1/conversations/{id}/rating`.
pub async fn rate(
    State(state): State<AppState>,
    Authorized(conversation): Authorized,
    AppJson(rating): AppJson<Rating>,
) -> Result<StatusCode, AppError> {
    assign::rate(
        &state,
        &conversation,
        rating.score,
        rating.comment.as_deref(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
