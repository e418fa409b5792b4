//! A site's history of closed conversations over real sockets: newest first, with who had
//! each, how it ended, the shopper's rating and comment and first message; the poorly rated
//! ones alone; a page at a time; one verified shopper's alone; those that mention a word; as a
//! CSV file with the agents' notes; only for the site's own agents.

mod common;

use std::time::Duration;

use common::{Settings, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use tandem_protocol::{
    ConversationCreated, CreateConversation,
    agent::{ClosedConversation, Resolution},
};

#[tokio::test]
async fn agents_read_the_sites_closed_conversations_with_their_ratings_and_comments() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    // Three conversations closed in turn, rated 1 with a comment, 5, and not at all; a
    // fourth still open.
    let mut closed = Vec::new();
    for (resolution, rating) in [
        ("not_solved", Some((1, "Nobody understood my problem"))),
        ("solved", Some((5, "Quick and kind"))),
        ("solved", None),
    ] {
        let created = server.handoff().await;
        anna.claim_and_close(&created.id, resolution).await;
        if let Some((score, comment)) = rating {
            let rated = server
                .post(&format!("/v1/conversations/{}/rating", created.id))
                .bearer_auth(&created.token)
                .json(&json!({ "score": score, "comment": comment }))
                .send()
                .await
                .unwrap();
            assert_eq!(rated.status(), StatusCode::NO_CONTENT);
        }
        closed.push(created.id);
        // Closing times a millisecond apart at least, so "newest first" is one order.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let open = server.handoff().await;
    assert_eq!(
        anna.act(&open.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );

    let history = |query: &str| {
        let request = anna.get(&format!("/v1/agent/history?site=acme{query}"));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Vec<ClosedConversation>>().await.unwrap()
        }
    };
    let all = history("").await;
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [&closed[2], &closed[1], &closed[0]], "newest first");
    let poor = &all[2];
    assert_eq!(poor.agent_name.as_deref(), Some("Anna"));
    assert_eq!(poor.resolution, Some(Resolution::NotSolved));
    assert_eq!(poor.rating, Some(1));
    assert_eq!(
        poor.rating_comment.as_deref(),
        Some("Nobody understood my problem")
    );
    assert_eq!(poor.preview.as_deref(), Some("Where is my parcel?"));
    assert_eq!((all[0].rating, all[1].rating), (None, Some(5)));

    let low = history("&low=true").await;
    assert_eq!(low.len(), 1);
    assert_eq!(low[0].id, closed[0]);
    // The next page starts after the last one shown.
    let after = |c: &ClosedConversation| format!("&before={}&before_id={}", c.closed_at, c.id);
    let older = history(&after(&all[1])).await;
    let ids: Vec<&str> = older.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [&closed[0]]);
    // Even when all were closed in the same millisecond: none is skipped or repeated.
    sqlx::query("UPDATE conversations SET closed_at = 1000000 WHERE state = 'closed'")
        .execute(server.state.db.pool())
        .await
        .unwrap();
    let tied = history("").await;
    let rest = history(&after(&tied[0])).await;
    let paged: Vec<&str> = std::iter::once(&tied[0])
        .chain(&rest)
        .map(|c| c.id.as_str())
        .collect();
    let every: Vec<&str> = tied.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(paged, every);
    assert_eq!(every.len(), 3);

    // A search finds words in the messages and the comments, in any case; `%` is only a `%`.
    let found = |q: &str| {
        let history = history(&format!("&q={q}"));
        async move {
            let found = history.await;
            found.into_iter().map(|c| c.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("KIND").await, [closed[1].clone()]);
    assert_eq!(
        found("Nobody").await,
        [closed[0].clone()],
        "as written, too"
    );
    assert_eq!(found("parcel").await.len(), 3);
    assert_eq!(found("%25").await, Vec::<String>::new());
    assert_eq!(
        found("joined").await,
        Vec::<String>::new(),
        "Tandem's own lines (\"Anna joined the conversation.\") are not what anyone wrote"
    );

    // The same as a spreadsheet file, filters and all.
    let export = anna
        .get("/v1/agent/history.csv?site=acme&low=true")
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(
        export.headers()[reqwest::header::CONTENT_DISPOSITION],
        "attachment; filename=\"history-acme.csv\""
    );
    let text = export.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the one poorly rated: {text}");
    assert!(
        lines[0].starts_with("\u{FEFF}closed_at,id,agent,"),
        "a byte order mark, so Excel reads UTF-8: {text}"
    );
    assert!(
        lines[1].contains(&closed[0]) && lines[1].contains("Nobody understood my problem"),
        "{text}"
    );

    // Another site's agent sees none of it.
    let stranger = server.agent("Sam", &["other"]).await;
    for path in [
        "/v1/agent/history?site=acme",
        "/v1/agent/history.csv?site=acme",
    ] {
        let refused = stranger.get(path).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
    }
    server.stop().await;
}

/// HMAC-SHA256 of `id` with the merchant's secret, as the merchant's server signs it.
fn signed(id: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(b"merchant-secret-of-at-least-32-bytes").unwrap();
    mac.update(id.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_returning_verified_shopper_brings_their_earlier_conversations_only() {
    let server = TestServer::with(Settings {
        acme_extra: "identity_secret = \"merchant-secret-of-at-least-32-bytes\"".to_owned(),
        ..Settings::default()
    })
    .await;
    let anna = server.agent("Anna", &["acme"]).await;
    // Closed conversations: Maja's signed one, one that only claims to be Maja (a wrong
    // signature), and another shopper's.
    let mut ids = Vec::new();
    for (id, signature) in [
        ("user-42", signed("user-42")),
        ("user-42", signed("someone else")),
        ("user-7", signed("user-7")),
    ] {
        let mut packet = CreateConversation::new("acme");
        packet.identity = Some(
            serde_json::from_value(json!({ "id": id, "name": "Maja", "signature": signature }))
                .unwrap(),
        );
        let created: ConversationCreated =
            common::json(server.post("/v1/conversations").json(&packet)).await;
        anna.claim_and_close(&created.id, "solved").await;
        ids.push(created.id);
    }
    let earlier: Vec<ClosedConversation> =
        common::json(anna.get("/v1/agent/history?site=acme&shopper=user-42")).await;
    let found: Vec<&str> = earlier.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(found, [&ids[0]], "only the verified Maja's");
    let all: Vec<ClosedConversation> =
        common::json(anna.get("/v1/agent/history?site=acme&shopper=")).await;
    assert_eq!(all.len(), 3, "an empty shopper filters nothing");
    server.stop().await;
}

#[tokio::test]
async fn the_csv_export_holds_a_sites_whole_history_page_after_page() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    // Ten pages and more of closed conversations (more than the export once held at most),
    // most closed in the same millisecond as others, so pages end in mid-millisecond.
    let total = 10 * tandem_server::http::history::EXPORT_PAGE + 50;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1) \
         INSERT INTO conversations (id, site, state, created_at, reason, closed_at, rating) \
         SELECT 'c' || i, 'acme', 'closed', 1764590400000, 'asked', 1764590400000 + i / 700, \
         CASE WHEN i % 2 = 0 THEN 1 ELSE 5 END FROM n",
    )
    .bind(i64::try_from(total).unwrap())
    .execute(server.state.db.pool())
    .await
    .unwrap();
    // Wrap-up notes, added after the close: two on the oldest (the last page's last row),
    // one on a conversation of the first page.
    let recent = format!("c{}", total - 1);
    for (id, text) in [
        ("c0", "Refund sent"),
        ("c0", "=Called back, all fine"),
        (recent.as_str(), "Parcel found"),
    ] {
        let added = anna
            .post(&format!("/v1/agent/conversations/{id}/notes"))
            .json(&json!({ "client_id": text, "text": text }))
            .send()
            .await
            .unwrap();
        assert_eq!(added.status(), StatusCode::CREATED, "{id}: {text}");
    }
    // Each row's id and notes cell.
    let export = |query: &str| {
        let request = anna.get(&format!("/v1/agent/history.csv?site=acme{query}"));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let text = response.text().await.unwrap();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            assert_eq!(&reader.headers().unwrap()[1], "id");
            assert_eq!(&reader.headers().unwrap()[8], "notes");
            reader
                .records()
                .map(|r| {
                    let r = r.unwrap();
                    (r[1].to_owned(), r[8].to_owned())
                })
                .collect::<Vec<_>>()
        }
    };
    let rows = export("").await;
    assert_eq!(rows.len(), total, "every conversation, one header");
    let mut expected: Vec<(i64, String)> = (0..total)
        .map(|i| (1_764_590_400_000 + i as i64 / 700, format!("c{i}")))
        .collect();
    expected.sort_by(|a, b| b.cmp(a));
    let expected: Vec<String> = expected.into_iter().map(|(_, id)| id).collect();
    let ids: Vec<&String> = rows.iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        expected.iter().collect::<Vec<_>>(),
        "newest first, none twice, none skipped"
    );
    // The notes are in their rows, on the first page and the last, each on a line, oldest
    // first; the rest have none.
    let noted: Vec<(&str, Vec<&str>)> = rows
        .iter()
        .filter(|(_, notes)| !notes.is_empty())
        .map(|(id, notes)| (id.as_str(), notes.lines().collect()))
        .collect();
    assert_eq!(noted.len(), 2, "{noted:?}");
    assert_eq!(noted[0].0, recent);
    assert!(
        noted[0].1[0].starts_with("Anna, 20"),
        "who, when: {noted:?}"
    );
    assert!(noted[0].1[0].ends_with(": Parcel found"), "{noted:?}");
    assert_eq!(noted[1].0, "c0");
    let texts: Vec<&str> = noted[1]
        .1
        .iter()
        .map(|l| l.split_once(": ").unwrap().1)
        .collect();
    assert_eq!(texts, ["Refund sent", "=Called back, all fine"]);
    assert!(noted[1].1[0].starts_with("Anna, "), "{noted:?}");
    // The filters hold on every page.
    assert_eq!(export("&low=true").await.len(), total / 2);
    server.stop().await;
}

