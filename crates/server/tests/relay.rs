//! The live relay: messages flow both ways in order, a retried send is stored once, a
//! reconnect gets exactly what it missed, the shop's new context reaches the agent, and bad
//! input gets a clear error while the conversation goes on. Over real WebSockets, and over
//! the HTTP fallback.

mod common;

use common::{Settings, TestAgent, TestServer, Ws};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;
use tandem_protocol::{
    Author, ConversationCreated, ConversationState, Message,
    agent::{AgentFrame, AgentServerFrame},
    conversation::{MessagesSince, Sent},
    live::{ServerFrame, ShopperFrame},
};

/// A conversation an agent has taken, with both live connections open and the history read.
async fn live_pair(server: &TestServer) -> (ConversationCreated, TestAgent, Ws, Ws) {
    let anna = server.agent("Anna", &["acme"]).await;
    let mut console = anna.live().await;
    let created = server.handoff().await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    console
        .until(|frame| matches!(frame, AgentServerFrame::Assigned { .. }).then_some(()))
        .await;
    let mut shopper = server.shopper(&created, 0).await;
    shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.text.contains("joined") => Some(()),
            _ => None,
        })
        .await;
    (created, anna, shopper, console)
}

fn send(client_id: &str, text: &str) -> ShopperFrame {
    ShopperFrame::Send {
        client_id: client_id.into(),
        text: text.into(),
    }
}

async fn next_message(ws: &mut Ws) -> Message {
    ws.until(|frame| match frame {
        ServerFrame::Message { message } => Some(message),
        _ => None,
    })
    .await
}

async fn next_ack(ws: &mut Ws) -> (String, u64) {
    ws.until(|frame| match frame {
        ServerFrame::Ack { client_id, seq } => Some((client_id, seq)),
        _ => None,
    })
    .await
}

async fn next_error(ws: &mut Ws) -> tandem_protocol::Problem {
    ws.until(|frame| match frame {
        ServerFrame::Error { problem, .. } => Some(problem),
        _ => None,
    })
    .await
}

/// Waits for the shopper's next refusal and checks its status and what it says.
async fn refused(ws: &mut Ws, status: u16, says: &str) {
    let problem = next_error(ws).await;
    assert_eq!(problem.status, status, "{}", problem.message());
    assert!(problem.message().contains(says), "{}", problem.message());
}

#[tokio::test]
async fn messages_flow_both_ways_in_order() {
    let server = TestServer::start().await;
    let (created, _anna, mut shopper, mut console) = live_pair(&server).await;
    for i in 0..20 {
        shopper
            .send(&send(&format!("s{i}"), &format!("message {i}")))
            .await;
    }
    let mut received = Vec::new();
    while received.len() < 20 {
        if let AgentServerFrame::Message {
            conversation,
            message,
        } = console.next().await
        {
            assert_eq!(conversation, created.id);
            received.push(message);
        }
    }
    let texts: Vec<String> = received.iter().map(|m| m.text.clone()).collect();
    let expected: Vec<String> = (0..20).map(|i| format!("message {i}")).collect();
    assert_eq!(texts, expected, "in the order sent");
    assert!(
        received.windows(2).all(|w| w[1].seq == w[0].seq + 1),
        "consecutive sequence numbers"
    );
    assert!(received.iter().all(|m| m.author == Author::Shopper));

    console
        .send(&AgentFrame::Typing {
            conversation: created.id.clone(),
            typing: true,
        })
        .await;
    let typing = shopper
        .until(|frame| match frame {
            ServerFrame::Typing { author, typing } => Some((author, typing)),
            _ => None,
        })
        .await;
    assert_eq!(typing, (Author::Agent, true));
    console
        .send(&AgentFrame::Send {
            conversation: created.id.clone(),
            client_id: "a1".into(),
            text: "Hi, Anna here. Let me look that up.".into(),
        })
        .await;
    let reply = shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.author == Author::Agent => Some(message),
            _ => None,
        })
        .await;
    assert_eq!(reply.text, "Hi, Anna here. Let me look that up.");
    assert_eq!(reply.agent_name.as_deref(), Some("Anna"));
    assert_eq!(reply.seq, received.last().unwrap().seq + 1);
    shopper.send(&ShopperFrame::Typing { typing: true }).await;
    let seen = console
        .until(|frame| match frame {
            AgentServerFrame::Typing { author, typing, .. } => Some((author, typing)),
            _ => None,
        })
        .await;
    assert_eq!(seen, (Author::Shopper, true));
    server.stop().await;
}

