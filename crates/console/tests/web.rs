//! Browser tests of the console's components, in headless Chromium (`cargo xtask test` runs
//! them). They mount the real components on a desk fed with the server's frames and check
//! what an agent sees and what their clicks and keys ask the server for.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::{mount::mount_to, prelude::*, task::tick};
use serde_json::{Map, json};
use tandem_console::{
    desk::Desk,
    history::{Filter, History, PageRequest},
    live::Link,
    suggest::Suggestion,
    ui::{
        AccountView, Actions, AdminView, Bar, Conversations, DashboardView, HistoryView, Inbox,
        LostNotes, Queue, warn_before_leaving,
    },
};
use tandem_protocol::{
    agent::{
        AgentServerFrame, AgentStatus, ChangePassword, ClosedConversation, Colleague,
        ConversationDetail, HISTORY_PAGE, KbReport, KbSource, NewAgent, Note, Offer, OfflineInbox,
        OfflineMessage, Resolution, SiteAgent,
    },
    conversation::{Author, ConversationState, HandoffReason, Identity},
    dashboard::{AgentFigures, Dashboard, DayFigures, ReasonCount},
    fixture::{agent, message, waiting},
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Event, EventInit, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
    KeyboardEvent, KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

/// Every action the components asked for, as text.
type Log = Arc<Mutex<Vec<String>>>;

fn recorder() -> (Actions, Log) {
    let log: Log = Arc::default();
    let note = |log: &Log| {
        let log = log.clone();
        move |what: String| log.lock().unwrap().push(what)
    };
    let [a, b, c, d, e, f, g, h, i, j, k] = std::array::from_fn(|_| note(&log));
    let actions = Actions {
        take: Callback::new(move |(id, how)| a(format!("take {id} {how:?}"))),
        send: Callback::new(move |(id, text)| b(format!("send {id} {text}"))),
        retry: Callback::new(move |id| c(format!("retry {id}"))),
        close: Callback::new(
            move |(id, r): (String, tandem_protocol::agent::Resolution)| {
                d(format!("close {id} {}", r.as_str()))
            },
        ),
        transfer: Callback::new(move |(id, to): (String, Option<String>)| {
            e(format!(
                "transfer {id} {}",
                to.as_deref().unwrap_or("queue")
            ))
        }),
        set_status: Callback::new(move |s: tandem_protocol::agent::SetStatus| {
            f(format!("status {}", s.status.as_str()))
        }),
        sign_out: Callback::new(move |()| g("sign out".to_owned())),
        typing: Callback::new(move |id| h(format!("typing {id}"))),
        handled: Callback::new(move |id| i(format!("handled {id}"))),
        read_past: Callback::new(move |id| j(format!("read {id}"))),
        note: Callback::new(move |id| k(format!("note {id}"))),
    };
    (actions, log)
}

/// Waits for the render and then for what Leptos defers to a microtask after it (a field's
/// `value`).
async fn settled() {
    tick().await;
    tick().await;
}

/// Waits for the browser to draw `n` frames (a resize observer reports before drawing).
async fn frames(n: u32) {
    for _ in 0..n {
        let drawn = js_sys::Promise::new(&mut |resolve, _| {
            window().request_animation_frame(&resolve).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(drawn).await.unwrap();
    }
}

fn frame() -> HtmlElement {
    let frame: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&frame).unwrap();
    frame
}

fn find(root: &HtmlElement, selector: &str) -> HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in the console"))
        .unchecked_into()
}

/// What a field's `aria-describedby` points at says.
fn description(root: &HtmlElement, field: &HtmlElement) -> String {
    let id = field.get_attribute("aria-describedby").unwrap();
    find(root, &format!("#{id}")).text_content().unwrap()
}

/// Enter pressed in a field, as a keyboard does.
fn press_enter(field: &HtmlElement) {
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let enter = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    field.dispatch_event(&enter).unwrap();
}

fn texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().text_content().unwrap_or_default())
        .collect()
}

/// The texts of the elements `selector` finds that are not `hidden`.
fn visible_texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into::<HtmlElement>())
        .filter(|element| !element.hidden())
        .map(|element| element.text_content().unwrap_or_default())
        .collect()
}

fn colleague(id: &str, name: &str, status: AgentStatus, online: bool) -> Colleague {
    Colleague {
        id: id.into(),
        name: name.into(),
        status,
        online,
    }
}

fn conversation(id: &str) -> ConversationDetail {
    let Ok(serde_json::Value::Object(context)) = serde_json::to_value(json!({
        "cart_value": 129.9, "currency": "EUR", "order_id": "A-1001"
    })) else {
        unreachable!()
    };
    ConversationDetail {
        id: id.into(),
        site: "acme".into(),
        state: ConversationState::WithAgent,
        reason: HandoffReason::NegativeFeedback,
        priority: 0,
        context,
        context_changed_at: None,
        identity: Some(Identity {
            id: "u-7".into(),
            name: Some("Maja".into()),
            email: Some("maja@example.com".into()),
            signature: None,
        }),
        identity_verified: true,
        language: None,
        agent_id: Some("a1".into()),
        messages: vec![
            message(1, Author::Shopper, "Where is my parcel?", None),
            message(
                2,
                Author::Assistant,
                "Standard delivery takes 2-4 working days: [delivery times](https://acme.example/delivery).",
                Some(0.87),
            ),
            message(3, Author::Shopper, "<b>That did not help</b>", None),
            message(4, Author::System, "Handed over to a person", None),
        ],
        queued_at: 0,
        assigned_at: Some(1),
        closed_at: None,
        resolution: None,
        rating: None,
        rating_comment: None,
        notes: Vec::new(),
    }
}

/// The conversations of `desk` mounted in `root`, with no suggestions, colleagues,
/// ready-made replies or earlier conversations beside them.
fn conversations_alone(root: &HtmlElement, desk: RwSignal<Desk>, actions: Actions) -> impl Sized {
    let suggestions = Signal::stored(Vec::<Suggestion>::new());
    let colleagues = Signal::stored(Vec::<Colleague>::new());
    let canned = Signal::stored(Vec::<String>::new());
    let earlier = Signal::stored(Vec::<ClosedConversation>::new());
    mount_to(
        root.clone(),
        move || view! { <Conversations desk suggestions colleagues canned earlier actions /> },
    )
}

fn desk_with(frames: Vec<AgentServerFrame>) -> RwSignal<Desk> {
    let mut desk = Desk::default();
    for frame in frames {
        desk.apply(frame);
    }
    RwSignal::new(desk)
}

#[wasm_bindgen_test]
async fn the_queue_lists_waiting_shoppers_and_take_claims_one() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Queue {
        site: "acme".into(),
        entries: vec![
            waiting("c1", 1, HandoffReason::Sensitive),
            waiting("c2", 2, HandoffReason::Asked),
        ],
    }]);
    let (actions, log) = recorder();
    let now = RwSignal::new(125_000_i64);
    let _mounted = mount_to(root.clone(), move || view! { <Queue desk now actions /> });
    tick().await;
    let rows = texts(&root, "li.waiting");
    assert_eq!(rows.len(), 2);
    assert!(
        rows[0].contains("#1") && rows[0].contains("Sensitive topic"),
        "{rows:?}"
    );
    assert!(
        rows[0].contains("waiting 2 min") && rows[0].contains("question of c1"),
        "{rows:?}"
    );
    assert!(rows[1].contains("Asked for a person"), "{rows:?}");
    find(&root, "li.waiting:nth-child(2) button").click();
    assert_eq!(*log.lock().unwrap(), ["take c2 Claim"]);

    // The queue changes as the server says, down to the shopper's latest words.
    let mut wrote_again = waiting("c1", 1, HandoffReason::Sensitive);
    wrote_again.preview = Some("Hello? Still there?".into());
    desk.update(|d| {
        d.apply(AgentServerFrame::Queue {
            site: "acme".into(),
            entries: vec![wrote_again],
        });
    });
    tick().await;
    assert_eq!(texts(&root, "li.waiting .preview"), ["Hello? Still there?"]);
    desk.update(|d| {
        d.apply(AgentServerFrame::Queue {
            site: "acme".into(),
            entries: vec![],
        });
    });
    tick().await;
    assert!(texts(&root, "li.waiting").is_empty());
    assert!(
        texts(&root, ".queue p")
            .iter()
            .any(|t| t == "No one is waiting.")
    );
}

