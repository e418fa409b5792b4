//! Agents' passwords over real sockets: an agent changes their own; an admin's command line
//! resets a lost one. Either way the old password stops working and whoever signed in with
//! it is signed out, while the session that made the change stays. A change closes the other
//! sessions' live connections at once; so does a reset, from another process, on PostgreSQL
//! (it tells the servers as they tell each other), while on SQLite it leaves them to the
//! next keepalive's check (25 s; the same check, not waited for here).

mod common;

use std::{
    io::Write,
    process::{Command, Stdio},
};

use common::{AGENT_PASSWORD, TestAgent, TestServer, agent_email, live::Ws, on_postgres};
use reqwest::StatusCode;
use serde_json::json;
use tandem_protocol::agent::AgentServerFrame;

const NEW_PASSWORD: &str = "a brand new passphrase";

async fn change(agent: &TestAgent, current: &str, new: &str) -> (StatusCode, String) {
    let response = agent
        .request(reqwest::Method::PUT, "/v1/agent/password")
        .json(&json!({ "current": current, "new": new }))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn me(agent: &TestAgent) -> StatusCode {
    agent.get("/v1/agent/me").send().await.unwrap().status()
}

/// Waits for the live connection to say its session is over and close.
async fn signed_out(ws: &mut Ws) {
    let refusal = ws
        .until(|frame| match frame {
            AgentServerFrame::Error { problem, .. } => Some(problem),
            _ => None,
        })
        .await;
    assert_eq!(refusal.status, 401, "{refusal:?}");
    assert_eq!(ws.closed_with().await, Some(1008));
}

/// Waits for the live connection's welcome, so it is known to be open.
async fn welcomed(ws: &mut Ws) {
    ws.until(|frame| matches!(frame, AgentServerFrame::Welcome { .. }).then_some(()))
        .await;
}

#[tokio::test]
async fn an_agent_changes_their_password_and_every_other_session_ends() {
    let server = TestServer::start().await;
    let here = server.agent("Anna", &["acme"]).await;
    let email = agent_email("Anna");
    // Signed in somewhere else too (a shared computer, or someone who knew the password).
    let elsewhere = server.sign_in(&email, AGENT_PASSWORD).await.unwrap();
    let mut elsewhere_live = elsewhere.live().await;
    welcomed(&mut elsewhere_live).await;
    let mut here_live = here.live().await;
    welcomed(&mut here_live).await;

    // Refusals say what to fix and change nothing.
    let (status, problem) = change(&here, "not my password", NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        problem.contains("The current password is wrong."),
        "{problem}"
    );
    let (status, problem) = change(&here, AGENT_PASSWORD, "short").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem.contains("at least 10 characters"), "{problem}");
    let (status, problem) = change(&here, AGENT_PASSWORD, AGENT_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem.contains("same as the current one"), "{problem}");
    assert_eq!(me(&elsewhere).await, StatusCode::OK);

    let (status, problem) = change(&here, AGENT_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{problem}");

    // The other session is over, and its live connection says so and closes at once.
    signed_out(&mut elsewhere_live).await;
    assert_eq!(me(&elsewhere).await, StatusCode::UNAUTHORIZED);
    // The session that changed it goes on, live connection and all.
    assert_eq!(me(&here).await, StatusCode::OK);
    let profile = here_live
        .until(|frame| match frame {
            AgentServerFrame::Profile { profile } => Some(profile),
            _ => None,
        })
        .await;
    assert_eq!(profile.name, "Anna");

    assert_eq!(
        server.sign_in(&email, AGENT_PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert!(server.sign_in(&email, NEW_PASSWORD).await.is_ok());
    server.stop().await;
}

#[tokio::test]
async fn a_lost_password_is_reset_from_the_command_line_and_its_sessions_end() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let mut anna_live = anna.live().await;
    welcomed(&mut anna_live).await;
    let email = agent_email("Anna");
    let reset = |email: &str, password: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["agent", "password", "--config"])
            .arg(server.config_path())
            .args(["--email", email])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(command.stdin.take().unwrap(), "{password}").unwrap();
        command.wait_with_output().unwrap()
    };

    let unknown = reset("nobody@agents.example", NEW_PASSWORD);
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(
        said.contains("no agent has the email nobody@agents.example"),
        "{said}"
    );
    let short = reset(&email, "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    assert_eq!(me(&anna).await, StatusCode::OK, "refusals change nothing");

    let done = reset("ANNA@agents.example", NEW_PASSWORD);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).contains(&email));
    assert_eq!(me(&anna).await, StatusCode::UNAUTHORIZED);
    if on_postgres() {
        // Well before the keepalive's check: the servers were told.
        signed_out(&mut anna_live).await;
    }
    assert_eq!(
        server.sign_in(&email, AGENT_PASSWORD).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    assert!(server.sign_in(&email, NEW_PASSWORD).await.is_ok());
    server.stop().await;
}

#[test]
fn a_command_without_its_configuration_says_which_database_it_used() {
    let dir = tempfile::TempDir::new().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .current_dir(dir.path())
        .args([
            "agent",
            "add",
            "--site",
            "acme",
            "--email",
            "cleo@agents.example",
        ])
        .args(["--name", "Cleo"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(command.stdin.take().unwrap(), "{NEW_PASSWORD}").unwrap();
    let done = command.wait_with_output().unwrap();
    assert!(done.status.success(), "{done:?}");
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(
        said.contains("embedded demo configuration") && said.contains("tandem.db"),
        "{said}"
    );
}

#[tokio::test]
async fn an_existing_agent_is_granted_another_site_and_its_admin_from_the_command_line() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let grant = |email: &str| {
        Command::new(env!("CARGO_BIN_EXE_tandem"))
            .args(["agent", "grant", "--config"])
            .arg(server.config_path())
            .args(["--email", email, "--site", "other", "--admin"])
            .output()
            .unwrap()
    };
    let unknown = grant("nobody@agents.example");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no agent has the email"));
    let done = grant(&agent_email("Anna"));
    assert!(done.status.success(), "{done:?}");
    let profile: tandem_protocol::agent::AgentProfile =
        common::json(anna.get("/v1/agent/me")).await;
    assert_eq!(profile.sites, ["acme", "other"]);
    assert_eq!(profile.admin_of, ["other"]);
    assert!(
        grant(&agent_email("Anna")).status.success(),
        "again: no change, no error"
    );
    server.stop().await;
}
