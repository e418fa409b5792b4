//! End to end, the shopper's side: a real headless Chromium on the demo checkout page of a
//! real server with the demo knowledge base. The shopper asks the assistant and gets its
//! answer, asks for a person, an agent (through the agent API) takes the conversation and
//! replies; the conversation survives a reload and a network cut, and a message typed while
//! the network was down, or while the connection to a person was still opening, arrives
//! exactly once, and the widget keeps one connection. A shopper left waiting when the agents
//! go away leaves a message instead. What the agent writes while the chat is closed is
//! counted on the launcher, on that page and the next, and the next page's context reaches
//! the agent. On a site without an assistant, a German shopper's question opens the way to a
//! person, and Tandem's lines come in German.
//!
//! Needs the widget's release build and Chromium with ChromeDriver, so it is ignored by a
//! plain `cargo test`; `cargo xtask test` installs both, builds the widget and runs it.

mod common;

use std::time::Duration;

use common::{
    Settings, TestAgent, TestServer, Ws,
    axe::assert_accessible,
    browser::{
        Browser, Screen, WAIT, before_every_page, click, eventually, text_becomes_within,
        text_containing as shows, type_into,
    },
    proxy::Proxy,
    widget::{find_in, launcher_root, open_widget, open_widget_labelled, say},
    widget_dist,
};
use fantoccini::{Client, Locator, elements::ShadowRoot};
use serde_json::json;
use sqlx::Row;

/// A network cut lasts until the widget's backoff (at most half a minute) tries again.
const RECONNECT_WAIT: Duration = Duration::from_secs(45);

/// A server with the demo knowledge base, which it starts compiling in the background: the
/// widget opens before the model is ready and must wait for it, as after every restart.
async fn demo_server() -> TestServer {
    let settings = Settings {
        acme_extra: r#"knowledge_base = "demo""#.to_owned(),
        ..Settings::default()
    };
    TestServer::launch(tempfile::TempDir::new().unwrap(), &widget_dist(), settings).await
}

/// The texts of the conversation's lines, in order.
async fn lines(client: &Client) -> Vec<String> {
    let mut texts = Vec::new();
    for line in client
        .find_all(Locator::Css("ol.messages > li"))
        .await
        .unwrap()
    {
        texts.push(line.text().await.unwrap_or_default());
    }
    texts
}

/// Asks for a person and confirms; returns the conversation's id, once it is queued.
async fn hand_over(client: &Client, server: &TestServer) -> String {
    click(client, "button.human").await;
    // Before anything is sent, the shopper is told a person will see the conversation.
    shows(client, "section.confirm", "A person from our team will see").await;
    let queued: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations")
        .await;
    assert_eq!(queued, 0, "nothing is sent before the shopper confirms");
    click(client, "[data-act=confirm]").await;
    shows(client, ".status .place", "next in line").await;
    sqlx::query("SELECT id FROM conversations")
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("id")
}

/// Waits for the shopper's last line to say it was sent.
async fn marked_sent(client: &Client, limit: Duration) {
    text_becomes_within(client, "li.shopper:last-child .delivery", "Sent", limit).await;
}

/// How many times the server stored this text in the conversation, a moment after the
/// widget said it was sent (a second copy would be on its way by then).
async fn stored_copies(server: &TestServer, id: &str, text: &str) -> i64 {
    tokio::time::sleep(Duration::from_secs(1)).await;
    sqlx::query("SELECT COUNT(*) AS n FROM messages WHERE conversation_id = $1 AND text = $2")
        .bind(id)
        .bind(text)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("n")
}

/// Whether the agent's view of the conversation has a message with exactly this text.
async fn agent_sees(agent: &TestAgent, id: &str, text: &str) -> bool {
    let detail = agent.conversation(id).await;
    detail.messages.iter().any(|m| m.text == text)
}

/// The agent takes the conversation and writes to the shopper.
async fn agent_replies(agent: &TestAgent, id: &str, text: &str) {
    assert_eq!(
        agent.act(id, "claim", json!({})).await,
        reqwest::StatusCode::NO_CONTENT
    );
    agent_writes(agent, id, text).await;
}

