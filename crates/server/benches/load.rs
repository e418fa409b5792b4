//! The load benchmark: a real `tandem serve` process, driven over real sockets by many
//! shoppers and agents, printing latencies and throughput (no assertions: figures for
//! BENCHMARKS.md). Run through `cargo xtask bench handoff` and `cargo xtask bench relay`,
//! which build the server with the `server` profile and raise the open-files limit.
//!
//! - `handoff`: the time from a shopper's "Talk to a human" request to the agent's console
//!   showing it: as an offer (empty queue, agent available) and in the queue view with 1,000
//!   conversations already waiting.
//! - `relay`: N open shopper connections, each in a conversation with one of N/20 agents
//!   (20 each), and messages sent both ways at a fixed rate; latency from send to receipt.
//!
//! Usage: `load <handoff|relay> [--queued N] [--samples N] [--shoppers N] [--rate MSG/S]
//! [--seconds S] [--database-url postgres://...]`: without a URL the server uses a new SQLite
//! file; with one, a new database on that PostgreSQL server, dropped afterwards. The server
//! binary comes from `TANDEM_BIN`.

use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures_util::{SinkExt, StreamExt, stream::FuturesUnordered};
use reqwest::header;
use serde_json::json;
use tandem_protocol::{
    Author, ConversationCreated, CreateConversation,
    agent::{AgentFrame, AgentServerFrame},
    live::{ServerFrame, ShopperFrame},
};
use tokio::{net::TcpStream, sync::Semaphore};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;
const PASSWORD: &str = "benchmark password";

