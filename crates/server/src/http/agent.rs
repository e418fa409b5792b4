//! The agents' HTTP API under `/v1/agent/...`: signing in and out, changing the password,
//! availability, the queues, the conversations they may see, and everything they do with
//! them. Every call but sign-in takes the session cookie ([`AgentSession`]); agents see only
//! their own sites.

use axum::{
    extract::{Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use serde::Deserialize;
use tandem_protocol::{
    agent::{
        AgentProfile, ChangePassword, CloseConversation, Colleague, ConversationDetail, Login,
        NewNote, Note, OfflineInbox, QueueEntry, SetStatus, Transfer,
    },
    conversation::SendMessage,
    dashboard::Dashboard,
};

use crate::{
    app::AppState,
    assign,
    auth::{self, AgentSession},
    client::ClientAddress,
    config::SiteConfig,
    dashboard::{self, DayRange},
    error::{AppError, AppJson, AppQuery},
    events::Event,
    ids, notes,
    origin::RequestOrigin,
    presence, queue,
    relay::{self, Writer},
    store::now_ms,
    views,
};

/// The most conversations an agent may take at once.
const MAX_CAPACITY: u32 = 20;

/// `POST /v1/agent/login`: sets the session cookie.
pub async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    from: RequestOrigin,
    AppJson(login): AppJson<Login>,
) -> Result<impl IntoResponse, AppError> {
    state
        .limits
        .logins
        .check(&address)
        .map_err(AppError::RateLimited)?;
    let email = login.email.trim().to_lowercase();
    let account = state.db.credentials(&email).await?;
    let hash = account.as_ref().map_or_else(
        || auth::decoy_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let valid = auth::verify_password_async(login.password, hash)
        .await
        .unwrap_or(false);
    let Some(account) = account.filter(|_| valid) else {
        tracing::info!(%address, "failed sign-in");
        return Err(AppError::WrongCredentials);
    };
    let token = ids::random_token();
    let expires_at = now_ms() + auth::SESSION_SECS * 1000;
    state
        .db
        .create_session(&ids::token_hash(&token), &account.id, expires_at)
        .await?;
    let profile = state
        .db
        .agent_profile(&account.id)
        .await?
        .ok_or(AppError::WrongCredentials)?;
    let cookie = auth::session_cookie(&token, from.host.as_deref());
    Ok(([(header::SET_COOKIE, cookie)], AppJson(profile)))
}

/// `POST /v1/agent/logout`: ends the session and takes the agent out of routing.
pub async fn logout(
    State(state): State<AppState>,
    session: AgentSession,
    from: RequestOrigin,
) -> Result<impl IntoResponse, AppError> {
    state.db.delete_session(&session.token_hash).await?;
    set_status(
        &state,
        &session.agent,
        SetStatus {
            status: tandem_protocol::agent::AgentStatus::Offline,
            capacity: None,
        },
    )
    .await?;
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie(from.host.as_deref()))],
        StatusCode::NO_CONTENT,
    ))
}

