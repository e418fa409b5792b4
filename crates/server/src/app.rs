//! The application: shared state and the router that maps every URL to its handler.
//!
//! `AppState` is built once at start ([`AppState::new`] connects and migrates the database,
//! and sets up the hub and the event bus) and cloned into each request. [`router`] lists
//! every route in one place, so this file is the map of the server's surface; the handlers
//! themselves live in `http/`.

use std::{path::PathBuf, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderValue, header},
    routing::{delete, get, post, put},
};
use tokio_util::sync::CancellationToken;
use tower_http::{set_header::SetResponseHeaderLayer, trace::TraceLayer};

use crate::{
    config::{Config, SiteConfig},
    error::AppError,
    events::Bus,
    hours::BusinessHours,
    http::{
        admin, agent, console, conversations, demo, embed, events, health, history, kb, live,
        offline, sites, widget,
    },
    hub::Hub,
    knowledge::{self, KnowledgeError, Models},
    limits::RateLimiter,
    metrics::Metrics,
    store::{Db, StoreError},
};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Knowledge(#[from] KnowledgeError),
}

/// The largest request body: a full handoff transcript (200 messages of 4 KB) and context.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The rate limiters, one per kind of request.
pub struct Limits {
    pub conversations: RateLimiter,
    pub messages: RateLimiter,
    pub offline: RateLimiter,
    pub logins: RateLimiter,
    pub events: RateLimiter,
}

pub struct Inner {
    pub config: Config,
    pub db: Db,
    pub widget_dir: PathBuf,
    /// This process's live connections.
    pub hub: Arc<Hub>,
    pub bus: Bus,
    pub metrics: Metrics,
    pub limits: Limits,
    /// The sites' compiled knowledge bases, as they become available.
    pub models: Arc<Models>,
    /// Cancelled when the server starts shutting down.
    pub shutdown: CancellationToken,
    /// One dispatch round at a time in this process.
    pub dispatch_lock: tokio::sync::Mutex<()>,
    /// One knowledge base tried at a time in this process (each compiles a whole one): the
    /// permit goes with the compile, so a try abandoned by its caller still holds it.
    pub trials: Arc<tokio::sync::Semaphore>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The configured site with this id, or the error every request about an unknown one gets.
    pub fn site(&self, id: &str) -> Result<&SiteConfig, AppError> {
        self.config
            .site(id)
            .ok_or_else(|| AppError::UnknownSite(id.to_owned()))
    }

    /// Reads the sites' knowledge bases again and compiles them, the current models serving
    /// meanwhile (what `SIGHUP` does); done when the new models are in use.
    pub async fn reload_knowledge(&self) {
        knowledge::reload(&self.db, &self.config, self.models.clone()).await;
    }

