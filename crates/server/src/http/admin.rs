//! Site admins' API under `/v1/agent/admin/...`: the site's agents (list, add, remove); its
//! knowledge base is `kb`'s. Admins are agents marked admin of that site
//! (`tandem agent add --admin`); everyone else gets 403.

use axum::{
    extract::{Path, State},
    http::StatusCode,
};
use tandem_protocol::agent::{NewAgent, SiteAgent};

use super::agent::{SiteQuery, require_admin};
use crate::{
    app::AppState,
    assign,
    auth::{self, AgentSession},
    error::{AppError, AppJson, AppQuery},
    events::Event,
    ids,
};

/// `GET /v1/agent/admin/agents?site=S`.
pub async fn agents(
    State(state): State<AppState>,
    session: AgentSession,
    AppQuery(query): AppQuery<SiteQuery>,
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
            // An admin cannot pull another company's agent onto their site: only an account
            // that already works for one of this admin's sites, or for none (taken off its
            // last one), joins.
            let theirs = state.db.agent_sites(&existing.id).await?;
            let mine = state
                .db
                .agent_profile(&session.agent)
                .await?
                .map(|p| p.admin_of)
                .unwrap_or_default();
            if !theirs.is_empty() && !theirs.iter().any(|site| mine.contains(site)) {
                return Err(AppError::Conflict(format!(
                    "{email} has an account that works for none of your sites; a server \
                     operator can add it (tandem agent add)."
                )));
            }
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
    AppQuery(query): AppQuery<SiteQuery>,
) -> Result<StatusCode, AppError> {
    require_admin(&state, &session.agent, &query.site).await?;
    if agent == session.agent {
        return Err(AppError::Conflict(
            "You cannot remove yourself; ask another admin.".to_owned(),
        ));
    }
    if assign::remove_from_site(&state, &agent, &query.site).await? {
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
