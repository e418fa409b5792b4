//! A real server for integration tests: bound to 127.0.0.1:0, on a fresh database, with
//! helpers to act as shoppers and agents over real HTTP and WebSocket connections.
//!
//! The database is a new SQLite file, or, when `TANDEM_TEST_DATABASE_URL` names a PostgreSQL
//! server, a new database created on it for this test alone, so the same tests cover both.
#![allow(dead_code)] // Each test file uses its own part of this harness.

pub mod axe;
pub mod browser;
pub mod live;
pub mod proxy;
pub mod widget;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use reqwest::{RequestBuilder, StatusCode, header};
use serde_json::json;
use sqlx::{AnyPool, Executor};
use tandem_protocol::{
    ConversationCreated, CreateConversation,
    agent::{AgentProfile, ConversationDetail},
    live::ShopperFrame,
};
use tandem_server::{AppState, Config};
use tempfile::TempDir;
use tokio::{net::TcpListener, sync::oneshot, task::JoinHandle};

pub use live::Ws;

/// Knobs a test may turn; the defaults keep rate limits out of the way.
#[derive(Clone)]
pub struct Settings {
    pub offer_timeout_secs: u64,
    pub agent_grace_secs: u64,
    pub conversations_per_minute: u32,
    pub messages_per_minute: u32,
    /// Extra TOML for the "acme" site (e.g. `identity_secret = "..."`).
    pub acme_extra: String,
    /// Extra top-level TOML (e.g. `trust_forwarded_for = true`).
    pub server_extra: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            offer_timeout_secs: 30,
            agent_grace_secs: 60,
            conversations_per_minute: 10_000,
            messages_per_minute: 10_000,
            acme_extra: String::new(),
            server_extra: String::new(),
        }
    }
}

/// The test configuration: the demo site "acme" (this server and https://acme.example) and a
/// second site that only https://other.example may use.
pub fn config_text(database_url: &str, widget_dir: &Path, settings: &Settings) -> String {
    format!(
        r#"
        listen = "127.0.0.1:0"
        database_url = "{database_url}"
        widget_dir = "{}"
        console_dir = "{}"
        offer_timeout_secs = {}
        agent_grace_secs = {}
        {}
        [limits]
        conversations_per_minute = {}
        messages_per_minute = {}
        logins_per_minute = 10000
        [[sites]]
        id = "acme"
        name = "Acme Outfitters"
        allowed_origins = ["self", "https://acme.example"]
        {}
        [[sites]]
        id = "other"
        name = "Other Shop"
        allowed_origins = ["https://other.example"]
        "#,
        widget_dir.display(),
        console_dist().display(),
        settings.offer_timeout_secs,
        settings.agent_grace_secs,
        settings.server_extra,
        settings.conversations_per_minute,
        settings.messages_per_minute,
        settings.acme_extra,
    )
}

/// A PostgreSQL database created for one test on the server `TANDEM_TEST_DATABASE_URL` names.
pub struct TestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    /// A new, empty database, if the tests are to run against PostgreSQL.
    pub async fn create() -> Option<TestDatabase> {
        let admin_url = std::env::var("TANDEM_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!(
            "tandem_test_{}",
            tandem_server::ids::random_id().to_lowercase()
        )
        .replace('-', "_");
        sqlx::any::install_default_drivers();
        let admin = AnyPool::connect(&admin_url)
            .await
            .expect("the test PostgreSQL server");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("creating a test database");
        admin.close().await;
        let (server, _) = admin_url
            .rsplit_once('/')
            .expect("a URL ending in /database");
        let url = format!("{server}/{name}");
        Some(TestDatabase {
            admin_url,
            name,
            url,
        })
    }

    pub async fn drop(self) {
        let admin = AnyPool::connect(&self.admin_url)
            .await
            .expect("the test PostgreSQL server");
        admin
            .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
            .await
            .expect("dropping a test database");
        admin.close().await;
    }
}

