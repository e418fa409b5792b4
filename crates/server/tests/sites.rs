//! A site's public face: its description (theme, greeting, availability, where the model is),
//! the compiled knowledge base, and the assistant's counts.

mod common;

use std::time::Duration;

use common::{Settings, TestServer, browser::eventually};
use reqwest::{StatusCode, header};
use serde_json::json;
use sqlx::Row;
use tandem_protocol::SiteInfo;

fn with_demo_kb() -> Settings {
    Settings {
        acme_extra:
            "knowledge_base = \"demo\"\nbrand_color = \"#FDE047\"\nlanguages = [\"de\", \"en\"]\n\
                     hours = { timezone = \"Europe/Berlin\", monday = \"09:00-17:00\" }"
                .to_owned(),
        ..Settings::default()
    }
}

async fn info(server: &TestServer, origin: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url("/v1/sites/acme"));
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_description_carries_the_theme_and_points_to_a_cacheable_model() {
    let server = TestServer::with(with_demo_kb()).await;
    // While it compiles, the description says the assistant is coming, never that there is
    // none; then it points to the model.
    let first: SiteInfo = info(&server, None).await.json().await.unwrap();
    assert!(
        first.model_url.is_some() != first.assistant_pending,
        "either the model or the promise of one: {first:?}"
    );
    let site: SiteInfo = eventually(
        Duration::from_secs(120),
        "the knowledge base to compile",
        || async {
            let site: SiteInfo = info(&server, None).await.json().await.ok()?;
            site.model_url.is_some().then_some(site)
        },
    )
    .await;
    assert!(!site.assistant_pending);
    assert_eq!(site.brand_color, "#fde047");
    assert_eq!(site.brand_text, "#000000", "dark text on a light yellow");
    assert_eq!(site.languages, ["de", "en"]);
    assert!(
        site.greeting.contains("Acme"),
        "the knowledge base's greeting: {}",
        site.greeting
    );
    assert_eq!(
        site.hours.as_ref().unwrap().days[0],
        vec![["09:00".to_owned(), "17:00".to_owned()]]
    );
    assert!(site.hours.unwrap().days[1].is_empty());

    let url = site.model_url.unwrap();
    let model = reqwest::get(server.url(&url)).await.unwrap();
    assert_eq!(model.status(), StatusCode::OK);
    assert!(
        model.headers()[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = model.headers()[header::ETAG].clone();
    let bytes = model.bytes().await.unwrap();
    let decoded = tandem_assistant::Model::from_bytes(&bytes).expect("a model the widget can load");
    assert!(decoded.entries.len() >= 40);
    let again = reqwest::Client::new()
        .get(server.url(&url))
        .header(header::IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let stale = reqwest::get(server.url("/v1/sites/acme/model/0123456789abcdef.bin"))
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn merchant_pages_may_read_the_description_and_others_may_not() {
    let server = TestServer::start().await;
    let merchant = info(&server, Some("https://acme.example")).await;
    assert_eq!(
        merchant.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://acme.example"
    );
    let stranger = info(&server, Some("https://evil.example")).await;
    assert!(
        stranger
            .headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .is_none()
    );
    let site: SiteInfo = stranger.json().await.unwrap();
    assert_eq!(
        (site.model_url, site.assistant_pending),
        (None, false),
        "no knowledge base configured: no assistant, and none coming"
    );
    assert_eq!(site.brand_text, "#ffffff");
    server.stop().await;
}

#[tokio::test]
async fn assistant_events_become_daily_counts_without_any_text() {
    let server = TestServer::with(with_demo_kb()).await;
    eventually(
        Duration::from_secs(120),
        "the knowledge base to compile",
        || async { server.state.models.get("acme").map(|_| ()) },
    )
    .await;
    let post = |body: serde_json::Value| server.post("/v1/sites/acme/events").json(&body).send();
    let batch = json!({ "events": [
        { "kind": "answered", "entry": "delivery-times" },
        { "kind": "answered", "entry": "delivery-times" },
        { "kind": "feedback", "entry": "delivery-times", "helpful": true },
        { "kind": "clarified" },
        { "kind": "handed_over", "reason": "asked" }
    ]});
    assert_eq!(
        post(batch.clone()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(post(batch).await.unwrap().status(), StatusCode::NO_CONTENT);
    let rows = sqlx::query(
        "SELECT kind, entry, detail, count FROM assistant_counts WHERE site = 'acme' ORDER BY kind",
    )
    .fetch_all(server.state.db.pool())
    .await
    .unwrap();
    let counts: Vec<(String, String, String, i64)> = rows
        .iter()
        .map(|r| {
            (
                r.get("kind"),
                r.get("entry"),
                r.get("detail"),
                r.get("count"),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("answered".into(), "delivery-times".into(), String::new(), 4),
            ("clarified".into(), String::new(), String::new(), 2),
            ("feedback".into(), "delivery-times".into(), "yes".into(), 2),
            ("handed_over".into(), String::new(), "asked".into(), 2),
        ]
    );

    let unknown = post(json!({ "events": [{ "kind": "answered", "entry": "no-such-entry" }] }))
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = post(
        json!({ "events": [{ "kind": "answered", "entry": "delivery-times", "text": "my card" }] }),
    )
    .await
    .unwrap();
    assert_eq!(
        text.status(),
        StatusCode::NO_CONTENT,
        "unknown fields are ignored, never stored"
    );
    let many: Vec<serde_json::Value> = (0..51).map(|_| json!({ "kind": "clarified" })).collect();
    let too_many = post(json!({ "events": many })).await.unwrap();
    assert_eq!(too_many.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let foreign = reqwest::Client::new()
        .post(server.url("/v1/sites/acme/events"))
        .header(header::ORIGIN, "https://evil.example")
        .json(&json!({ "events": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}

#[tokio::test]
async fn the_launcher_is_labelled_in_the_shoppers_language() {
    let server = TestServer::with(Settings {
        acme_extra: r#"languages = ["de", "en"]"#.to_owned(),
        ..Settings::default()
    })
    .await;
    let labels = |accept: Option<&'static str>| {
        let mut request = reqwest::Client::new().get(server.url("/v1/sites/acme"));
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT_LANGUAGE, accept);
        }
        async move {
            let response = request.send().await.unwrap();
            let vary = response.headers()[header::VARY]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(
                vary.contains("Accept-Language"),
                "caches keep one per language"
            );
            let site: SiteInfo = response.json().await.unwrap();
            site.launcher.unwrap()
        }
    };
    assert_eq!(
        labels(Some("en-GB,en;q=0.9,de;q=0.8")).await,
        ["Open chat", "Close chat", "New messages in the chat: {n}"]
    );
    assert_eq!(
        labels(Some("sv-SE")).await,
        [
            "Chat öffnen",
            "Chat schließen",
            "Neue Nachrichten im Chat: {n}"
        ],
        "a language the site does not offer gets the site's default"
    );
    assert_eq!(labels(None).await[0], "Chat öffnen");
    server.stop().await;
}

/// The model's address once the description carries this greeting.
async fn model_with_greeting(server: &TestServer, greeting: &str) -> String {
    eventually(Duration::from_secs(60), greeting, || async {
        let site: SiteInfo = info(server, None).await.json().await.ok()?;
        (site.greeting == greeting).then_some(site.model_url?)
    })
    .await
}

async fn status(server: &TestServer, url: &str) -> StatusCode {
    reqwest::get(server.url(url)).await.unwrap().status()
}

#[tokio::test]
async fn an_edited_knowledge_base_goes_live_on_reload_while_the_old_model_keeps_serving() {
    let (server, _kb_dir, kb) = common::with_kb_file().await;
    let old = model_with_greeting(&server, "Hi!").await;

    // The merchant edits the greeting; the reload compiles it while the old model serves.
    std::fs::write(&kb, common::kb_greeting("Hello again!")).unwrap();
    server.state.reload_knowledge().await;
    let new = model_with_greeting(&server, "Hello again!").await;
    assert_ne!(new, old, "a new content-hashed file");
    assert_eq!(status(&server, &new).await, StatusCode::OK);
    assert_eq!(
        status(&server, &old).await,
        StatusCode::OK,
        "a shopper who read the description just before the swap still gets its model"
    );

    // A broken edit changes nothing: the site keeps the model it has.
    std::fs::write(&kb, "[site]\nname = 1\n").unwrap();
    server.state.reload_knowledge().await;
    assert_eq!(model_with_greeting(&server, "Hello again!").await, new);
    server.stop().await;
}
