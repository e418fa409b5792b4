//! Everything around the conversation: agents signing in, leaving a message when no one is
//! there, business hours, verified identity, canned replies, limits, metrics, readiness and
//! shutdown.

mod common;

use common::{Settings, TestServer, Ws};
use reqwest::{StatusCode, header};
use serde_json::json;
use tandem_protocol::{
    Author, Availability, CreateConversation, SiteInfo,
    agent::{AgentServerFrame, ConversationDetail, OfflineInbox},
    conversation::MessageLeft,
    live::ServerFrame,
};

#[tokio::test]
async fn agents_sign_in_with_a_strict_http_only_cookie_and_nothing_else_gets_in() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let wrong = server
        .post("/v1/agent/login")
        .json(&json!({ "email": "anna@agents.example", "password": "not the password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let nobody = server
        .post("/v1/agent/login")
        .json(&json!({ "email": "nobody@agents.example", "password": "whatever" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        nobody.status(),
        StatusCode::UNAUTHORIZED,
        "the same answer for unknown emails"
    );

    let login = server
        .post("/v1/agent/login")
        .json(
            &json!({ "email": "ANNA@agents.example", "password": "correct horse battery staple" }),
        )
        .send()
        .await
        .unwrap();
    let cookie = login.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }

    let anonymous = reqwest::get(server.url("/v1/agent/me")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // A page elsewhere cannot act with the agent's cookie.
    let forged = reqwest::Client::new()
        .put(server.url("/v1/agent/status"))
        .header(header::COOKIE, &anna.cookie)
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({ "status": "available" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let live_url = format!("ws://{}/v1/agent/live", server.addr);
    let foreign = Ws::try_connect(
        &live_url,
        &[("cookie", &anna.cookie), ("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(foreign.err(), Some(403));
    let cookieless = Ws::try_connect(&live_url, &[("origin", &server.base)]).await;
    assert_eq!(cookieless.err(), Some(401));

    anna.set_status("available", 4).await;
    let me: serde_json::Value = common::json(anna.get("/v1/agent/me")).await;
    assert_eq!(
        (me["status"].clone(), me["capacity"].clone()),
        (json!("available"), json!(4))
    );
    let too_many = anna
        .request(reqwest::Method::PUT, "/v1/agent/status")
        .json(&json!({ "status": "available", "capacity": 500 }))
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let logout = anna.post("/v1/agent/logout").send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(
        logout.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert_eq!(
        anna.get("/v1/agent/me").send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    server.stop().await;
}

#[tokio::test]
async fn with_no_agent_the_api_says_so_and_a_left_message_reaches_the_inbox() {
    let server = TestServer::start().await;
    let info: SiteInfo = common::json(server.get("/v1/sites/acme")).await;
    assert_eq!(info.availability, Availability::NoAgents);

    let path = "/v1/sites/acme/offline-messages";
    let bad_email = server
        .post(path)
        .json(&json!({ "email": "not an email", "message": "Hello" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_email.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long_name = server
        .post(path)
        .json(&json!({ "email": "a@example.com", "name": "S".repeat(201), "message": "Hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(long_name.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Card numbers typed anywhere in the form are masked, the name too.
    let leave = || {
        server
            .post(path)
            .json(&json!({
                "email": "shopper@example.com",
                "name": "Sam 5555 5555 5555 4444",
                "message": "Please refund card 4111 1111 1111 1111 for order 100023456",
                "transcript": [{ "author": "shopper", "text": "refund?" }],
                "context": { "order_id": "100023456" }
            }))
            .send()
    };
    // Sent twice at once (a double click): one message, the same id to both.
    let (left, again) = tokio::join!(leave(), leave());
    let (left, again) = (left.unwrap(), again.unwrap());
    assert_eq!(left.status(), StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::CREATED);
    let (left, again): (MessageLeft, MessageLeft) =
        (left.json().await.unwrap(), again.json().await.unwrap());
    assert_eq!(left.id, again.id);

    let anna = server.agent("Anna", &["acme"]).await;
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    assert_eq!(inbox.unhandled, 1);
    let inbox = inbox.messages;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].email, "shopper@example.com");
    assert_eq!(inbox[0].name.as_deref(), Some("Sam •••• 4444"));
    assert_eq!(
        inbox[0].message,
        "Please refund card •••• 1111 for order 100023456"
    );
    assert_eq!(inbox[0].context["order_id"], json!("100023456"));
    assert_eq!(inbox[0].transcript[0].text, "refund?");
    assert!(inbox[0].handled_at.is_none());
    let handled = anna
        .post(&format!(
            "/v1/agent/offline-messages/{}/handled",
            inbox[0].id
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(handled.status(), StatusCode::NO_CONTENT);
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    assert_eq!(inbox.unhandled, 0);
    assert_eq!(
        inbox.messages[0].handled_by.as_deref(),
        Some(anna.id.as_str())
    );
    // Handled more than a week ago, it is no longer in the inbox.
    sqlx::query("UPDATE offline_messages SET handled_at = handled_at - 8 * 86400000")
        .execute(server.state.db.pool())
        .await
        .unwrap();
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    assert!(inbox.messages.is_empty(), "{inbox:?}");
    // Left again once the first was handled: a new message.
    let later: MessageLeft = leave().await.unwrap().json().await.unwrap();
    assert_ne!(later.id, left.id);

    // Once an agent is there, the API says so.
    let _console = anna.live().await;
    anna.set_status("available", 2).await;
    let info: SiteInfo = common::json(server.get("/v1/sites/acme")).await;
    assert_eq!(info.availability, Availability::Online);
    server.stop().await;
}

#[tokio::test]
async fn a_full_inbox_comes_a_page_at_a_time_the_longest_waiting_first() {
    let server = TestServer::start().await;
    let count = OfflineInbox::PAGE + 3;
    for i in 0..count {
        let id = format!("m{i:02}");
        let text = format!("Message {i}");
        server
            .state
            .db
            .leave_offline_message(tandem_server::store::NewOfflineMessage {
                id: &id,
                site: "acme",
                email: "shopper@example.com",
                name: None,
                message: &text,
                transcript: "[]",
                context: "{}",
                dedupe: &id,
            })
            .await
            .unwrap();
        // Left in the reverse order of their ids: the last one waited longest.
        sqlx::query("UPDATE offline_messages SET created_at = $1 WHERE id = $2")
            .bind(1_000_000 - i64::try_from(i).unwrap())
            .bind(&id)
            .execute(server.state.db.pool())
            .await
            .unwrap();
    }
    let anna = server.agent("Anna", &["acme"]).await;
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    assert_eq!(inbox.messages.len(), OfflineInbox::PAGE);
    assert_eq!(inbox.unhandled, u64::try_from(count).unwrap());
    assert_eq!(inbox.unhandled_not_shown(), 3);
    let first: Vec<&str> = inbox.messages[..3].iter().map(|m| m.id.as_str()).collect();
    assert_eq!(first, ["m52", "m51", "m50"], "the longest waiting first");
    assert_eq!(inbox.messages.last().unwrap().id, "m03");

    // Handling the oldest brings the next in, and the handled one follows the waiting.
    let handled = anna
        .post("/v1/agent/offline-messages/m52/handled")
        .send()
        .await
        .unwrap();
    assert_eq!(handled.status(), StatusCode::NO_CONTENT);
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    let ids: Vec<&str> = inbox.messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), OfflineInbox::PAGE + 1);
    assert_eq!(ids[0], "m51");
    assert_eq!(ids[OfflineInbox::PAGE - 1], "m02");
    assert_eq!(ids[OfflineInbox::PAGE], "m52");
    assert_eq!(inbox.unhandled_not_shown(), 2);
    // Anna's own mark again (a double click) is no news; a colleague marking it too is told
    // who did, and nothing changes.
    let twice = anna
        .post("/v1/agent/offline-messages/m52/handled")
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::NO_CONTENT);
    let ben = server.agent("Ben", &["acme"]).await;
    let again = ben
        .post("/v1/agent/offline-messages/m52/handled")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = again.json().await.unwrap();
    assert_eq!(
        problem.detail.as_deref(),
        Some("Anna has already marked this message handled.")
    );
    let inbox: OfflineInbox = common::json(anna.get("/v1/agent/offline-messages?site=acme")).await;
    let m52 = inbox.messages.iter().find(|m| m.id == "m52").unwrap();
    assert_eq!(m52.handled_by.as_deref(), Some(anna.id.as_str()));
    server.stop().await;
}

#[tokio::test]
async fn agents_get_the_canned_replies_of_their_own_sites_only() {
    let server = TestServer::with(Settings {
        acme_extra: r#"canned_replies = ["One moment, please.", "Anything else?"]"#.to_owned(),
        ..Settings::default()
    })
    .await;
    let anna = server.agent("Anna", &["acme"]).await;
    let replies = |site: &'static str| {
        anna.get(&format!("/v1/agent/canned-replies?site={site}"))
            .send()
    };
    let acme = replies("acme").await.unwrap();
    assert_eq!(acme.status(), StatusCode::OK);
    let texts: Vec<String> = acme.json().await.unwrap();
    assert_eq!(texts, ["One moment, please.", "Anything else?"]);
    assert_eq!(
        replies("other").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let anonymous = reqwest::get(server.url("/v1/agent/canned-replies?site=acme"))
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    server.stop().await;
}

/// A server whose site `acme` has business hours with no open day: always after hours.
async fn closed_all_day() -> TestServer {
    TestServer::with(Settings {
        acme_extra: "hours = { timezone = \"UTC\" }".to_owned(),
        ..Settings::default()
    })
    .await
}

#[tokio::test]
async fn outside_business_hours_no_one_is_queued() {
    let server = closed_all_day().await;
    let info: SiteInfo = common::json(server.get("/v1/sites/acme")).await;
    assert_eq!(info.availability, Availability::AfterHours);
    let response = server
        .post("/v1/conversations")
        .json(&CreateConversation::new("acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = response.json().await.unwrap();
    assert!(
        problem.message().contains("Leave a message"),
        "{}",
        problem.message()
    );
    server.stop().await;
}

#[tokio::test]
async fn after_closing_time_a_handoff_sent_again_still_gets_its_conversation() {
    let server = closed_all_day().await;
    // Queued just before closing time, by a handoff whose answer never arrived.
    let key = "sent-before-closing-0123";
    let queued = tandem_server::store::NewConversation {
        id: "queued-before-closing".to_owned(),
        site: "acme".to_owned(),
        token_hash: tandem_server::ids::token_hash("lost-token"),
        reason: tandem_protocol::HandoffReason::Asked,
        priority: 0,
        context: "{}".to_owned(),
        identity: None,
        identity_verified: false,
        shopper_id: None,
        language: None,
        key_hash: Some(tandem_server::ids::token_hash(key)),
        messages: vec![tandem_server::store::NewMessage {
            author: Author::System,
            text: "Asked for a person".to_owned(),
            confidence: None,
            entry: None,
        }],
    };
    server.state.db.create_conversation(&queued).await.unwrap();
    let mut packet = CreateConversation::new("acme");
    packet.key = Some(key.to_owned());
    let response = server.post_handoff(&packet).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: tandem_protocol::ConversationCreated = response.json().await.unwrap();
    assert_eq!(created.id, "queued-before-closing");
    assert_eq!(created.transcript_seq, 1);
    // A new handoff is still refused.
    packet.key = Some("a-new-handoff-0123456789".to_owned());
    let refused = server.post_handoff(&packet).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    server.stop().await;
}

#[tokio::test]
async fn the_agent_sees_whether_the_merchant_signed_the_identity() {
    let secret = "identity_secret = \"merchant-secret-of-at-least-32-bytes\"".to_owned();
    let server = TestServer::with(Settings {
        acme_extra: secret,
        ..Settings::default()
    })
    .await;
    let anna = server.agent("Anna", &["acme"]).await;
    // HMAC-SHA256("merchant-secret-of-at-least-32-bytes", "user-42"), as the merchant's server computes it.
    let good = "5ab1b6b9fb10ce0fe7e7a6a0e1e04d7a53a6b7b6a1f2d0e5e9b4a1d3c2f1e0a9";
    let signature = {
        use hmac::{Hmac, Mac};
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(b"merchant-secret-of-at-least-32-bytes").unwrap();
        mac.update(b"user-42");
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_ne!(signature, good, "computed, not copied");
    for (sig, verified) in [(signature.as_str(), true), (good, false)] {
        let mut packet = CreateConversation::new("acme");
        packet.identity = Some(
            serde_json::from_value(json!({ "id": "user-42", "name": "Sam", "signature": sig }))
                .unwrap(),
        );
        let created: tandem_protocol::ConversationCreated =
            common::json(server.post("/v1/conversations").json(&packet)).await;
        let detail: ConversationDetail =
            common::json(anna.get(&format!("/v1/agent/conversations/{}", created.id))).await;
        assert_eq!(detail.identity_verified, verified);
        assert_eq!(detail.identity.unwrap().name.as_deref(), Some("Sam"));
        let stored: String = sqlx::query_scalar("SELECT identity FROM conversations WHERE id = $1")
            .bind(&created.id)
            .fetch_one(server.state.db.pool())
            .await
            .unwrap();
        assert!(
            !stored.contains("signature") && !stored.contains(sig),
            "not kept: whoever reads it could vouch for user-42 themselves: {stored}"
        );
    }
    server.stop().await;
}

#[tokio::test]
async fn handoffs_are_limited_per_address_and_checked_for_size() {
    // Refused requests count too: a flood of bad ones is still a flood.
    let server = TestServer::with(Settings {
        conversations_per_minute: 4,
        ..Settings::default()
    })
    .await;
    let mut packet = CreateConversation::new("acme");
    packet.transcript = (0..201)
        .map(|_| serde_json::from_value(json!({ "author": "shopper", "text": "hi" })).unwrap())
        .collect();
    let too_long = server.post_handoff(&packet).await;
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    packet.transcript = vec![
        serde_json::from_value(json!({ "author": "shopper", "text": "x".repeat(5000) })).unwrap(),
    ];
    let too_big = server.post_handoff(&packet).await;
    assert_eq!(too_big.status(), StatusCode::PAYLOAD_TOO_LARGE);

    for _ in 0..2 {
        server.handoff().await;
    }
    let limited = server
        .post("/v1/conversations")
        .json(&CreateConversation::new("acme"))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key(header::RETRY_AFTER));
    server.stop().await;
}

#[tokio::test]
async fn metrics_and_readiness() {
    let server = TestServer::start().await;
    server.handoff().await;
    let (_anna, _console) = server.available_agent("Anna", 1).await;
    let metrics = reqwest::get(server.url("/metrics")).await.unwrap();
    assert!(
        metrics.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = metrics.text().await.unwrap();
    for line in [
        "tandem_conversations_created_total 1",
        "tandem_agents_available{site=\"acme\"} 1",
        "tandem_open_connections 1",
        "# TYPE tandem_wait_seconds histogram",
        "tandem_offers_expired_total 0",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
    assert!(text.contains("tandem_queue_depth{site=\"acme\"} "));
    assert_eq!(
        reqwest::get(server.url("/readyz")).await.unwrap().status(),
        StatusCode::OK
    );
    server.stop().await;
}

#[tokio::test]
async fn metrics_name_every_site_so_only_this_machine_or_the_token_holder_reads_them() {
    let server = TestServer::with(Settings {
        server_extra: "trust_forwarded_for = true\nmetrics_token = \"scrape-me\"".into(),
        ..Settings::default()
    })
    .await;
    let client = reqwest::Client::new();
    let from = |address: &'static str| {
        client
            .get(server.url("/metrics"))
            .header("x-forwarded-for", address)
    };
    assert_eq!(
        from("127.0.0.1").send().await.unwrap().status(),
        StatusCode::OK
    );
    let outside = from("203.0.113.9").send().await.unwrap();
    assert_eq!(outside.status(), StatusCode::FORBIDDEN);
    let problem: serde_json::Value = outside.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("metrics_token"),
        "{problem}"
    );
    let wrong = from("203.0.113.9")
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let scraper = from("203.0.113.9")
        .bearer_auth("scrape-me")
        .send()
        .await
        .unwrap();
    assert_eq!(scraper.status(), StatusCode::OK);
    assert!(scraper.text().await.unwrap().contains("tandem_queue_depth"));
    server.stop().await;

    // Without a trusted proxy, a request a proxy on this machine passed on is not local.
    let server = TestServer::start().await;
    let proxied = reqwest::Client::new()
        .get(server.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .send()
        .await
        .unwrap();
    assert_eq!(proxied.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}

#[tokio::test]
async fn shutting_down_tells_live_clients_when_to_reconnect() {
    let server = TestServer::start().await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, created.transcript_seq).await;
    assert!(matches!(shopper.next().await, ServerFrame::Welcome { .. }));
    let anna = server.agent("Anna", &["acme"]).await;
    let mut console = anna.live().await;
    assert!(matches!(
        console.next().await,
        AgentServerFrame::Welcome { .. }
    ));
    let stopping = tokio::spawn(server.stop());
    let after = shopper
        .until(|frame| match frame {
            ServerFrame::Reconnect { after_ms } => Some(after_ms),
            _ => None,
        })
        .await;
    assert!((1000..3000).contains(&after), "{after}");
    assert_eq!(shopper.closed_with().await, Some(1012));
    console
        .until(|frame| matches!(frame, AgentServerFrame::Reconnect { .. }).then_some(()))
        .await;
    stopping.await.unwrap();
}