/// A database for one test: a SQLite file in `dir`, or a fresh PostgreSQL database.
pub async fn test_database(dir: &Path) -> (String, Option<TestDatabase>) {
    let postgres = TestDatabase::create().await;
    let url = postgres.as_ref().map_or_else(
        || format!("sqlite://{}", dir.join("tandem.db").display()),
        |db| db.url.clone(),
    );
    (url, postgres)
}

/// Whether these tests run against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("TANDEM_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// The widget's release build: `TANDEM_WIDGET_DIST`, or the workspace's `dist/`.
/// Where the agent console's release build is (it need not exist for tests that do not use
/// it: the server answers `/console` with 503 then).
pub fn console_dist() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../console/dist")
}

pub fn widget_dist() -> PathBuf {
    let dist = std::env::var_os("TANDEM_WIDGET_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    assert!(
        dist.join("index.html").exists(),
        "no widget build at {}: run `cargo xtask test`, or `trunk build --release`",
        dist.display()
    );
    dist
}

/// The name of a test server's configuration file in its directory.
const CONFIG_FILE: &str = "tandem.toml";

pub struct TestServer {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    pub dir: TempDir,
    /// The PostgreSQL database made for this test, dropped by [`TestServer::stop`].
    postgres: Option<TestDatabase>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl TestServer {
    /// A server with no widget build and default settings.
    pub async fn start() -> TestServer {
        TestServer::with(Settings::default()).await
    }

    /// A server with no widget build.
    pub async fn with(settings: Settings) -> TestServer {
        let dir = TempDir::new().unwrap();
        let widget_dir = dir.path().join("no-widget-build");
        TestServer::launch(dir, &widget_dir, settings).await
    }

    /// A server serving the widget build in `widget_dir`.
    pub async fn start_with(dir: TempDir, widget_dir: &Path) -> TestServer {
        TestServer::launch(dir, widget_dir, Settings::default()).await
    }

    /// A server serving the widget build in `widget_dir`, with these settings.
    pub async fn launch(dir: TempDir, widget_dir: &Path, settings: Settings) -> TestServer {
        // Server logs appear with a failing test's output (RUST_LOG=debug for more).
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| "warn,tandem_server=info".into()),
            )
            .try_init();
        let (url, postgres) = test_database(dir.path()).await;
        let text = config_text(&url, widget_dir, &settings);
        // Also on disk, for the command line's tests (`TestServer::config_path`).
        std::fs::write(dir.path().join(CONFIG_FILE), &text).unwrap();
        let config = Config::parse(&text).expect("a valid test configuration");
        let state = AppState::new(config).await.expect("server state");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn({
            let state = state.clone();
            async move {
                tandem_server::serve(state, listener, async {
                    stopped.await.ok();
                })
                .await
                .unwrap();
            }
        });
        // Ready as a load balancer would see it: on PostgreSQL, hearing other processes.
        let listening = tokio::time::timeout(Duration::from_secs(30), async {
            while !state.bus.listening() {
                assert!(!task.is_finished(), "the server stopped as it started");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        listening.await.expect("the server to listen for events");
        TestServer {
            base: format!("http://{addr}"),
            addr,
            state,
            dir,
            postgres,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's configuration file, for running `tandem` commands on its database.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join(CONFIG_FILE)
    }

    /// A request from the widget, i.e. from this server's own origin.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.widget_request(reqwest::Method::POST, path)
    }

    /// A read from the widget.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.widget_request(reqwest::Method::GET, path)
    }

    fn widget_request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        reqwest::Client::new()
            .request(method, self.url(path))
            .header(header::ORIGIN, &self.base)
    }

    /// An agent of `acme` who is connected and available for `capacity` chats (a handoff
    /// then queues for them instead of offering the leave-a-message form), with their live
    /// connection.
    pub async fn available_agent(&self, name: &str, capacity: u32) -> (TestAgent, Ws) {
        let agent = self.agent(name, &["acme"]).await;
        let console = agent.live().await;
        agent.set_status("available", capacity).await;
        (agent, console)
    }

