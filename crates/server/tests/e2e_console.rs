//! End to end, the agent's side: a real headless Chromium on the agent console of a real
//! server, with a shopper handed over through the widget's HTTP API and WebSocket (the
//! shopper's browser side is covered by `e2e.rs`), through to the quality dashboard.
//!
//! Needs the console's release build and Chromium with ChromeDriver, so it is ignored by a
//! plain `cargo test`; `cargo xtask test` installs both, builds the console and runs it.

mod common;

use common::{
    Settings, TestServer,
    browser::{Browser, Screen, WAIT, click, eventually, text_containing as shows},
    console_dist, widget_dist,
};
use fantoccini::Locator;
use serde_json::json;
use tandem_protocol::{
    agent::Resolution,
    conversation::{Author, ConversationState},
    live::ServerFrame,
};

#[tokio::test]
#[ignore = "needs Chromium and the console build: run by `cargo xtask test`"]
async fn an_agent_takes_a_handed_over_shopper_and_answers_with_a_suggestion() {
    assert!(
        console_dist().join("index.html").exists(),
        "no console build: run `cargo xtask test`"
    );
    let settings = Settings {
        acme_extra: r#"knowledge_base = "demo""#.to_owned(),
        ..Settings::default()
    };
    let server =
        TestServer::launch(tempfile::TempDir::new().unwrap(), &widget_dist(), settings).await;
    // The account (this API session is not used: the agent signs in in the browser).
    let api = server.agent("Ada", &["acme"]).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;

    // Sign in; a wrong password first says so and keeps the form.
    client.goto(&server.url("/console")).await.unwrap();
    let email = client
        .wait()
        .for_element(Locator::Id("login-email"))
        .await
        .unwrap();
    email.send_keys("ada@agents.example").await.unwrap();
    let password = client.find(Locator::Id("login-password")).await.unwrap();
    password.send_keys("not the password").await.unwrap();
    click(client, "form button[type=submit]").await;
    eventually(WAIT, "the sign-in to be refused", || async {
        let text = client
            .find(Locator::Css(".login .problem"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (!text.is_empty()).then_some(())
    })
    .await;
    password.clear().await.unwrap();
    password
        .send_keys("correct horse battery staple")
        .await
        .unwrap();
    click(client, "form button[type=submit]").await;
    shows(client, ".bar .agent", "Ada").await;
    shows(client, ".bar .link", "Live").await;

    // Available: the choice is the server's, so a reload keeps it.
    client
        .find(Locator::Id("status"))
        .await
        .unwrap()
        .select_by_value("available")
        .await
        .unwrap();
    eventually(WAIT, "the agent to be available", || async {
        let status = api
            .get("/v1/agent/me")
            .send()
            .await
            .ok()?
            .json::<serde_json::Value>()
            .await
            .ok()?;
        (status["status"] == "available").then_some(())
    })
    .await;
    client.refresh().await.unwrap();
    shows(client, ".bar .link", "Live").await;
    let selected = client
        .find(Locator::Css("#status"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(selected.as_deref(), Some("available"));

    // The server compiles the demo knowledge base after it starts: wait for it, as a
    // merchant's shoppers would.
    eventually(WAIT, "the demo model", || async {
        let info: serde_json::Value = reqwest::get(server.url("/v1/sites/acme"))
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        info["model_url"].as_str().map(drop)
    })
    .await;

    // A shopper asks for a person: the offer shows, with its countdown, in the tab title too.
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, 0).await;
    shows(client, ".offer .countdown", "s left").await;
    eventually(WAIT, "the tab title to count the offer", || async {
        let title = client.title().await.ok()?;
        title.starts_with("(1 waiting)").then_some(())
    })
    .await;
    click(client, ".offer .accept").await;

    // The whole context: the assistant's part of the transcript and the cart.
    let transcript = shows(client, ".transcript", "Parcels arrive in 3-5 working days.").await;
    assert!(transcript.contains("Where is my parcel?"), "{transcript}");
    shows(client, ".transcript li.assistant", "62 % sure").await;
    let context = shows(client, ".context dl", "224.5").await;
    assert!(context.contains("EUR"), "{context}");

    // The assistant suggests an answer from the demo knowledge base; one click puts it in the
    // composer, and the agent sends it.
    shows(client, ".suggestion", "sure").await;
    click(client, ".suggestion button").await;
    let reply = eventually(WAIT, "the suggestion in the composer", || async {
        let value = client
            .find(Locator::Id("reply"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (!value.is_empty()).then_some(value)
    })
    .await;
    click(client, ".composer button[type=submit]").await;

    // The shopper gets exactly that, from the agent.
    let got = shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.author == Author::Agent => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(got.text, reply);
    assert_eq!(got.agent_name.as_deref(), Some("Ada"));

    // The agent closes; the shopper is told and rates.
    client
        .find(Locator::Id("resolution"))
        .await
        .unwrap()
        .select_by_value("solved")
        .await
        .unwrap();
    click(client, ".finish .close").await;
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.state == ConversationState::Closed => Some(()),
            _ => None,
        })
        .await;
    let rated = server
        .post(&format!("/v1/conversations/{}/rating", created.id))
        .bearer_auth(&created.token)
        .json(&json!({ "score": 5 }))
        .send()
        .await
        .unwrap();
    assert!(rated.status().is_success());
    let detail = api.conversation(&created.id).await;
    assert_eq!(
        (detail.resolution, detail.rating),
        (Some(Resolution::Solved), Some(5))
    );
    eventually(WAIT, "the conversation to leave the desk", || async {
        let hidden = client
            .find(Locator::Id("conversation"))
            .await
            .ok()?
            .attr("hidden")
            .await
            .ok()?;
        hidden.map(|_| ())
    })
    .await;

    // The quality dashboard counts today's conversation with a person and its rating.
    click(client, "nav.views button:nth-child(2)").await;
    shows(client, ".dashboard .with-people", "1").await;
    shows(client, ".dashboard .rating", "5.0 / 5").await;

    browser.client.clone().close().await.unwrap();
    server.stop().await;
}
