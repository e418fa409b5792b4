//! Real `tandem serve` processes: killed mid-conversation and restarted on the same database,
//! nothing acknowledged is lost; an edited knowledge base goes live on `SIGHUP`; and on
//! PostgreSQL, two processes share one queue, relaying a conversation whose shopper and agent
//! are connected to different processes, and an admin's "put live" reaches both.

mod common;

use std::{
    io::Write,
    process::{Child, Command, Stdio},
    time::Duration,
};

use common::{
    Settings, TestDatabase, Ws, browser::eventually, config_text, on_postgres, test_database,
};
use reqwest::{StatusCode, header};
use serde_json::json;
use tandem_protocol::{
    Author, ConversationCreated, ConversationState, CreateConversation,
    agent::{AgentFrame, AgentServerFrame},
    live::{ServerFrame, ShopperFrame},
};
use tempfile::TempDir;

const TANDEM: &str = env!("CARGO_BIN_EXE_tandem");
const PASSWORD: &str = "a long enough password";

/// One `tandem serve` process.
struct Process {
    child: Child,
    base: String,
    addr: String,
}

impl Process {
    async fn start(config: &std::path::Path) -> Process {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(TANDEM)
            .args(["serve", "--config"])
            .arg(config)
            .args(["--listen", &addr])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the tandem binary");
        let base = format!("http://{addr}");
        let ready = format!("{base}/readyz");
        eventually(Duration::from_secs(30), "the server to be ready", || {
            let ready = ready.clone();
            async move {
                reqwest::get(&ready)
                    .await
                    .ok()
                    .filter(|r| r.status().is_success())
                    .map(|_| ())
            }
        })
        .await;
        Process { child, base, addr }
    }