#[wasm_bindgen_test]
async fn an_offer_counts_down_and_is_answered_by_button_or_key() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Offer {
        offer: Offer {
            conversation: waiting("c7", 1, HandoffReason::LowConfidence),
            expires_at: 30_000,
        },
    }]);
    let (actions, log) = recorder();
    let now = RwSignal::new(0_i64);
    let _mounted = mount_to(root.clone(), move || view! { <Queue desk now actions /> });
    tick().await;
    assert!(!find(&root, "section.offers").hidden(), "offers are shown");
    assert_eq!(
        find(&root, ".countdown").text_content().unwrap(),
        "30 s left"
    );
    now.set(12_000);
    tick().await;
    assert_eq!(
        find(&root, ".countdown").text_content().unwrap(),
        "18 s left"
    );
    assert!(
        find(&root, ".offer [role=alert]")
            .text_content()
            .unwrap()
            .contains("Assistant was unsure"),
        "a screen reader announces the offer as it arrives"
    );
    assert!(
        find(&root, ".countdown")
            .closest("[role=alert], [aria-live]")
            .unwrap()
            .is_none(),
        "but not every second of its countdown"
    );
    assert_eq!(
        find(&root, ".offer .site").text_content().unwrap(),
        "acme",
        "which shop, for an agent of several"
    );

    find(&root, ".offer .accept").click();
    let init = KeyboardEventInit::new();
    init.set_key("d");
    init.set_bubbles(true);
    let key = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    window().dispatch_event(&key).unwrap();
    assert_eq!(*log.lock().unwrap(), ["take c7 Accept", "take c7 Decline"]);
}

#[wasm_bindgen_test]
async fn a_conversation_shows_its_reason_identity_context_and_whole_transcript() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![conversation("c1")],
    }]);
    let (actions, log) = recorder();
    let suggestions = Signal::stored(Vec::<Suggestion>::new());
    let colleagues = Signal::stored(Vec::<Colleague>::new());
    let canned = Signal::stored(Vec::<String>::new());
    // Maja (verified) was here before: one conversation, poorly rated.
    let earlier = Signal::stored(vec![ClosedConversation {
        id: "old1".into(),
        reason: HandoffReason::Asked,
        closed_at: 1_764_590_400_000,
        agent_name: Some("Ben".into()),
        resolution: Some(Resolution::NotSolved),
        rating: Some(2),
        rating_comment: Some("Still waiting".into()),
        preview: Some("My parcel is late".into()),
    }]);
    let _mounted = mount_to(
        root.clone(),
        move || view! { <Conversations desk suggestions colleagues canned earlier actions /> },
    );
    tick().await;
    assert!(
        find(&root, ".reason")
            .text_content()
            .unwrap()
            .contains("Answer did not help")
    );
    assert_eq!(
        find(&root, ".identity").text_content().unwrap(),
        "Shopper: Maja <maja@example.com> (verified account u-7; name and email not checked)"
    );
    assert_eq!(
        texts(&root, ".context dt"),
        ["cart_value", "currency", "order_id"]
    );
    assert_eq!(texts(&root, ".context dd"), ["129.9", "EUR", "A-1001"]);
    assert!(find(&root, ".context .changed").hidden(), "as handed over");
    // The shopper goes on to the shop's payment page: the context shows where they are now.
    let Ok(serde_json::Value::Object(now)) =
        serde_json::to_value(json!({ "cart_value": 129.9, "page": "payment" }))
    else {
        unreachable!()
    };
    desk.update(|d| {
        d.apply(AgentServerFrame::Context {
            conversation: "c1".into(),
            context: now,
            at: 1_764_590_400_000,
        });
    });
    tick().await;
    assert_eq!(texts(&root, ".context dt"), ["cart_value", "page"]);
    assert_eq!(texts(&root, ".context dd"), ["129.9", "payment"]);
    let changed = find(&root, ".context .changed");
    assert!(!changed.hidden(), "the agent is told it changed");
    assert!(
        changed
            .text_content()
            .unwrap()
            .starts_with("Changed by the shop's page at "),
        "{:?}",
        changed.text_content()
    );

    let lines = texts(&root, ".transcript li");
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("Shopper") && lines[0].contains("Where is my parcel?"));
    let answer = find(&root, ".transcript li.assistant");
    assert!(
        answer.text_content().unwrap().contains("87 % sure"),
        "the assistant's confidence"
    );
    // Its link written out, not the knowledge base's brackets, and nothing to click: the
    // handoff's assistant lines come from the shopper's browser, which could forge one.
    assert!(
        answer
            .text_content()
            .unwrap()
            .ends_with("days: delivery times (https://acme.example/delivery).")
    );
    assert!(
        root.query_selector(".transcript li.assistant a")
            .unwrap()
            .is_none()
    );
    // An agent's link, sent on from a suggestion, is a link, as the shopper gets it.
    desk.update(|d| {
        d.apply(AgentServerFrame::Message {
            conversation: "c1".into(),
            message: message(
                5,
                Author::Agent,
                "See [delivery times](https://acme.example/delivery).",
                None,
            ),
        });
    });
    tick().await;
    assert_eq!(
        find(&root, ".transcript li.agent a")
            .get_attribute("href")
            .as_deref(),
        Some("https://acme.example/delivery")
    );
    assert!(
        lines[3].contains("Handed over to a person"),
        "the moment of handoff"
    );
    // The shopper's words are text, never markup.
    assert!(lines[2].contains("<b>That did not help</b>"));
    assert!(root.query_selector(".transcript b").unwrap().is_none());
    // Maja's earlier conversation, to read whole.
    let earlier = texts(&root, ".earlier li");
    assert_eq!(earlier.len(), 1);
    for expected in ["Not solved", "2 of 5", "My parcel is late"] {
        assert!(earlier[0].contains(expected), "{expected} in {earlier:?}");
    }
    find(&root, ".earlier .read").click();
    assert_eq!(*log.lock().unwrap(), ["read old1"]);

    // A new shopper message in another conversation counts on its tab. Tabs say who the
    // shopper is, or how an anonymous one began.
    let mut anonymous = conversation("c2");
    anonymous.identity = None;
    desk.update(|d| {
        d.apply(AgentServerFrame::Assigned {
            conversation: anonymous,
        });
        d.apply(AgentServerFrame::Message {
            conversation: "c2".into(),
            message: message(5, Author::Shopper, "Hello?", None),
        });
    });
    tick().await;
    assert_eq!(texts(&root, "[role=tab] .unread"), ["0 unread", "1 unread"]);
    assert!(find(&root, "[role=tab]:nth-child(1) .unread").hidden());
    find(&root, "[role=tab]:nth-child(2)").click();
    tick().await;
    assert_eq!(
        find(&root, "[role=tab][aria-selected=true]")
            .text_content()
            .unwrap(),
        "Where is my parcel?0 unread"
    );
    assert_eq!(
        find(&root, "[role=tab]:nth-child(1)")
            .text_content()
            .unwrap(),
        "Maja0 unread"
    );
}