#[tokio::test]
async fn a_search_finds_words_in_any_case_in_every_alphabet_and_wildcards_as_themselves() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    // One conversation mentions it in a message, another in the comment of its rating.
    let mut packet = CreateConversation::new("acme");
    packet.transcript = serde_json::from_value(json!([
        { "author": "shopper", "text": "Wo ist meine ÜBERWEISUNG geblieben?" }
    ]))
    .unwrap();
    let said: ConversationCreated = server
        .post("/v1/conversations")
        .json(&packet)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    anna.claim_and_close(&said.id, "solved").await;
    let created = server.handoff().await;
    anna.claim_and_close(&created.id, "not_solved").await;
    let rated = server
        .post(&format!("/v1/conversations/{}/rating", created.id))
        .bearer_auth(&created.token)
        .json(&json!({ "score": 2, "comment": "Die Überweisung [sofort]* kam nicht: 50% zurück?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), StatusCode::NO_CONTENT);
    let found = |q: &'static str| {
        let request = anna
            .get("/v1/agent/history")
            .query(&[("site", "acme"), ("q", q)]);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response
                .json::<Vec<ClosedConversation>>()
                .await
                .unwrap()
                .len()
        }
    };
    // A German agent types it small, or shouting; SQLite's LOWER alone knows only A to Z.
    for q in ["überweisung", "Überweisung"] {
        assert_eq!(found(q).await, 2, "{q}: in a message and in a comment");
    }
    for q in ["ZURÜCK?", "[sofort]*", "50%", "wo IST"] {
        assert_eq!(found(q).await, 1, "{q}");
    }
    for q in ["sofort]x", "50_", "ueberweisung"] {
        assert_eq!(found(q).await, 0, "{q}");
    }
    // A search is a few words, not a page: a clear refusal, on both databases alike.
    let long = anna
        .get("/v1/agent/history")
        .query(&[("site", "acme"), ("q", &"ü".repeat(201))])
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: tandem_protocol::Problem = long.json().await.unwrap();
    assert_eq!(
        problem.message(),
        "A search is at most 200 characters long."
    );
    server.stop().await;
}