    /// Kills the process outright: no graceful shutdown, as in a crash.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .header(header::ORIGIN, &self.base)
    }

    async fn handoff(&self, text: &str) -> ConversationCreated {
        let mut packet = CreateConversation::new("acme");
        packet.transcript =
            vec![serde_json::from_value(json!({ "author": "shopper", "text": text })).unwrap()];
        let response = self
            .post("/v1/conversations")
            .json(&packet)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    async fn shopper(&self, created: &ConversationCreated, last_seq: u64) -> Ws {
        common::shopper_live(&self.addr, &self.base, created, last_seq).await
    }

    /// Signs the agent in; returns the cookie.
    async fn sign_in(&self, email: &str) -> String {
        let response = self
            .post("/v1/agent/login")
            .json(&json!({ "email": email, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    }

    async fn console(&self, cookie: &str) -> Ws {
        Ws::connect(
            &format!("ws://{}/v1/agent/live", self.addr),
            &[("cookie", cookie), ("origin", &self.base)],
        )
        .await
    }

    async fn agent_post(&self, cookie: &str, path: &str, body: serde_json::Value) -> StatusCode {
        self.agent_call(reqwest::Method::POST, cookie, path, body)
            .await
            .status()
    }

    async fn agent_call(
        &self,
        method: reqwest::Method,
        cookie: &str,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .header(header::ORIGIN, &self.base)
            .header(header::COOKIE, cookie)
            .json(&body)
            .send()
            .await
            .unwrap()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A configuration file on a fresh database, and an agent added with `tandem agent add`.
async fn setup(dir: &TempDir) -> (std::path::PathBuf, Option<TestDatabase>) {
    setup_with(dir, &Settings::default(), false).await
}

/// The same with these settings, the agent an admin of acme if `admin`.
async fn setup_with(
    dir: &TempDir,
    settings: &Settings,
    admin: bool,
) -> (std::path::PathBuf, Option<TestDatabase>) {
    let (url, postgres) = test_database(dir.path()).await;
    let config = dir.path().join("tandem.toml");
    std::fs::write(
        &config,
        config_text(&url, &dir.path().join("dist"), settings),
    )
    .unwrap();
    let mut add = Command::new(TANDEM);
    add.args(["agent", "add", "--config"]).arg(&config).args([
        "--site",
        "acme",
        "--email",
        "Anna@Agents.example",
        "--name",
        "Anna",
    ]);
    if admin {
        add.arg("--admin");
    }
    let mut add = add
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(add.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let output = add.wait_with_output().unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("Anna <anna@agents.example>"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    (config, postgres)
}

async fn message_texts(ws: &mut Ws, count: usize) -> Vec<(u64, String)> {
    let mut texts = Vec::new();
    while texts.len() < count {
        if let ServerFrame::Message { message } = ws.next().await {
            texts.push((message.seq, message.text));
        }
    }
    texts
}

#[tokio::test]
async fn a_server_killed_mid_conversation_resumes_every_conversation_with_nothing_lost() {
    let dir = TempDir::new().unwrap();
    let (config, postgres) = setup(&dir).await;
    let mut first = Process::start(&config).await;
    let cookie = first.sign_in("anna@agents.example").await;
    let talking = first.handoff("My parcel is late").await;
    let waiting = [
        first.handoff("Second shopper").await,
        first.handoff("Third shopper").await,
    ];
    assert_eq!(
        first
            .agent_post(
                &cookie,
                &format!("/v1/agent/conversations/{}/claim", talking.id),
                json!({})
            )
            .await,
        StatusCode::NO_CONTENT
    );

    let mut shopper = first.shopper(&talking, 0).await;
    let mut acknowledged = Vec::new();
    for i in 0..5 {
        shopper
            .send(&ShopperFrame::Send {
                client_id: format!("s{i}"),
                text: format!("message {i}"),
            })
            .await;
    }
    while acknowledged.len() < 5 {
        if let ServerFrame::Ack { seq, .. } = shopper.next().await {
            acknowledged.push(seq);
        }
    }
    let agent_reply = first
        .agent_post(
            &cookie,
            &format!("/v1/agent/conversations/{}/messages", talking.id),
            json!({ "client_id": "a1", "text": "On it" }),
        )
        .await;
    assert_eq!(agent_reply, StatusCode::CREATED);

    first.kill();
    drop(shopper);
    let second = Process::start(&config).await;

    // The shopper resumes from nothing and gets every message, in order, without gaps, and
    // then where the conversation stands.
    let mut shopper = second.shopper(&talking, 0).await;
    let history = message_texts(&mut shopper, 9).await;
    let ServerFrame::Welcome { status } = shopper.next().await else {
        panic!("the welcome after what was missed")
    };
    assert_eq!(status.state, ConversationState::WithAgent);
    assert_eq!(status.agent_name.as_deref(), Some("Anna"));
    assert!(history.windows(2).all(|w| w[1].0 == w[0].0 + 1));
    for (i, seq) in acknowledged.iter().enumerate() {
        let stored = history
            .iter()
            .find(|(s, _)| s == seq)
            .expect("an acknowledged message survived");
        assert_eq!(stored.1, format!("message {i}"));
    }
    assert_eq!(history.last().unwrap().1, "On it");

    // The agent's session and conversation survived; the queue kept its order.
    let mut console = second.console(&cookie).await;
    let AgentServerFrame::Welcome { conversations, .. } = console.next().await else {
        panic!("welcome first")
    };
    assert_eq!(conversations.len(), 1);
    assert_eq!(conversations[0].messages.len(), 9);
    let queue = console
        .until(|frame| match frame {
            AgentServerFrame::Queue { entries, .. } => Some(entries),
            _ => None,
        })
        .await;
    let ids: Vec<&str> = queue.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [waiting[0].id.as_str(), waiting[1].id.as_str()]);

    // And the conversation goes on.
    console
        .send(&AgentFrame::Send {
            conversation: talking.id.clone(),
            client_id: "a2".into(),
            text: "Found it".into(),
        })
        .await;
    let (_, text) = message_texts(&mut shopper, 1).await.remove(0);
    assert_eq!(text, "Found it");
    drop(second);
    if let Some(db) = postgres {
        db.drop().await;
    }
}

#[tokio::test]
async fn two_processes_on_postgresql_relay_a_conversation_across_them() {
    if !on_postgres() {
        eprintln!("skipped: set TANDEM_TEST_DATABASE_URL to a PostgreSQL server (.ci/run does)");
        return;
    }
    let dir = TempDir::new().unwrap();
    let (config, postgres) = setup(&dir).await;
    let shop_side = Process::start(&config).await;
    let agent_side = Process::start(&config).await;
    let cookie = agent_side.sign_in("anna@agents.example").await;
    let mut console = agent_side.console(&cookie).await;
    let status = reqwest::Client::new()
        .put(format!("{}/v1/agent/status", agent_side.base))
        .header(header::COOKIE, &cookie)
        .header(header::ORIGIN, &agent_side.base)
        .json(&json!({ "status": "available", "capacity": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(status.status(), StatusCode::OK);

    // Handed over on one process, offered to the agent on the other.
    let created = shop_side.handoff("Can I change my delivery address?").await;
    let mut shopper = shop_side.shopper(&created, 0).await;
    let offer = console
        .until(|frame| match frame {
            AgentServerFrame::Offer { offer } => Some(offer),
            _ => None,
        })
        .await;
    assert_eq!(offer.conversation.id, created.id);
    let accept = agent_side
        .agent_post(
            &cookie,
            &format!("/v1/agent/conversations/{}/accept", created.id),
            json!({}),
        )
        .await;
    assert_eq!(accept, StatusCode::NO_CONTENT);
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.agent_name.as_deref() == Some("Anna") => {
                Some(())
            }
            _ => None,
        })
        .await;

    // Messages cross the processes both ways.
    shopper
        .send(&ShopperFrame::Send {
            client_id: "s1".into(),
            text: "To Bergsgatan 4, please".into(),
        })
        .await;
    let heard = console
        .until(|frame| match frame {
            AgentServerFrame::Message { message, .. } if message.author == Author::Shopper => {
                Some(message.text)
            }
            _ => None,
        })
        .await;
    assert_eq!(heard, "To Bergsgatan 4, please");
    console
        .send(&AgentFrame::Send {
            conversation: created.id.clone(),
            client_id: "a1".into(),
            text: "Done!".into(),
        })
        .await;
    let reply = shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.author == Author::Agent => {
                Some(message.text)
            }
            _ => None,
        })
        .await;
    assert_eq!(reply, "Done!");

    // Claims racing on both processes still assign a conversation once.
    let contested = shop_side.handoff("Contested").await;
    let path = format!("/v1/agent/conversations/{}/claim", contested.id);
    let mut claims = Vec::new();
    for i in 0..20 {
        let side = if i % 2 == 0 { &shop_side } else { &agent_side };
        let request = side
            .post(&path)
            .header(header::COOKIE, &cookie)
            .json(&json!({}))
            .send();
        claims.push(request);
    }
    let results = futures_util::future::join_all(claims).await;
    let won = results
        .iter()
        .filter(|r| r.as_ref().unwrap().status() == StatusCode::NO_CONTENT)
        .count();
    assert_eq!(won, 1);
    drop((shop_side, agent_side));
    if let Some(db) = postgres {
        db.drop().await;
    }
}

/// acme answering from a knowledge base file in `dir` (the assistant's test shop, "Hi!").
fn kb_file_settings(dir: &TempDir) -> (Settings, std::path::PathBuf) {
    let kb = dir.path().join("kb.toml");
    std::fs::write(&kb, tandem_assistant::fixture::KB).unwrap();
    let settings = Settings {
        acme_extra: format!("knowledge_base = {:?}", kb.display().to_string()),
        ..Settings::default()
    };
    (settings, kb)
}

/// Waits until the process's description of acme greets with `expected`, its model ready.
async fn greets(process: &Process, expected: &str) {
    let url = format!("{}/v1/sites/acme", process.base);
    eventually(Duration::from_secs(60), expected, || async {
        let site: serde_json::Value = reqwest::get(&url).await.ok()?.json().await.ok()?;
        (site["greeting"] == expected && site["model_url"].is_string()).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_server_stopped_gracefully_tells_its_live_connections_to_come_back() {
    let dir = TempDir::new().unwrap();
    let (config, postgres) = setup(&dir).await;
    let mut server = Process::start(&config).await;
    let created = server.handoff("Hello?").await;
    let mut shopper = server.shopper(&created, created.transcript_seq).await;
    let ServerFrame::Welcome { .. } = shopper.next().await else {
        panic!("welcome first")
    };
    // Stopped as an orchestrator stops it (SIGTERM): the shopper's widget is told when to
    // reconnect and the connection is closed as a restart, not cut.
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let told = shopper
        .until(|frame| match frame {
            ServerFrame::Reconnect { after_ms } => Some(after_ms),
            _ => None,
        })
        .await;
    assert!((1000..3000).contains(&told), "{told}");
    assert_eq!(shopper.closed_with().await, Some(1012));
    assert!(server.child.wait().unwrap().success(), "a clean exit");
    match postgres {
        Some(db) => db.drop().await,
        // Its connections closed: the write-ahead log is folded into the database file.
        None => assert!(!dir.path().join("tandem.db-wal").exists()),
    }
}

#[tokio::test]
async fn a_hangup_puts_an_edited_knowledge_base_live_without_a_restart() {
    let dir = TempDir::new().unwrap();
    let (settings, kb) = kb_file_settings(&dir);
    let (config, postgres) = setup_with(&dir, &settings, false).await;
    let server = Process::start(&config).await;
    greets(&server, "Hi!").await;
    std::fs::write(&kb, common::kb_greeting("Hello again!")).unwrap();
    let hup = Command::new("kill")
        .args(["-HUP", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(hup.success());
    greets(&server, "Hello again!").await;
    drop(server);
    if let Some(db) = postgres {
        db.drop().await;
    }
}

#[tokio::test]
async fn an_admin_puts_a_knowledge_base_live_on_every_process_sharing_the_database() {
    if !on_postgres() {
        eprintln!("skipped: needs TANDEM_TEST_DATABASE_URL=postgres://...");
        return;
    }
    let dir = TempDir::new().unwrap();
    let (settings, kb) = kb_file_settings(&dir);
    let (config, postgres) = setup_with(&dir, &settings, true).await;
    let (first, second) = (Process::start(&config).await, Process::start(&config).await);
    greets(&first, "Hi!").await;
    greets(&second, "Hi!").await;
    std::fs::write(&kb, common::kb_greeting("Hello again!")).unwrap();
    let cookie = first.sign_in("anna@agents.example").await;
    assert_eq!(
        first
            .agent_post(&cookie, "/v1/agent/admin/kb-reload?site=acme", json!({}))
            .await,
        StatusCode::ACCEPTED
    );
    greets(&first, "Hello again!").await;
    greets(&second, "Hello again!").await;
    drop((first, second));
    if let Some(db) = postgres {
        db.drop().await;
    }
}

#[tokio::test]
async fn a_knowledge_base_edited_in_the_console_outlives_a_restart_until_the_file_is_put_back() {
    let dir = TempDir::new().unwrap();
    let (settings, kb) = kb_file_settings(&dir);
    let (config, postgres) = setup_with(&dir, &settings, true).await;
    let mut server = Process::start(&config).await;
    greets(&server, "Hi!").await;
    let cookie = server.sign_in("anna@agents.example").await;
    let edit = json!({ "text": common::kb_greeting("Edited here!"), "base_version": 0 });
    let saved = server
        .agent_call(
            reqwest::Method::PUT,
            &cookie,
            "/v1/agent/admin/kb-source?site=acme",
            edit,
        )
        .await;
    assert_eq!(saved.status(), StatusCode::ACCEPTED);
    greets(&server, "Edited here!").await;
    // Another process on the same database serves the edit too, not its file.
    let other = if on_postgres() {
        let other = Process::start(&config).await;
        greets(&other, "Edited here!").await;
        Some(other)
    } else {
        None
    };

    // The file changes meanwhile; a server killed and started again keeps the edit.
    std::fs::write(&kb, common::kb_greeting("From the file")).unwrap();
    server.kill();
    drop(other);
    let server = Process::start(&config).await;
    greets(&server, "Edited here!").await;

    // Until an admin puts the file back in use.
    let cookie = server.sign_in("anna@agents.example").await;
    assert_eq!(
        server
            .agent_post(&cookie, "/v1/agent/admin/kb-reload?site=acme", json!({}))
            .await,
        StatusCode::ACCEPTED
    );
    greets(&server, "From the file").await;
    drop(server);
    if let Some(db) = postgres {
        db.drop().await;
    }
}