#[wasm_bindgen_test]
async fn switching_conversations_keeps_the_focus_and_each_reply_and_reads_out_only_new_lines() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![conversation("c1"), conversation("c2")],
    }]);
    let (actions, log) = recorder();
    let _mounted = conversations_alone(&root, desk, actions);
    tick().await;
    let news = find(&root, ".lines-news[aria-live=polite]");
    assert_eq!(
        find(&root, "[role=log]")
            .get_attribute("aria-live")
            .as_deref(),
        Some("off"),
        "the transcript is not read out whole"
    );

    // Half a reply to c1; c2 is chosen from the keyboard and keeps the focus.
    let reply: HtmlTextAreaElement = find(&root, "#reply").unchecked_into();
    reply.set_value("Your parcel left our");
    reply.dispatch_event(&Event::new("input").unwrap()).unwrap();
    let second = find(&root, "[role=tab]:nth-child(2)");
    second.focus().unwrap();
    second.click();
    settled().await;
    assert_eq!(
        second.get_attribute("aria-selected").as_deref(),
        Some("true")
    );
    assert!(
        document().active_element() == Some(second.clone().into()),
        "the tab chosen is still the focused element"
    );
    assert_eq!(reply.value(), "", "c2 has its own composer");
    assert_eq!(
        news.text_content().unwrap(),
        "",
        "showing c2 reads nothing out"
    );

    // A line arriving in the one shown is read out; back on c1, its reply is as left.
    desk.update(|d| {
        d.apply(AgentServerFrame::Message {
            conversation: "c2".into(),
            message: message(5, Author::Shopper, "Hello?", None),
        });
    });
    tick().await;
    let said = || news.text_content().unwrap();
    assert_eq!(said().trim_end_matches('\u{200B}'), "Shopper: Hello?");
    // The same words again are read out again: the region's text changes.
    let before = said();
    desk.update(|d| {
        d.apply(AgentServerFrame::Message {
            conversation: "c2".into(),
            message: message(6, Author::Shopper, "Hello?", None),
        });
    });
    tick().await;
    assert_ne!(said(), before);
    assert_eq!(said().trim_end_matches('\u{200B}'), "Shopper: Hello?");
    // Lines arriving together (after a reconnection, say) are all read out, not the last.
    desk.update(|d| {
        for (seq, text) in [(7, "My order is 1042"), (8, "It never came")] {
            d.apply(AgentServerFrame::Message {
                conversation: "c2".into(),
                message: message(seq, Author::Shopper, text, None),
            });
        }
    });
    tick().await;
    assert_eq!(
        said().trim_end_matches('\u{200B}'),
        "Shopper: My order is 1042\nShopper: It never came"
    );
    find(&root, "[role=tab]:nth-child(1)").click();
    settled().await;
    assert_eq!(reply.value(), "Your parcel left our");
    assert_eq!(said(), "");

    // A reply too long to send says so and goes nowhere.
    reply.set_value(&"a".repeat(tandem_protocol::MAX_MESSAGE_BYTES + 1));
    reply.dispatch_event(&Event::new("input").unwrap()).unwrap();
    find(&root, ".composer button[type=submit]").click();
    tick().await;
    assert!(
        find(&root, ".composer .problem")
            .text_content()
            .unwrap()
            .contains("at most 4096 bytes")
    );
    assert!(log.lock().unwrap().iter().all(|l| !l.starts_with("send")));
}

#[wasm_bindgen_test]
async fn notes_for_the_team_are_listed_and_added_from_their_own_box_never_the_composer() {
    let root = frame();
    let mut detail = conversation("c1");
    detail.notes = vec![Note {
        id: "n1".into(),
        agent_name: "Ben".into(),
        text: "<i>Refund</i> agreed: [policy](https://acme.example/refunds)".into(),
        at: 1_764_590_400_000,
    }];
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![detail, conversation("c2")],
    }]);
    let (actions, log) = recorder();
    let _mounted = conversations_alone(&root, desk, actions);
    tick().await;
    assert!(
        find(&root, ".notes .private")
            .text_content()
            .unwrap()
            .contains("the shopper never does")
    );
    assert_eq!(texts(&root, ".note .author"), ["Ben"]);
    assert_eq!(
        texts(&root, ".note .text"),
        ["<i>Refund</i> agreed: policy (opens in a new tab)"],
        "text, never markup; a colleague's link is a link"
    );
    assert_eq!(
        find(&root, ".note .text a")
            .get_attribute("href")
            .as_deref(),
        Some("https://acme.example/refunds")
    );

    // A blank note is not sent, and says why.
    find(&root, ".add-note button").click();
    tick().await;
    assert_eq!(
        find(&root, ".add-note .problem").text_content().unwrap(),
        "Type a note first."
    );
    // Typing clears that; Enter adds the note, as it sends a reply, and nothing is sent to
    // the shopper. The box tells a screen reader that the shopper never sees it.
    let note_box: HtmlTextAreaElement = find(&root, "#note").unchecked_into();
    assert_eq!(
        description(&root, &note_box),
        "Only agents see these notes; the shopper never does."
    );
    note_box.set_value("Parcel lost: reshipping");
    note_box
        .dispatch_event(&Event::new("input").unwrap())
        .unwrap();
    tick().await;
    assert_eq!(
        find(&root, ".add-note .problem").text_content().unwrap(),
        ""
    );
    press_enter(&note_box);
    tick().await;
    assert_eq!(*log.lock().unwrap(), ["note c1"]);

    // While it is on its way the button says it waits (keeping the keyboard's focus);
    // refused, the reason shows and the text stays.
    assert_eq!(
        desk.try_update(|d| d.saving_note("c1", "k1".into()))
            .flatten(),
        Some(("k1".to_owned(), "Parcel lost: reshipping".to_owned()))
    );
    tick().await;
    let button = find(&root, ".add-note button");
    assert_eq!(
        button.get_attribute("aria-disabled").as_deref(),
        Some("true")
    );
    desk.update(|d| {
        d.note_failed(
            "c1",
            "Too many messages: wait a moment.".into(),
            "Parcel lost: reshipping",
        );
    });
    tick().await;
    assert_eq!(
        button.get_attribute("aria-disabled").as_deref(),
        Some("false")
    );
    assert_eq!(
        find(&root, ".add-note .problem").text_content().unwrap(),
        "Too many messages: wait a moment."
    );
    assert_eq!(note_box.value(), "Parcel lost: reshipping");

    // Closing now would lose it: the console asks first, and "no" keeps the conversation.
    let original = js_sys::Reflect::get(&window(), &"confirm".into()).unwrap();
    let answer_confirm = |yes: bool| {
        let confirm = js_sys::Function::new_with_args(
            "question",
            &format!("window.asked = question; return {yes};"),
        );
        js_sys::Reflect::set(&window(), &"confirm".into(), &confirm).unwrap();
    };
    answer_confirm(false);
    find(&root, ".finish .close").click();
    let asked = js_sys::Reflect::get(&window(), &"asked".into()).unwrap();
    assert_eq!(
        asked.as_string().as_deref(),
        Some("Your note or reply on this conversation is not sent yet. Go on without it?")
    );
    assert_eq!(log.lock().unwrap().len(), 1, "not closed");
    answer_confirm(true);
    find(&root, ".finish .requeue").click();
    assert_eq!(log.lock().unwrap().last().unwrap(), "transfer c1 queue");
    js_sys::Reflect::set(&window(), &"confirm".into(), &original).unwrap();

    // Another conversation has its own draft; coming back finds this one's.
    desk.update(|d| d.select("c2"));
    settled().await;
    assert_eq!(note_box.value(), "");
    assert!(texts(&root, ".note .author").is_empty());
    desk.update(|d| d.select("c1"));
    settled().await;
    assert_eq!(note_box.value(), "Parcel lost: reshipping");

    // Stored: it joins the list and the box empties.
    desk.update(|d| {
        d.noted(
            "c1",
            Note {
                id: "n2".into(),
                agent_name: "Ada".into(),
                text: "Parcel lost: reshipping".into(),
                at: 1_764_590_460_000,
            },
        );
    });
    settled().await;
    assert_eq!(texts(&root, ".note .author"), ["Ben", "Ada"]);
    assert_eq!(note_box.value(), "");
    assert_eq!(
        find(&root, ".notes-news")
            .text_content()
            .unwrap()
            .trim_end_matches('\u{200B}'),
        "Ada: Parcel lost: reshipping",
        "a screen reader hears the note added, not those there before"
    );
}

#[wasm_bindgen_test]
async fn a_note_whose_conversation_left_stays_in_view_until_dismissed() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![conversation("c1")],
    }]);
    desk.update(|d| d.write_note("c1", "Refund sent on Monday".into()));
    let _mounted = mount_to(root.clone(), move || view! { <LostNotes desk /> });
    tick().await;
    let lost = find(&root, ".lost-notes");
    assert!(lost.hidden());
    // A colleague closes it; the agent acts on other things meanwhile, the note stays.
    desk.update(|d| {
        d.apply(AgentServerFrame::Released {
            conversation: "c1".into(),
            state: ConversationState::Closed,
        });
        d.problem = None;
    });
    tick().await;
    assert!(!lost.hidden());
    assert_eq!(lost.get_attribute("role").as_deref(), Some("alert"));
    assert!(
        lost.text_content()
            .unwrap()
            .contains("Your note: Refund sent on Monday")
    );
    find(&root, ".lost-notes button").click();
    tick().await;
    assert!(lost.hidden());
}

