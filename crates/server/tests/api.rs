//! The HTTP API over a real socket: what the widget and merchants' pages rely on.

mod common;

use common::TestServer;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use sqlx::Row;
use tandem_protocol::{
    ConversationCreated, ConversationState, CreateConversation, Problem, SiteInfo, TranscriptEntry,
    agent::ConversationDetail,
};

async fn problem(response: reqwest::Response) -> Problem {
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json",
        "errors are problem details"
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn handing_over_queues_conversations_in_order() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for expected in 1..=3 {
        let response = client
            .post(server.url("/v1/conversations"))
            .header(header::ORIGIN, &server.base)
            .json(&json!({ "site": "acme" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_owned();
        let created: ConversationCreated = response.json().await.unwrap();
        assert_eq!(created.state, ConversationState::Queued);
        assert_eq!(
            created.position,
            Some(expected),
            "the {expected}th shopper's place"
        );
        assert_eq!(location, format!("/v1/conversations/{}", created.id));
        ids.push(created.id);
    }
    // Another site's queue is its own.
    let other = client
        .post(server.url("/v1/conversations"))
        .header(header::ORIGIN, "https://other.example")
        .json(&json!({ "site": "other" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.json::<ConversationCreated>().await.unwrap().position,
        Some(1)
    );

    let rows =
        sqlx::query("SELECT id, site, state FROM conversations WHERE site = 'acme' ORDER BY seq")
            .fetch_all(server.state.db.pool())
            .await
            .unwrap();
    let stored: Vec<String> = rows.iter().map(|r| r.get::<String, _>("id")).collect();
    assert_eq!(stored, ids);
    assert!(rows.iter().all(|r| r.get::<String, _>("state") == "queued"));
    server.stop().await;
}

/// A handoff of one line with the widget's key for it.
fn keyed_handoff() -> CreateConversation {
    let mut packet = CreateConversation::new("acme");
    packet.transcript =
        serde_json::from_value(json!([{ "author": "shopper", "text": "Where is my parcel?" }]))
            .unwrap();
    packet.key = Some("first-try-0123456789ab".to_owned());
    packet
}

#[tokio::test]
async fn a_handoff_sent_again_with_its_key_gets_its_conversation_not_a_second_one() {
    let server = TestServer::start().await;
    let mut packet = keyed_handoff();
    let first = server.hand_over(&packet).await;
    // The page reloaded before the answer came, and the shopper asked again (twice at once).
    let (again, also) = tokio::join!(server.hand_over(&packet), server.hand_over(&packet));
    assert_eq!(
        (again.id.as_str(), also.id.as_str()),
        (first.id.as_str(), first.id.as_str())
    );
    assert_eq!(again.transcript_seq, first.transcript_seq);
    assert_eq!(again.position, Some(1));
    let last = server.hand_over(&packet).await;
    let status = |token: String| {
        server
            .get(&format!("/v1/conversations/{}", first.id))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(
        status(last.token.clone()).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        status(first.token.clone()).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "the token of an answer that never arrived no longer works"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) AS n FROM conversations")
            .await,
        1
    );
    assert_eq!(
        server.count("SELECT COUNT(*) AS n FROM messages").await,
        2,
        "the transcript and the marker, once"
    );

    // Once that conversation is over, the same key starts a new one.
    let cancelled = server
        .post(&format!("/v1/conversations/{}/cancel", first.id))
        .bearer_auth(&last.token)
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success(), "{}", cancelled.status());
    let later = server.hand_over(&packet).await;
    assert_ne!(later.id, first.id);

    // A key short enough to guess (or one the browser kept damaged) is left out: the
    // shopper still reaches a person, and a retry with it is a conversation of its own.
    packet.key = Some("short".to_owned());
    let unkeyed = server.hand_over(&packet).await;
    let again = server.hand_over(&packet).await;
    assert_ne!(unkeyed.id, again.id);
    assert_ne!(unkeyed.id, later.id);
    server.stop().await;
}

#[tokio::test]
async fn a_handoff_sent_again_brings_what_the_shopper_said_since_the_first_try() {
    let server = TestServer::start().await;
    let mut packet = keyed_handoff();
    let first = server.hand_over(&packet).await;
    assert_eq!(first.transcript_seq, 2, "the line, then the marker");
    // Its answer was lost; the shopper went on with the assistant, then asked again.
    packet.transcript.extend(
        serde_json::from_value::<Vec<TranscriptEntry>>(json!([
            { "author": "shopper", "text": "Can I pay with 4242 4242 4242 4242 instead?" },
            { "author": "assistant", "text": "We take cards and PayPal.", "confidence": 0.9, "entry": "payment" }
        ]))
        .unwrap(),
    );
    let again = server.hand_over(&packet).await;
    assert_eq!(again.id, first.id);
    assert_eq!(
        again.transcript_seq, 4,
        "the widget has seen the added lines: they are not sent to it again"
    );
    let stored = |seq: i64| {
        let pool = server.state.db.pool().clone();
        let id = first.id.clone();
        async move {
            let row = sqlx::query(
                "SELECT author, text, entry FROM messages WHERE conversation_id = $1 AND seq = $2",
            )
            .bind(&id)
            .bind(seq)
            .fetch_one(&pool)
            .await
            .unwrap();
            (
                row.get::<String, _>("author"),
                row.get::<String, _>("text"),
                row.get::<Option<String>, _>("entry"),
            )
        }
    };
    assert_eq!(
        stored(3).await,
        (
            "shopper".to_owned(),
            "Can I pay with •••• 4242 instead?".to_owned(),
            None
        )
    );
    assert_eq!(stored(4).await.2.as_deref(), Some("payment"));
    // The agent reads them with the rest.
    let anna = server.agent("Anna", &["acme"]).await;
    let detail: ConversationDetail =
        common::json(anna.get(&format!("/v1/agent/conversations/{}", first.id))).await;
    let texts: Vec<&str> = detail.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts.len(), 4);
    assert_eq!(texts[3], "We take cards and PayPal.");

    // The same again adds nothing; nor does a chat that does not begin with the lines stored
    // (the widget could not read all of it back).
    let third = server.hand_over(&packet).await;
    assert_eq!(third.transcript_seq, 4);
    let count = "SELECT COUNT(*) AS n FROM messages";
    assert_eq!(server.count(count).await, 4);
    let mut damaged = packet.clone();
    damaged.transcript.remove(0);
    damaged.transcript.extend(damaged.transcript.clone());
    let fourth = server.hand_over(&damaged).await;
    assert_eq!(fourth.transcript_seq, 4);
    assert_eq!(server.count(count).await, 4);
    // Once something was written after them, lines sent later are not added: the widget,
    // counting from the transcript, would be sent them as new.
    let sent = server
        .post(&format!("/v1/conversations/{}/messages", first.id))
        .bearer_auth(&fourth.token)
        .json(&json!({ "client_id": "live-1", "text": "Hello?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    packet.transcript.extend(
        serde_json::from_value::<Vec<TranscriptEntry>>(json!([
            { "author": "shopper", "text": "Anyone?" }
        ]))
        .unwrap(),
    );
    let last = server.hand_over(&packet).await;
    assert_eq!(last.transcript_seq, 4);
    assert_eq!(server.count(count).await, 5);
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_site_or_a_foreign_origin_is_refused_clearly() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();

    let unknown = client
        .post(server.url("/v1/conversations"))
        .json(&json!({ "site": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(problem(unknown).await.message().contains("\"nope\""));

    let foreign = client
        .post(server.url("/v1/conversations"))
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({ "site": "acme" }))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let p = problem(foreign).await;
    assert_eq!(p.status, 403);
    assert!(
        p.message().contains("https://evil.example"),
        "{}",
        p.message()
    );

    // A merchant's own origin may call the API for its site, not for another site.
    let merchant = |site: &'static str| {
        client
            .post(server.url("/v1/conversations"))
            .header(header::ORIGIN, "https://acme.example")
            .json(&json!({ "site": site }))
            .send()
    };
    assert_eq!(
        merchant("acme").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        merchant("other").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    let count: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations")
        .await;
    assert_eq!(count, 1, "refused requests store nothing");
    server.stop().await;
}

#[tokio::test]
async fn malformed_bodies_get_problem_details_and_the_server_goes_on() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let cases = [
        ("{\"site\":", "application/json", StatusCode::BAD_REQUEST),
        (
            "{\"shop\":\"acme\"}",
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "site=acme",
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ];
    for (body, content_type, status) in cases {
        let response = client
            .post(server.url("/v1/conversations"))
            .header(header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "for {body}");
        let p = problem(response).await;
        assert_eq!(p.title, "Invalid request body");
        assert!(!p.message().is_empty());
    }
    let missing_field = client
        .post(server.url("/v1/conversations"))
        .json(&json!({ "shop": "acme" }))
        .send()
        .await
        .unwrap();
    assert!(
        problem(missing_field)
            .await
            .message()
            .contains("missing field `site`")
    );

    let fine = client
        .post(server.url("/v1/conversations"))
        .json(&json!({ "site": "acme" }))
        .send()
        .await
        .unwrap();
    assert_eq!(fine.status(), StatusCode::CREATED);
    server.stop().await;
}

#[tokio::test]
async fn sites_health_and_unknown_paths() {
    let server = TestServer::start().await;
    let info: SiteInfo = common::json(server.get("/v1/sites/acme")).await;
    assert_eq!(info.name, "Acme Outfitters");

    let missing = reqwest::get(server.url("/v1/sites/nope")).await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(missing).await.title, "Unknown site");

    let health = reqwest::get(server.url("/healthz")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    let nowhere = reqwest::get(server.url("/no/such/page")).await.unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);
    assert_eq!(problem(nowhere).await.status, 404);

    // A method an address does not take, and a query string that cannot be read, are
    // problem details too, saying what is wrong.
    let client = reqwest::Client::new();
    for path in ["/v1/conversations", "/v1/agent/me"] {
        let wrong = client.delete(server.url(path)).send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert!(wrong.headers().contains_key(header::ALLOW), "{path}");
        assert_eq!(problem(wrong).await.title, "Method not allowed", "{path}");
    }
    let created = server.handoff().await;
    let unreadable = server
        .get(&format!(
            "/v1/conversations/{}/messages?after=-1",
            created.id
        ))
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();
    assert_eq!(unreadable.status(), StatusCode::BAD_REQUEST);
    let p = problem(unreadable).await;
    assert_eq!(p.title, "Invalid query string");
    assert!(p.message().contains("after"), "{}", p.message());
    server.stop().await;
}

#[tokio::test]
async fn embed_js_is_byte_stable_cacheable_and_readable_cross_origin() {
    let server = TestServer::start().await;
    let client = reqwest::Client::new();
    let minified = include_str!("../../../embed/embed.min.js");
    let first = client
        .get(server.url("/embed.js"))
        .header(header::ORIGIN, "https://acme.example")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(
        first.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let etag = first.headers()[header::ETAG].clone();
    assert_eq!(first.text().await.unwrap(), minified);

    let again = client
        .get(server.url("/embed.js"))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);

    // The demo's pages pin exactly these bytes with Subresource Integrity, under a strict CSP,
    // each telling the shop's script which step it is.
    for (path, step) in [("/demo", "payment"), ("/demo/delivery", "delivery")] {
        let demo = reqwest::get(server.url(path)).await.unwrap();
        let csp = demo.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self';") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        let html = demo.text().await.unwrap();
        assert!(html.contains(&format!(
            "integrity=\"{}\"",
            tandem_server::http::embed::integrity()
        )));
        assert!(html.contains("data-site=\"acme\""));
        assert!(html.contains(&format!("data-page=\"{step}\"")), "{path}");
        assert!(!html.contains("{{"), "{path}: every placeholder filled");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_widget_page_is_framed_only_by_allowed_origins() {
    let dir = tempfile::TempDir::new().unwrap();
    let build = dir.path().join("dist");
    std::fs::create_dir(&build).unwrap();
    std::fs::write(
        build.join("index.html"),
        "<html><script type=\"module\">boot()</script><body></body></html>",
    )
    .unwrap();
    std::fs::write(build.join("app.js"), "export {}").unwrap();
    let server = TestServer::start_with(dir, &build).await;

    let page = reqwest::get(server.url("/w/acme?origin=https%3A%2F%2Facme.example"))
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors 'self' https://acme.example"),
        "{csp}"
    );
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("'sha256-"),
        "{csp}"
    );
    assert!(page.text().await.unwrap().contains("boot()"));

    let foreign = reqwest::get(server.url("/w/acme?origin=https%3A%2F%2Fevil.example"))
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let unknown = reqwest::get(server.url("/w/nope")).await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let asset = reqwest::get(server.url("/widget/app.js")).await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(
        asset.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    // The build's own page, fetched among the assets, is no way around the policy above: it
    // is not served as a directory's index, and never runs or is framed if asked for by name.
    let listed = reqwest::get(server.url("/widget/")).await.unwrap();
    assert_eq!(listed.status(), StatusCode::NOT_FOUND);
    let raw = reqwest::get(server.url("/widget/index.html"))
        .await
        .unwrap();
    let policy = raw.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    server.stop().await;
}

#[tokio::test]
async fn without_a_widget_build_the_page_says_how_to_build_it() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.url("/w/acme")).await.unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("cargo xtask demo")
    );
    server.stop().await;
}
