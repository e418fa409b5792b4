//! Site admins' API under `/v1/agent/admin/...`: the site's agents (list, add, remove) and
//! the `kb check` report of its knowledge base. Admins are agents marked admin of that site
//! (`tandem agent add --admin`); everyone else gets 403.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
};
use serde::Deserialize;
use tandem_protocol::agent::{KbReport, NewAgent, SiteAgent};

use crate::{
    app::AppState,
    auth::{self, AgentSession},
    error::{AppError, AppJson},
    ids,
};

#[derive(Deserialize)]
pub struct SiteQuery {
    site: String,
}

const MIN_PASSWORD_CHARS: usize = 10;

async fn require_admin(state: &AppState, agent: &str, site: &str) -> Result<(), AppError> {
    if state.db.admin_sites(agent).await?.iter().any(|s| s == site) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "Only the admins of site {site:?} may do this."
        )))
    }
}

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
    let email = new.email.trim().to_lowercase();
    let name = new.name.trim();
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(AppError::Invalid(format!(
            "{email:?} is not an email address."
        )));
    }
    match state.db.credentials(&email).await? {
        Some(existing) => {
            if !state.db.add_agent_to_site(&existing.id, &new.site).await? {
                return Err(AppError::Conflict(format!(
                    "{email} already works for this site."
                )));
            }
        }
        None => {
            if name.is_empty() {
                return Err(AppError::Invalid("The name is empty.".to_owned()));
            }
            if new.password.chars().count() < MIN_PASSWORD_CHARS {
                return Err(AppError::Invalid(format!(
                    "The password must have at least {MIN_PASSWORD_CHARS} characters."
                )));
            }
            let password = new.password;
            let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
                .await
                .map_err(|_| AppError::ShuttingDown)?;
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
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound)
    }
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
    }))
}