struct Args {
    scenario: String,
    queued: usize,
    samples: usize,
    shoppers: usize,
    rate: u64,
    seconds: u64,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        scenario: String::new(),
        queued: 1000,
        samples: 200,
        shoppers: 10_000,
        rate: 2000,
        seconds: 20,
        database_url: None,
    };
    let mut words = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(word) = words.next() {
        let mut value = || words.next().expect("a value after the flag");
        match word.as_str() {
            "--queued" => args.queued = value().parse().unwrap(),
            "--samples" => args.samples = value().parse().unwrap(),
            "--shoppers" => args.shoppers = value().parse().unwrap(),
            "--rate" => args.rate = value().parse().unwrap(),
            "--seconds" => args.seconds = value().parse().unwrap(),
            "--database-url" => args.database_url = Some(value()),
            scenario if !scenario.starts_with('-') => args.scenario = scenario.to_owned(),
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

/// The server under test, in its own process.
struct Server {
    child: Child,
    base: String,
    addr: String,
    _dir: tempfile::TempDir,
    /// On PostgreSQL, the server URL and the database made for this run, dropped at the end.
    postgres: Option<(String, String)>,
}

/// A fresh database on the PostgreSQL server `admin_url` points at: `(url, name)`.
async fn fresh_postgres(admin_url: &str) -> (String, String) {
    use sqlx::Executor;
    sqlx::any::install_default_drivers();
    let id = tandem_server::ids::random_id()
        .to_lowercase()
        .replace('-', "_");
    let name = format!("tandem_bench_{id}");
    let admin = sqlx::AnyPool::connect(admin_url)
        .await
        .expect("the PostgreSQL server");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    admin.close().await;
    let (server, _) = admin_url
        .rsplit_once('/')
        .expect("a URL ending in /database");
    (format!("{server}/{name}"), name)
}

impl Server {
    async fn start(database_url: Option<&str>, agents: usize) -> Server {
        let dir = tempfile::TempDir::new().unwrap();
        let (url, postgres) = match database_url {
            Some(admin) => {
                let (url, name) = fresh_postgres(admin).await;
                (url, Some((admin.to_owned(), name)))
            }
            None => (
                format!("sqlite://{}", dir.path().join("bench.db").display()),
                None,
            ),
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let config = format!(
            "listen = \"{addr}\"\ndatabase_url = \"{url}\"\nwidget_dir = \"dist\"\nagent_grace_secs = 600\n\
             [limits]\nconversations_per_minute = 1000000\nmessages_per_minute = 1000000\nlogins_per_minute = 1000000\n\
             [[sites]]\nid = \"acme\"\nname = \"Acme\"\nallowed_origins = [\"self\"]\n"
        );
        let config_path = dir.path().join("bench.toml");
        std::fs::write(&config_path, config).unwrap();
        // Agents go straight into the database, hashed in parallel, before the server starts.
        let db = tandem_server::store::Db::connect(&url)
            .await
            .expect("the benchmark database");
        let hash = tandem_server::auth::hash_password(PASSWORD);
        for i in 0..agents {
            let id = format!("agent{i}");
            db.create_agent(
                &id,
                &format!("{id}@bench.example"),
                &format!("Agent {i}"),
                &hash,
                &["acme".to_owned()],
            )
            .await
            .unwrap();
        }
        db.pool().close().await;
        let bin = std::env::var("TANDEM_BIN").expect("TANDEM_BIN: run through `cargo xtask bench`");
        let child = Command::new(bin)
            .args(["serve", "--config"])
            .arg(&config_path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("starting tandem");
        let base = format!("http://{addr}");
        let started = Instant::now();
        while reqwest::get(format!("{base}/readyz"))
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Server {
            child,
            base,
            addr,
            _dir: dir,
            postgres,
        }
    }

    /// Stops the server and drops a PostgreSQL benchmark database.
    async fn finish(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some((admin_url, name)) = self.postgres.take() {
            use sqlx::Executor;
            let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap();
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            admin.execute(drop.as_str()).await.unwrap();
            admin.close().await;
        }
    }

    fn memory(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
                .map_or_else(
                    || "?".to_owned(),
                    |kb| format!("{:.1} MiB", kb as f64 / 1024.0),
                )
        };
        format!("resident {} (peak {})", field("VmRSS:"), field("VmHWM:"))
    }

    async fn handoff(&self, client: &reqwest::Client) -> ConversationCreated {
        let mut packet = CreateConversation::new("acme");
        packet.transcript = vec![
            serde_json::from_value(json!({ "author": "shopper", "text": "Where is my order?" }))
                .unwrap(),
        ];
        let response = client
            .post(format!("{}/v1/conversations", self.base))
            .header(header::ORIGIN, &self.base)
            .json(&packet)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.json().await.unwrap()
    }

    async fn sign_in(&self, client: &reqwest::Client, agent: usize) -> String {
        let response = client
            .post(format!("{}/v1/agent/login", self.base))
            .header(header::ORIGIN, &self.base)
            .json(&json!({ "email": format!("agent{agent}@bench.example"), "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    async fn agent_call(
        &self,
        client: &reqwest::Client,
        cookie: &str,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) {
        let response = client
            .request(method, format!("{}{path}", self.base))
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, &self.base)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    async fn socket(&self, path: &str, cookie: Option<&str>) -> Socket {
        let mut request = format!("ws://{}{path}", self.addr)
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(&self.base).unwrap());
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert("cookie", HeaderValue::from_str(cookie).unwrap());
        }
        connect_async(request).await.expect("a WebSocket").0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn send(socket: &mut Socket, frame: &impl serde::Serialize) {
    socket
        .send(Message::Text(serde_json::to_string(frame).unwrap().into()))
        .await
        .unwrap();
}

/// The next frame of type `T` that `pick` accepts.
async fn until<T: serde::de::DeserializeOwned, R>(
    socket: &mut Socket,
    mut pick: impl FnMut(T) -> Option<R>,
) -> R {
    loop {
        let Some(Ok(frame)) = socket.next().await else {
            panic!("the connection closed")
        };
        let Message::Text(text) = frame else { continue };
        if let Ok(frame) = serde_json::from_str::<T>(&text)
            && let Some(found) = pick(frame)
        {
            return found;
        }
    }
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name}: n={} p50={:.2} ms p90={:.2} ms p99={:.2} ms max={:.2} ms",
        samples.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(0.99)),
        ms(at(1.0))
    );
}

async fn handoff(args: &Args) {
    let server = Server::start(args.database_url.as_deref(), 1).await;
    let client = reqwest::Client::new();
    let cookie = server.sign_in(&client, 0).await;
    let mut console = server.socket("/v1/agent/live", Some(&cookie)).await;
    let status = |s: &str| json!({ "status": s, "capacity": 20 });
    server
        .agent_call(
            &client,
            &cookie,
            reqwest::Method::PUT,
            "/v1/agent/status",
            status("available"),
        )
        .await;

    // 1. Empty queue, agent available: request → offer on the console.
    let mut offers = Vec::new();
    for _ in 0..args.samples.min(100) {
        let start = Instant::now();
        let created = server.handoff(&client).await;
        until(&mut console, |f: AgentServerFrame| match f {
            AgentServerFrame::Offer { offer } if offer.conversation.id == created.id => Some(()),
            _ => None,
        })
        .await;
        offers.push(start.elapsed());
        let path = format!("/v1/agent/conversations/{}", created.id);
        server
            .agent_call(
                &client,
                &cookie,
                reqwest::Method::POST,
                &format!("{path}/accept"),
                json!({}),
            )
            .await;
        server
            .agent_call(
                &client,
                &cookie,
                reqwest::Method::POST,
                &format!("{path}/close"),
                json!({ "resolution": "solved" }),
            )
            .await;
    }
    summary("handoff → offer shown (empty queue)", offers);

    // 2. With `queued` conversations waiting: request → the console's queue view shows it.
    server
        .agent_call(
            &client,
            &cookie,
            reqwest::Method::PUT,
            "/v1/agent/status",
            status("away"),
        )
        .await;
    let gate = Arc::new(Semaphore::new(32));
    let mut filling = FuturesUnordered::new();
    for _ in 0..args.queued {
        let (gate, server, client) = (gate.clone(), &server, client.clone());
        filling.push(async move {
            let _permit = gate.acquire().await.unwrap();
            server.handoff(&client).await
        });
    }
    while filling.next().await.is_some() {}
    drop(filling);
    let mut shown = Vec::new();
    for _ in 0..args.samples {
        let start = Instant::now();
        let created = server.handoff(&client).await;
        until(&mut console, |f: AgentServerFrame| match f {
            AgentServerFrame::Queue { entries, .. }
                if entries.iter().any(|e| e.id == created.id) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
        shown.push(start.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    summary(
        &format!("handoff → queue view shows it ({} queued)", args.queued),
        shown,
    );
    println!("server memory: {}", server.memory());
    server.finish().await;
}

/// One live conversation: the shopper's socket, its id, and which agent has it.
struct Pair {
    shopper: Socket,
    agent: usize,
    id: String,
}

async fn relay(args: &Args) {
    let agents = args.shoppers.div_ceil(20);
    let server = Server::start(args.database_url.as_deref(), agents).await;
    let client = reqwest::Client::new();
    let setup = Instant::now();
    let gate = Arc::new(Semaphore::new(64));
    let mut cookies = Vec::new();
    for agent in 0..agents {
        let cookie = server.sign_in(&client, agent).await;
        // Away: no offers while the benchmark hands each agent its 20 conversations.
        let status = json!({ "status": "away", "capacity": 20 });
        server
            .agent_call(
                &client,
                &cookie,
                reqwest::Method::PUT,
                "/v1/agent/status",
                status,
            )
            .await;
        cookies.push(cookie);
    }
    // Hand over and have the agent claim it at once, so the queue stays short.
    let mut creating = FuturesUnordered::new();
    for i in 0..args.shoppers {
        let (gate, server, client, cookie) = (
            gate.clone(),
            &server,
            client.clone(),
            cookies[i / 20].clone(),
        );
        creating.push(async move {
            let _permit = gate.acquire().await.unwrap();
            let created = server.handoff(&client).await;
            let claim = format!("/v1/agent/conversations/{}/claim", created.id);
            server
                .agent_call(&client, &cookie, reqwest::Method::POST, &claim, json!({}))
                .await;
            let mut shopper = server
                .socket(&format!("/v1/conversations/{}/live", created.id), None)
                .await;
            send(
                &mut shopper,
                &ShopperFrame::Hello {
                    token: created.token.clone(),
                    last_seq: 0,
                },
            )
            .await;
            until(&mut shopper, |f: ServerFrame| {
                matches!(f, ServerFrame::Welcome { .. }).then_some(())
            })
            .await;
            Pair {
                shopper,
                agent: i / 20,
                id: created.id,
            }
        });
    }
    let mut pairs = Vec::new();
    while let Some(pair) = creating.next().await {
        pairs.push(pair);
    }
    drop(creating);
    let mut consoles = Vec::new();
    for cookie in &cookies {
        let mut console = server.socket("/v1/agent/live", Some(cookie)).await;
        until(&mut console, |f: AgentServerFrame| {
            matches!(f, AgentServerFrame::Welcome { .. }).then_some(())
        })
        .await;
        consoles.push(console);
    }
    println!(
        "setup: {} shoppers and {} agents connected in {:.1} s; server memory: {}",
        pairs.len(),
        consoles.len(),
        setup.elapsed().as_secs_f64(),
        server.memory()
    );

    // Every message carries its client id; the receiving side looks up when it was sent.
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let mut shopper_sinks = Vec::new();
    let mut conversations = Vec::new();
    let mut readers = tokio::task::JoinSet::new();
    for pair in pairs {
        conversations.push((pair.id, pair.agent));
        let (sink, mut stream) = pair.shopper.split();
        shopper_sinks.push(sink);
        let (sent_at, latencies) = (sent_at.clone(), latencies.clone());
        readers.spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                // Pings (the server's keepalive) and the like are not messages.
                let Message::Text(text) = frame else { continue };
                if let Ok(ServerFrame::Message { message }) = serde_json::from_str(&text)
                    && message.author == Author::Agent
                    && let Some(start) = message
                        .client_id
                        .and_then(|c| sent_at.lock().unwrap().remove(&c))
                {
                    latencies.lock().unwrap().push(start.elapsed());
                }
            }
        });
    }
    let mut agent_sinks = Vec::new();
    for console in consoles {
        let (sink, mut stream) = console.split();
        agent_sinks.push(sink);
        let (sent_at, latencies) = (sent_at.clone(), latencies.clone());
        readers.spawn(async move {
            while let Some(Ok(frame)) = stream.next().await {
                let Message::Text(text) = frame else { continue };
                if let Ok(AgentServerFrame::Message { message, .. }) = serde_json::from_str(&text)
                    && message.author == Author::Shopper
                    && let Some(start) = message
                        .client_id
                        .and_then(|c| sent_at.lock().unwrap().remove(&c))
                {
                    latencies.lock().unwrap().push(start.elapsed());
                }
            }
        });
    }

    let total = args.rate * args.seconds;
    let interval = Duration::from_secs_f64(1.0 / args.rate as f64);
    let start = Instant::now();
    for n in 0..total {
        let due = start + interval * u32::try_from(n).unwrap();
        tokio::time::sleep_until(due.into()).await;
        let k = (n as usize * 7919) % conversations.len();
        let client_id = format!("m{n}");
        let text = format!("benchmark message {n}");
        sent_at
            .lock()
            .unwrap()
            .insert(client_id.clone(), Instant::now());
        let frame = if n % 2 == 0 {
            serde_json::to_string(&ShopperFrame::Send { client_id, text }).unwrap()
        } else {
            serde_json::to_string(&AgentFrame::Send {
                conversation: conversations[k].0.clone(),
                client_id,
                text,
            })
            .unwrap()
        };
        let sink_result = if n % 2 == 0 {
            shopper_sinks[k].send(Message::Text(frame.into())).await
        } else {
            agent_sinks[conversations[k].1]
                .send(Message::Text(frame.into()))
                .await
        };
        sink_result.expect("sending");
    }
    let sending = start.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lost = sent_at.lock().unwrap().len();
    let samples = std::mem::take(&mut *latencies.lock().unwrap());
    println!(
        "relay: {total} messages offered at {} msg/s, sent in {:.1} s ({:.0} msg/s), {} delivered, {lost} not delivered within 3 s",
        args.rate,
        sending.as_secs_f64(),
        total as f64 / sending.as_secs_f64(),
        samples.len()
    );
    summary(
        &format!(
            "relay latency with {} open shopper connections",
            conversations.len()
        ),
        samples,
    );
    println!("server memory: {}", server.memory());
    readers.abort_all();
    server.finish().await;
}

#[tokio::main]
async fn main() {
    let args = args();
    match args.scenario.as_str() {
        "handoff" => handoff(&args).await,
        "relay" => relay(&args).await,
        other => {
            eprintln!("usage: load <handoff|relay> [flags]; got {other:?}");
            std::process::exit(2);
        }
    }
}