    /// The `n` of a `SELECT COUNT(*) AS n ...` query without parameters.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }

    /// Every message of a conversation, as the store reads it back.
    pub async fn stored_messages(&self, conversation: &str) -> Vec<tandem_protocol::Message> {
        self.state.db.messages_since(conversation, 0).await.unwrap()
    }

    /// Hands a shopper over with a small transcript; panics unless it is queued.
    pub async fn handoff(&self) -> ConversationCreated {
        let mut packet = CreateConversation::new("acme");
        packet.transcript = serde_json::from_value(json!([
            { "author": "shopper", "text": "Where is my parcel?" },
            { "author": "assistant", "text": "Parcels arrive in 3-5 working days.", "confidence": 0.62, "entry": "shipping-times" }
        ]))
        .unwrap();
        packet.context =
            serde_json::from_value(json!({ "cart_value": 224.5, "currency": "EUR" })).unwrap();
        self.hand_over(&packet).await
    }

    /// Sends this handoff packet, as the widget does, whatever the answer.
    pub async fn post_handoff(&self, packet: &CreateConversation) -> reqwest::Response {
        self.post("/v1/conversations")
            .json(packet)
            .send()
            .await
            .unwrap()
    }

    /// Hands this packet over, as the widget does; it must be queued.
    pub async fn hand_over(&self, packet: &CreateConversation) -> ConversationCreated {
        let response = self.post_handoff(packet).await;
        assert_eq!(
            response.status(),
            StatusCode::CREATED,
            "{}",
            response.text().await.unwrap()
        );
        response.json().await.unwrap()
    }

    /// The shopper's live connection, after `hello` with the last sequence number they have.
    pub async fn shopper(&self, created: &ConversationCreated, last_seq: u64) -> Ws {
        shopper_live(&self.addr, &self.base, created, last_seq).await
    }

    /// An agent account for these sites (email `name@agents.example`, password
    /// [`AGENT_PASSWORD`]), signed in.
    pub async fn agent(&self, name: &str, sites: &[&str]) -> TestAgent {
        let email = agent_email(name);
        let sites: Vec<String> = sites.iter().map(|s| s.to_string()).collect();
        let id = tandem_server::ids::random_id();
        let hash = tandem_server::auth::hash_password(AGENT_PASSWORD);
        assert!(
            self.state
                .db
                .create_agent(&id, &email, name, &hash, &sites)
                .await
                .unwrap()
        );
        let agent = self.sign_in(&email, AGENT_PASSWORD).await.unwrap();
        assert_eq!(agent.id, id);
        agent
    }

    /// Anna, admin of acme, and Ben, an agent of acme; both signed in.
    pub async fn admin_and_agent(&self) -> (TestAgent, TestAgent) {
        let anna = self.agent("Anna", &["acme"]).await;
        let ben = self.agent("Ben", &["acme"]).await;
        self.state
            .db
            .set_site_admin(&anna.id, "acme", true)
            .await
            .unwrap();
        (anna, ben)
    }

    /// A new session of an existing account, or the status that refused it.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<TestAgent, StatusCode> {
        let response = self
            .post("/v1/agent/login")
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::OK {
            return Err(response.status());
        }
        let cookie = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let profile: AgentProfile = response.json().await.unwrap();
        Ok(TestAgent {
            id: profile.id,
            name: profile.name,
            cookie,
            base: self.base.clone(),
        })
    }

    /// Stops the server, waits for it to finish, and drops a PostgreSQL test database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
        self.state.db.pool().close().await;
        if let Some(db) = self.postgres.take() {
            db.drop().await;
        }
    }
}

/// A server whose site "acme" answers from a knowledge base file the test may edit (first
/// the assistant's test shop, greeting "Hi!"); the file's folder goes with it.
pub async fn with_kb_file() -> (TestServer, TempDir, PathBuf) {
    let kb_dir = TempDir::new().unwrap();
    let kb = kb_dir.path().join("kb.toml");
    std::fs::write(&kb, tandem_assistant::fixture::KB).unwrap();
    let server = TestServer::with(Settings {
        acme_extra: format!("knowledge_base = {:?}", kb.display().to_string()),
        ..Settings::default()
    })
    .await;
    (server, kb_dir, kb)
}