    /// Connects to the configured database (migrating it), reads the sites' knowledge bases
    /// (compiling them in the background) and assembles the state.
    pub async fn new(config: Config) -> Result<AppState, StartError> {
        for site in &config.sites {
            if site.hours.as_ref().is_some_and(BusinessHours::never_open) {
                tracing::warn!(site = %site.id, "no day has opening hours: every handoff is refused as after hours, shoppers can only leave a message");
            }
        }
        let db = Db::connect(&config.database_url).await?;
        let knowledge_bases = knowledge::load(&db, &config).await?;
        let models = Arc::new(Models::default());
        // Counted as compiling, so the sites' descriptions say their assistant is coming.
        tokio::spawn(knowledge::recompile(models.clone(), knowledge_bases));
        let hub = Arc::new(Hub::default());
        let bus = Bus::on(&db, hub.clone());
        let minute = Duration::from_secs(60);
        let limits = Limits {
            conversations: RateLimiter::new(config.limits.conversations_per_minute, minute),
            messages: RateLimiter::new(config.limits.messages_per_minute, minute),
            offline: RateLimiter::new(config.limits.offline_messages_per_hour, minute * 60),
            logins: RateLimiter::new(config.limits.logins_per_minute, minute),
            events: RateLimiter::new(config.limits.events_per_minute, minute),
        };
        let widget_dir = config.widget_dir.clone();
        Ok(AppState(Arc::new(Inner {
            config,
            db,
            widget_dir,
            hub,
            bus,
            metrics: Metrics::default(),
            limits,
            models,
            shutdown: CancellationToken::new(),
            dispatch_lock: tokio::sync::Mutex::new(()),
            trials: Arc::new(tokio::sync::Semaphore::new(1)),
        })))
    }
}

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let agent_api = Router::new()
        .route("/login", post(agent::login))
        .route("/logout", post(agent::logout))
        .route("/me", get(agent::me))
        .route("/password", put(agent::change_password))
        .route("/status", put(agent::status))
        .route("/queue", get(agent::queue))
        .route("/conversations", get(agent::mine))
        .route("/conversations/{id}", get(agent::conversation))
        .route("/conversations/{id}/accept", post(agent::accept))
        .route("/conversations/{id}/decline", post(agent::decline))
        .route("/conversations/{id}/claim", post(agent::claim))
        .route("/conversations/{id}/close", post(agent::close))
        .route("/conversations/{id}/transfer", post(agent::transfer))
        .route("/conversations/{id}/messages", post(agent::send))
        .route("/conversations/{id}/notes", post(agent::add_note))
        .route("/colleagues", get(agent::colleagues))
        .route("/canned-replies", get(agent::canned_replies))
        .route("/dashboard", get(agent::dashboard))
        .route("/history", get(history::history))
        .route("/history.csv", get(history::history_csv))
        .route("/admin/agents", get(admin::agents).post(admin::add))
        .route("/admin/agents/{id}", delete(admin::remove))
        .route("/admin/kb-report", get(kb::kb_report))
        .route("/admin/kb-reload", post(kb::kb_reload))
        .route("/admin/kb-source", get(kb::kb_source).put(kb::save_kb))
        .route("/admin/kb-try", post(kb::try_kb))
        .route("/admin/kb-versions", get(kb::kb_versions))
        .route("/admin/kb-versions/{version}", get(kb::kb_version))
        .route("/offline-messages", get(agent::offline_messages))
        .route(
            "/offline-messages/{id}/handled",
            post(agent::offline_message_handled),
        )
        .route("/live", get(live::agent))
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed });
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/embed.js", get(embed::embed_js))
        .route("/w/{site}", get(widget::page))
        .nest_service("/widget/i18n", widget::language_files(&state.widget_dir))
        .nest_service("/widget", widget::assets(&state.widget_dir))
        .route("/console", get(console::page))
        .nest_service("/console/assets", widget::assets(&state.config.console_dir))
        .route("/demo", get(demo::page))
        .route("/demo/delivery", get(demo::delivery))
        .route("/demo/shop.css", get(demo::stylesheet))
        .route("/demo/shop.js", get(demo::script))
        .route("/v1/sites/{site}", get(sites::info))
        .route("/v1/sites/{site}/offline-messages", post(offline::leave))
        .route("/v1/sites/{site}/model/{file}", get(sites::model))
        .route("/v1/sites/{site}/events", post(events::record))
        .route("/v1/conversations", post(conversations::create))
        .route("/v1/conversations/{id}", get(conversations::status))
        .route(
            "/v1/conversations/{id}/messages",
            post(conversations::send).get(conversations::since),
        )
        .route("/v1/conversations/{id}/typing", post(conversations::typing))
        .route("/v1/conversations/{id}/cancel", post(conversations::cancel))
        .route("/v1/conversations/{id}/rating", post(conversations::rate))
        .route("/v1/conversations/{id}/live", get(live::shopper))
        .nest("/v1/agent", agent_api)
        .fallback(|| async { AppError::NotFound })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        // The path only: query strings may carry tokens, which never go to the logs.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            tracing::info_span!("request", method = %req.method(), path = req.uri().path())
        }))
        .with_state(state)
}