#[wasm_bindgen_test]
async fn the_transcript_follows_new_lines_unless_the_agent_reads_further_up() {
    let root = frame();
    let mut long = conversation("c1");
    long.messages = (1..=30)
        .map(|seq| message(seq, Author::Shopper, &format!("Line {seq}"), None))
        .collect();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![long, conversation("c2")],
    }]);
    let (actions, _log) = recorder();
    let _mounted = conversations_alone(&root, desk, actions);
    tick().await;
    // The console's stylesheet gives the transcript a box of its own; this page has none.
    let list = find(&root, ".transcript");
    list.set_attribute("style", "max-height: 120px; overflow-y: auto")
        .unwrap();
    let at_end =
        |list: &HtmlElement| list.scroll_height() - list.scroll_top() - list.client_height() <= 1;
    let arrives = |seq: u64| {
        desk.update(|d| {
            d.apply(AgentServerFrame::Message {
                conversation: "c1".into(),
                message: message(seq, Author::Shopper, &format!("Line {seq}"), None),
            });
        });
    };
    arrives(31);
    settled().await;
    assert!(
        list.scroll_top() > 0 && at_end(&list),
        "the newest line shows"
    );

    // Reading further up: a new line does not move the text away.
    list.set_scroll_top(0);
    list.dispatch_event(&Event::new("scroll").unwrap()).unwrap();
    arrives(32);
    settled().await;
    assert_eq!(list.scroll_top(), 0);
    // Back at the end, it follows again; another conversation opens at its end.
    list.set_scroll_top(list.scroll_height());
    list.dispatch_event(&Event::new("scroll").unwrap()).unwrap();
    arrives(33);
    settled().await;
    assert!(at_end(&list));
    list.set_scroll_top(0);
    list.dispatch_event(&Event::new("scroll").unwrap()).unwrap();
    desk.update(|d| d.select("c2"));
    settled().await;
    assert_eq!(
        texts(&root, ".transcript .text")[0],
        "Where is my parcel?",
        "the other conversation's own lines, though their numbers are the same"
    );
    desk.update(|d| d.select("c1"));
    settled().await;
    assert!(list.scroll_top() > 0 && at_end(&list));

    // A reply the agent sends while reading further up brings them back to the end.
    list.set_scroll_top(0);
    list.dispatch_event(&Event::new("scroll").unwrap()).unwrap();
    desk.update(|d| d.sending("c1", "k9".into(), "On it".into()));
    settled().await;
    assert!(list.scroll_top() > 0 && at_end(&list));
    // Lines that came while the desk was behind another page show once it is back.
    let page = list.parent_element().unwrap();
    page.set_attribute("style", "display: none").unwrap();
    frames(2).await;
    arrives(34);
    settled().await;
    frames(2).await;
    page.remove_attribute("style").unwrap();
    frames(2).await;
    assert!(
        list.scroll_top() > 0 && at_end(&list),
        "back in view at the newest line"
    );
}

#[wasm_bindgen_test]
async fn a_suggestion_goes_into_the_composer_to_edit_and_send() {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![conversation("c1")],
    }]);
    let (actions, log) = recorder();
    let suggestion = |confidence| Suggestion {
        title: "Delivery times".into(),
        answer: "Standard delivery takes 2-4 working days: [times](https://acme.example/d).".into(),
        confidence,
    };
    let suggestions = RwSignal::new(vec![suggestion(0.6)]);
    let colleagues = Signal::stored(Vec::<Colleague>::new());
    let canned = Signal::stored(vec!["One moment, please.".to_owned()]);
    let earlier = Signal::stored(Vec::<ClosedConversation>::new());
    let _mounted = mount_to(
        root.clone(),
        move || view! { <Conversations desk suggestions colleagues canned earlier actions /> },
    );
    tick().await;
    // The shopper wrote again: the same answer, surer now.
    suggestions.set(vec![suggestion(0.91)]);
    tick().await;
    let suggestion = find(&root, ".suggestion");
    assert!(
        suggestion
            .text_content()
            .unwrap()
            .contains("Delivery times")
    );
    assert!(suggestion.text_content().unwrap().contains("91 % sure"));
    assert_eq!(
        find(&root, ".suggestion p a")
            .get_attribute("href")
            .as_deref(),
        Some("https://acme.example/d"),
        "its link as the shopper will see it"
    );
    // A ready-made reply fills the composer the same way.
    find(&root, ".canned button").click();
    tick().await;
    let composer: HtmlTextAreaElement = find(&root, "#reply").unchecked_into();
    assert_eq!(composer.value(), "One moment, please.");
    find(&root, ".suggestion button").click();
    tick().await;
    // Editing it tells the shopper someone is typing.
    find(&root, "#reply")
        .dispatch_event(&Event::new("input").unwrap())
        .unwrap();
    let composer: HtmlTextAreaElement = find(&root, "#reply").unchecked_into();
    assert_eq!(
        composer.value(),
        "Standard delivery takes 2-4 working days: [times](https://acme.example/d)."
    );
    find(&root, ".composer button[type=submit]").click();
    tick().await;
    assert_eq!(
        *log.lock().unwrap(),
        [
            "typing c1",
            "send c1 Standard delivery takes 2-4 working days: [times](https://acme.example/d)."
        ]
    );
    assert_eq!(composer.value(), "", "the composer empties once sent");

    // An empty reply is not sent, and says why.
    find(&root, ".composer button[type=submit]").click();
    tick().await;
    assert_eq!(log.lock().unwrap().len(), 2);
    assert_eq!(
        find(&root, ".composer .problem").text_content().unwrap(),
        "Type a reply first."
    );
}

#[wasm_bindgen_test]
async fn the_agent_closes_transfers_to_a_colleague_or_returns_the_shopper_to_the_queue_or_the_assistant()
 {
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![conversation("c1"), conversation("c2")],
    }]);
    let (actions, log) = recorder();
    let suggestions = Signal::stored(Vec::<Suggestion>::new());
    let canned = Signal::stored(Vec::<String>::new());
    let earlier = Signal::stored(Vec::<ClosedConversation>::new());
    let colleagues = Signal::stored(vec![
        colleague("b1", "Ben", AgentStatus::Available, true),
        colleague("c1", "Cleo", AgentStatus::Away, true),
        colleague("d1", "Dan", AgentStatus::Available, false),
        colleague("e1", "Eve", AgentStatus::Offline, true),
    ]);
    let _mounted = mount_to(
        root.clone(),
        move || view! { <Conversations desk suggestions colleagues canned earlier actions /> },
    );
    tick().await;
    assert_eq!(
        texts(&root, "#colleague option"),
        [
            "Choose a colleague",
            "Ben (Available)",
            "Cleo (Away)",
            "Dan (Offline)",
            "Eve (Offline)"
        ]
    );
    let disabled: Vec<bool> = (2..=5)
        .map(|n| {
            find(&root, &format!("#colleague option:nth-child({n})")).has_attribute("disabled")
        })
        .collect();
    assert_eq!(
        disabled,
        [false, false, true, true],
        "connected colleagues can take it, available or away (as the server allows)"
    );
    let to: HtmlSelectElement = find(&root, "#colleague").unchecked_into();
    // A colleague chosen in one conversation is not chosen for the next one shown.
    to.set_value("b1");
    to.dispatch_event(&Event::new("change").unwrap()).unwrap();
    desk.update(|d| d.select("c2"));
    settled().await;
    assert_eq!(to.value(), "");
    find(&root, ".finish .transfer").click();
    assert!(log.lock().unwrap().is_empty(), "no one to transfer to");
    desk.update(|d| d.select("c1"));
    settled().await;
    to.set_value("b1");
    to.dispatch_event(&Event::new("change").unwrap()).unwrap();
    find(&root, ".finish .transfer").click();
    settled().await;
    assert_eq!(
        to.value(),
        "",
        "the choice starts afresh, so it never shows a colleague it would not transfer to"
    );
    let select: HtmlSelectElement = find(&root, "#resolution").unchecked_into();
    select.set_value("spam");
    select
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    // Each conversation keeps its own choice, across a look at another.
    desk.update(|d| d.select("c2"));
    settled().await;
    assert_eq!(select.value(), "solved");
    desk.update(|d| d.select("c1"));
    settled().await;
    assert_eq!(select.value(), "spam");
    find(&root, ".finish .close").click();
    find(&root, ".finish .requeue").click();
    let back = find(&root, ".finish .to-assistant");
    assert_eq!(back.text_content().unwrap(), "Hand back to the assistant");
    back.click();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "transfer c1 b1",
            "close c1 spam",
            "transfer c1 queue",
            "close c1 returned_to_assistant"
        ]
    );

    // Once the server releases it, it leaves the desk; the next one is not spam for that.
    desk.update(|d| {
        d.apply(AgentServerFrame::Released {
            conversation: "c1".into(),
            state: ConversationState::Closed,
        });
    });
    settled().await;
    assert_eq!(select.value(), "solved");
    desk.update(|d| {
        d.apply(AgentServerFrame::Released {
            conversation: "c2".into(),
            state: ConversationState::Closed,
        });
    });
    tick().await;
    assert!(find(&root, "#conversation").hidden());
    assert!(texts(&root, "[role=tab]").is_empty());
}