/// The assistant's test shop with another greeting: an edit a shopper would notice.
pub fn kb_greeting(greeting: &str) -> String {
    let kb = tandem_assistant::fixture::KB
        .replace("greeting = \"Hi!\"", &format!("greeting = {greeting:?}"));
    assert_ne!(
        kb,
        tandem_assistant::fixture::KB,
        "the test shop greets with \"Hi!\""
    );
    kb
}

/// The password of every agent [`TestServer::agent`] makes.
pub const AGENT_PASSWORD: &str = "correct horse battery staple";

/// The email of the agent [`TestServer::agent`] makes with this name.
pub fn agent_email(name: &str) -> String {
    format!("{}@agents.example", name.to_lowercase().replace(' ', "."))
}

/// A signed-in agent.
#[derive(Clone)]
pub struct TestAgent {
    pub id: String,
    pub name: String,
    pub cookie: String,
    base: String,
}

impl TestAgent {
    /// A request with the agent's cookie, from the console's origin.
    pub fn request(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .header(header::COOKIE, &self.cookie)
            .header(header::ORIGIN, &self.base)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(reqwest::Method::POST, path)
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(reqwest::Method::GET, path)
    }

    /// Sets availability and capacity.
    pub async fn set_status(&self, status: &str, capacity: u32) {
        let response = self
            .request(reqwest::Method::PUT, "/v1/agent/status")
            .json(&json!({ "status": status, "capacity": capacity }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    /// Opens the agent's live connection.
    pub async fn live(&self) -> Ws {
        Ws::connect(
            &self.live_url(),
            &[("cookie", &self.cookie), ("origin", &self.base)],
        )
        .await
    }

    /// Opens the agent's live connection and never reads it (see [`Ws::silent`]).
    pub async fn live_silent(&self) -> impl Send + use<> {
        Ws::silent(
            &self.live_url(),
            &[("cookie", &self.cookie), ("origin", &self.base)],
        )
        .await
    }

    fn live_url(&self) -> String {
        format!("{}/v1/agent/live", self.base.replace("http://", "ws://"))
    }

    /// The conversation as the agent API shows it.
    pub async fn conversation(&self, id: &str) -> ConversationDetail {
        self.get(&format!("/v1/agent/conversations/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Takes a conversation from the queue and closes it with this resolution.
    pub async fn claim_and_close(&self, id: &str, resolution: &str) {
        assert_eq!(
            self.act(id, "claim", json!({})).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            self.act(id, "close", json!({ "resolution": resolution }))
                .await,
            StatusCode::NO_CONTENT
        );
    }

    /// `POST /v1/agent/conversations/{id}/{action}`, returning the status.
    pub async fn act(&self, id: &str, action: &str, body: serde_json::Value) -> StatusCode {
        let response = self
            .post(&format!("/v1/agent/conversations/{id}/{action}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        if !status.is_success() {
            let problem = response.text().await.unwrap_or_default();
            eprintln!("{} {action} {id}: {status} {problem}", self.name);
        }
        status
    }
}

/// A shopper's live connection to the server at `addr` (its pages at `base`), after `hello`
/// with the last sequence number they have.
pub async fn shopper_live(
    addr: impl std::fmt::Display,
    base: &str,
    created: &ConversationCreated,
    last_seq: u64,
) -> Ws {
    let url = format!("ws://{addr}/v1/conversations/{}/live", created.id);
    let mut ws = Ws::connect(&url, &[("origin", base)]).await;
    ws.send(&ShopperFrame::Hello {
        token: created.token.clone(),
        last_seq,
    })
    .await;
    ws
}

/// Sends a request that must succeed and reads its JSON answer.
pub async fn json<T: serde::de::DeserializeOwned>(request: RequestBuilder) -> T {
    request.send().await.unwrap().json().await.unwrap()
}