/// The agent writes to the shopper in a conversation she has.
async fn agent_writes(agent: &TestAgent, id: &str, text: &str) {
    let sent = agent
        .post(&format!("/v1/agent/conversations/{id}/messages"))
        .json(&json!({ "client_id": format!("agent-{text:.40}"), "text": text }))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "{}", sent.status());
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn the_assistant_answers_then_a_person_takes_over_and_a_reload_keeps_everything() {
    let server = demo_server().await;
    let (anna, _console) = server.available_agent("Anna", 1).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    open_widget(client, &server.url("/demo")).await;

    // The assistant answers from the demo knowledge base, here in the browser, and says it
    // is the assistant.
    say(client, "Where is my order?").await;
    let answer = shows(client, "li.answer", "Assistant").await;
    let entry = client
        .find(Locator::Css("li.answer"))
        .await
        .unwrap()
        .attr("data-entry")
        .await
        .unwrap();
    assert_eq!(entry.as_deref(), Some("order-status"), "{answer}");
    assert!(
        client
            .find(Locator::Css("li.answer .feedback"))
            .await
            .is_ok(),
        "did this help?"
    );
    let stored: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations")
        .await;
    assert_eq!(
        stored, 0,
        "a conversation with the assistant alone stays in the browser"
    );

    // A person takes over with the whole transcript and replies.
    let id = hand_over(client, &server).await;
    assert!(
        agent_sees(&anna, &id, "Where is my order?").await,
        "the agent sees what the shopper asked the assistant"
    );
    agent_replies(&anna, &id, "Hello, I am looking at your order now.").await;
    shows(client, ".agent-name", "Anna").await;
    shows(client, "li.agent", "Hello, I am looking at your order now.").await;

    // A reload (or the next checkout page) resumes the conversation as it was.
    let before = lines(client).await;
    client.refresh().await.unwrap();
    open_widget(client, &server.url("/demo")).await;
    shows(client, "li.agent", "Hello, I am looking at your order now.").await;
    assert_eq!(lines(client).await, before);
    say(client, "Thank you!").await;
    eventually(WAIT, "the agent to receive the message", || async {
        agent_sees(&anna, &id, "Thank you!").await.then_some(())
    })
    .await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

/// A shopper on the demo shop, whose network is `proxy`, talking with Anna.
struct Talking {
    server: TestServer,
    anna: TestAgent,
    _console: Ws,
    proxy: Proxy,
    browser: Browser,
    /// The conversation.
    id: String,
}

/// The shopper hands over through a proxy, and Anna says hello.
async fn talking_through_a_proxy() -> Talking {
    let server = demo_server().await;
    let (anna, console) = server.available_agent("Anna", 1).await;
    let proxy = Proxy::start(server.addr).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    open_widget(client, &proxy.url("/demo")).await;
    let id = hand_over(client, &server).await;
    agent_replies(&anna, &id, "Hi, how can I help?").await;
    shows(client, "li.agent", "Hi, how can I help?").await;
    Talking {
        server,
        anna,
        _console: console,
        proxy,
        browser,
        id,
    }
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn a_message_typed_while_the_network_is_down_arrives_exactly_once() {
    let Talking {
        server,
        anna: _anna,
        _console,
        proxy,
        browser,
        id,
    } = talking_through_a_proxy().await;
    let client = &browser.client;

    // The network goes: the widget says so, and what the shopper types waits its turn.
    proxy.cut();
    shows(client, ".banner", "offline").await;
    say(client, "Typed in a tunnel").await;
    shows(client, "li.shopper:last-child", "Typed in a tunnel").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    proxy.restore();

    // Back online: it is delivered, once, and the widget says it was sent.
    marked_sent(client, RECONNECT_WAIT).await;
    let banner_hidden = client
        .find(Locator::Css(".banner"))
        .await
        .unwrap()
        .attr("hidden")
        .await
        .unwrap();
    assert!(banner_hidden.is_some(), "the offline banner is gone");
    assert_eq!(stored_copies(&server, &id, "Typed in a tunnel").await, 1);
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn after_a_change_of_network_the_widget_connects_anew_and_reads_what_it_missed() {
    let Talking {
        server,
        anna,
        _console,
        proxy,
        browser,
        id,
    } = talking_through_a_proxy().await;
    let client = &browser.client;

    // The phone moves to another network: the old connection carries nothing more, and the
    // browser, which still counts it open, only says it is online.
    proxy.freeze();
    agent_writes(&anna, &id, "Your parcel left our warehouse today.").await;
    client
        .execute("window.dispatchEvent(new Event('online'))", vec![])
        .await
        .unwrap();
    shows(
        client,
        "li.agent:last-child",
        "Your parcel left our warehouse today.",
    )
    .await;
    say(client, "Great, thanks").await;
    eventually(WAIT, "the agent to read the shopper's answer", || async {
        agent_sees(&anna, &id, "Great, thanks").await.then_some(())
    })
    .await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn a_handoff_cut_short_by_a_reload_is_sent_again_and_ends_in_its_one_conversation() {
    let server = demo_server().await;
    let (anna, _console) = server.available_agent("Anna", 1).await;
    // The handoff reached the server, but the shop's next page came before its answer: the
    // widget had kept the chat "connecting", with the handoff's key.
    let key = "answer-lost-to-a-reload-01";
    let mut packet = tandem_protocol::CreateConversation::new("acme");
    packet.key = Some(key.to_owned());
    let first = server.hand_over(&packet).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    client.goto(&server.url("/demo")).await.unwrap();
    let stored = json!({
        "v": 1,
        "next": 1,
        "phase": { "p": "connecting", "reason": "asked" },
        "lines": [],
        "hk": key,
    });
    client
        .execute(
            "localStorage.setItem('tandem:acme', arguments[0])",
            vec![json!(stored.to_string())],
        )
        .await
        .unwrap();

    // On the next page the widget sends it again and is in that conversation: Anna's
    // words reach the shopper, and no second conversation waits in the queue.
    open_widget(client, &server.url("/demo")).await;
    shows(client, ".status .place", "next in line").await;
    agent_replies(&anna, &first.id, "Hi, I have your order here.").await;
    shows(client, "li.agent", "Hi, I have your order here.").await;
    let conversations: i64 = server
        .count("SELECT COUNT(*) AS n FROM conversations")
        .await;
    assert_eq!(conversations, 1);
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn without_an_assistant_a_german_shopper_is_offered_a_person_and_told_in_german_who_joined() {
    let settings = Settings {
        acme_extra: r#"languages = ["en", "de"]"#.to_owned(),
        ..Settings::default()
    };
    let server =
        TestServer::launch(tempfile::TempDir::new().unwrap(), &widget_dist(), settings).await;
    let (anna, _console) = server.available_agent("Anna", 1).await;
    let browser = Browser::start_in(Screen::Desktop, "de").await;
    let client = &browser.client;
    // Even the launcher, which the merchant's page draws, speaks German.
    open_widget_labelled(client, &server.url("/demo"), "Chat öffnen").await;

    // No knowledge base: the shopper is told a person answers, and a question opens the way
    // to one at once.
    shows(
        client,
        ".status .place",
        "Unser Team beantwortet Ihre Fragen persönlich.",
    )
    .await;
    say(client, "Wo ist meine Bestellung?").await;
    shows(
        client,
        "section.confirm",
        "Eine Person aus unserem Team sieht",
    )
    .await;
    click(client, "[data-act=confirm]").await;
    let id: String = eventually(WAIT, "the conversation to be queued", || async {
        sqlx::query("SELECT id FROM conversations")
            .fetch_optional(server.state.db.pool())
            .await
            .unwrap()
            .map(|row| row.get("id"))
    })
    .await;
    assert!(
        agent_sees(&anna, &id, "Wo ist meine Bestellung?").await,
        "the agent sees the question"
    );

    // The server writes its own lines in English for agents; the shopper reads them in German.
    assert_eq!(
        anna.act(&id, "claim", json!({})).await,
        reqwest::StatusCode::NO_CONTENT
    );
    shows(
        client,
        "li.notice",
        "Anna ist der Unterhaltung beigetreten.",
    )
    .await;
    assert_accessible(client, "the widget in German, with a person").await;
    assert!(
        agent_sees(&anna, &id, "Anna joined the conversation.").await,
        "agents read Tandem's lines in English"
    );
    assert_eq!(
        anna.act(&id, "transfer", json!({})).await,
        reqwest::StatusCode::NO_CONTENT
    );
    shows(
        client,
        "ol.messages > li:last-child",
        "Zurück in der Warteschlange",
    )
    .await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn on_a_slow_network_the_live_connection_opens_once_and_delivers_what_was_typed_meanwhile() {
    let server = TestServer::launch(
        tempfile::TempDir::new().unwrap(),
        &widget_dist(),
        Settings::default(),
    )
    .await;
    let (_anna, _console) = server.available_agent("Anna", 1).await;
    let proxy = Proxy::start(server.addr).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    open_widget(client, &proxy.url("/demo")).await;

    // A slow network: the live connection opened after the handoff takes seconds to reach
    // the server, and the shopper writes meanwhile.
    proxy.slow(Duration::from_secs(4));
    let id = hand_over(client, &server).await;
    say(client, "Typed while connecting").await;
    marked_sent(client, WAIT).await;
    assert_eq!(
        stored_copies(&server, &id, "Typed while connecting").await,
        1
    );

    // The browser saying it is online again (as it does after a wobble, or on another
    // network, where the old connection may be dead) replaces the live connection: one new
    // socket, and the old one closed, never two beside each other. Every socket the widget
    // makes from now on is counted.
    let count_sockets = "window.sockets = 0; const Real = WebSocket; \
        window.WebSocket = function (url) { window.sockets += 1; return new Real(url); }; \
        window.dispatchEvent(new Event('online'));";
    client.execute(count_sockets, vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sockets = || async {
        let n = client
            .execute("return window.sockets", vec![])
            .await
            .unwrap();
        n.as_u64().unwrap()
    };
    assert_eq!(sockets().await, 1, "one socket in place of the old one");
    let open = || {
        server
            .state
            .hub
            .open_connections
            .load(std::sync::atomic::Ordering::Relaxed)
    };
    eventually(
        WAIT,
        "the agent's and the shopper's connections, one each",
        || async { (open() == 2).then_some(()) },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(open(), 2, "the old connection gone, the new one up");
    // The count does see the widget's sockets: after a cut it tries again.
    proxy.cut();
    eventually(WAIT, "the widget to reconnect", || async {
        (sockets().await > 0).then_some(())
    })
    .await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn a_conversation_longer_than_the_widget_scrolls_in_its_list_and_the_header_stays() {
    let server = demo_server().await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    open_widget(client, &server.url("/demo")).await;
    let questions = [
        "Where is my order?",
        "How long does shipping take?",
        "Can I pay with Klarna?",
        "Do you ship to Norway?",
        "How do I return an item?",
        "Can I change my delivery address?",
    ];
    // Asked one after the other, as a shopper would: each answered before the next.
    for question in questions {
        let before = lines(client).await.len();
        say(client, question).await;
        eventually(WAIT, question, || async {
            (lines(client).await.len() >= before + 2).then_some(())
        })
        .await;
    }
    // Once the answers make the conversation longer than the whole widget...
    let measure = "const list = document.querySelector('.messages'); \
         return [list.scrollHeight > innerHeight, \
                 document.scrollingElement.scrollHeight - innerHeight, \
                 document.querySelector('button.human').getBoundingClientRect().top];";
    let (overflow, header_top) =
        eventually(WAIT, "a conversation longer than the widget", || async {
            let measured = client.execute(measure, vec![]).await.ok()?;
            let (list_scrolls, overflow, header_top) =
                serde_json::from_value::<(bool, i64, f64)>(measured).ok()?;
            list_scrolls.then_some((overflow, header_top))
        })
        .await;
    // ...it scrolls in its list: the widget's page does not, and the header stays in view.
    assert_eq!(overflow, 0, "the widget's page itself does not scroll");
    assert!(header_top >= 0.0, "the human button stays in view");
    assert_accessible(
        client,
        "the widget with answers, guesses and feedback buttons",
    )
    .await;
    // The offer of a person, too.
    click(client, "button.human").await;
    shows(client, "section.confirm", "Talk to a person?").await;
    assert_accessible(client, "the widget offering a person").await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn questions_asked_while_the_assistant_loads_are_each_answered() {
    let server = demo_server().await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    // A slow network for the assistant's model only: it arrives four seconds late.
    before_every_page(
        client,
        "const fetched = window.fetch; \
         window.fetch = (what, how) => String(what.url || what).includes('/model/') \
           ? new Promise(done => setTimeout(done, 4000)).then(() => fetched(what, how)) \
           : fetched(what, how);",
    )
    .await;
    open_widget(client, &server.url("/demo")).await;
    say(client, "Where is my order?").await;
    say(client, "How long does shipping take?").await;
    let asked = lines(client).await;
    assert!(
        !asked.iter().any(|l| l.contains("order status page")),
        "asked before the assistant could answer: {asked:?}"
    );
    // Once it is there, each question gets its answer.
    let answered = eventually(Duration::from_secs(20), "two answers", || async {
        let lines = lines(client).await;
        (lines.len() >= 5).then_some(lines)
    })
    .await;
    assert!(answered[3].contains("order status page"), "{answered:?}");
    assert!(
        answered[4].to_lowercase().contains("deliver") || answered[4].contains("ship"),
        "{answered:?}"
    );
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn a_shopper_left_waiting_when_the_agents_go_leaves_a_message_instead() {
    let server = demo_server().await;
    let (anna, _console) = server.available_agent("Anna", 1).await;
    let browser = Browser::start(Screen::Phone(390, 844)).await;
    let client = &browser.client;
    open_widget(client, &server.url("/demo")).await;
    say(client, "Where is my order?").await;
    shows(client, "li.answer", "order status page").await;
    let id = hand_over(client, &server).await;

    // Anna goes away before she takes it: the shopper is told, and offered the form.
    anna.set_status("away", 1).await;
    shows(
        client,
        ".status .place",
        "No one from our team is available right now.",
    )
    .await;
    assert_accessible(client, "the widget, waiting with no one available").await;
    click(client, "[data-act=message-instead]").await;
    shows(client, "form.offline", "Leave us a message").await;
    for (field, text) in [
        ("tandem-offline-email", "maja@example.com"),
        ("tandem-offline-message", "Please tell me when it ships."),
    ] {
        type_into(client, field, text).await;
    }
    click(client, "form.offline [type=submit]").await;
    shows(client, ".offline-sent", "maja@example.com").await;

    // Out of the queue, and the message is in the inbox with what the shopper asked first.
    let state: String = sqlx::query("SELECT state FROM conversations WHERE id = $1")
        .bind(&id)
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("state");
    assert_eq!(state, "cancelled");
    let left = server
        .state
        .db
        .offline_inbox("acme", 0, 10)
        .await
        .unwrap()
        .messages;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].message, "Please tell me when it ships.");
    assert!(
        left[0]
            .transcript
            .iter()
            .any(|line| line.text == "Where is my order?"),
        "{:?}",
        left[0].transcript
    );
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

/// The launcher's count of what came while the chat was closed (empty when none), and what
/// its status region tells screen readers.
async fn launcher_count(root: &ShadowRoot) -> (String, String) {
    let badge = find_in(root, ".n").await.text().await.unwrap();
    let told = find_in(root, "[role=status]").await.text().await.unwrap();
    (badge, told)
}

/// Waits until the launcher counts `n` (0: no count shown, nothing told).
async fn launcher_counts(root: &ShadowRoot, n: usize) {
    let expected = match n {
        0 => (String::new(), String::new()),
        n => (n.to_string(), format!("New messages in the chat: {n}")),
    };
    eventually(WAIT, &format!("the launcher to count {n}"), || async {
        (launcher_count(root).await == expected).then_some(())
    })
    .await;
}

/// The tab's note that a person is involved, as the loader keeps it on the page.
async fn live_note(client: &Client) -> serde_json::Value {
    client
        .execute("return sessionStorage.getItem('tandem-live:acme')", vec![])
        .await
        .unwrap()
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn what_a_person_writes_while_the_chat_is_closed_is_counted_on_the_launcher_even_on_the_next_page_whose_context_she_sees()
 {
    let server = demo_server().await;
    let (anna, _console) = server.available_agent("Anna", 1).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    // On the checkout's delivery step.
    let root = open_widget(client, &server.url("/demo/delivery")).await;
    say(client, "Where is my order?").await;
    shows(client, "li.answer", "order status page").await;
    client.enter_parent_frame().await.unwrap();
    assert_eq!(
        live_note(client).await,
        json!(null),
        "nothing on the page while the assistant alone answers"
    );
    find_in(&root, "iframe").await.enter_frame().await.unwrap();
    let id = hand_over(client, &server).await;
    let page = |detail: tandem_protocol::agent::ConversationDetail| detail.context["page"].clone();
    assert_eq!(page(anna.conversation(&id).await), json!("delivery"));

    // The shopper closes the chat to go on with the checkout; Anna joins and writes.
    client.enter_parent_frame().await.unwrap();
    let launcher = find_in(&root, "button").await;
    launcher.click().await.unwrap();
    launcher_counts(&root, 0).await;
    agent_replies(&anna, &id, "Hello, I am looking at your order now.").await;
    // Her joining and her message.
    launcher_counts(&root, 2).await;
    assert_accessible(client, "the merchant's page with the launcher's count").await;

    // The next page loads the widget at once, hidden, so the count stays and goes on, and
    // Anna sees where the shopper is now.
    client
        .find(Locator::Css("a.next"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let root = launcher_root(client).await;
    launcher_counts(&root, 2).await;
    assert!(
        find_in(&root, ".p")
            .await
            .attr("hidden")
            .await
            .unwrap()
            .is_some(),
        "the panel stays closed"
    );
    const MORE: [&str; 4] = [
        "It left our warehouse this morning.",
        "The carrier says it arrives on Thursday.",
        "You will get an email with the tracking link in an hour or so.",
        "If it is not there by Friday evening, write to us and we will send another.",
    ];
    for text in MORE {
        agent_writes(&anna, &id, text).await;
    }
    launcher_counts(&root, 2 + MORE.len()).await;
    eventually(WAIT, "Anna to see the payment page", || async {
        (page(anna.conversation(&id).await) == json!("payment")).then_some(())
    })
    .await;

    // Opening shows them, the newest in view (they were drawn while hidden), and the count
    // is gone.
    let launcher = find_in(&root, "button").await;
    launcher.click().await.unwrap();
    launcher_counts(&root, 0).await;
    find_in(&root, "iframe").await.enter_frame().await.unwrap();
    let said = shows(client, "ol.messages", MORE[3]).await;
    assert!(
        said.contains("Hello, I am looking at your order now."),
        "{said}"
    );
    eventually(WAIT, "the newest line to be in view", || async {
        let list = client
            .execute(
                "const l = document.querySelector('ol.messages'); \
                 return [l.scrollTop + l.clientHeight, l.scrollHeight, l.clientHeight];",
                vec![],
            )
            .await
            .ok()?;
        let [bottom, height, visible] = [0, 1, 2].map(|i| list[i].as_f64().unwrap_or(0.0));
        assert!(
            height > visible,
            "the conversation is taller than the panel"
        );
        (bottom >= height - 1.0).then_some(())
    })
    .await;
    eventually(WAIT, "the cursor in the composer", || async {
        let focused = client
            .execute(
                "return document.hasFocus() && document.activeElement.id",
                vec![],
            )
            .await
            .ok()?;
        (focused == json!("tandem-message")).then_some(())
    })
    .await;

    // Once Anna has closed the conversation, the next page loads nothing before a click.
    assert_eq!(
        anna.act(&id, "close", json!({ "resolution": "solved" }))
            .await,
        reqwest::StatusCode::NO_CONTENT
    );
    shows(client, ".rating .ended", "The conversation has ended.").await;
    // Rated with a double click: thanked, and not told off for the second one.
    click(client, ".star[data-n='5']").await;
    client
        .execute(
            "const form = document.querySelector('form.rating'); \
             form.requestSubmit(); form.requestSubmit();",
            vec![],
        )
        .await
        .unwrap();
    shows(client, "#tandem-thanks", "Thank you for your rating.").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let error = client
        .execute(
            "return document.querySelector('.compose-error').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(error, json!(""), "the second answer is no error");
    client.enter_parent_frame().await.unwrap();
    eventually(WAIT, "the page's note to go", || async {
        (live_note(client).await == json!(null)).then_some(())
    })
    .await;
    client.goto(&server.url("/demo")).await.unwrap();
    let root = launcher_root(client).await;
    find_in(&root, "button").await;
    assert!(
        root.find(Locator::Css("iframe")).await.is_err(),
        "no widget before the shopper asks for it"
    );
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}
