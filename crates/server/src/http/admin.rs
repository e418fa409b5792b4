//! Site admins' API under `/v1/agent/admin/...`: the site's agents (list, add, remove), the
//! `kb check` report of its knowledge base, and putting an edited knowledge base live. Admins
//! are agents marked admin of that site (`tandem agent add --admin`); everyone else gets 403.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
};
use tandem_protocol::agent::{KbReport, NewAgent, SiteAgent};

use super::agent::{SiteQuery, require_admin};
use crate::{
    app::AppState,
    assign,
    auth::{self, AgentSession},
    error::{AppError, AppJson},
    events::Event,
    ids, knowledge,
};

/// `GET /v1/agent/admin/agents?site=S`.
pub async fn agents(
    State(state): State<AppState>,
    session: AgentSession,
    Query(query): Query<SiteQuery>,
) -> Result<AppJson<Vec<SiteAgent>>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    Ok(AppJson(state.db.site_agents(&query.site).await?))
}

/// `POST /v1/agent/admin/agents`: 201 with the site's agents now.
pub async fn add(
    State(state): State<AppState>,
    session: AgentSession,
    AppJson(new): AppJson<NewAgent>,
) -> Result<(StatusCode, AppJson<Vec<SiteAgent>>), AppError> {
    require_admin(&state, &session.agent, &new.site).await?;
    let email = auth::account_email(&new.email).map_err(AppError::Invalid)?;
    match state.db.credentials(&email).await? {
        Some(existing) => {
            if !state.db.add_agent_to_site(&existing.id, &new.site).await? {
                return Err(AppError::Conflict(format!(
                    "{email} already works for this site."
                )));
            }
            sites_changed(&state, existing.id).await;
        }
        None => {
            let name =
                auth::check_new_account(&new.name, &new.password).map_err(AppError::Invalid)?;
            let hash = auth::hash_password_async(new.password.clone()).await?;
            let sites = [new.site.clone()];
            state
                .db
                .create_agent(&ids::random_id(), &email, name, &hash, &sites)
                .await?;
        }
    }
    Ok((
        StatusCode::CREATED,
        AppJson(state.db.site_agents(&new.site).await?),
    ))
}

/// `DELETE /v1/agent/admin/agents/{id}?site=S`: takes the agent off the site.
pub async fn remove(
    State(state): State<AppState>,
    session: AgentSession,
    Path(agent): Path<String>,
    Query(query): Query<SiteQuery>,
) -> Result<StatusCode, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    if agent == session.agent {
        return Err(AppError::Conflict(
            "You cannot remove yourself; ask another admin.".to_owned(),
        ));
    }
    if state.db.remove_agent_from_site(&agent, &query.site).await? {
        assign::release_from_site(&state, &agent, &query.site).await?;
        sites_changed(&state, agent).await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
}

/// Tells the agent's live connections that their sites changed: they reconnect to follow
/// the new ones, so an agent taken off a site stops seeing its queue at once.
async fn sites_changed(state: &AppState, agent: String) {
    state.bus.publish(Event::Agent { agent }).await;
}

/// `GET /v1/agent/admin/kb-report?site=S`: made when the knowledge base was compiled.
pub async fn kb_report(
    State(state): State<AppState>,
    session: AgentSession,
    Query(query): Query<SiteQuery>,
) -> Result<AppJson<KbReport>, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    let model = state.models.get(&query.site).ok_or_else(|| {
        AppError::Conflict(
            "The site has no knowledge base, or it is still being compiled.".to_owned(),
        )
    })?;
    Ok(AppJson(KbReport {
        report: model.check_report.clone(),
        reloading: state.models.reloading(&query.site),
    }))
}

/// `POST /v1/agent/admin/kb-reload?site=S`: reads the site's knowledge base file again and,
/// if it reads well, has every server process compile it (202); the model in use answers
/// until the new one is ready. A file with errors is refused with all of them (422) and
/// changes nothing.
pub async fn kb_reload(
    State(state): State<AppState>,
    session: AgentSession,
    Query(query): Query<SiteQuery>,
) -> Result<StatusCode, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    let no_kb = || AppError::Conflict("The site has no knowledge base.".to_owned());
    let site = state.config.site(&query.site).cloned().ok_or_else(no_kb)?;
    // Compiled as read here: what the admin was told reads well is what goes live.
    let kb = tokio::task::spawn_blocking(move || knowledge::read_site(&site))
        .await
        .map_err(|_| AppError::ShuttingDown)?
        .map_err(|error| AppError::Invalid(error.to_string()))?
        .ok_or_else(no_kb)?;
    tokio::spawn(knowledge::recompile(
        state.models.clone(),
        vec![(query.site.clone(), kb)],
    ));
    state
        .bus
        .tell_others(Event::KnowledgeBase {
            site: query.site.clone(),
        })
        .await;
    Ok(StatusCode::ACCEPTED)
}