/// `PUT /v1/agent/password`: 204 once the password is changed. Every other session of the
/// account ends, and its live connections close: whoever else knew the old password is out.
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    session: AgentSession,
    AppJson(change): AppJson<ChangePassword>,
) -> Result<StatusCode, AppError> {
    // Trying current passwords is limited like trying to sign in.
    state
        .limits
        .logins
        .check(&address)
        .map_err(AppError::RateLimited)?;
    auth::check_new_password(&change.new).map_err(AppError::Invalid)?;
    let hash = state
        .db
        .password_hash(&session.agent)
        .await?
        .ok_or(AppError::SignInRequired)?;
    let valid = auth::verify_password_async(change.current.clone(), hash).await?;
    if !valid {
        tracing::info!(%address, agent = %session.agent, "wrong current password");
        return Err(AppError::WrongPassword);
    }
    if change.new == change.current {
        return Err(AppError::Invalid(
            "The new password is the same as the current one.".to_owned(),
        ));
    }
    let hash = auth::hash_password_async(change.new).await?;
    if !state
        .db
        .set_password(&session.agent, &hash, Some(&session.token_hash))
        .await?
    {
        return Err(AppError::SignInRequired);
    }
    tracing::info!(%address, agent = %session.agent, "password changed; other sessions ended");
    // The agent's live connections check their sessions when told.
    state
        .bus
        .publish(Event::Agent {
            agent: session.agent.clone(),
        })
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/agent/me`.
pub async fn me(
    State(state): State<AppState>,
    session: AgentSession,
) -> Result<AppJson<AgentProfile>, AppError> {
    let profile = state
        .db
        .agent_profile(&session.agent)
        .await?
        .ok_or(AppError::SignInRequired)?;
    Ok(AppJson(profile))
}

async fn set_status(
    state: &AppState,
    agent: &str,
    change: SetStatus,
) -> Result<AgentProfile, AppError> {
    if change
        .capacity
        .is_some_and(|c| !(1..=MAX_CAPACITY).contains(&c))
    {
        return Err(AppError::Invalid(format!(
            "Capacity is 1 to {MAX_CAPACITY} conversations."
        )));
    }
    state
        .db
        .set_agent_status(agent, change.status, change.capacity)
        .await?;
    state
        .bus
        .publish(Event::Agent {
            agent: agent.to_owned(),
        })
        .await;
    for site in state.db.agent_sites(agent).await? {
        // Estimates depend on who is available.
        state.bus.publish(Event::Queue { site }).await;
    }
    state.bus.publish(Event::Dispatch).await;
    state
        .db
        .agent_profile(agent)
        .await?
        .ok_or(AppError::SignInRequired)
}

/// `PUT /v1/agent/status`: available, away or offline, and capacity.
pub async fn status(
    State(state): State<AppState>,
    session: AgentSession,
    AppJson(change): AppJson<SetStatus>,
) -> Result<AppJson<AgentProfile>, AppError> {
    Ok(AppJson(set_status(&state, &session.agent, change).await?))
}

/// `GET /v1/agent/queue`: the queues of the agent's sites, each in serving order.
pub async fn queue(
    State(state): State<AppState>,
    session: AgentSession,
) -> Result<AppJson<Vec<QueueEntry>>, AppError> {
    let sites = state.db.agent_sites(&session.agent).await?;
    let mut entries = Vec::new();
    for site in sites {
        entries.extend(queue::snapshot(&state, &site).await?.entries);
    }
    Ok(AppJson(entries))
}

/// `GET /v1/agent/conversations`: the conversations the agent has now.
pub async fn mine(
    State(state): State<AppState>,
    session: AgentSession,
) -> Result<AppJson<Vec<ConversationDetail>>, AppError> {
    let mut details = Vec::new();
    for conversation in state.db.conversations_of_agent(&session.agent).await? {
        details.push(views::detail(&state, &conversation).await?);
    }
    Ok(AppJson(details))
}

/// `GET /v1/agent/conversations/{id}`.
pub async fn conversation(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
) -> Result<AppJson<ConversationDetail>, AppError> {
    let conversation = assign::visible_to(&state, &session.agent, &id).await?;
    Ok(AppJson(views::detail(&state, &conversation).await?))
}

/// `POST /v1/agent/conversations/{id}/accept`: takes an offered conversation.
pub async fn accept(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    assign::take(&state, &session.agent, &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/agent/conversations/{id}/claim`: takes a conversation from the queue.
pub async fn claim(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    assign::take(&state, &session.agent, &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/agent/conversations/{id}/decline`.
pub async fn decline(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    assign::decline(&state, &session.agent, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/agent/conversations/{id}/close`.
pub async fn close(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
    AppJson(body): AppJson<CloseConversation>,
) -> Result<StatusCode, AppError> {
    assign::close(&state, &session.agent, &id, body.resolution).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/agent/conversations/{id}/transfer`: to a colleague, or back to the queue.
pub async fn transfer(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
    AppJson(body): AppJson<Transfer>,
) -> Result<StatusCode, AppError> {
    assign::transfer(&state, &session.agent, &id, body.to_agent.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/agent/conversations/{id}/messages`: 201 when stored, 200 for a retry.
pub async fn send(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
    AppJson(message): AppJson<SendMessage>,
) -> Result<impl IntoResponse, AppError> {
    let profile = state
        .db
        .agent_profile(&session.agent)
        .await?
        .ok_or(AppError::SignInRequired)?;
    let appended = relay::send(
        &state,
        &id,
        Writer::Agent {
            id: &profile.id,
            name: &profile.name,
        },
        &message.client_id,
        &message.text,
    )
    .await?;
    Ok(super::sent(&appended))
}

/// `POST /v1/agent/conversations/{id}/notes`: 201 with the note as stored, 200 for a retry.
pub async fn add_note(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
    AppJson(note): AppJson<NewNote>,
) -> Result<(StatusCode, AppJson<Note>), AppError> {
    let added = notes::add(&state, &session.agent, &id, &note.client_id, &note.text).await?;
    Ok((super::stored(added.duplicate), AppJson(added.note)))
}

/// `?site=S`, on the calls about one of the agent's sites.
#[derive(Deserialize)]
pub struct SiteQuery {
    pub(super) site: String,
}

/// Whether the agent works for the site (`Ok(false)`) or administers it (`Ok(true)`).
async fn site_role(state: &AppState, agent: &str, site: &str) -> Result<bool, AppError> {
    state
        .db
        .site_role(agent, site)
        .await?
        .ok_or_else(|| AppError::Forbidden(format!("You do not work for site {site:?}.")))
}

pub(super) async fn require_site(
    state: &AppState,
    agent: &str,
    site: &str,
) -> Result<(), AppError> {
    site_role(state, agent, site).await.map(drop)
}

/// Only the site's admins pass: the site's configuration.
pub(super) async fn require_admin<'a>(
    state: &'a AppState,
    agent: &str,
    site: &str,
) -> Result<&'a SiteConfig, AppError> {
    if !site_role(state, agent, site).await? {
        return Err(AppError::Forbidden(format!(
            "Only the admins of site {site:?} may do this."
        )));
    }
    state.site(site)
}

/// `GET /v1/agent/colleagues?site=S`: who a conversation could be transferred to.
pub async fn colleagues(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<Vec<Colleague>>, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    let colleagues = state
        .db
        .colleagues(&query.site, presence::present_since(&state.config))
        .await?;
    Ok(AppJson(
        colleagues
            .into_iter()
            .filter(|c| c.id != session.agent)
            .collect(),
    ))
}

/// `GET /v1/agent/canned-replies?site=S`: the site's ready-made replies, from its configuration.
pub async fn canned_replies(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<Vec<String>>, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    let site = state.site(&query.site)?;
    Ok(AppJson(site.canned_replies.clone()))
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    site: String,
    from: String,
    to: String,
}

/// `GET /v1/agent/dashboard?site=S&from=YYYY-MM-DD&to=YYYY-MM-DD`: the site's quality
/// figures over those days (UTC).
pub async fn dashboard(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<DashboardQuery>,
) -> Result<AppJson<Dashboard>, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    let range = DayRange::parse(&query.from, &query.to).map_err(AppError::Invalid)?;
    // The days as stored, whatever way of writing them the request used ("2026-6-1").
    let counts = state
        .db
        .counts(&query.site, &range.from.to_string(), &range.to.to_string())
        .await?;
    let (from_ms, to_ms) = range.millis();
    let handled = state
        .db
        .handled_between(&query.site, from_ms, to_ms)
        .await?;
    Ok(AppJson(dashboard::build(
        &query.site,
        range,
        &counts,
        &handled,
    )))
}

/// How long a handled offline message stays in the inbox's answer (who answered it, when).
const HANDLED_SHOWN_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// `GET /v1/agent/offline-messages?site=S`: the inbox, the oldest messages not handled yet
/// and those handled in the last week, a page of each, with how many wait in all; older
/// handled ones are left out, so the inbox, fetched every minute, does not grow with the
/// years.
pub async fn offline_messages(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<AppJson<OfflineInbox>, AppError> {
    require_site(&state, &session.agent, &query.site).await?;
    let since = now_ms() - HANDLED_SHOWN_MS;
    Ok(AppJson(
        state
            .db
            .offline_inbox(&query.site, since, OfflineInbox::PAGE)
            .await?,
    ))
}

/// `POST /v1/agent/offline-messages/{id}/handled`: `409` if a colleague marked it first.
pub async fn offline_message_handled(
    State(state): State<AppState>,
    session: AgentSession,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let site = state
        .db
        .offline_message_site(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    require_site(&state, &session.agent, &site).await?;
    // Two agents answering the same shopper: the second is told, not silently agreed with.
    if let Some(who) = state
        .db
        .mark_offline_message_handled(&id, &session.agent)
        .await?
    {
        return Err(AppError::Conflict(format!(
            "{who} has already marked this message handled."
        )));
    }
    Ok(StatusCode::NO_CONTENT)
}
