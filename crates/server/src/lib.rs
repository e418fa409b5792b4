//! The Tandem support server.
//!
//! It serves what a merchant's page loads (`embed.js`, the widget), takes handoffs from the
//! widget into a durable queue, routes them to on-demand agents and relays the conversation
//! live, losing nothing. How the parts fit:
//!
//! - [`config`], [`hours`], [`theme`]: the TOML configuration, validated at start;
//!   [`launcher`]: the launcher's labels in the shopper's language.
//! - [`knowledge`]: the sites' knowledge bases, compiled into the assistant's models;
//!   [`trial`]: an edited one tried before it is saved.
//! - [`app`]: the shared state and the router, the one map of every URL; handlers in [`http`].
//! - [`store`]: the database (SQLite by default, PostgreSQL to scale out) and its queries.
//! - [`handoff`]: a widget's packet becomes a queued conversation; [`context`]: the shop's
//!   context of it (cart, page), kept up to date while a person is involved.
//! - [`routing`]: the rules (queue order, who gets the next offer, estimated wait) as pure
//!   functions; [`dispatch`] applies them to the database; [`queue`] shows the result.
//! - [`assign`]: accept, decline, claim, close, transfer, cancel, rate.
//! - [`relay`]: messages and typing between shopper and agent; [`notes`]: agents' notes on a
//!   conversation, which the shopper never sees.
//! - [`events`]: what changed, told to every process; [`hub`]: this process's connections
//!   and which events each wants; [`live`]: the WebSocket sessions; [`presence`]: which
//!   agents are really there.
//! - [`auth`], [`identity`], [`origin`], [`limits`], [`client`]: who may do what, and how often.
//! - [`error`]: `AppError`, the one conversion of failures into problem details.
//! - [`dashboard`]: the quality dashboard's figures, from the widget's counts and the
//!   conversations people handled; [`export`]: the history of closed conversations as CSV.
//! - [`metrics`], [`ids`], [`views`]: counters, identifiers, what agents see.
//!
//! The binary (`src/main.rs`, `tandem`) parses the command line and calls [`serve`].

pub mod app;
pub mod assign;
pub mod auth;
pub mod client;
pub mod config;
pub mod context;
pub mod dashboard;
pub mod dispatch;
pub mod error;
pub mod events;
pub mod export;
pub mod handoff;
pub mod hours;
pub mod http;
pub mod hub;
pub mod identity;
pub mod ids;
pub mod knowledge;
pub mod launcher;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod notes;
pub mod origin;
pub mod presence;
pub mod queue;
pub mod relay;
pub mod routing;
pub mod store;
pub mod theme;
pub mod trial;
pub mod views;

use std::{future::Future, net::SocketAddr};

use tokio::{net::TcpListener, sync::mpsc};

pub use app::{AppState, StartError, router};
pub use config::Config;

/// Serves the application on `listener` until `shutdown` completes: then live connections are
/// told to reconnect elsewhere, requests in flight finish, and background work stops.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (sites, changed) = mpsc::unbounded_channel();
    state.hub.watch_queues(sites);
    let mut background = tokio::task::JoinSet::new();
    background.spawn(queue::watch(state.clone(), changed));
    let (sites, reload) = mpsc::unbounded_channel();
    state.hub.watch_reloads(sites);
    background.spawn(knowledge::watch(state.clone(), reload));
    background.spawn(dispatch::run(state.clone()));
    background.spawn(presence::run(state.clone()));
    if state.db.backend() == store::Backend::Postgres {
        let bus = state.bus.clone();
        let url = state.config.database_url.clone();
        background.spawn(async move { bus.listen(url).await });
    }
    let token = state.shutdown.clone();
    let hub = state.hub.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            token.cancel();
        })
        .await;
    // Live connections are not requests axum waits for: each is telling its client when to
    // reconnect and closing (a second or two). Ending before they finish would cut them.
    let deadline = tokio::time::Instant::now() + LIVE_CLOSE_WAIT;
    while hub
        .open_connections
        .load(std::sync::atomic::Ordering::Relaxed)
        > 0
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    background.abort_all();
    served
}

/// How long a stopping server waits for its live connections to close.
const LIVE_CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
