//! Handing over and routing, over real sockets: a handoff reaches an available agent with its
//! whole context, offers move on, a conversation is assigned exactly once, agents close,
//! transfer and return conversations, and their notes go with them (never to the shopper).

mod common;

use std::time::Duration;

use common::{Settings, TestAgent, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;
use tandem_protocol::{
    Author, ConversationState, HandoffReason, Notice,
    agent::{AgentServerFrame, ClosedConversation, ConversationDetail, Note, Offer},
    conversation::{ConversationStatus, MessagesSince},
    live::{ServerFrame, ShopperFrame},
};

async fn offer(console: &mut Ws) -> Offer {
    console
        .until(|frame| match frame {
            AgentServerFrame::Offer { offer } => Some(offer),
            _ => None,
        })
        .await
}

/// The shopper's status, once the conversation is in `state`.
async fn status_becomes(shopper: &mut Ws, state: ConversationState) -> ConversationStatus {
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.state == state => Some(status),
            _ => None,
        })
        .await
}

async fn assigned(console: &mut Ws) -> ConversationDetail {
    console
        .until(|frame| match frame {
            AgentServerFrame::Assigned { conversation } => Some(conversation),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn a_handoff_reaches_an_available_agent_with_its_whole_context() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let mut console = anna.live().await;
    let welcome: AgentServerFrame = console.next().await;
    assert!(
        matches!(welcome, AgentServerFrame::Welcome { ref conversations, .. } if conversations.is_empty())
    );
    anna.set_status("available", 2).await;

    let created = server.handoff().await;
    assert_eq!(created.position, Some(1));
    assert!(
        created.estimated_wait_secs.is_some(),
        "an agent is available, so there is an estimate"
    );
    let mut shopper = server.shopper(&created, created.transcript_seq).await;
    let ServerFrame::Welcome { status } = shopper.next().await else {
        panic!("welcome first")
    };
    assert_eq!(status.state, ConversationState::Queued);

    let offer = offer(&mut console).await;
    assert_eq!(offer.conversation.id, created.id);
    assert_eq!(offer.conversation.reason, HandoffReason::Asked);
    assert_eq!(
        offer.conversation.preview.as_deref(),
        Some("Where is my parcel?")
    );
    assert!(
        offer.expires_at > tandem_server::store::now_ms() + 20_000,
        "30 s to accept"
    );

    assert_eq!(
        anna.act(&created.id, "accept", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let detail = assigned(&mut console).await;
    assert_eq!(detail.id, created.id);
    assert_eq!(detail.context["cart_value"], json!(224.5));
    let texts: Vec<(Author, &str)> = detail
        .messages
        .iter()
        .map(|m| (m.author, m.text.as_str()))
        .collect();
    assert_eq!(texts[0], (Author::Shopper, "Where is my parcel?"));
    assert_eq!(
        texts[1],
        (Author::Assistant, "Parcels arrive in 3-5 working days.")
    );
    assert!((detail.messages[1].confidence.unwrap() - 0.62).abs() < 1e-6);
    assert_eq!(detail.messages[1].entry.as_deref(), Some("shipping-times"));
    assert_eq!(
        texts[2].0,
        Author::System,
        "the moment of handoff is marked"
    );
    assert!(texts[2].1.contains("asked"), "{}", texts[2].1);
    assert!(texts[3].1.contains("Anna joined"), "{}", texts[3].1);

    let joined = status_becomes(&mut shopper, ConversationState::WithAgent).await;
    assert_eq!(joined.agent_name.as_deref(), Some("Anna"));
    assert_eq!(joined.position, None);
    server.stop().await;
}

#[tokio::test]
async fn an_offer_not_accepted_in_time_moves_on_to_the_next_agent() {
    let server = TestServer::with(Settings {
        offer_timeout_secs: 1,
        ..Settings::default()
    })
    .await;
    let (first, mut first_console) = server.available_agent("First", 1).await;
    // The second agent becomes available later, so the first has waited longest.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (second, mut second_console) = server.available_agent("Second", 1).await;

    let created = server.handoff().await;
    assert_eq!(offer(&mut first_console).await.conversation.id, created.id);
    let withdrawn = first_console
        .until(|frame| match frame {
            AgentServerFrame::OfferWithdrawn { conversation } => Some(conversation),
            _ => None,
        })
        .await;
    assert_eq!(withdrawn, created.id);
    assert_eq!(offer(&mut second_console).await.conversation.id, created.id);
    // The first agent's offer is gone for good.
    assert_eq!(
        first.act(&created.id, "accept", json!({})).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        second.act(&created.id, "accept", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let metrics = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("tandem_offers_expired_total 1"),
        "{metrics}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_declined_offer_goes_to_someone_else() {
    let server = TestServer::start().await;
    let (first, mut first_console) = server.available_agent("First", 1).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (second, mut second_console) = server.available_agent("Second", 1).await;
    let created = server.handoff().await;
    assert_eq!(offer(&mut first_console).await.conversation.id, created.id);
    assert_eq!(
        first.act(&created.id, "decline", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(offer(&mut second_console).await.conversation.id, created.id);

    // Second takes it, then puts it back in the queue and steps away: a new turn there, so
    // First, who declined it before, is offered it again rather than no one.
    assert_eq!(
        second.act(&created.id, "accept", json!({})).await,
        StatusCode::NO_CONTENT
    );
    second.set_status("away", 1).await;
    assert_eq!(
        second.act(&created.id, "transfer", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(offer(&mut first_console).await.conversation.id, created.id);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_seen_again_before_the_release_keeps_their_conversations() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let created = server.handoff().await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    // Found gone a second ago, but her connection was seen since: the release leaves her be.
    let found_gone_before = tandem_server::store::now_ms() - 1000;
    let db = &server.state.db;
    db.touch_agents(std::slice::from_ref(&anna.id))
        .await
        .unwrap();
    let released = db
        .release_vanished_agent(&anna.id, found_gone_before)
        .await
        .unwrap();
    assert!(released.is_empty());
    assert_eq!(in_hand(&server, &anna).await, 1);
    // Not seen since: released.
    let released = db
        .release_vanished_agent(&anna.id, tandem_server::store::now_ms() + 1)
        .await
        .unwrap();
    assert_eq!(released.len(), 1);
    assert_eq!(in_hand(&server, &anna).await, 0);
    server.stop().await;
}

#[tokio::test]
async fn fifty_concurrent_claims_assign_the_conversation_once() {
    let server = TestServer::start().await;
    let mut agents = Vec::new();
    for i in 0..50 {
        agents.push(server.agent(&format!("Agent {i}"), &["acme"]).await);
    }
    let created = server.handoff().await;
    let claims = agents.iter().map(|agent| {
        let agent = agent.clone();
        let id = created.id.clone();
        tokio::spawn(async move { (agent.id.clone(), agent.act(&id, "claim", json!({})).await) })
    });
    let results = futures_util::future::join_all(claims).await;
    let winners: Vec<String> = results
        .into_iter()
        .map(Result::unwrap)
        .filter_map(|(id, status)| {
            assert!(
                matches!(status, StatusCode::NO_CONTENT | StatusCode::CONFLICT),
                "{status}"
            );
            (status == StatusCode::NO_CONTENT).then_some(id)
        })
        .collect();
    assert_eq!(winners.len(), 1, "exactly one agent got it");
    let row = sqlx::query("SELECT agent_id, state FROM conversations WHERE id = $1")
        .bind(&created.id)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("agent_id"), winners[0]);
    assert_eq!(row.get::<String, _>("state"), "with_agent");
    let joined: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM messages WHERE conversation_id = $1 AND text LIKE '%joined%'",
    )
    .bind(&created.id)
    .fetch_one(server.state.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(joined, 1, "one agent joined, once");
    server.stop().await;
}

/// How many conversations the store has the agent working on.
async fn in_hand(server: &TestServer, agent: &TestAgent) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM conversations WHERE agent_id = $1 AND state = 'with_agent'",
    )
    .bind(&agent.id)
    .fetch_one(server.state.db.pool())
    .await
    .unwrap()
    .get("n")
}

/// The agent claims every one of these conversations at once; the statuses, in order.
async fn claim_all_at_once(agent: &TestAgent, ids: &[String]) -> Vec<StatusCode> {
    let claims = ids.iter().map(|id| {
        let (agent, id) = (agent.clone(), id.clone());
        tokio::spawn(async move { agent.act(&id, "claim", json!({})).await })
    });
    futures_util::future::join_all(claims)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test]
async fn an_agents_parallel_claims_stop_at_their_capacity() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    anna.set_status("away", 2).await;
    let mut waiting = Vec::new();
    for _ in 0..10 {
        waiting.push(server.handoff().await.id);
    }
    let statuses = claim_all_at_once(&anna, &waiting).await;
    let taken = statuses.iter().filter(|s| **s == StatusCode::NO_CONTENT);
    assert_eq!(taken.count(), 2, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| matches!(*s, StatusCode::NO_CONTENT | StatusCode::CONFLICT)),
        "{statuses:?}"
    );
    assert_eq!(in_hand(&server, &anna).await, 2);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_taken_off_the_site_while_claiming_keeps_none_of_its_conversations() {
    let server = TestServer::start().await;
    let (anna, ben) = server.admin_and_agent().await;
    ben.set_status("away", 12).await;
    let mut waiting = Vec::new();
    for _ in 0..12 {
        waiting.push(server.handoff().await.id);
    }
    let claims = claim_all_at_once(&ben, &waiting);
    let removal = anna
        .request(
            reqwest::Method::DELETE,
            &format!("/v1/agent/admin/agents/{}?site=acme", ben.id),
        )
        .send();
    let (statuses, removed) = tokio::join!(claims, removal);
    assert_eq!(removed.unwrap().status(), StatusCode::NO_CONTENT);
    assert!(
        statuses
            .iter()
            .all(|s| matches!(*s, StatusCode::NO_CONTENT | StatusCode::NOT_FOUND)),
        "{statuses:?}"
    );
    assert_eq!(
        in_hand(&server, &ben).await,
        0,
        "whatever Ben took went back to the queue: {statuses:?}"
    );
    let queued: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations WHERE state = 'queued'")
        .await;
    assert_eq!(queued, 12);
    server.stop().await;
}

#[tokio::test]
async fn agents_close_transfer_and_return_conversations() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let bo = server.agent("Bo", &["acme"]).await;
    let mut bo_console = bo.live().await;
    bo.set_status("away", 2).await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, 0).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let times = || async {
        let row = sqlx::query("SELECT taken_at, assigned_at FROM conversations WHERE id = $1")
            .bind(&created.id)
            .fetch_one(server.state.db.pool())
            .await
            .unwrap();
        (
            row.get::<i64, _>("taken_at"),
            row.get::<i64, _>("assigned_at"),
        )
    };
    let (taken, _) = times().await;
    tokio::time::sleep(Duration::from_millis(20)).await;

    // Not to someone who is not there to answer, nor to another shop's agent: Anna keeps it.
    let cleo = server.agent("Cleo", &["acme"]).await;
    let dan = server.agent("Dan", &["other"]).await;
    for (to, refused) in [
        (&cleo.id, StatusCode::CONFLICT),
        (&dan.id, StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let transfer = json!({ "to_agent": to });
        assert_eq!(anna.act(&created.id, "transfer", transfer).await, refused);
    }
    assert_eq!(
        anna.conversation(&created.id).await.agent_id.as_ref(),
        Some(&anna.id)
    );

    // Transfer to Bo, away but connected: he gets it with the whole transcript, the
    // shopper sees his name.
    let transfer = json!({ "to_agent": bo.id });
    assert_eq!(
        anna.act(&created.id, "transfer", transfer).await,
        StatusCode::NO_CONTENT
    );
    let (still_taken, bo_took) = times().await;
    assert_eq!(
        still_taken, taken,
        "the shopper's wait ended when Anna took it, not when Bo did"
    );
    assert!(bo_took > taken, "Bo's time with it starts now");
    let detail = assigned(&mut bo_console).await;
    assert!(
        detail
            .messages
            .iter()
            .any(|m| m.text.contains("Bo took over"))
    );
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.agent_name.as_deref() == Some("Bo") => {
                Some(())
            }
            _ => None,
        })
        .await;
    // Anna no longer has it.
    assert_eq!(
        anna.act(&created.id, "close", json!({ "resolution": "solved" }))
            .await,
        StatusCode::CONFLICT
    );

    // Back to the queue: at the front, ahead of a newer conversation.
    let later = server.handoff().await;
    assert_eq!(
        bo.act(&created.id, "transfer", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let released = bo_console
        .until(|frame| match frame {
            AgentServerFrame::Released {
                conversation,
                state,
            } => Some((conversation, state)),
            _ => None,
        })
        .await;
    assert_eq!(released, (created.id.clone(), ConversationState::Queued));
    let status = status_becomes(&mut shopper, ConversationState::Queued).await;
    assert_eq!(status.position, Some(1), "returned conversations go first");
    let queue: serde_json::Value = common::json(anna.get("/v1/agent/queue")).await;
    assert_eq!(queue[0]["id"], json!(created.id));
    assert_eq!(queue[1]["id"], json!(later.id));

    // Claimed again and closed: the shopper sees it closed and may rate it once.
    anna.claim_and_close(&created.id, "solved").await;
    status_becomes(&mut shopper, ConversationState::Closed).await;
    let rate = |score: u8| {
        server
            .post(&format!("/v1/conversations/{}/rating", created.id))
            .bearer_auth(&created.token)
            .json(&json!({ "score": score, "comment": "Quick and kind" }))
            .send()
    };
    assert_eq!(
        rate(9).await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(rate(5).await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(
        rate(5).await.unwrap().status(),
        StatusCode::NO_CONTENT,
        "the same rating again (a double click, a retry) is no error"
    );
    assert_eq!(
        rate(4).await.unwrap().status(),
        StatusCode::CONFLICT,
        "once"
    );
    let detail: ConversationDetail =
        common::json(anna.get(&format!("/v1/agent/conversations/{}", created.id))).await;
    assert_eq!(
        (detail.rating, detail.rating_comment.as_deref()),
        (Some(5), Some("Quick and kind"))
    );
    assert_eq!(
        detail.resolution,
        Some(tandem_protocol::agent::Resolution::Solved)
    );
    server.stop().await;
}

/// `agent` adds a note to a conversation under a client id: the status, and the note or
/// the problem.
async fn note_as(
    agent: &TestAgent,
    id: &str,
    client_id: &str,
    text: &str,
) -> (StatusCode, serde_json::Value) {
    let response = agent
        .post(&format!("/v1/agent/conversations/{id}/notes"))
        .json(&json!({ "client_id": client_id, "text": text }))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// `agent` adds a note under a client id of its own.
async fn note(agent: &TestAgent, id: &str, text: &str) -> (StatusCode, serde_json::Value) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    note_as(agent, id, &format!("note-{n}"), text).await
}

/// The notes the agent's connection is told of next.
async fn next_notes(console: &mut Ws) -> Vec<Note> {
    console
        .until(|frame| match frame {
            AgentServerFrame::Notes { notes, .. } => Some(notes),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn agents_notes_go_with_the_conversation_to_a_colleague_and_the_history_never_to_the_shopper()
{
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let bo = server.agent("Bo", &["acme"]).await;
    let mut anna_console = anna.live().await;
    let mut bo_console = bo.live().await;
    bo.set_status("away", 2).await;
    let created = server.handoff().await;
    let id = created.id.as_str();
    let mut shopper = server.shopper(&created, 0).await;
    assert_eq!(
        note(&anna, id, "Before taking it").await.0,
        StatusCode::FORBIDDEN,
        "while it is open, only whoever has the conversation writes on it"
    );
    assert_eq!(
        anna.act(id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );

    // A note: stored under Anna's name, the card number masked, told to her console; sent
    // again under the same client id (the answer was lost), it is the same note.
    let secret = "refund promised for order A-1001";
    let text = format!(" Card 4242 4242 4242 4242 declined twice; {secret} ");
    let (status, stored) = note_as(&anna, id, "n1", &text).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let (status, again) = note_as(&anna, id, "n1", &text).await;
    assert_eq!((status, &again), (StatusCode::OK, &stored));
    let stored: Note = serde_json::from_value(stored).unwrap();
    assert_eq!(stored.agent_name, "Anna");
    assert_eq!(
        stored.text,
        format!("Card •••• 4242 declined twice; {secret}")
    );
    assert_eq!(
        next_notes(&mut anna_console).await,
        std::slice::from_ref(&stored)
    );
    // What cannot be a note is refused clearly, and the conversation goes on.
    let (status, problem) = note(&anna, id, " \n ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("note needs some text")
    );
    let too_long = "x".repeat(tandem_protocol::MAX_MESSAGE_BYTES + 1);
    assert_eq!(
        note(&anna, id, &too_long).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(note(&bo, id, "Not mine").await.0, StatusCode::FORBIDDEN);
    let outsider = server.agent("Outsider", &["other"]).await;
    assert_eq!(
        note(&outsider, id, "Another shop's").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        note(&anna, "nope", "No such").await.0,
        StatusCode::NOT_FOUND
    );

    // The shopper hears of none of it: the next thing they get is Anna's reply, and reading
    // the conversation back (the HTTP fallback) shows no note either.
    assert_eq!(
        anna.act(
            id,
            "messages",
            json!({ "client_id": "a1", "text": "On it" })
        )
        .await,
        StatusCode::CREATED
    );
    shopper
        .until(|frame: serde_json::Value| {
            let text = frame.to_string();
            assert!(!text.contains(secret) && !text.contains("Card"), "{text}");
            (frame["message"]["message"]["text"] == "On it").then_some(())
        })
        .await;
    let read_back: MessagesSince = common::json(
        server
            .get(&format!("/v1/conversations/{id}/messages?after=0"))
            .bearer_auth(&created.token),
    )
    .await;
    let read_back = serde_json::to_string(&read_back).unwrap();
    assert!(read_back.contains("On it") && !read_back.contains(secret));

    // Transferred: Bo gets the note with the conversation, and adds his own; Anna, who no
    // longer has it, cannot.
    assert_eq!(
        anna.act(id, "transfer", json!({ "to_agent": bo.id })).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        assigned(&mut bo_console).await.notes,
        std::slice::from_ref(&stored)
    );
    // Anna's retry of her note, answered late, is still her note; Bo's client ids are his.
    assert_eq!(note_as(&anna, id, "n1", &text).await.0, StatusCode::OK);
    assert_eq!(
        note_as(&bo, id, "n1", "Label sent").await.0,
        StatusCode::CREATED
    );
    assert_eq!(next_notes(&mut bo_console).await.len(), 2);
    assert_eq!(note(&anna, id, "Too late").await.0, StatusCode::FORBIDDEN);

    // Closed, any agent of the site may add a wrap-up (the refund went through), never
    // another site's; the history keeps them all, oldest first, and finds the conversation
    // by a note.
    assert_eq!(
        bo.act(id, "close", json!({ "resolution": "solved" })).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        note(&anna, id, "Refund went through").await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        note(&outsider, id, "Another shop's").await.0,
        StatusCode::NOT_FOUND
    );
    let past = anna.conversation(id).await;
    let texts: Vec<&str> = past.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(
        texts,
        [stored.text.as_str(), "Label sent", "Refund went through"],
        "the retry stored once"
    );
    assert_eq!(past.notes[1].agent_name, "Bo");
    assert_eq!(past.notes[2].agent_name, "Anna");
    let elsewhere: Vec<ClosedConversation> =
        common::json(outsider.get("/v1/agent/history?site=other&q=refund")).await;
    assert!(elsewhere.is_empty(), "another shop's history");
    let found: Vec<ClosedConversation> =
        common::json(anna.get("/v1/agent/history?site=acme&q=REFUND%20PROMISED")).await;
    assert_eq!(
        found.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        [id],
        "the words are in a note only"
    );
    server.stop().await;
}

#[tokio::test]
async fn an_agent_hands_the_shopper_back_to_the_assistant() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, 0).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        anna.act(
            &created.id,
            "close",
            json!({ "resolution": "returned_to_assistant" })
        )
        .await,
        StatusCode::NO_CONTENT
    );

    // The shopper is told in the transcript, and their widget knows to go on with the
    // assistant rather than ask for a rating (the two frames come in either order).
    let (mut notice, mut closed) = (None, None);
    shopper
        .until(|frame| {
            match frame {
                ServerFrame::Message { message }
                    if message.author == Author::System && message.text.contains("assistant.") =>
                {
                    notice = Some(message);
                }
                ServerFrame::Status { status } if status.state == ConversationState::Closed => {
                    closed = Some(status);
                }
                _ => {}
            }
            (notice.is_some() && closed.is_some()).then_some(())
        })
        .await;
    let (notice, status) = (notice.unwrap(), closed.unwrap());
    assert_eq!(
        notice.text,
        "Anna handed the conversation back to the assistant."
    );
    // Said in words the widget can translate, also when read back from the store.
    let handed_back = Notice::HandedBack {
        name: "Anna".into(),
    };
    assert_eq!(notice.notice.as_ref(), Some(&handed_back));
    let stored = server.stored_messages(&created.id).await;
    let notices: Vec<_> = stored.iter().filter_map(|m| m.notice.clone()).collect();
    assert_eq!(
        notices,
        [
            Notice::Joined {
                name: "Anna".into()
            },
            handed_back
        ]
    );
    assert!(status.returned_to_assistant);
    let polled: tandem_protocol::ConversationStatus = common::json(
        server
            .get(&format!("/v1/conversations/{}", created.id))
            .bearer_auth(&created.token),
    )
    .await;
    assert!(polled.returned_to_assistant, "a reload learns it too");

    // Only the one who has it can hand it back.
    assert_eq!(
        anna.act(
            &created.id,
            "close",
            json!({ "resolution": "returned_to_assistant" })
        )
        .await,
        StatusCode::CONFLICT
    );
    let detail: ConversationDetail =
        common::json(anna.get(&format!("/v1/agent/conversations/{}", created.id))).await;
    assert_eq!(
        detail.resolution,
        Some(tandem_protocol::agent::Resolution::ReturnedToAssistant)
    );
    server.stop().await;
}

#[tokio::test]
async fn a_waiting_shopper_sees_their_place_change_and_can_leave_the_queue() {
    let server = TestServer::start().await;
    let first = server.handoff().await;
    let second = server.handoff().await;
    assert_eq!(second.position, Some(2));
    assert_eq!(
        second.estimated_wait_secs, None,
        "no agent is available: no estimate"
    );
    assert_eq!(second.availability, tandem_protocol::Availability::NoAgents);
    let mut shopper = server.shopper(&second, second.transcript_seq).await;
    let ServerFrame::Welcome { status } = shopper.next().await else {
        panic!("welcome first")
    };
    assert_eq!(status.position, Some(2));
    assert!(
        status.no_agents,
        "no one is there: a message may be left instead"
    );

    let mut leaving = server.shopper(&first, 0).await;
    leaving.send(&ShopperFrame::Cancel).await;
    let moved = shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } => Some(status),
            _ => None,
        })
        .await;
    assert_eq!(moved.position, Some(1));

    // An agent coming online gives the waiting shopper an estimate.
    let anna = server.agent("Anna", &["acme"]).await;
    let _console = anna.live().await;
    anna.set_status("away", 2).await;
    anna.set_status("available", 2).await;
    let estimate = shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.estimated_wait_secs.is_some() => Some(status),
            ServerFrame::Status { status } if status.state == ConversationState::WithAgent => None,
            _ => None,
        })
        .await;
    assert!(estimate.estimated_wait_secs.unwrap() > 0);
    assert!(!estimate.no_agents);
    // Gone again: the waiting shopper is told.
    anna.set_status("away", 2).await;
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.no_agents => Some(()),
            _ => None,
        })
        .await;
    let cancelled: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations WHERE state = 'cancelled'")
        .await;
    assert_eq!(cancelled, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_waiting_shopper_is_told_when_the_last_agent_vanishes() {
    let server = TestServer::with(Settings {
        agent_grace_secs: 1,
        ..Settings::default()
    })
    .await;
    let (_anna, console) = server.available_agent("Anna", 1).await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, created.transcript_seq).await;
    let ServerFrame::Welcome { status } = shopper.next().await else {
        panic!("welcome first")
    };
    assert!(!status.no_agents, "Anna is there");
    // Her console closes without a word (a lost network, a closed laptop).
    drop(console);
    shopper
        .until(|frame| match frame {
            ServerFrame::Status { status } if status.no_agents => Some(()),
            _ => None,
        })
        .await;
    server.stop().await;
}

#[tokio::test]
async fn a_waiting_shopper_long_gone_leaves_the_queue_and_one_still_there_stays() {
    let server = TestServer::with(Settings {
        agent_grace_secs: 1,
        server_extra: "queue_abandon_secs = 2".to_owned(),
        ..Settings::default()
    })
    .await;
    let (_anna, mut console) = server.available_agent("Anna", 1).await;
    // One shopper closed the tab right after asking; the other's widget stays connected.
    let gone = server.handoff().await;
    let here = server.handoff().await;
    let _connected = server.shopper(&here, here.transcript_seq).await;
    let state_of = |id: String| {
        let server = &server;
        async move {
            server
                .state
                .db
                .conversation(&id)
                .await
                .unwrap()
                .unwrap()
                .state
        }
    };
    // The queue the agents see loses the one gone, not the other.
    console
        .until(|frame| match frame {
            AgentServerFrame::Queue { entries, .. }
                if entries.iter().map(|e| &e.id).eq([&here.id]) =>
            {
                Some(())
            }
            _ => None,
        })
        .await;
    assert_eq!(state_of(gone.id).await, ConversationState::Cancelled);
    assert_eq!(state_of(here.id.clone()).await, ConversationState::Queued);
    server.stop().await;
}

#[tokio::test]
async fn a_handoff_with_more_context_than_fits_still_reaches_a_person() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    // The shop's page sent a cart too large to keep: the shopper cannot fix that.
    let mut packet = tandem_protocol::CreateConversation::new("acme");
    packet.context = serde_json::from_value(json!({ "cart": "x".repeat(20_000) })).unwrap();
    let created = server.hand_over(&packet).await;
    let detail = anna.conversation(&created.id).await;
    assert!(!detail.context.contains_key("cart"));
    let said = detail.context["tandem_left_out"].as_str().unwrap();
    assert!(said.contains("the context"), "{said}");
    server.stop().await;
}

#[tokio::test]
async fn a_widget_whose_place_is_past_the_end_still_hears_what_comes_next() {
    let server = TestServer::start().await;
    let anna = server.agent("Anna", &["acme"]).await;
    let created = server.handoff().await;
    // Its saved place is ahead of the server's (a database restored from a backup).
    let mut shopper = server.shopper(&created, u64::MAX).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let joined = shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } => Some(message),
            _ => None,
        })
        .await;
    assert!(joined.text.contains("Anna joined"), "{}", joined.text);
    server.stop().await;
}