#[wasm_bindgen_test]
async fn messages_left_offline_are_listed_with_their_chat_and_marked_handled() {
    let root = frame();
    let left = |id: &str, email: &str| OfflineMessage {
        id: id.into(),
        site: "acme".into(),
        email: email.into(),
        name: Some("Maja".into()),
        message: "Please call me about my return".into(),
        transcript: serde_json::from_value(json!([
            { "author": "shopper", "text": "Can I return worn shoes?" }
        ]))
        .unwrap(),
        context: Map::new(),
        created_at: 0,
        handled_at: None,
        handled_by: None,
    };
    let page = |messages, unhandled| OfflineInbox {
        messages,
        unhandled,
    };
    let mut desk = Desk::default();
    desk.signed_in(agent());
    // One sent, two more waiting beyond the page.
    desk.set_inbox("acme".into(), page(vec![left("m1", "maja@example.com")], 3));
    let desk = RwSignal::new(desk);
    // Left three hours ago.
    let now = RwSignal::new(3 * 3_600_000 + 5_000);
    let (actions, log) = recorder();
    let _mounted = mount_to(root.clone(), move || view! { <Inbox desk now actions /> });
    tick().await;
    let text = find(&root, "li.left").text_content().unwrap();
    assert!(text.contains("Maja <maja@example.com>"), "{text}");
    assert!(text.contains("waiting 3 h"), "{text}");
    // Its button says whose message it marks.
    let from = find(&root, "li.left .from");
    assert_eq!(
        find(&root, "li.left > button")
            .get_attribute("aria-describedby")
            .as_deref(),
        Some(from.id().as_str())
    );
    assert!(text.contains("Please call me about my return"), "{text}");
    assert!(text.contains("Shopper: Can I return worn shoes?"), "{text}");
    assert_eq!(
        find(&root, "li.left a").get_attribute("href").as_deref(),
        Some("mailto:maja@example.com")
    );
    let shown = |root: &HtmlElement| visible_texts(root, ".inbox > p");
    assert_eq!(
        shown(&root),
        ["2 more waiting: they come here, the longest waiting first, as these are marked handled."]
    );
    let mark = find(&root, "li.left > button");
    mark.focus().unwrap();
    mark.click();
    assert_eq!(*log.lock().unwrap(), ["handled m1"]);
    tick().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("mark-m1"),
        "the focus stays until the message has gone (a second Enter marks nothing else)"
    );
    desk.update(|d| {
        d.handled("m1");
    });
    tick().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("inbox-title"),
        "the keyboard does not fall back to the top of the page"
    );
    assert!(root.query_selector("li.left").unwrap().is_none());
    assert_eq!(
        shown(&root),
        ["2 more waiting: they come here, the longest waiting first, as these are marked handled."],
        "not \"no messages\" while more wait"
    );
    desk.update(|d| d.set_inbox("acme".into(), page(vec![], 0)));
    tick().await;
    assert_eq!(shown(&root), ["No messages waiting for an answer."]);

    // An address that tries to add a header to the agent's reply (an older server let it
    // through) stays one address.
    let sneaky = left("m2", "jane@victim.example?bcc=thief@evil.example");
    desk.update(|d| d.set_inbox("acme".into(), page(vec![sneaky], 1)));
    tick().await;
    assert_eq!(
        find(&root, "li.left a").get_attribute("href").as_deref(),
        Some("mailto:jane@victim.example%3Fbcc%3Dthief@evil.example")
    );

    // Marked with the keyboard, the focus goes on to the next message once it has gone.
    desk.update(|d| {
        d.set_inbox(
            "acme".into(),
            page(
                vec![left("m4", "a@example.com"), left("m5", "b@example.com")],
                2,
            ),
        )
    });
    tick().await;
    let mark = find(&root, "#mark-m4");
    mark.focus().unwrap();
    mark.click();
    desk.update(|d| {
        d.handled("m4");
    });
    tick().await;
    assert_eq!(
        document().active_element().map(|e| e.id()).as_deref(),
        Some("mark-m5")
    );
}

#[wasm_bindgen_test]
async fn the_bar_sets_availability_and_keeps_the_alert_choice_in_this_browser() {
    window().local_storage().unwrap().unwrap().clear().unwrap();
    let root = frame();
    let desk = desk_with(vec![AgentServerFrame::Welcome {
        profile: agent(),
        conversations: vec![],
    }]);
    let link = RwSignal::new(Link::Up);
    let (actions, log) = recorder();
    let mounted = mount_to(root.clone(), move || view! { <Bar desk link actions /> });
    tick().await;
    assert_eq!(find(&root, ".agent").text_content().unwrap(), "Ada");
    let status: HtmlSelectElement = find(&root, "#status").unchecked_into();
    assert_eq!(status.value(), "available");
    status.set_value("away");
    status
        .dispatch_event(&Event::new("change").unwrap())
        .unwrap();
    assert_eq!(*log.lock().unwrap(), ["status away"]);
    assert_eq!(find(&root, ".link").text_content().unwrap(), "Live");
    link.set(Link::Retrying);
    tick().await;
    assert_eq!(
        find(&root, ".link").text_content().unwrap(),
        "Connection lost. Reconnecting..."
    );

    let alerts: HtmlInputElement = find(&root, ".alerts input").unchecked_into();
    assert!(!alerts.checked());
    alerts.click();
    assert!(tandem_console::alerts::enabled(), "kept in this browser");
    drop(mounted);
    let again = frame();
    let _mounted = mount_to(again.clone(), move || view! { <Bar desk link actions /> });
    tick().await;
    let alerts: HtmlInputElement = find(&again, ".alerts input").unchecked_into();
    assert!(alerts.checked(), "still on after a reload");
}

