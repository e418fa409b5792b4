//! Operations: `/healthz` (the process answers), `/readyz` (it can serve: database reachable,
//! on PostgreSQL hearing the other processes' events, not shutting down) and `/metrics`
//! (Prometheus).

use std::net::IpAddr;

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::IntoResponse,
};

use crate::{app::AppState, client::ClientAddress, error::AppError, ids, presence};

/// Liveness: answers as long as the server runs.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the server hears the other processes (on PostgreSQL), the database answers,
/// and it is not shutting down.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    if state.shutdown.is_cancelled() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down");
    }
    if !state.bus.listening() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not yet listening for the other processes' events",
        );
    }
    match sqlx::query("SELECT 1").execute(state.db.pool()).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Whether this request may read the metrics: from this machine, or with the configured
/// token (compared as hashes: how long the comparison takes tells nothing of the token).
/// A request a proxy on this machine passed on is not from this machine, unless the proxy
/// is trusted to say where it came from (`trust_forwarded_for`) and says so.
fn may_read_metrics(state: &AppState, client: &str, headers: &HeaderMap) -> bool {
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|name| headers.contains_key(*name));
    let local = client.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
        && (state.config.trust_forwarded_for || !forwarded);
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let token = state.config.metrics_token.as_deref();
    local
        || given
            .zip(token)
            .is_some_and(|(given, token)| ids::token_hash(given) == ids::token_hash(token))
}

/// The Prometheus exposition.
pub async fn metrics(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
) -> Result<impl IntoResponse, AppError> {
    if !may_read_metrics(&state, &client, &headers) {
        return Err(AppError::Forbidden(
            "Metrics are read from this machine, or with the bearer token set as \
             metrics_token in the configuration."
                .to_owned(),
        ));
    }
    let queued = state.db.queued(None).await?;
    let agents = state
        .db
        .available_agents(presence::present_since(&state.config))
        .await?;
    let per_site = |count: &dyn Fn(&str) -> i64| -> Vec<(String, i64)> {
        state
            .config
            .sites
            .iter()
            .map(|s| (s.id.clone(), count(&s.id)))
            .collect()
    };
    let depth = per_site(&|site| queued.iter().filter(|q| q.site == site).count() as i64);
    let available = per_site(&|site| agents.iter().filter(|a| a.site == site).count() as i64);
    let open = state
        .hub
        .open_connections
        .load(std::sync::atomic::Ordering::Relaxed);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&depth, &available, open),
    ))
}
