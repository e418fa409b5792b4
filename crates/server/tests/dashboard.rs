//! The quality dashboard over real sockets: the widget's counts, a conversation a person
//! handled and those whose shopper left the queue before or after one came come back as the
//! day's and that person's figures, and bad ranges and foreign sites are refused.

mod common;

use std::time::Duration;

use common::{Settings, TestServer, browser::eventually};
use reqwest::StatusCode;
use serde_json::json;
use tandem_protocol::{
    ConversationCreated, HandoffReason,
    dashboard::{Dashboard, ReasonCount},
};

/// The shopper of `created` leaves the queue.
async fn leave_queue(server: &TestServer, created: &ConversationCreated) {
    let cancelled = server
        .post(&format!("/v1/conversations/{}/cancel", created.id))
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();
    assert!(cancelled.status().is_success());
}

#[tokio::test]
async fn the_dashboard_shows_what_the_assistant_and_the_people_did_today() {
    let server = TestServer::with(Settings {
        acme_extra: r#"knowledge_base = "demo""#.to_owned(),
        ..Settings::default()
    })
    .await;
    eventually(Duration::from_secs(120), "the knowledge base", || async {
        server.state.models.get("acme").map(drop)
    })
    .await;
    let events = json!({ "events": [
        { "kind": "answered", "entry": "delivery-times" },
        { "kind": "answered", "entry": "delivery-times" },
        { "kind": "answered", "entry": "returns-policy" },
        { "kind": "feedback", "entry": "delivery-times", "helpful": true },
        { "kind": "feedback", "entry": "returns-policy", "helpful": false },
        { "kind": "handed_over", "reason": "negative_feedback" }
    ]});
    let posted = server
        .post("/v1/sites/acme/events")
        .json(&events)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::NO_CONTENT);

    // A person takes a handed-over shopper, closes, and the shopper rates 4.
    let (anna, _console) = server.available_agent("Anna", 1).await;
    let created = server.handoff().await;
    eventually(Duration::from_secs(20), "Anna to take it", || async {
        let taken = anna.act(&created.id, "claim", json!({})).await.is_success()
            || anna
                .act(&created.id, "accept", json!({}))
                .await
                .is_success();
        taken.then_some(())
    })
    .await;
    assert!(
        anna.act(&created.id, "close", json!({ "resolution": "solved" }))
            .await
            .is_success()
    );
    let rated = server
        .post(&format!("/v1/conversations/{}/rating", created.id))
        .bearer_auth(&created.token)
        .json(&json!({ "score": 4 }))
        .send()
        .await
        .unwrap();
    assert_eq!(rated.status(), StatusCode::NO_CONTENT);
    // Another shopper leaves the queue before anyone takes them.
    leave_queue(&server, &server.handoff().await).await;
    // A third is taken, put back in the queue, and its shopper leaves then: a person came.
    let returned = server.handoff().await;
    eventually(Duration::from_secs(20), "Anna to take it", || async {
        anna.act(&returned.id, "claim", json!({}))
            .await
            .is_success()
            .then_some(())
    })
    .await;
    assert!(
        anna.act(&returned.id, "transfer", json!({}))
            .await
            .is_success()
    );
    leave_queue(&server, &returned).await;

    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let response = anna
        .get(&format!(
            "/v1/agent/dashboard?site=acme&from={today}&to={today}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let dashboard: Dashboard = response.json().await.unwrap();
    assert_eq!(dashboard.days.len(), 1);
    let day = &dashboard.days[0];
    assert_eq!(
        (
            day.answered,
            day.handed_over,
            day.conversations,
            day.left_waiting
        ),
        (3, 1, 3, 1)
    );
    assert_eq!(dashboard.left_waiting_rate(), Some(1.0 / 3.0));
    assert_eq!(
        dashboard.reasons,
        [ReasonCount {
            reason: HandoffReason::NegativeFeedback,
            count: 1
        }]
    );
    assert_eq!((dashboard.helpful, dashboard.not_helpful), (1, 1));
    assert_eq!(dashboard.ratings, [0, 0, 0, 1, 0]);
    assert!(dashboard.wait_p50_secs.is_some() && dashboard.wait_p90_secs.is_some());
    assert_eq!(dashboard.answered_alone(), Some(0.75));
    let anna_figures: Vec<(&str, u64, [u64; 5])> = dashboard
        .agents
        .iter()
        .map(|a| (a.name.as_str(), a.conversations, a.ratings))
        .collect();
    assert_eq!(anna_figures, [("Anna", 1, [0, 0, 0, 1, 0])]);
    assert!(dashboard.agents[0].handle_p50_secs.is_some());

    // The month so far, its first day written without a leading zero and today after a
    // space (as a hand-written URL or another tool may): the same figures. (Compared as
    // written, " 2026-…" sorts before every stored day.)
    let month = anna
        .get(&format!(
            "/v1/agent/dashboard?site=acme&from={}&to=%20{today}",
            chrono::Utc::now().format("%Y-%-m-1")
        ))
        .send()
        .await
        .unwrap();
    let month: Dashboard = month.json().await.unwrap();
    let answered: u64 = month.days.iter().map(|d| d.answered).sum();
    assert_eq!(answered, 3);

    // A bad range says what is wrong; another site's figures are not Anna's to see.
    let backwards = anna
        .get("/v1/agent/dashboard?site=acme&from=2026-11-14&to=2026-11-01")
        .send()
        .await
        .unwrap();
    assert_eq!(backwards.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: tandem_protocol::Problem = backwards.json().await.unwrap();
    assert!(
        problem.message().contains("ends before it starts"),
        "{}",
        problem.message()
    );
    let foreign = anna
        .get(&format!(
            "/v1/agent/dashboard?site=other&from={today}&to={today}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}