#[wasm_bindgen_test]
async fn the_dashboard_shows_the_figures_a_chart_and_a_table_of_the_days() {
    let root = frame();
    let asked: Log = Arc::default();
    let noted = asked.clone();
    let on_load = Callback::new(move |(site, from, to): (String, String, String)| {
        noted.lock().unwrap().push(format!("{site} {from} {to}"))
    });
    let data = RwSignal::new(None::<Dashboard>);
    let problem = RwSignal::new(None::<String>);
    let sites = Signal::stored(vec!["acme".to_owned(), "other".to_owned()]);
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <DashboardView sites from="2026-11-09".to_owned() to="2026-11-22".to_owned()
                data problem on_load />
        }
    });
    tick().await;
    assert_eq!(
        *asked.lock().unwrap(),
        ["acme 2026-11-09 2026-11-22"],
        "the first site's last two weeks, at once"
    );
    let day = |day: &str, answered, handed_over, conversations, left_waiting| DayFigures {
        day: day.into(),
        answered,
        clarified: 0,
        handed_over,
        conversations,
        left_waiting,
    };
    data.set(Some(Dashboard {
        site: "acme".into(),
        days: vec![
            day("2026-11-21", 30, 10, 9, 1),
            day("2026-11-22", 6, 2, 2, 0),
        ],
        reasons: vec![ReasonCount {
            reason: HandoffReason::Asked,
            count: 12,
        }],
        helpful: 9,
        not_helpful: 1,
        ratings: [0, 0, 0, 1, 2],
        wait_p50_secs: Some(40),
        wait_p90_secs: Some(95),
        agents: vec![AgentFigures {
            name: "Anna".into(),
            conversations: 3,
            ratings: [1, 0, 0, 1, 0],
            handle_p50_secs: Some(370),
        }],
    }));
    tick().await;
    assert_eq!(
        find(&root, ".answered-alone").text_content().unwrap(),
        "75 %"
    );
    assert_eq!(find(&root, ".helpful").text_content().unwrap(), "90 %");
    assert_eq!(find(&root, ".rating").text_content().unwrap(), "4.7 / 5");
    assert_eq!(find(&root, ".with-people").text_content().unwrap(), "11");
    assert_eq!(
        find(&root, ".left-waiting").text_content().unwrap(),
        "1 (9 %)"
    );
    assert_eq!(find(&root, ".wait-p50").text_content().unwrap(), "40 s");
    assert_eq!(find(&root, ".wait-p90").text_content().unwrap(), "95 s");
    let bars = root.query_selector_all("svg.days rect").unwrap();
    assert_eq!(bars.length(), 4, "two stacked bars");
    assert_eq!(
        texts(&root, ".days-table tbody tr"),
        ["2026-11-21301091", "2026-11-226220"]
    );
    assert!(texts(&root, ".reasons li")[0].contains("Asked for a person"));
    // Each person: conversations, their average rating and how many rated, time taken.
    assert_eq!(
        texts(
            &root,
            ".people-table tbody tr th, .people-table tbody tr td"
        ),
        ["Anna", "3", "2.5 / 5 (2 rated)", "6 min"]
    );

    // Another site and range, on request.
    let site: HtmlSelectElement = find(&root, "#dashboard-site").unchecked_into();
    site.set_value("other");
    site.dispatch_event(&Event::new("change").unwrap()).unwrap();
    let from: HtmlInputElement = find(&root, "#dashboard-from").unchecked_into();
    from.set_value("2026-11-01");
    from.dispatch_event(&Event::new("change").unwrap()).unwrap();
    find(&root, ".range button[type=submit]").click();
    assert_eq!(asked.lock().unwrap()[1], "other 2026-11-01 2026-11-22");
    problem.set(Some("The range ends before it starts.".into()));
    tick().await;
    assert_eq!(
        find(&root, ".dashboard .problem").text_content().unwrap(),
        "The range ends before it starts."
    );
}

#[wasm_bindgen_test]
async fn a_site_admin_lists_adds_and_removes_agents_and_reads_the_kb_report() {
    let root = frame();
    let log: Log = Arc::default();
    let (a, b, c) = (log.clone(), log.clone(), log.clone());
    let on_site = Callback::new(move |site: String| a.lock().unwrap().push(format!("show {site}")));
    let on_add = Callback::new(move |new: NewAgent| {
        b.lock().unwrap().push(format!(
            "add {} {} {} {}",
            new.site, new.email, new.name, new.password
        ))
    });
    let on_remove = Callback::new(move |(site, id): (String, String)| {
        c.lock().unwrap().push(format!("remove {site} {id}"))
    });
    let member = |id: &str, name: &str, admin: bool| SiteAgent {
        id: id.into(),
        name: name.into(),
        email: format!("{}@acme.example", name.to_lowercase()),
        admin,
        status: AgentStatus::Away,
    };
    let agents = RwSignal::new(vec![member("a1", "Ada", true), member("b1", "Ben", false)]);
    let report = RwSignal::new(Some(KbReport {
        report: "Knowledge base \"Acme\": 47 entries".to_owned(),
        reloading: false,
    }));
    let on_live = Callback::new(|()| {});
    // The editor as the admin left it: a change typed, not saved yet.
    let mut typed = tandem_console::kb_draft::KbDrafts::default();
    typed.show("acme");
    typed.shown_mut().loaded(KbSource {
        text: "[site]\n".to_owned(),
        version: 0,
        saved: None,
        file: true,
        problem: None,
    });
    typed
        .shown_mut()
        .edit("[site]\nname = \"Acme\"\n".to_owned());
    let kb_drafts = RwSignal::new(typed);
    let problem = RwSignal::new(None::<String>);
    let sites = Signal::stored(vec!["acme".to_owned(), "bolt".to_owned()]);
    let me = Signal::stored("a1".to_owned());
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <AdminView sites me agents report problem on_site on_add on_remove on_live kb_drafts />
        }
    });
    tick().await;
    assert_eq!(
        log.lock().unwrap()[0],
        "show acme",
        "the first site at once"
    );
    let rows = texts(&root, ".agents tbody tr");
    assert!(
        rows[0].contains("Ada") && rows[0].contains("admin") && rows[0].contains("Away"),
        "{rows:?}"
    );
    assert!(
        find(&root, ".agents tbody tr:nth-child(1) .remove").hidden(),
        "no one removes themselves"
    );
    find(&root, ".agents tbody tr:nth-child(2) .remove").click();

    for (id, value) in [
        ("#new-email", "cleo@acme.example"),
        ("#new-name", "Cleo"),
        ("#new-password", "a long password"),
    ] {
        let input: HtmlInputElement = find(&root, id).unchecked_into();
        input.set_value(value);
        input.dispatch_event(&Event::new("input").unwrap()).unwrap();
    }
    find(&root, ".add-agent button[type=submit]").click();
    tick().await;
    assert_eq!(
        log.lock().unwrap()[1..],
        [
            "remove acme b1",
            "add acme cleo@acme.example Cleo a long password"
        ]
    );
    let password: HtmlInputElement = find(&root, "#new-password").unchecked_into();
    assert_eq!(password.value(), "", "the password is not kept in the form");
    assert_eq!(
        find(&root, ".kb-report").text_content().unwrap(),
        "Knowledge base \"Acme\": 47 entries"
    );
    // While an edit compiles, the page says so, and the editor waits for it (its calls, which
    // find no server here, are tested end to end).
    let save: HtmlElement = find(&root, ".kb-editor .save-kb");
    let area: HtmlTextAreaElement = find(&root, "#kb-text").unchecked_into();
    assert_eq!(
        area.value(),
        "[site]\nname = \"Acme\"\n",
        "what was typed is shown"
    );
    // `aria-disabled`, not `disabled`: a disabled button would drop the keyboard's focus.
    let off = |e: &HtmlElement| e.get_attribute("aria-disabled").as_deref() == Some("true");
    assert!(!off(&save), "a change to save");
    assert!(
        off(&find(&root, ".kb-editor .file-kb")),
        "the file does not replace unsaved changes unasked"
    );
    // Another site's knowledge base, and back: what was typed for acme is kept meanwhile.
    let pick = |site: &str| {
        let select: web_sys::HtmlSelectElement = find(&root, "#admin-site").unchecked_into();
        select.set_value(site);
        select
            .dispatch_event(&Event::new("change").unwrap())
            .unwrap();
    };
    // A site picked reaches the editor through a memo and two effects: a few turns.
    let settled = || async {
        for _ in 0..5 {
            tick().await;
        }
    };
    pick("bolt");
    settled().await;
    assert_eq!(area.value(), "", "bolt's text is on its way");
    assert_eq!(
        find(&root, ".unsaved-elsewhere").text_content().unwrap(),
        "Unsaved changes also in the knowledge base of: acme"
    );
    pick("acme");
    settled().await;
    assert_eq!(
        area.value(),
        "[site]\nname = \"Acme\"\n",
        "acme as it was left"
    );
    assert_eq!(
        find(&root, ".unsaved-elsewhere").text_content().unwrap(),
        ""
    );
    report.update(|r| r.as_mut().unwrap().reloading = true);
    tick().await;
    assert!(
        find(&root, ".kb-reloading")
            .text_content()
            .unwrap()
            .starts_with("Compiling the knowledge base")
    );
    assert!(off(&save), "no save while compiling");
    save.click();
    tick().await;
    assert!(
        !area.read_only(),
        "a click meanwhile sends nothing (a save on its way locks the text)"
    );
    problem.set(Some("Only the admins of site \"acme\" may do this.".into()));
    tick().await;
    assert!(
        find(&root, ".admin .problem")
            .text_content()
            .unwrap()
            .starts_with("Only the admins")
    );
}