#[tokio::test]
async fn an_agent_whose_connection_went_quiet_loses_their_conversations() {
    let server = TestServer::with(Settings {
        agent_grace_secs: 2,
        ..Settings::default()
    })
    .await;
    let anna = server.agent("Anna", &["acme"]).await;
    anna.set_status("available", 1).await;
    // Her laptop went to sleep: the connection was never closed, but nothing answers the
    // server's pings any more.
    let _asleep = anna.live_silent().await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, 0).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let back = status_becomes(&mut shopper, ConversationState::Queued).await;
    assert_eq!(
        back.position,
        Some(1),
        "at the front, for someone who is there"
    );
    assert_eq!(in_hand(&server, &anna).await, 0);
    server.stop().await;
}

#[tokio::test]
async fn a_disconnected_agents_conversations_return_to_the_front_of_the_queue() {
    let server = TestServer::with(Settings {
        agent_grace_secs: 1,
        ..Settings::default()
    })
    .await;
    let (anna, console) = server.available_agent("Anna", 2).await;
    let created = server.handoff().await;
    let mut shopper = server.shopper(&created, 0).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    status_becomes(&mut shopper, ConversationState::WithAgent).await;
    drop(console);
    let back = status_becomes(&mut shopper, ConversationState::Queued).await;
    assert_eq!(back.position, Some(1));
    let row = sqlx::query("SELECT priority FROM conversations WHERE id = $1")
        .bind(&created.id)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap();
    assert_eq!(
        row.get::<i64, _>("priority"),
        2,
        "ahead of everyone who has not been served"
    );
    let me: serde_json::Value = common::json(anna.get("/v1/agent/me")).await;
    assert_eq!(me["status"], json!("offline"));
    server.stop().await;
}