#[tokio::test]
async fn a_retried_send_is_stored_once_and_answered_with_the_same_number() {
    let server = TestServer::start().await;
    let (created, _anna, mut shopper, _console) = live_pair(&server).await;
    shopper
        .send(&send("retry-1", "Is my order 1234 on its way?"))
        .await;
    let (_, first) = next_ack(&mut shopper).await;
    shopper
        .send(&send("retry-1", "Is my order 1234 on its way?"))
        .await;
    let (client_id, again) = next_ack(&mut shopper).await;
    assert_eq!((client_id.as_str(), again), ("retry-1", first));
    // The same message retried over the HTTP fallback.
    let response = server
        .post(&format!("/v1/conversations/{}/messages", created.id))
        .bearer_auth(&created.token)
        .json(&json!({ "client_id": "retry-1", "text": "Is my order 1234 on its way?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a retry, not a new message"
    );
    assert_eq!(response.json::<Sent>().await.unwrap().seq, first);
    let stored: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM messages WHERE conversation_id = $1 AND client_id = 'retry-1'",
    )
    .bind(&created.id)
    .fetch_one(server.state.db.pool())
    .await
    .unwrap()
    .get("n");
    assert_eq!(stored, 1);
    server.stop().await;
}

#[tokio::test]
async fn a_reconnect_gets_exactly_the_missed_messages() {
    let server = TestServer::start().await;
    let (created, anna, mut shopper, _console) = live_pair(&server).await;
    shopper.send(&send("s1", "Hello?")).await;
    let mine = shopper
        .until(|frame| match frame {
            ServerFrame::Message { message } if message.client_id.as_deref() == Some("s1") => {
                Some(message)
            }
            _ => None,
        })
        .await;
    drop(shopper);
    for i in 1..=3 {
        let response = anna
            .post(&format!("/v1/agent/conversations/{}/messages", created.id))
            .json(&json!({ "client_id": format!("a{i}"), "text": format!("Answer {i}") }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let mut back = server.shopper(&created, mine.seq).await;
    let mut missed = Vec::new();
    for _ in 0..3 {
        missed.push(next_message(&mut back).await);
    }
    let texts: Vec<&str> = missed.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["Answer 1", "Answer 2", "Answer 3"]);
    assert_eq!(missed[0].seq, mine.seq + 1);
    let ServerFrame::Welcome { status } = back.next().await else {
        panic!("the welcome after what was missed")
    };
    assert_eq!(status.state, ConversationState::WithAgent);
    // Nothing else was pending: the next frame is the next new message.
    back.send(&send("s2", "Thanks")).await;
    let next = next_message(&mut back).await;
    assert_eq!((next.text.as_str(), next.seq), ("Thanks", mine.seq + 4));
    server.stop().await;
}

#[tokio::test]
async fn a_shopper_back_after_the_close_gets_the_agents_last_words_before_the_end() {
    let server = TestServer::start().await;
    let (created, anna, shopper, _console) = live_pair(&server).await;
    let seen = shopper_last_seq(&server, &created.id).await;
    // Away (the next checkout page, a tunnel): the agent answers and closes meanwhile.
    drop(shopper);
    assert_eq!(
        anna.act(
            &created.id,
            "messages",
            json!({ "client_id": "a1", "text": "Refund done, ref 123" })
        )
        .await,
        StatusCode::CREATED
    );
    assert_eq!(
        anna.act(&created.id, "close", json!({ "resolution": "solved" }))
            .await,
        StatusCode::NO_CONTENT
    );
    // Back: the missed lines come before the news that it ended, which a widget takes as
    // the moment to stop listening.
    let mut back = server.shopper(&created, seen).await;
    let mut frames = Vec::new();
    loop {
        let frame = back.next().await;
        let welcome = matches!(frame, ServerFrame::Welcome { .. });
        frames.push(frame);
        if welcome {
            break;
        }
    }
    let texts: Vec<&str> = frames
        .iter()
        .filter_map(|f| match f {
            ServerFrame::Message { message } => Some(message.text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), 2, "{frames:?}");
    assert_eq!(texts[0], "Refund done, ref 123");
    assert!(texts[1].contains("closed"), "{texts:?}");
    let Some(ServerFrame::Welcome { status }) = frames.last() else {
        unreachable!()
    };
    assert_eq!(status.state, ConversationState::Closed);
    server.stop().await;
}

/// The sequence number of the conversation's last message, as a shopper who got it holds.
async fn shopper_last_seq(server: &TestServer, id: &str) -> u64 {
    let seq: i64 = sqlx::query("SELECT MAX(seq) AS seq FROM messages WHERE conversation_id = $1")
        .bind(id)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("seq");
    u64::try_from(seq).unwrap()
}

#[tokio::test]
async fn bad_frames_get_clear_errors_and_the_conversation_goes_on() {
    let server = TestServer::start().await;
    let (created, _anna, mut shopper, mut console) = live_pair(&server).await;

    shopper.send_text("{\"send\":{\"client_id\":").await;
    refused(&mut shopper, 422, "Unreadable frame").await;

    shopper.send(&send("big", &"x".repeat(4097))).await;
    let refused = shopper
        .until(|frame| match frame {
            ServerFrame::Error { problem, client_id } => Some((problem, client_id)),
            _ => None,
        })
        .await;
    assert_eq!(
        refused.1.as_deref(),
        Some("big"),
        "the refusal names the message"
    );
    let oversized = refused.0;
    assert_eq!(oversized.status, 413);
    assert!(
        oversized.message().contains("4096"),
        "{}",
        oversized.message()
    );

    shopper.send(&send("empty", "   ")).await;
    assert_eq!(next_error(&mut shopper).await.status, 422);

    shopper.send(&send("ok", "Still there?")).await;
    assert_eq!(next_ack(&mut shopper).await.0, "ok");
    let relayed = console
        .until(|frame| match frame {
            AgentServerFrame::Message { message, .. } if message.author == Author::Shopper => {
                Some(message)
            }
            _ => None,
        })
        .await;
    assert_eq!(
        relayed.text, "Still there?",
        "only the valid message reached the agent"
    );

    // Writing in a conversation one does not have is refused, clearly.
    let bo = server.agent("Bo", &["acme"]).await;
    let mut bo_console = bo.live().await;
    bo_console
        .send(&AgentFrame::Send {
            conversation: created.id.clone(),
            client_id: "b1".into(),
            text: "Hi".into(),
        })
        .await;
    let refused = bo_console
        .until(|frame| match frame {
            AgentServerFrame::Error { problem, .. } => Some(problem),
            _ => None,
        })
        .await;
    assert_eq!(refused.status, 403);
    server.stop().await;
}

/// The next context change the agent's connection is told of.
async fn next_context(ws: &mut Ws) -> (String, serde_json::Value) {
    ws.until(|frame| match frame {
        AgentServerFrame::Context {
            conversation,
            context,
            ..
        } => Some((conversation, serde_json::Value::Object(context))),
        _ => None,
    })
    .await
}

/// The context as the database holds it.
async fn stored_context(server: &TestServer, id: &str) -> String {
    sqlx::query("SELECT context FROM conversations WHERE id = $1")
        .bind(id)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("context")
}

#[tokio::test]
async fn the_shops_next_page_updates_the_context_the_agent_sees() {
    let server = TestServer::start().await;
    let (created, anna, mut shopper, mut console) = live_pair(&server).await;
    let context = |json: &str| ShopperFrame::Context {
        context: json.to_owned(),
    };
    let handed_over = anna.conversation(&created.id).await;
    assert_eq!(handed_over.context_changed_at, None);

    shopper
        .send(&context(r#"{"page": "payment", "cart_value": 224.5}"#))
        .await;
    let payment = json!({ "page": "payment", "cart_value": 224.5 });
    assert_eq!(
        next_context(&mut console).await,
        (created.id.clone(), payment.clone())
    );
    let detail = anna.conversation(&created.id).await;
    assert_eq!(
        serde_json::Value::Object(detail.context),
        payment,
        "a console opened later reads it too"
    );
    assert!(
        detail.context_changed_at >= Some(handed_over.queued_at),
        "and when it changed"
    );

    // The same context again (every reconnection sends it) tells no one; what is not a
    // JSON object, or too large, is refused clearly, and the conversation goes on.
    shopper
        .send(&context(r#"{"cart_value": 224.5, "page": "payment"}"#))
        .await;
    shopper.send(&context("[1, 2]")).await;
    refused(&mut shopper, 422, "JSON object").await;
    let huge = json!({ "cart": "x".repeat(17 * 1024) }).to_string();
    shopper.send(&context(&huge)).await;
    refused(&mut shopper, 413, "context").await;
    // What a handoff may carry, a page may send, even full of quotes to escape.
    let quoted = json!({ "note": "\"".repeat(7 * 1024) });
    shopper.send(&context(&quoted.to_string())).await;
    assert_eq!(
        next_context(&mut console).await,
        (created.id.clone(), quoted)
    );
    shopper.send(&context(r#"{"page": "confirmation"}"#)).await;
    assert_eq!(
        next_context(&mut console).await,
        (created.id.clone(), json!({ "page": "confirmation" })),
        "the next change the agent hears of is this one"
    );

    // Once the conversation is over, its context stays as it was.
    assert_eq!(
        anna.act(&created.id, "close", json!({ "resolution": "solved" }))
            .await,
        StatusCode::NO_CONTENT
    );
    shopper.send(&context(r#"{"page": "home"}"#)).await;
    assert_eq!(next_error(&mut shopper).await.status, 409);
    let stored = stored_context(&server, &created.id).await;
    assert_eq!(stored, r#"{"page":"confirmation"}"#);
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_token_or_a_foreign_origin_cannot_join_a_conversation() {
    let server = TestServer::start().await;
    let created = server.handoff().await;
    let url = format!("ws://{}/v1/conversations/{}/live", server.addr, created.id);

    let mut wrong = Ws::connect(&url, &[("origin", &server.base)]).await;
    wrong
        .send(&ShopperFrame::Hello {
            token: "guess".into(),
            last_seq: 0,
        })
        .await;
    let ServerFrame::Error { problem, .. } = wrong.next().await else {
        panic!("an error frame")
    };
    assert_eq!(
        (problem.status, problem.title.as_str()),
        (401, "Wrong token")
    );
    assert_eq!(wrong.closed_with().await, Some(1008));

    let mut silent = Ws::connect(&url, &[("origin", &server.base)]).await;
    silent.send(&send("x", "no hello first")).await;
    let ServerFrame::Error { problem, .. } = silent.next().await else {
        panic!("an error frame")
    };
    assert!(problem.message().contains("hello"));

    let foreign = Ws::try_connect(&url, &[("origin", "https://evil.example")]).await;
    assert_eq!(foreign.err(), Some(403));
    let unknown = Ws::try_connect(
        &url.replace(&created.id, "nope"),
        &[("origin", &server.base)],
    )
    .await;
    assert_eq!(unknown.err(), Some(404));

    let http = server
        .post(&format!("/v1/conversations/{}/messages", created.id))
        .bearer_auth("guess")
        .json(&json!({ "client_id": "c", "text": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(http.status(), StatusCode::UNAUTHORIZED);
    let status_path = format!("/v1/conversations/{}", created.id);
    let untokened = server.get(&status_path).send().await.unwrap();
    assert_eq!(untokened.status(), StatusCode::UNAUTHORIZED);
    let from_elsewhere = reqwest::Client::new()
        .get(server.url(&status_path))
        .header("origin", "https://evil.example")
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();
    assert_eq!(from_elsewhere.status(), StatusCode::FORBIDDEN);
    let unknown = server
        .get("/v1/conversations/nope")
        .bearer_auth(&created.token)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // The rightful shopper is unaffected.
    let mut shopper = server.shopper(&created, created.transcript_seq).await;
    assert!(matches!(shopper.next().await, ServerFrame::Welcome { .. }));
    server.stop().await;
}

#[tokio::test]
async fn a_long_poll_in_a_busy_queue_wakes_for_its_own_news_only() {
    let server = TestServer::with(Settings {
        messages_per_minute: 3,
        ..Settings::default()
    })
    .await;
    let created = server.handoff().await;
    let url = server.url(&format!(
        "/v1/conversations/{}/messages?after={}&wait=3",
        created.id, created.transcript_seq
    ));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // A client on the HTTP fallback polls again each time a poll answers.
    let poller = tokio::spawn({
        let (done, token) = (done.clone(), created.token.clone());
        async move {
            let mut statuses = Vec::new();
            loop {
                let polled = reqwest::Client::new().get(&url).bearer_auth(&token).send();
                let status = polled.await.unwrap().status();
                statuses.push(status);
                if done.load(std::sync::atomic::Ordering::SeqCst) || status != StatusCode::OK {
                    return statuses;
                }
            }
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    // Six more shoppers queue behind: the site's queue changes, this shopper's place not.
    for _ in 0..6 {
        server.handoff().await;
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let statuses = poller.await.unwrap();
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "no wake-up spent the shopper's reads: {statuses:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_http_fallback_sends_and_long_polls() {
    let server = TestServer::start().await;
    let (created, anna, shopper, _console) = live_pair(&server).await;
    drop(shopper);
    let path = format!("/v1/conversations/{}/messages", created.id);
    let sent: Sent = common::json(
        server
            .post(&path)
            .bearer_auth(&created.token)
            .json(&json!({ "client_id": "h1", "text": "Sent without a WebSocket" })),
    )
    .await;

    let poll = {
        let url = server.url(&format!("{path}?after={}&wait=10", sent.seq));
        let token = created.token.clone();
        tokio::spawn(async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<MessagesSince>()
                .await
                .unwrap()
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let answer = anna
        .post(&format!("/v1/agent/conversations/{}/messages", created.id))
        .json(&json!({ "client_id": "a1", "text": "Got it" }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let since = poll.await.unwrap();
    assert_eq!(since.messages.len(), 1);
    assert_eq!(since.messages[0].text, "Got it");
    assert_eq!(since.status.agent_name.as_deref(), Some("Anna"));

    let all: MessagesSince = common::json(
        reqwest::Client::new()
            .get(server.url(&format!("{path}?after=0")))
            .bearer_auth(&created.token),
    )
    .await;
    assert!(all.messages.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(all.messages.last().unwrap().text, "Got it");
    server.stop().await;
}

#[tokio::test]
async fn card_numbers_are_masked_before_they_are_stored() {
    let server = TestServer::start().await;
    let mut packet = tandem_protocol::CreateConversation::new("acme");
    packet.transcript = serde_json::from_value(json!([
        { "author": "shopper", "text": "My card 4242 4242 4242 4242 was charged twice" }
    ]))
    .unwrap();
    // A shop that put card numbers in its context (by mistake, or an older widget's).
    packet.context = serde_json::from_value(
        json!({ "note": "paid with 4242 4242 4242 4242", "pan": 4111111111111111_u64 }),
    )
    .unwrap();
    let created: ConversationCreated =
        common::json(server.post("/v1/conversations").json(&packet)).await;
    assert_eq!(
        stored_context(&server, &created.id).await,
        r#"{"note":"paid with •••• 4242","pan":"•••• 1111"}"#
    );
    let mut shopper = server.shopper(&created, 0).await;
    shopper
        .send(&send(
            "c1",
            "The other one is 5555-5555-5555-4444, order 100023456",
        ))
        .await;
    next_ack(&mut shopper).await;
    let texts: Vec<String> =
        sqlx::query("SELECT text FROM messages WHERE conversation_id = $1 ORDER BY seq")
            .bind(&created.id)
            .fetch_all(server.state.db.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get("text"))
            .collect();
    assert_eq!(texts[0], "My card •••• 4242 was charged twice");
    assert!(
        texts.contains(&"The other one is •••• 4444, order 100023456".to_owned()),
        "{texts:?}"
    );
    assert!(texts.iter().all(|t| !t.contains("4242 4242")));
    // The shop's next page says its context again, with a card number in it.
    shopper
        .send(&ShopperFrame::Context {
            context: json!({ "page": "payment", "card": "5555 5555 5555 4444" }).to_string(),
        })
        .await;
    eventually_stored(
        &server,
        &created.id,
        r#"{"card":"•••• 4444","page":"payment"}"#,
    )
    .await;
    server.stop().await;
}

/// Waits until the conversation's stored context is `expected`.
async fn eventually_stored(server: &TestServer, id: &str, expected: &str) {
    for _ in 0..100 {
        if stored_context(server, id).await == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(stored_context(server, id).await, expected);
}

#[tokio::test]
async fn a_flood_of_typing_signals_reaches_the_agent_only_as_far_as_the_budget() {
    let server = TestServer::with(Settings {
        messages_per_minute: 3,
        ..Settings::default()
    })
    .await;
    let (_created, _anna, mut shopper, mut console) = live_pair(&server).await;
    for _ in 0..20 {
        shopper.send(&ShopperFrame::Typing { typing: true }).await;
    }
    shopper.send(&ShopperFrame::Typing { typing: false }).await;
    shopper.send(&send("s1", "Hello?")).await;
    let mut signals = Vec::new();
    console
        .until(|frame| match frame {
            AgentServerFrame::Typing { typing, .. } => {
                signals.push(typing);
                None
            }
            AgentServerFrame::Message { message, .. } if message.text == "Hello?" => Some(()),
            _ => None,
        })
        .await;
    assert_eq!(signals, [true, true, true, false], "three, then the stop");
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_status_reads_is_rate_limited_too() {
    let server = TestServer::with(Settings {
        messages_per_minute: 3,
        ..Settings::default()
    })
    .await;
    let created = server.handoff().await;
    let read = |path: String| server.get(&path).bearer_auth(&created.token).send();
    let status = format!("/v1/conversations/{}", created.id);
    let since = format!("/v1/conversations/{}/messages?after=0", created.id);
    for path in [&status, &since, &status] {
        assert_eq!(read(path.clone()).await.unwrap().status(), StatusCode::OK);
    }
    for path in [status, since] {
        let limited = read(path).await.unwrap();
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(limited.headers().contains_key("retry-after"));
    }
    // Its messages have their own budget: the shopper can still write.
    let sent = server
        .post(&format!("/v1/conversations/{}/messages", created.id))
        .bearer_auth(&created.token)
        .json(&json!({ "client_id": "m1", "text": "Still there?" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    server.stop().await;
}

#[tokio::test]
async fn a_flood_of_messages_is_rate_limited_with_a_clear_error() {
    let server = TestServer::with(Settings {
        messages_per_minute: 3,
        ..Settings::default()
    })
    .await;
    let created = server.handoff().await;
    let path = format!("/v1/conversations/{}/messages", created.id);
    for i in 0..3 {
        let ok = server
            .post(&path)
            .bearer_auth(&created.token)
            .json(&json!({ "client_id": format!("m{i}"), "text": "hi" }))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::CREATED);
    }
    let limited = server
        .post(&path)
        .bearer_auth(&created.token)
        .json(&json!({ "client_id": "m3", "text": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    // The shopper's flood does not hold up the agent's answer; another shop's agent writing
    // there learns nothing, not even that the conversation exists.
    let anna = server.agent("Anna", &["acme"]).await;
    assert_eq!(
        anna.act(&created.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let answer = json!({ "client_id": "a1", "text": "Here to help" });
    assert_eq!(
        anna.act(&created.id, "messages", answer.clone()).await,
        StatusCode::CREATED
    );
    let sam = server.agent("Sam", &["other"]).await;
    assert_eq!(
        sam.act(&created.id, "messages", answer).await,
        StatusCode::NOT_FOUND
    );
    // A page changing its context has a budget of its own, as large.
    let mut shopper = server.shopper(&created, 0).await;
    // The same context again is free: three changes pass, the fourth is refused.
    for page in ["cart", "delivery", "delivery", "payment", "done"] {
        shopper
            .send(&ShopperFrame::Context {
                context: json!({ "page": page }).to_string(),
            })
            .await;
    }
    assert_eq!(next_error(&mut shopper).await.status, 429);
    let stored = stored_context(&server, &created.id).await;
    assert_eq!(
        stored, r#"{"page":"payment"}"#,
        "three changes went through"
    );
    server.stop().await;
}