#[wasm_bindgen_test]
async fn an_agent_changes_their_password_typing_the_new_one_twice() {
    let root = frame();
    let log: Log = Arc::default();
    let asked = log.clone();
    let on_change = Callback::new(move |change: ChangePassword| {
        asked
            .lock()
            .unwrap()
            .push(format!("change {} -> {}", change.current, change.new))
    });
    let outcome = RwSignal::new(None::<Result<(), String>>);
    let email = Signal::stored("ada@acme.example".to_owned());
    let _mounted = mount_to(root.clone(), move || {
        view! { <AccountView email on_change outcome busy=Signal::stored(false) /> }
    });
    tick().await;
    assert_eq!(
        find(&root, ".signed-in-as").text_content().unwrap(),
        "Signed in as ada@acme.example."
    );
    let fill = |current: &str, new: &str, repeat: &str| {
        for (id, value) in [
            ("#account-current", current),
            ("#account-new", new),
            ("#account-repeat", repeat),
        ] {
            let input: HtmlInputElement = find(&root, id).unchecked_into();
            input.set_value(value);
            input.dispatch_event(&Event::new("input").unwrap()).unwrap();
        }
        find(&root, ".change-password button[type=submit]").click();
    };
    let problem = || {
        find(&root, ".change-password .problem")
            .text_content()
            .unwrap()
    };

    // A typing slip in the repeat asks for nothing.
    fill("old password 1", "new password 22", "new password 2");
    tick().await;
    assert!(log.lock().unwrap().is_empty());
    assert!(
        problem().contains("The two new passwords differ"),
        "{}",
        problem()
    );

    fill("old password 1", "new password 22", "new password 22");
    tick().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["change old password 1 -> new password 22"]
    );
    assert_eq!(problem(), "", "the slip's warning is gone");
    // The server's refusal is shown as it said it; the fields stay for another try.
    outcome.set(Some(Err("The current password is wrong.".to_owned())));
    tick().await;
    assert_eq!(problem(), "The current password is wrong.");
    let current: HtmlInputElement = find(&root, "#account-current").unchecked_into();
    assert_eq!(current.value(), "old password 1");
    // Once changed, it says what that did, and no password stays in the form.
    outcome.set(Some(Ok(())));
    // One turn for the effect that empties the fields, one for the fields to redraw.
    tick().await;
    tick().await;
    assert_eq!(problem(), "");
    assert!(
        find(&root, ".change-password .done")
            .text_content()
            .unwrap()
            .contains("you are now signed out"),
    );
    for id in ["#account-current", "#account-new", "#account-repeat"] {
        let input: HtmlInputElement = find(&root, id).unchecked_into();
        assert_eq!(input.value(), "", "{id} is emptied");
    }
}

#[wasm_bindgen_test]
async fn the_history_lists_closed_conversations_with_ratings_and_opens_one() {
    let root = frame();
    let log: Log = Arc::default();
    let (a, b, c) = (log.clone(), log.clone(), log.clone());
    let on_show = Callback::new(move |f: Filter| {
        a.lock()
            .unwrap()
            .push(format!("show {} low={} text={}", f.site, f.low, f.text))
    });
    let on_older = Callback::new(move |()| b.lock().unwrap().push("older".to_owned()));
    let on_open = Callback::new(move |id: String| c.lock().unwrap().push(format!("open {id}")));
    let closed = |id: &str, rating: Option<u8>, comment: Option<&str>| ClosedConversation {
        id: id.into(),
        reason: HandoffReason::LowConfidence,
        closed_at: 1_764_590_400_000,
        agent_name: Some("Ada".into()),
        resolution: Some(Resolution::NotSolved),
        rating,
        rating_comment: comment.map(str::to_owned),
        preview: Some("<b>Where is my parcel?</b>".into()),
    };
    let history = RwSignal::new(History::default());
    let problem = RwSignal::new(None::<String>);
    let sites = Signal::stored(vec!["acme".to_owned()]);
    let _mounted = mount_to(root.clone(), move || {
        let (on_note_input, on_note) = (Callback::new(|_| {}), Callback::new(|()| {}));
        view! { <HistoryView sites history problem on_show on_older on_open on_note_input on_note /> }
    });
    tick().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["show acme low=false text="],
        "the first site at once"
    );
    assert!(!find(&root, ".history .empty").hidden());
    assert!(
        find(&root, ".history .export").hidden(),
        "no file of nothing"
    );

    // A full page: older ones may follow.
    history.update(|h| {
        h.conversations = vec![
            closed("c1", Some(1), Some("Nobody helped")),
            closed("c2", None, None),
        ];
        h.conversations
            .extend((2..HISTORY_PAGE).map(|n| closed(&format!("c{}", n + 1), Some(5), None)));
        h.more = true;
    });
    tick().await;
    let rows = texts(&root, ".history-table tbody tr");
    assert_eq!(rows.len(), HISTORY_PAGE);
    for expected in [
        "Ada",
        "Not solved",
        "1 of 5",
        "Nobody helped",
        "<b>Where is my parcel?</b>",
    ] {
        assert!(rows[0].contains(expected), "{expected} in {:?}", rows[0]);
    }
    assert!(rows[1].contains("Not rated"), "{:?}", rows[1]);
    assert_eq!(
        root.query_selector_all(".history-table tr.low")
            .unwrap()
            .length(),
        1,
        "the poor rating stands out"
    );
    assert!(
        root.query_selector(".history-table b").unwrap().is_none(),
        "text, not HTML"
    );
    find(&root, ".history .older").click();
    find(&root, ".history-table tbody tr:nth-child(1) .read").click();
    let low: HtmlInputElement = find(&root, "#history-low").unchecked_into();
    low.set_checked(true);
    low.dispatch_event(&Event::new("change").unwrap()).unwrap();
    tick().await;
    assert_eq!(
        log.lock().unwrap()[1..],
        ["older", "open c1", "show acme low=true text="]
    );

    // A search asks on Enter, not at every key.
    let q: HtmlInputElement = find(&root, "#history-q").unchecked_into();
    q.set_value(" A-1001 ");
    q.dispatch_event(&Event::new("input").unwrap()).unwrap();
    tick().await;
    assert_eq!(log.lock().unwrap().len(), 4, "nothing asked while typing");
    find(&root, ".history-search button[type=submit]").click();
    tick().await;
    assert_eq!(
        log.lock().unwrap().last().unwrap(),
        "show acme low=true text=A-1001"
    );
    assert_eq!(
        find(&root, ".export a").get_attribute("href").unwrap(),
        "/v1/agent/history.csv?site=acme&low=true&q=A-1001",
        "the download is what is shown"
    );

    // The opened conversation reads whole, below the list.
    history.update(|h| h.open = Some(conversation("c1")));
    tick().await;
    assert!(
        find(&root, ".past h3")
            .text_content()
            .unwrap()
            .contains("c1")
    );
    let focused = document().active_element().unwrap();
    assert!(
        focused.class_list().contains("past"),
        "the opened one has the focus"
    );
    // A later change of the list (another page, a search) leaves the focus where it is.
    q.focus().unwrap();
    history.update(|h| h.conversations.push(closed("late", None, None)));
    tick().await;
    // Read again after its shopper rated it: the row shows the rating.
    history.update(|h| {
        let last = h.conversations.len() - 1;
        h.conversations[last] = closed("late", Some(4), Some("Fine in the end"));
    });
    tick().await;
    assert!(
        texts(&root, ".history-table tbody tr")
            .last()
            .unwrap()
            .contains("Fine in the end")
    );
    assert_eq!(
        document().active_element().unwrap().id(),
        "history-q",
        "the focus stays in the search box"
    );
    assert!(
        find(&root, ".history-table .read")
            .get_attribute("aria-label")
            .unwrap()
            .starts_with("Read the conversation closed "),
        "each button says which conversation it opens"
    );
    let lines = texts(&root, ".past .transcript li");
    assert_eq!(lines.len(), 4);
    assert!(lines[1].contains(
        "Standard delivery takes 2-4 working days: delivery times (https://acme.example/delivery)"
    ));
    assert!(
        lines[1].contains("87"),
        "the assistant's confidence: {:?}",
        lines[1]
    );
    // Another one opened shows its own lines, though they are numbered from 1 as well.
    let mut other = conversation("c2");
    other.messages = vec![message(1, Author::Shopper, "Can I pay by invoice?", None)];
    history.update(|h| h.open = Some(other));
    tick().await;
    assert_eq!(
        texts(&root, ".past .transcript .text"),
        ["Can I pay by invoice?"]
    );
}