#[tokio::test]
async fn agents_see_and_take_only_their_own_sites() {
    let server = TestServer::start().await;
    let outsider = server.agent("Outsider", &["other"]).await;
    let created = server.handoff().await;
    let path = format!("/v1/agent/conversations/{}", created.id);
    assert_eq!(
        outsider.get(&path).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        outsider.act(&created.id, "claim", json!({})).await,
        StatusCode::NOT_FOUND
    );
    let queue: Vec<serde_json::Value> = common::json(outsider.get("/v1/agent/queue")).await;
    assert!(queue.is_empty());
    let offline = outsider
        .get("/v1/agent/offline-messages?site=acme")
        .send()
        .await
        .unwrap();
    assert_eq!(offline.status(), StatusCode::FORBIDDEN);
    server.stop().await;
}

#[tokio::test]
async fn a_notice_a_newer_server_wrote_reads_as_its_english_text() {
    let server = TestServer::start().await;
    let created = server.handoff().await;
    sqlx::query("UPDATE messages SET notice = $1 WHERE conversation_id = $2")
        .bind(r#"{"kind":"from_the_future","name":"Anna"}"#)
        .bind(&created.id)
        .execute(server.state.db.pool())
        .await
        .unwrap();
    let stored = server.stored_messages(&created.id).await;
    assert!(!stored.is_empty(), "the history still reads");
    assert!(stored.iter().all(|m| m.notice.is_none()));
    server.stop().await;
}