#[wasm_bindgen_test]
async fn older_conversations_take_the_keyboard_on_to_the_first_that_came() {
    let root = frame();
    let closed = |n: usize| ClosedConversation {
        id: format!("c{n}"),
        reason: HandoffReason::Asked,
        closed_at: 1_764_590_400_000 - n as i64 * 60_000,
        agent_name: None,
        resolution: None,
        rating: None,
        rating_comment: None,
        preview: None,
    };
    let page = |from: usize, count: usize| (from..from + count).map(closed).collect::<Vec<_>>();
    let history = RwSignal::new(History::default());
    let asked = Arc::new(Mutex::new(None));
    let keep = asked.clone();
    // Wired as the app wires them: a filter starts the list, "Older" asks for the next page.
    let on_show = Callback::new(move |f: Filter| history.update(|h| drop(h.show(f))));
    let on_older =
        Callback::new(move |()| *keep.lock().unwrap() = history.with_untracked(History::older));
    let _mounted = mount_to(root.clone(), move || {
        let sites = Signal::stored(vec!["acme".to_owned()]);
        let problem = Signal::stored(None::<String>);
        let (on_open, on_note_input, on_note) = (
            Callback::new(|_| {}),
            Callback::new(|_| {}),
            Callback::new(|()| {}),
        );
        view! { <HistoryView sites history problem on_show on_older on_open on_note_input on_note /> }
    });
    tick().await;
    let newest = PageRequest {
        filter: Filter {
            site: "acme".into(),
            ..Filter::default()
        },
        before: None,
    };
    history.update(|h| h.arrived(&newest, page(0, HISTORY_PAGE)));
    tick().await;
    let older = find(&root, ".history .older");
    let read = |row: usize| {
        find(
            &root,
            &format!(".history-table tbody tr:nth-child({row}) .read"),
        )
    };
    let focused = || document().active_element();
    let ask_older = |count: usize| {
        older.focus().unwrap();
        older.click();
        let request = asked
            .lock()
            .unwrap()
            .take()
            .expect("an older page asked for");
        let shown = history.with_untracked(|h| h.conversations.len());
        history.update(|h| h.arrived(&request, page(shown, count)));
    };

    // A page came: the keyboard goes on to the first conversation in it.
    ask_older(HISTORY_PAGE);
    frames(2).await;
    assert!(!older.hidden(), "a full page: more may follow");
    assert_eq!(
        focused(),
        Some(read(HISTORY_PAGE + 1).into()),
        "the first that came"
    );

    // None came: the button hides, and the keyboard stays at the end of the list.
    ask_older(0);
    frames(2).await;
    assert!(older.hidden());
    assert_eq!(
        focused(),
        Some(read(2 * HISTORY_PAGE).into()),
        "the last one shown"
    );

    // A page that comes while the agent reads elsewhere leaves their focus alone.
    history.update(|h| h.more = true);
    tick().await;
    older.click();
    let request = asked.lock().unwrap().take().unwrap();
    read(1).focus().unwrap();
    history.update(|h| h.arrived(&request, page(2 * HISTORY_PAGE, 2)));
    frames(2).await;
    assert_eq!(focused(), Some(read(1).into()));
}

#[wasm_bindgen_test]
async fn a_closed_conversation_read_in_the_history_takes_a_wrap_up_note() {
    let root = frame();
    let history = RwSignal::new(History::default());
    let sent: Log = Arc::default();
    let log = sent.clone();
    // Wired as the app wires them: the text goes to the history, an added note is sent.
    let on_note_input = Callback::new(move |text| history.update(|h| h.write_note(text)));
    let on_note = Callback::new(move |()| {
        if let Some((id, _, text)) = history.try_update(|h| h.saving_note("k1".into())).flatten() {
            log.lock().unwrap().push(format!("note {id}: {text}"));
        }
    });
    let _mounted = mount_to(root.clone(), move || {
        let sites = Signal::stored(vec!["acme".to_owned()]);
        let problem = Signal::stored(None::<String>);
        let (on_show, on_older, on_open) = (
            Callback::new(|_| {}),
            Callback::new(|()| {}),
            Callback::new(|_| {}),
        );
        view! { <HistoryView sites history problem on_show on_older on_open on_note_input on_note /> }
    });
    // One still open (opened from the desk): its notes are written on the desk, not here.
    history.update(|h| h.open = Some(conversation("c0")));
    tick().await;
    assert!(root.query_selector("#past-note").unwrap().is_none());
    assert!(find(&root, ".past .notes").hidden(), "no notes, no box");

    let closed = |id: &str| ConversationDetail {
        state: ConversationState::Closed,
        closed_at: Some(1_764_590_400_000),
        ..conversation(id)
    };
    history.update(|h| h.open = Some(closed("c1")));
    settled().await;
    assert!(!find(&root, ".past .notes").hidden());
    let note_box: HtmlTextAreaElement = find(&root, "#past-note").unchecked_into();
    assert_eq!(
        description(&root, &note_box),
        "Only agents see these notes; the shopper never does."
    );
    // Blank: not sent, and says why. Written: Enter adds it.
    find(&root, ".past .add-note button").click();
    tick().await;
    assert_eq!(
        find(&root, ".past .add-note .problem")
            .text_content()
            .unwrap(),
        "Type a note first."
    );
    note_box.set_value("Refund went through");
    note_box
        .dispatch_event(&Event::new("input").unwrap())
        .unwrap();
    press_enter(&note_box);
    tick().await;
    assert_eq!(*sent.lock().unwrap(), ["note c1: Refund went through"]);
    assert_eq!(
        find(&root, ".past .add-note button")
            .get_attribute("aria-disabled")
            .as_deref(),
        Some("true"),
        "on its way"
    );

    // Refused: the reason shows and the text stays, also across a look at another one.
    history.update(|h| h.note_failed("c1", "The server cannot be reached.".into()));
    tick().await;
    assert_eq!(
        find(&root, ".past .add-note .problem")
            .text_content()
            .unwrap(),
        "The server cannot be reached."
    );
    history.update(|h| h.open = Some(closed("c2")));
    settled().await;
    let note_box: HtmlTextAreaElement = find(&root, "#past-note").unchecked_into();
    assert_eq!(note_box.value(), "", "the other one's own box");
    assert_eq!(
        find(&root, ".past .add-note .problem")
            .text_content()
            .unwrap(),
        ""
    );
    history.update(|h| h.open = Some(closed("c1")));
    settled().await;
    let note_box: HtmlTextAreaElement = find(&root, "#past-note").unchecked_into();
    assert_eq!(note_box.value(), "Refund went through");

    // Stored: it shows with the conversation, and the box is empty again.
    history.update(|h| {
        h.noted(
            "c1",
            Note {
                id: "n1".into(),
                agent_name: "Ada".into(),
                text: "Refund went through".into(),
                at: 1_764_590_500_000,
            },
        )
    });
    settled().await;
    assert_eq!(texts(&root, ".past .note .text"), ["Refund went through"]);
    assert_eq!(note_box.value(), "");
}

#[wasm_bindgen_test]
async fn leaving_the_page_with_unsaved_knowledge_base_changes_asks_first() {
    let drafts = RwSignal::new(tandem_console::kb_draft::KbDrafts::default());
    let _mounted = mount_to(frame(), move || {
        warn_before_leaving(move || drafts.with_untracked(|d| d.changed()));
    });
    // What the browser does when the page is closed: a cancelable `beforeunload`.
    let leaving = || {
        let init = EventInit::new();
        init.set_cancelable(true);
        let event = Event::new_with_event_init_dict("beforeunload", &init).unwrap();
        window().dispatch_event(&event).unwrap();
        event.default_prevented()
    };
    drafts.update(|d| {
        d.show("acme");
        d.shown_mut().loaded(KbSource {
            text: "[site]\n".to_owned(),
            version: 0,
            saved: None,
            file: true,
            problem: None,
        })
    });
    assert!(!leaving(), "nothing typed: the page just closes");
    drafts.update(|d| d.shown_mut().edit("[site]\nname = \"Acme\"\n".to_owned()));
    assert!(leaving(), "unsaved changes: the browser asks first");
    drafts.update(|d| {
        d.show("bolt");
    });
    assert!(
        leaving(),
        "also while another site's knowledge base is shown"
    );
}
