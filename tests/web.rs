#![cfg(target_arch = "wasm32")]
//! Browser tests of the widget, in headless Chromium (`cargo xtask test` runs them).
//!
//! They mount the real [`Shell`] with the real stylesheet into a box the size of a small
//! phone (320×568) or of the desktop panel (400×640), act on it as a shopper would (clicks,
//! keys, typed text) and check what the shopper would notice:
//!
//! - every state of a chat: an answer with "Did this help?", a clarifying question with its
//!   topic buttons, feedback given, the handoff confirmation (its button focused), waiting in
//!   line as the place changes, an agent who joined and writes, a closed conversation to rate,
//!   the leave-a-message form; in each of them, at both sizes, the "Talk to a human" button
//!   is drawn, not covered by anything, and asks for a person when clicked;
//! - the composer: Enter sends, an empty message is explained, text is never HTML;
//! - card numbers masked in the handoff packet;
//! - Arabic: right to left, translated, messages in their own direction;
//! - the keyboard: Esc closes, every button and field has a name, and Tab and Shift+Tab wrap
//!   around within the widget.
//!
//! Tests of known product bugs (the focus trap, forms that act on any click inside them) are
//! at the end, marked `#[ignore]` with the bug named, until it is fixed; run them with
//! `-- --include-ignored`.
//!
//! In the product the `App` carries out the shopper's [`Intent`]s against the server; here a
//! stand-in records every intent and changes the chat as `App` does (the chat's own rules
//! are covered natively, in `src/chat/tests.rs`).

use std::sync::{Arc, Mutex};

use leptos::{mount::mount_to, prelude::*, task::tick};
use tandem_protocol::{
    Author, Availability, ConversationCreated, ConversationState, ConversationStatus,
    HandoffReason, Message, Notice, Position, Problem, SiteInfo, fixture::announcement,
    live::ServerFrame, site::Hours,
};
use tandem_widget::{
    chat::{Chat, LineKind, Reply, Topic, Unavailable},
    handoff,
    i18n::{Strings, T},
    live::Connection,
    ui::{Actions, AssistantState, Intent, OfflineForm, Screen, Shell, View},
};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent,
    KeyboardEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

const STYLESHEET: &str = include_str!("../style/widget.css");
const ARABIC: &str = include_str!("../i18n/ar.json");

/// A small phone, and the panel on a desktop.
const PHONE: (u32, u32) = (320, 568);
const PANEL: (u32, u32) = (400, 640);

/// Marks the boxes these tests add to the page.
const FRAME_CLASS: &str = "tandem-test-frame";

/// A box of the given size for the widget, with the widget's stylesheet on the page.
fn frame((width, height): (u32, u32)) -> HtmlElement {
    let document = document();
    // A test that failed half-way left its widget behind: the widget finds its fields by id,
    // so no two may be on the page at once.
    let stale = document
        .query_selector_all(&format!(".{FRAME_CLASS}"))
        .unwrap();
    for i in 0..stale.length() {
        stale.item(i).unwrap().unchecked_into::<Element>().remove();
    }
    if document.get_element_by_id("widget-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("widget-css");
        style.set_text_content(Some(STYLESHEET));
        document.head().unwrap().append_child(&style).unwrap();
    }
    let frame: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    frame.set_class_name(FRAME_CLASS);
    let css = frame.style();
    css.set_property("width", &format!("{width}px")).unwrap();
    css.set_property("height", &format!("{height}px")).unwrap();
    // Pinned to the viewport's corner, so hit-testing sees it whatever else is on the page.
    for (property, value) in [
        ("position", "fixed"),
        ("top", "0"),
        ("left", "0"),
        ("z-index", "9"),
        ("background", "#fff"),
    ] {
        css.set_property(property, value).unwrap();
    }
    // The test browser's window is smaller than a phone (780×437 in headless Chromium), so
    // the box is scaled down to fit it: a transform leaves the layout inside untouched, and
    // hit-testing works in the scaled coordinates.
    let window = window();
    let fit = [
        window.inner_width().unwrap().as_f64().unwrap() / f64::from(width),
        window.inner_height().unwrap().as_f64().unwrap() / f64::from(height),
    ];
    let scale = fit.into_iter().fold(1.0, f64::min);
    css.set_property("transform-origin", "0 0").unwrap();
    css.set_property("transform", &format!("scale({scale})"))
        .unwrap();
    document.body().unwrap().append_child(&frame).unwrap();
    frame
}

type Calls = Arc<Mutex<Vec<Intent>>>;

/// The `Actions`, as a stand-in for the `App`: each intent is recorded (typing aside), and
/// the chat changes as `App` changes it (intents that need the server change nothing here).
fn actions(chat: RwSignal<Chat>, calls: &Calls) -> Actions {
    let calls = calls.clone();
    Callback::new(move |intent: Intent| {
        if intent != Intent::Typing {
            calls.lock().unwrap().push(intent.clone());
        }
        match intent {
            Intent::Human => chat.update(|c| c.ask_for_person(HandoffReason::Asked)),
            Intent::Send(text) => {
                let client_id = format!("c-{}", text.len());
                return chat
                    .try_update(|c| c.shopper_says(&text, client_id))
                    .unwrap()
                    .map(drop);
            }
            Intent::Choose(line, index) => chat.update(|c| c.choose(line, index)),
            Intent::Feedback(line, helpful) => chat.update(|c| {
                c.rate_answer(line, helpful);
            }),
            Intent::Dismiss => chat.update(Chat::dismiss_confirmation),
            Intent::MessageInstead => chat.update(|c| {
                c.back_to_assistant();
                c.offline(Unavailable::NoAgents);
            }),
            _ => {}
        }
        Ok(())
    })
}

/// The merchant's site as the widget loads it.
fn acme() -> SiteInfo {
    SiteInfo {
        id: "acme".into(),
        name: "Acme Outfitters — Mountain & Trail Supply".into(),
        availability: Availability::Online,
        brand_color: "#1d4ed8".into(),
        brand_text: "#ffffff".into(),
        position: Position::Right,
        greeting: GREETING.into(),
        languages: vec!["en".into(), "ar".into()],
        hours: None,
        reply_promise: "We reply within one working day.".into(),
        model_url: None,
        assistant_pending: false,
        launcher: None,
    }
}

/// The widget, mounted and drawn; taken off the page when dropped.
struct Widget {
    frame: HtmlElement,
    view: View,
    calls: Calls,
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.frame.remove();
    }
}

async fn mount(size: (u32, u32), chat: Chat) -> Widget {
    mount_with(size, chat, Strings::english(), acme()).await
}

async fn mount_with(size: (u32, u32), chat: Chat, strings: Strings, site: SiteInfo) -> Widget {
    let frame = frame(size);
    let view = View {
        chat: RwSignal::new(chat),
        screen: RwSignal::new(Screen {
            loaded: true,
            site: Some(site),
            strings,
            assistant: AssistantState::Ready,
            ..Screen::new()
        }),
    };
    let calls = Calls::default();
    let actions = actions(view.chat, &calls);
    mount_to(frame.clone(), move || view! { <Shell view actions /> }).forget();
    settle().await;
    Widget { frame, view, calls }
}

/// Lets the widget's effects run (they run asynchronously, some after others).
async fn settle() {
    for _ in 0..4 {
        tick().await;
    }
}

impl Widget {
    fn find(&self, selector: &str) -> HtmlElement {
        self.frame
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector} in the widget"))
            .unchecked_into()
    }

    fn all(&self, selector: &str) -> Vec<HtmlElement> {
        let list = self.frame.query_selector_all(selector).unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into())
            .collect()
    }

    fn text(&self, selector: &str) -> String {
        self.find(selector).text_content().unwrap_or_default()
    }

    /// Whether the element is drawn at all (not hidden, nor inside something hidden).
    fn shown(&self, selector: &str) -> bool {
        drawn(&self.find(selector))
    }

    /// The calls the widget made since the last look.
    fn take_calls(&self) -> Vec<Intent> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }

    /// What the server would change.
    fn update(&self, change: impl FnOnce(&mut Chat)) {
        self.view.chat.update(change);
    }

    /// Asserts the element is drawn, inside the box, and not covered by anything else: a
    /// click at its centre reaches it.
    fn assert_clickable(&self, selector: &str, situation: &str) {
        let element = self.find(selector);
        let rect = element.get_bounding_client_rect();
        let outer = self.frame.get_bounding_client_rect();
        assert!(
            rect.width() > 0.0 && rect.height() > 0.0,
            "{selector} is not drawn {situation}"
        );
        assert!(
            rect.left() >= outer.left() - 0.5
                && rect.right() <= outer.right() + 0.5
                && rect.top() >= outer.top() - 0.5
                && rect.bottom() <= outer.bottom() + 0.5,
            "{selector} sticks out of the {}×{} box {situation}",
            outer.width(),
            outer.height()
        );
        let (x, y) = (
            rect.left() + rect.width() / 2.0,
            rect.top() + rect.height() / 2.0,
        );
        let hit = document()
            .element_from_point(x as f32, y as f32)
            .unwrap_or_else(|| panic!("{selector} is outside the browser window {situation}"));
        assert!(
            element.contains(Some(&hit)),
            "{selector} is covered by <{}> {situation}",
            hit.outer_html().chars().take(120).collect::<String>()
        );
    }
}

fn drawn(element: &HtmlElement) -> bool {
    let rect = element.get_bounding_client_rect();
    rect.width() > 0.0 && rect.height() > 0.0
}

fn focused() -> Option<Element> {
    document().active_element()
}

/// Presses a key (`keydown`) on the element; false if the widget took it (prevented it).
fn press(target: &HtmlElement, key: &str, shift: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap()
}

/// Submits a form as the browser does for Enter in one of its fields (`requestSubmit`: the
/// fields are validated, then `submit` is fired).
fn submit(form: &HtmlElement) {
    let request: js_sys::Function = js_sys::Reflect::get(form, &"requestSubmit".into())
        .unwrap()
        .unchecked_into();
    request.call0(form).unwrap();
}

/// Types into a field, by id.
fn type_into(widget: &Widget, id: &str, text: &str) {
    let field = widget.find(&format!("#{id}"));
    match field.dyn_ref::<HtmlTextAreaElement>() {
        Some(area) => area.set_value(text),
        None => field.unchecked_ref::<HtmlInputElement>().set_value(text),
    }
}

// The chat in each of its states, reached the way the widget reaches them.

const GREETING: &str = "Hi! I'm Acme's assistant. How can I help?";
const RETURNS: &str = "You can return any item within 30 days for a full refund.";
const ANNA_SAYS: &str = "Hi, I'm Anna. Let me look at your order.";

fn topic(index: usize, id: &str, title: &str) -> Topic {
    Topic {
        index,
        id: id.into(),
        title: title.into(),
    }
}

fn answer_lines(chat: &Chat) -> Vec<u32> {
    chat.lines()
        .iter()
        .filter(|l| matches!(l.kind, LineKind::Answer { .. }))
        .map(|l| l.id)
        .collect()
}

fn answered() -> Chat {
    let mut chat = Chat::new(GREETING);
    chat.shopper_says("How long do I have to return something?", "c-1".into())
        .unwrap();
    chat.assistant_says(Reply::Answer {
        topic: topic(3, "returns", "Returns"),
        text: RETURNS.into(),
        confidence: 0.93,
    });
    chat
}

fn shipping_topics() -> Vec<Topic> {
    vec![
        topic(7, "delivery-times", "Delivery times"),
        topic(2, "shipping-costs", "Shipping costs"),
        topic(5, "shipping-abroad", "Shipping abroad"),
    ]
}

fn clarifying() -> Chat {
    let mut chat = Chat::new(GREETING);
    chat.shopper_says("shipping", "c-1".into()).unwrap();
    chat.assistant_says(Reply::Choices {
        topics: shipping_topics(),
        unsure: false,
    });
    chat
}

fn feedback_given() -> Chat {
    let mut chat = answered();
    assert!(chat.rate_answer(answer_lines(&chat)[0], true));
    chat
}

fn confirming() -> Chat {
    let mut chat = answered();
    chat.ask_for_person(HandoffReason::Asked);
    chat
}

fn connecting() -> Chat {
    let mut chat = confirming();
    assert_eq!(chat.start_handoff(), Some(HandoffReason::Asked));
    chat
}

fn created(position: u32, wait_secs: u32) -> ConversationCreated {
    ConversationCreated {
        id: "c1".into(),
        token: "t0k".into(),
        state: ConversationState::Queued,
        position: Some(position),
        estimated_wait_secs: Some(wait_secs),
        availability: Availability::Online,
        // The transcript: the question and the answer.
        transcript_seq: 2,
    }
}

fn waiting(position: u32, wait_secs: u32) -> Chat {
    let mut chat = connecting();
    chat.handed_over(&created(position, wait_secs));
    chat
}

/// The server's news about the conversation; Anna has it unless it is queued.
fn status(state: ConversationState, position: Option<u32>, wait: Option<u32>) -> ServerFrame {
    ServerFrame::Status {
        status: ConversationStatus {
            id: "c1".into(),
            state,
            position,
            estimated_wait_secs: wait,
            agent_name: (state != ConversationState::Queued).then(|| "Anna".into()),
            rating: None,
            returned_to_assistant: false,
            no_agents: false,
        },
    }
}

fn message(seq: u64, author: Author, text: &str) -> ServerFrame {
    ServerFrame::Message {
        message: Message {
            agent_name: (author == Author::Agent).then(|| "Anna".into()),
            ..tandem_protocol::fixture::message(seq, author, text, None)
        },
    }
}

fn joined() -> Notice {
    Notice::Joined {
        name: "Anna".into(),
    }
}

fn with_agent() -> Chat {
    let mut chat = waiting(3, 300);
    chat.apply(status(ConversationState::WithAgent, None, None));
    chat.apply(message(3, Author::Agent, ANNA_SAYS));
    chat
}

fn closed() -> Chat {
    let mut chat = with_agent();
    chat.apply(status(ConversationState::Closed, None, None));
    chat
}

fn offline(why: Unavailable) -> Chat {
    let mut chat = connecting();
    chat.offline(why);
    chat
}

fn message_left() -> Chat {
    let mut chat = offline(Unavailable::NoAgents);
    chat.message_left("sam@example.com");
    chat
}

/// Forty long messages, then `then`.
fn long(then: fn(&mut Chat)) -> Chat {
    let mut chat = answered();
    for i in 0..40 {
        let text = format!("A long conversation, message {i}, {}", "word ".repeat(30));
        chat.shopper_says(&text, format!("c-{i}")).unwrap();
    }
    then(&mut chat);
    chat
}

/// Every state of the chat: its name, the chat, and the state's own control.
fn every_state() -> Vec<(&'static str, Chat, &'static str)> {
    vec![
        ("with an answer", answered(), ".feedback .yes"),
        ("with a clarifying question", clarifying(), ".choice"),
        ("after feedback", feedback_given(), "#tandem-message"),
        ("confirming a handoff", confirming(), "[data-act=confirm]"),
        ("connecting", connecting(), "#tandem-message"),
        ("waiting in line", waiting(3, 300), "[data-act=leave-queue]"),
        ("with an agent", with_agent(), "#tandem-message"),
        ("closed", closed(), ".star[data-n='5']"),
        (
            "offline",
            offline(Unavailable::NoAgents),
            "#tandem-offline-email",
        ),
        (
            "after leaving a message",
            message_left(),
            "[data-part=sent] [data-act=back]",
        ),
        ("after a long conversation", long(|_| {}), "#tandem-message"),
        (
            "confirming after a long conversation",
            long(|c| c.ask_for_person(HandoffReason::Asked)),
            "[data-act=confirm]",
        ),
        (
            "offline after a long conversation",
            long(|c| c.offline(Unavailable::AfterHours)),
            "#tandem-offline-email",
        ),
    ]
}

#[wasm_bindgen_test]
async fn the_human_button_is_visible_and_works_in_every_state_at_both_sizes() {
    for size in [PHONE, PANEL] {
        for (situation, chat, control) in every_state() {
            let widget = mount(size, chat).await;
            let situation = format!("{situation} at {}×{}", size.0, size.1);
            assert_eq!(widget.text("[data-act=human]"), "Talk to a human");
            assert_eq!(
                widget.text(".title"),
                "Acme Outfitters — Mountain & Trail Supply"
            );
            widget.assert_clickable("[data-act=human]", &situation);
            widget.assert_clickable(control, &situation);
            widget.find("[data-act=human]").click();
            assert_eq!(widget.take_calls(), [Intent::Human], "{situation}");
        }
    }
}

#[wasm_bindgen_test]
async fn an_answer_asks_whether_it_helped_and_takes_the_reply() {
    let mut chat = answered();
    chat.shopper_says("And exchanges?", "c-2".into()).unwrap();
    chat.assistant_says(Reply::Answer {
        topic: topic(4, "exchanges", "Exchanges"),
        text: "Exchanges are free within 30 days.".into(),
        confidence: 0.88,
    });
    let lines = answer_lines(&chat);
    let widget = mount(PHONE, chat).await;

    let answers = widget.all("li.answer");
    assert_eq!(answers.len(), 2);
    let first = answers[0].query_selector(".text").unwrap().unwrap();
    assert_eq!(first.text_content().unwrap(), RETURNS);
    for answer in &answers {
        let who = answer.query_selector(".who-label").unwrap().unwrap();
        assert_eq!(who.text_content().unwrap(), "Assistant");
        let feedback = answer.query_selector(".feedback").unwrap().unwrap();
        assert!(feedback.text_content().unwrap().contains("Did this help?"));
        let yes = answer.query_selector(".yes").unwrap().unwrap();
        let no = answer.query_selector(".no").unwrap().unwrap();
        assert_eq!(yes.text_content().unwrap(), "Yes");
        assert_eq!(no.text_content().unwrap(), "No");
    }
    widget.assert_clickable("li.answer:last-child .yes", "on the newest answer");
    widget.assert_clickable("li.answer:last-child .no", "on the newest answer");

    // Yes on the first answer, no on the second: each reaches the App with its own line.
    answers[0]
        .query_selector(".yes")
        .unwrap()
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Feedback(lines[0], true)]);
    let answers = widget.all("li.answer");
    let thanks = answers[0].query_selector(".feedback-thanks").unwrap();
    assert_eq!(
        thanks
            .expect("thanks for the feedback")
            .text_content()
            .unwrap(),
        "Thanks for telling us."
    );
    assert!(answers[0].query_selector(".feedback").unwrap().is_none());
    assert!(answers[1].query_selector(".feedback").unwrap().is_some());

    widget.find("li.answer:last-child .no").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Feedback(lines[1], false)]);
    assert_eq!(
        widget.text("li.answer:last-child .feedback-thanks"),
        "Thanks for telling us."
    );
    assert!(widget.all(".feedback button").is_empty());
}

#[wasm_bindgen_test]
async fn a_clarifying_question_offers_its_topics_as_buttons() {
    let chat = clarifying();
    let line = chat.lines().last().unwrap().id;
    let widget = mount(PHONE, chat).await;
    assert_eq!(
        widget.text("li.choices .text"),
        "Which of these did you mean?"
    );
    let titles: Vec<String> = widget
        .all("li.choices button.choice")
        .iter()
        .map(|b| b.text_content().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Delivery times", "Shipping costs", "Shipping abroad"]
    );
    for (i, choice) in widget.all(".choice").iter().enumerate() {
        assert_eq!(
            choice.get_attribute("aria-pressed").as_deref(),
            Some("false")
        );
        assert!(!choice.has_attribute("disabled"));
        widget.assert_clickable(
            &format!(".choice:nth-child({})", i + 1),
            "in a clarifying question",
        );
    }

    // The second button is the entry with index 2.
    widget.find(".choice:nth-child(2)").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Choose(line, 2)]);
    let pressed: Vec<Option<String>> = widget
        .all(".choice")
        .iter()
        .map(|b| b.get_attribute("aria-pressed"))
        .collect();
    assert_eq!(
        pressed,
        [
            Some("false".into()),
            Some("true".into()),
            Some("false".into())
        ]
    );
    assert!(
        widget
            .all(".choice")
            .iter()
            .all(|b| b.has_attribute("disabled")),
        "a question is answered once"
    );
    drop(widget);

    // Unsure, with two guesses: the prompt says so.
    let mut unsure = Chat::new(GREETING);
    unsure.assistant_says(Reply::Choices {
        topics: shipping_topics()[..2].to_vec(),
        unsure: true,
    });
    let widget = mount(PHONE, unsure).await;
    assert!(
        widget
            .text("li.choices .text")
            .starts_with("I'm not sure I understood.")
    );
    assert_eq!(widget.all(".choice").len(), 2);
    drop(widget);

    // Unsure with nothing likely enough to guess (another language, gibberish): asked to
    // rephrase, no topic buttons, the person still one click away.
    let mut lost = Chat::new(GREETING);
    lost.assistant_says(Reply::Choices {
        topics: Vec::new(),
        unsure: true,
    });
    let widget = mount(PHONE, lost).await;
    assert_eq!(
        widget.text("li.choices .text"),
        Strings::english().get(T::UnsureNoGuess)
    );
    assert!(widget.all(".choice").is_empty());
    widget.assert_clickable("[data-act=human]", "unsure with no guess");
}

/// Whether a scrolling list shows its end (the newest line).
fn at_end(list: &HtmlElement) -> bool {
    list.scroll_top() + list.client_height() >= list.scroll_height() - 1
}

#[wasm_bindgen_test]
async fn the_newest_line_stays_in_view_when_the_bottom_of_the_widget_changes() {
    let widget = mount(PHONE, long(|_| {})).await;
    let list = widget.find(".messages");
    assert!(
        list.scroll_height() > list.client_height(),
        "a list that scrolls"
    );
    assert!(at_end(&list), "the newest line in view");
    // The confirmation takes more room than the composer: what was just said (a sensitive
    // topic's safety line, say) stays in view above it.
    widget.find("[data-act=human]").click();
    settle().await;
    assert!(widget.shown(".confirm"));
    assert!(
        at_end(&list),
        "the newest line in view above the confirmation"
    );
    widget.find("[data-act=dismiss]").click();
    settle().await;
    assert!(widget.shown(".composer"));
    assert!(at_end(&list), "and above the composer again");
    // A sensitive topic: its safety line and the confirmation come together.
    widget.view.chat.update(|c| {
        c.shopper_says("my card was stolen", "c-stolen".into())
            .unwrap();
        c.assistant_says(Reply::Handoff {
            reason: HandoffReason::Sensitive,
            safety: Some("Call your bank to block the card. ".repeat(4)),
            guesses: vec![],
        });
    });
    settle().await;
    assert!(widget.shown(".confirm"));
    assert!(
        at_end(&list),
        "the safety line in view above the confirmation"
    );
    // No one can come: the leave-a-message form, whose texts are filled in as it shows.
    widget.update(|c| {
        c.start_handoff();
        c.offline(Unavailable::AfterHours);
    });
    settle().await;
    assert!(widget.shown(".offline"));
    assert!(at_end(&list), "the newest line in view above the form");
}

#[wasm_bindgen_test]
async fn links_the_merchant_wrote_in_the_greeting_and_a_safety_line_are_links() {
    let mut chat = Chat::new("Hi! Our [opening hours](https://acme.example/hours).");
    chat.shopper_says("I want a chargeback", "c-back".into())
        .unwrap();
    chat.assistant_says(Reply::Handoff {
        reason: HandoffReason::Sensitive,
        safety: Some("See our [dispute guide](https://acme.example/disputes).".into()),
        guesses: vec![],
    });
    let widget = mount(PANEL, chat).await;
    for (line, url) in [
        ("li.assistant", "https://acme.example/hours"),
        ("li.safety", "https://acme.example/disputes"),
    ] {
        let link = widget.find(&format!("{line} a"));
        assert_eq!(link.get_attribute("href").as_deref(), Some(url));
        assert!(
            !widget.text(&format!("{line} .text")).contains("]("),
            "no Markdown shown in {line}"
        );
    }
}

#[wasm_bindgen_test]
async fn asking_for_a_person_shows_the_confirmation_with_its_button_focused() {
    let widget = mount(PHONE, answered()).await;
    assert!(!widget.shown(".confirm"));
    assert!(widget.shown(".composer"));

    widget.find("[data-act=human]").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Human]);
    assert!(widget.shown(".confirm"), "the confirmation is shown");
    assert!(!widget.shown(".composer"));
    assert_eq!(widget.text("#tandem-confirm-title"), "Talk to a person?");
    assert!(
        widget
            .text(".confirm p")
            .contains("Card numbers are hidden.")
    );
    let yes = widget.find("[data-act=confirm]");
    assert_eq!(yes.text_content().unwrap(), "Connect me");
    assert_eq!(
        focused(),
        Some(yes.unchecked_into()),
        "the confirm button has the focus"
    );
    widget.assert_clickable("[data-act=confirm]", "when confirming");
    widget.assert_clickable("[data-act=dismiss]", "when confirming");

    widget.find("[data-act=dismiss]").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Dismiss]);
    assert!(!widget.shown(".confirm"));
    assert!(widget.shown(".composer"));
    assert_eq!(
        focused(),
        Some(widget.find("#tandem-message").unchecked_into()),
        "the focused button went with the confirmation: the composer has the focus, not the page"
    );

    widget.find("[data-act=human]").click();
    settle().await;
    widget.find("[data-act=confirm]").click();
    assert_eq!(widget.take_calls(), [Intent::Human, Intent::Confirm]);
}

#[wasm_bindgen_test]
async fn without_an_assistant_the_shopper_is_told_a_person_will_answer() {
    let widget = mount(PANEL, Chat::new("Hi!")).await;
    assert_eq!(widget.text(".status .place"), "");
    widget
        .view
        .screen
        .update(|s| s.assistant = AssistantState::Absent);
    settle().await;
    assert_eq!(
        widget.text(".status .place"),
        "Our team will answer your questions in person."
    );
}

#[wasm_bindgen_test]
async fn waiting_in_line_shows_the_place_as_it_changes() {
    let widget = mount(PHONE, connecting()).await;
    assert_eq!(
        widget.text(".status .place"),
        "Connecting you with a person…"
    );
    assert!(!widget.shown("[data-act=leave-queue]"));

    widget.update(|c| c.handed_over(&created(3, 300)));
    settle().await;
    assert_eq!(
        widget.text(".status .place"),
        "You are number 3 in line. Estimated wait: about 5 min."
    );
    assert_eq!(
        widget.find(".status").get_attribute("role").as_deref(),
        Some("status"),
        "changes are announced"
    );
    assert!(widget.shown(".status .hint"));
    assert!(widget.shown(".composer"), "the shopper can keep asking");
    widget.assert_clickable("[data-act=leave-queue]", "while waiting");

    widget.update(|c| {
        c.apply(status(ConversationState::Queued, Some(2), Some(90)));
    });
    settle().await;
    assert_eq!(
        widget.text(".status .place"),
        "You are number 2 in line. Estimated wait: about 2 min."
    );

    widget.update(|c| {
        c.apply(status(ConversationState::Queued, Some(1), Some(20)));
    });
    settle().await;
    assert_eq!(
        widget.text(".status .place"),
        "You are next in line. Someone will be with you shortly."
    );

    assert!(!widget.shown("[data-act=message-instead]"));

    // Everyone went away: the shopper is told, and may leave a message instead of waiting.
    widget.update(|c| {
        let ServerFrame::Status { mut status } = status(ConversationState::Queued, Some(1), None)
        else {
            unreachable!()
        };
        status.no_agents = true;
        c.apply(ServerFrame::Status { status });
    });
    settle().await;
    assert_eq!(
        widget.text(".status .place"),
        "You are next in line. No one from our team is available right now."
    );
    widget.assert_clickable("[data-act=message-instead]", "while no one is available");
    assert_eq!(
        widget.text("[data-act=message-instead]"),
        "Leave a message instead"
    );
    widget.find("[data-act=message-instead]").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::MessageInstead]);
    assert!(widget.shown(".offline"), "the leave-a-message form");
    assert!(!widget.shown("[data-act=message-instead]"));
    assert_eq!(
        focused(),
        Some(widget.find("#tandem-offline-email").unchecked_into()),
        "the focus goes to the form's first field"
    );
}

#[wasm_bindgen_test]
async fn the_queue_can_be_left() {
    let widget = mount(PHONE, waiting(3, 300)).await;
    widget.find("[data-act=leave-queue]").click();
    assert_eq!(widget.take_calls(), [Intent::LeaveQueue]);
}

#[wasm_bindgen_test]
async fn a_sent_message_changes_in_place_so_screen_readers_do_not_read_it_again() {
    let widget = mount(PANEL, with_agent()).await;
    widget.update(|c| {
        c.shopper_says("Is it on its way?", "c-9".into()).unwrap();
    });
    settle().await;
    let line = widget.all("li.shopper").pop().unwrap();
    let words = line.query_selector(".text").unwrap().unwrap();
    assert!(line.text_content().unwrap().contains("Sending…"));
    widget.update(|c| {
        c.apply(ServerFrame::Ack {
            client_id: "c-9".into(),
            seq: 9,
        });
    });
    settle().await;
    assert!(line.is_connected(), "the same line element, not a new one");
    assert!(words.is_connected(), "its words are not added again");
    assert!(line.text_content().unwrap().contains("Sent"));
    assert!(!line.text_content().unwrap().contains("Sending…"));
}

#[wasm_bindgen_test]
async fn an_agent_who_joins_is_named_and_their_messages_are_shown() {
    let widget = mount(PHONE, waiting(1, 30)).await;
    assert_eq!(widget.text(".agent-name"), "");

    widget.update(|c| {
        c.apply(status(ConversationState::WithAgent, None, None));
        c.apply(ServerFrame::Message {
            message: announcement(3, joined()),
        });
    });
    settle().await;
    assert_eq!(widget.text(".agent-name"), "Anna");
    assert!(widget.shown(".agent-name"));
    assert_eq!(widget.text(".status .place"), "");
    assert!(!widget.shown("[data-act=leave-queue]"));
    assert_eq!(
        widget.text("li.notice .text"),
        "Anna joined the conversation."
    );

    widget.update(|c| {
        c.apply(ServerFrame::Typing {
            author: Author::Agent,
            typing: true,
        });
    });
    settle().await;
    assert_eq!(widget.text(".status .place"), "Anna is typing…");

    widget.update(|c| {
        c.apply(message(4, Author::Agent, ANNA_SAYS));
    });
    settle().await;
    assert_eq!(widget.text("li.agent .who-label"), "Anna");
    assert_eq!(widget.text("li.agent .text"), ANNA_SAYS);
    assert_eq!(widget.text(".status .place"), "", "typing ended");
    widget.assert_clickable("li.agent .text", "with an agent");
    // An answer from the knowledge base sent on by the agent keeps its link; other markup
    // stays text.
    widget.update(|c| {
        c.apply(message(
            5,
            Author::Agent,
            "Track it on the [order page](https://acme.example/orders). <b>Thanks</b>",
        ));
    });
    settle().await;
    let link = widget.find("li.agent:last-child a");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("https://acme.example/orders")
    );
    assert_eq!(link.get_attribute("target").as_deref(), Some("_blank"));
    assert!(
        widget
            .text("li.agent:last-child .text")
            .starts_with("Track it on the order page")
    );
    assert!(
        widget
            .text("li.agent:last-child .text")
            .ends_with(". <b>Thanks</b>")
    );
    assert!(widget.all("li.agent b").is_empty());

    // The connection drops: the shopper is told, and can still ask for a person.
    widget
        .view
        .screen
        .update(|s| s.connection = Connection::Retrying);
    settle().await;
    assert!(widget.shown(".banner"));
    assert_eq!(
        widget.text(".banner"),
        "You are offline. Messages will be sent when the connection is back."
    );
    widget.assert_clickable("[data-act=human]", "while reconnecting");
    // Each new try: the banner stays, not announced again.
    widget
        .view
        .screen
        .update(|s| s.connection = Connection::Connecting);
    settle().await;
    assert!(widget.shown(".banner"), "still offline while it tries");
    widget
        .view
        .screen
        .update(|s| s.connection = Connection::Open);
    settle().await;
    assert!(!widget.shown(".banner"));
}

#[wasm_bindgen_test]
async fn a_closed_conversation_asks_for_one_to_five_stars() {
    let widget = mount(PHONE, closed()).await;
    assert!(widget.shown(".rating"));
    assert!(!widget.shown(".composer"));
    assert_eq!(widget.text(".rating .ended"), "The conversation has ended.");
    assert_eq!(widget.text(".rating legend"), "How did we do?");
    let stars = widget.all(".rating .star");
    assert_eq!(stars.len(), 5);
    for (i, star) in stars.iter().enumerate() {
        assert_eq!(
            star.get_attribute("aria-label"),
            Some(format!("{} out of 5", i + 1))
        );
        assert_eq!(star.get_attribute("aria-pressed").as_deref(), Some("false"));
        widget.assert_clickable(&format!(".star[data-n='{}']", i + 1), "in the rating form");
    }
    let send = widget.find(".rating [type=submit]");
    assert_eq!(send.text_content().unwrap(), "Send rating");
    assert!(send.has_attribute("disabled"), "no rating without a star");

    widget.find(".star[data-n='4']").click();
    settle().await;
    let pressed: Vec<bool> = widget
        .all(".rating .star")
        .iter()
        .map(|s| s.get_attribute("aria-pressed").as_deref() == Some("true"))
        .collect();
    assert_eq!(pressed, [false, false, false, true, false]);
    assert!(!send.has_attribute("disabled"), "a star was chosen");

    type_into(&widget, "tandem-rating-comment", "Quick and kind.");
    submit(&widget.find("form.rating"));
    assert_eq!(
        widget.take_calls(),
        [Intent::Rate(4, "Quick and kind.".into())]
    );

    // Not sent (offline, say), and the shopper asks for a person again: the next
    // conversation's form starts afresh, with no star chosen and no comment.
    let mut next = connecting();
    next.handed_over(&ConversationCreated {
        id: "c2".into(),
        ..created(1, 60)
    });
    next.apply(status(ConversationState::WithAgent, None, None));
    next.apply(status(ConversationState::Closed, None, None));
    widget.view.chat.set(next);
    settle().await;
    assert!(widget.shown(".rating"));
    assert!(
        widget
            .all(".rating .star")
            .iter()
            .all(|s| s.get_attribute("aria-pressed").as_deref() == Some("false")),
        "the star chosen for the conversation before"
    );
    assert!(send.has_attribute("disabled"));
    let comment = widget.find("#tandem-rating-comment");
    assert_eq!(comment.unchecked_ref::<HtmlTextAreaElement>().value(), "");
    submit(&widget.find("form.rating"));
    assert!(
        widget.take_calls().is_empty(),
        "nothing rated without a star"
    );
}

#[wasm_bindgen_test]
async fn the_offline_form_takes_an_email_a_name_and_a_message() {
    let widget = mount(PHONE, offline(Unavailable::NoAgents)).await;
    assert!(widget.shown("form.offline"));
    assert!(!widget.shown(".composer"));
    assert_eq!(widget.text("#tandem-offline-title"), "Leave us a message");
    assert_eq!(
        widget.text(".offline-why"),
        "No one from our team is available right now. We reply within one working day."
    );
    for (id, label) in [
        ("tandem-offline-email", "Your email"),
        ("tandem-offline-name", "Your name (optional)"),
        ("tandem-offline-message", "Your message"),
    ] {
        assert!(widget.shown(&format!("#{id}")), "#{id} is shown");
        assert_eq!(widget.text(&format!("label[for={id}]")), label);
    }
    assert_eq!(
        widget
            .find("#tandem-offline-email")
            .get_attribute("type")
            .as_deref(),
        Some("email")
    );

    type_into(&widget, "tandem-offline-email", "sam@example.com");
    type_into(&widget, "tandem-offline-name", "Sam");
    type_into(&widget, "tandem-offline-message", "Where is order 1042?");
    submit(&widget.find("form.offline"));
    assert_eq!(
        widget.take_calls(),
        [Intent::LeaveMessage(OfflineForm {
            email: "sam@example.com".into(),
            name: "Sam".into(),
            message: "Where is order 1042?".into(),
        })]
    );

    // The server took it: the promise, and the address the reply goes to.
    widget.update(|c| c.message_left("sam@example.com"));
    settle().await;
    assert!(!widget.shown("form.offline"));
    assert_eq!(
        widget.text(".offline-sent"),
        "Thanks! We have your message. We reply within one working day. \
         We will write to sam@example.com."
    );
    // The focus was in the form, which went: it is on the way back, which a screen reader
    // reads with the promise.
    let back = widget.find("[data-part=sent] [data-act=back]");
    assert_eq!(focused(), Some(back.clone().unchecked_into()));
    let described = back.get_attribute("aria-describedby").unwrap();
    assert!(
        widget
            .text(&format!("#{described}"))
            .starts_with("Thanks! We have your message.")
    );
    back.click();
    assert_eq!(widget.take_calls(), [Intent::Back]);
}

#[wasm_bindgen_test]
async fn after_hours_the_offline_form_shows_the_opening_hours() {
    let nine_to_five = || vec![["09:00".to_owned(), "17:00".to_owned()]];
    let site = SiteInfo {
        hours: Some(Hours {
            timezone: "Europe/Berlin".into(),
            days: [
                nine_to_five(),
                nine_to_five(),
                nine_to_five(),
                nine_to_five(),
                nine_to_five(),
                vec![],
                vec![],
            ],
        }),
        ..acme()
    };
    let chat = offline(Unavailable::AfterHours);
    let widget = mount_with(PHONE, chat, Strings::english(), site).await;
    assert_eq!(
        widget.text(".offline-why"),
        "We are closed right now. We reply within one working day."
    );
    assert_eq!(
        widget.text(".hours"),
        "Our hours: Mon 09:00–17:00; Tue 09:00–17:00; Wed 09:00–17:00; Thu 09:00–17:00; \
         Fri 09:00–17:00; Sat closed; Sun closed (Europe/Berlin)"
    );
}

#[wasm_bindgen_test]
async fn enter_sends_a_message_and_an_empty_one_is_explained() {
    let widget = mount(PANEL, Chat::new(GREETING)).await;
    let input = widget.find("#tandem-message");
    assert_eq!(widget.text("label[for=tandem-message]"), "Your message");
    assert!(!widget.shown(".composer .compose-error"));

    assert!(!press(&input, "Enter", false), "the widget takes Enter");
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Send(String::new())]);
    assert_eq!(
        widget.text(".composer .compose-error"),
        "Type a message first."
    );
    assert!(widget.shown(".composer .compose-error"));
    assert!(widget.all("li.shopper").is_empty());

    type_into(&widget, "tandem-message", "Can I pay <b>by invoice</b>?");
    assert!(
        press(&input, "Enter", true),
        "Shift+Enter starts a new line"
    );
    assert_eq!(widget.take_calls(), []);
    press(&input, "Enter", false);
    settle().await;
    assert_eq!(
        widget.take_calls(),
        [Intent::Send("Can I pay <b>by invoice</b>?".into())]
    );
    // Shown as the shopper typed it: text, never HTML.
    let line = widget.find("li.shopper .text");
    assert_eq!(line.text_content().unwrap(), "Can I pay <b>by invoice</b>?");
    assert!(widget.all("li b").is_empty());
    assert_eq!(line.get_attribute("dir").as_deref(), Some("auto"));
    let value = input.unchecked_ref::<HtmlTextAreaElement>().value();
    assert_eq!(value, "", "the box is emptied");
    assert!(
        !widget.shown(".composer .compose-error"),
        "the error is gone"
    );

    // Submitting the form (as the Send button does) sends too.
    type_into(&widget, "tandem-message", "Do you ship to Norway?");
    submit(&widget.find("form.composer"));
    settle().await;
    assert_eq!(
        widget.take_calls(),
        [Intent::Send("Do you ship to Norway?".into())]
    );
    assert_eq!(widget.all("li.shopper").len(), 2);
}

#[wasm_bindgen_test]
async fn words_typed_and_not_sent_are_there_again_on_the_next_page() {
    // A test that failed half-way must not leave its words in every later widget.
    let stored = window().local_storage().unwrap().unwrap();
    stored.remove_item("tandem-draft").unwrap();
    let widget = mount(PANEL, answered()).await;
    // Typed as a browser does it: the value changes, then `input` bubbles up.
    type_into(
        &widget,
        "tandem-message",
        "My card 4242 4242 4242 4242 was charged tw",
    );
    let init = EventInit::new();
    init.set_bubbles(true);
    let input = Event::new_with_event_init_dict("input", &init).unwrap();
    widget
        .find("#tandem-message")
        .dispatch_event(&input)
        .unwrap();
    settle().await;
    drop(widget);

    // The shop's next page: the words are back, the card number masked as in every line kept.
    let widget = mount(PANEL, answered()).await;
    let composer = widget.find("#tandem-message");
    assert_eq!(
        composer.unchecked_ref::<HtmlTextAreaElement>().value(),
        "My card •••• 4242 was charged tw"
    );
    // Sent, nothing is kept.
    submit(&widget.find("form.composer"));
    settle().await;
    drop(widget);
    let widget = mount(PANEL, answered()).await;
    assert_eq!(
        widget
            .find("#tandem-message")
            .unchecked_ref::<HtmlTextAreaElement>()
            .value(),
        ""
    );
}

#[wasm_bindgen_test]
fn card_numbers_are_masked_in_the_handoff_packet() {
    let mut chat = answered();
    let said = [
        "my card 4242 4242 4242 4242 was charged twice",
        "the other one is 5555-5555-5555-4444",
    ];
    for (i, text) in said.iter().enumerate() {
        chat.shopper_says(text, format!("c-{i}")).unwrap();
    }
    chat.ask_for_person(HandoffReason::Asked);
    let reason = chat.start_handoff().unwrap();
    let packet = handoff::packet("acme", &chat, reason, None, "en");
    let texts: Vec<&str> = packet.transcript.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "How long do I have to return something?",
            RETURNS,
            "my card •••• 4242 was charged twice",
            "the other one is •••• 4444",
        ]
    );
    for text in texts {
        assert!(!text.contains("4242 4242 4242 4242"), "{text}");
        assert!(!text.contains("5555-5555"), "{text}");
    }
}

#[wasm_bindgen_test]
async fn lines_drawn_before_the_language_was_known_are_drawn_again_in_it() {
    let widget = mount(PANEL, waiting(1, 30)).await;
    assert_eq!(widget.text(".feedback .yes"), "Yes");
    let refusal = |status, detail: &str| Problem {
        kind: "about:blank".into(),
        title: "Refused".into(),
        status,
        detail: Some(detail.into()),
    };
    widget.update(|c| {
        c.apply(ServerFrame::Message {
            message: announcement(3, joined()),
        });
        // The conversation could not be resumed: back to the assistant, with the reason;
        // then in line again, with a message the server refused.
        c.apply(ServerFrame::Error {
            problem: refusal(401, "The conversation token is missing or wrong."),
            client_id: None,
        });
        c.handed_over(&created(1, 30));
        c.shopper_says("Hello?", "c-9".into()).unwrap();
        c.apply(ServerFrame::Error {
            problem: refusal(429, "Slow down."),
            client_id: Some("c-9".into()),
        });
    });
    settle().await;
    // In English, the server's own words.
    assert!(widget.text(".delivery.failed").contains("Slow down."));
    assert!(
        widget.all("li.notice .text")[1]
            .text_content()
            .unwrap_or_default()
            .contains("token")
    );
    let lines = widget.all(".messages li").len();
    let arabic = Strings::from_json("ar", ARABIC).unwrap();
    let yes = arabic.get(T::Yes).to_owned();
    let tandems_lines = [
        arabic.notice(&joined()),
        arabic.get(T::ErrorGeneric).to_owned(),
    ];
    let refused = format!("{} {}", arabic.get(T::Failed), arabic.get(T::TooMany));
    widget.view.screen.update(|s| s.strings = arabic);
    settle().await;
    assert_eq!(widget.text(".feedback .yes"), yes);
    // Tandem's own lines too, though the server wrote them in English.
    let drawn: Vec<String> = widget
        .all("li.notice .text")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    assert_eq!(drawn, tandems_lines);
    assert!(
        widget.text(".delivery.failed").starts_with(&refused),
        "{}",
        widget.text(".delivery.failed")
    );
    assert_eq!(widget.all(".messages li").len(), lines, "each line once");
}

#[wasm_bindgen_test]
async fn arabic_is_written_right_to_left() {
    let arabic = Strings::from_json("ar", ARABIC).unwrap();
    let talk_to_human = arabic.get(T::TalkToHuman).to_owned();
    assert_ne!(talk_to_human, "Talk to a human", "ar.json translates it");
    let mut chat = answered();
    chat.shopper_says("هل تشحنون إلى الرياض؟", "c-2".into())
        .unwrap();
    for size in [PHONE, PANEL] {
        let widget = mount_with(size, chat.clone(), arabic.clone(), acme()).await;
        let situation = format!("in Arabic at {}×{}", size.0, size.1);
        let root = widget.find(".tandem");
        assert_eq!(root.get_attribute("dir").as_deref(), Some("rtl"));
        assert_eq!(root.get_attribute("lang").as_deref(), Some("ar"));
        assert_eq!(widget.text("[data-act=human]"), talk_to_human);
        assert_eq!(widget.text(".feedback .yes"), arabic.get(T::Yes));
        let texts = widget.all(".messages .text");
        assert_eq!(texts.len(), 4, "greeting, question, answer, question");
        for text in texts {
            assert_eq!(
                text.get_attribute("dir").as_deref(),
                Some("auto"),
                "{:?} takes its own direction",
                text.text_content()
            );
        }
        widget.assert_clickable("[data-act=human]", &situation);
        // Mirrored: the title on the right, the close button on the far left.
        let (who, human, close) = (
            widget.find(".who").get_bounding_client_rect(),
            widget.find("[data-act=human]").get_bounding_client_rect(),
            widget.find("[data-act=close]").get_bounding_client_rect(),
        );
        assert!(
            close.right() <= human.left() + 0.5 && human.right() <= who.left() + 0.5,
            "the header is mirrored {situation}"
        );
    }
}

#[wasm_bindgen_test]
async fn escape_closes_the_chat() {
    let widget = mount(PANEL, answered()).await;
    press(&widget.find("#tandem-message"), "Escape", false);
    assert_eq!(widget.take_calls(), [Intent::Close]);
    press(&widget.find("[data-act=human]"), "Escape", false);
    assert_eq!(widget.take_calls(), [Intent::Close]);
    widget.find("[data-act=close]").click();
    assert_eq!(widget.take_calls(), [Intent::Close]);
}

#[wasm_bindgen_test]
async fn every_button_and_field_has_a_name() {
    for (situation, chat, _) in every_state() {
        let widget = mount(PANEL, chat).await;
        for button in widget.all("button") {
            let name = button
                .get_attribute("aria-label")
                .or_else(|| button.text_content())
                .unwrap_or_default();
            assert!(
                !name.trim().is_empty(),
                "a button without a name {situation}: {}",
                button.outer_html()
            );
        }
        for field in widget.all("textarea, input") {
            let label = widget.text(&format!("label[for={}]", field.id()));
            assert!(
                !label.trim().is_empty(),
                "#{} has no label {situation}",
                field.id()
            );
        }
        assert_eq!(
            widget
                .find("[data-act=close]")
                .get_attribute("aria-label")
                .as_deref(),
            Some("Close chat")
        );
    }
}

// Regressions once found here: a click inside a form (into a field) submitted it, a submit
// button acted twice (its click, then the form's submit), and the focus trap counted the
// controls of hidden parts.

#[wasm_bindgen_test]
async fn each_submit_button_acts_once() {
    let widget = mount(PANEL, Chat::new(GREETING)).await;
    type_into(&widget, "tandem-message", "Hello");
    widget.find(".composer .send").click();
    settle().await;
    assert_eq!(widget.take_calls(), [Intent::Send("Hello".into())]);
    assert_eq!(
        widget.text(".composer .compose-error"),
        "",
        "no error after a message was sent"
    );
    drop(widget);

    let widget = mount(PANEL, closed()).await;
    widget.find(".star[data-n='3']").click();
    settle().await;
    widget.find(".rating [type=submit]").click();
    assert_eq!(widget.take_calls(), [Intent::Rate(3, String::new())]);
    drop(widget);

    let widget = mount(PANEL, offline(Unavailable::NoAgents)).await;
    type_into(&widget, "tandem-offline-email", "sam@example.com");
    type_into(&widget, "tandem-offline-message", "Where is order 1042?");
    widget.find("form.offline [type=submit]").click();
    assert_eq!(
        widget.take_calls(),
        [Intent::LeaveMessage(OfflineForm {
            email: "sam@example.com".into(),
            name: String::new(),
            message: "Where is order 1042?".into(),
        })]
    );
}

#[wasm_bindgen_test]
async fn clicking_into_a_field_submits_nothing() {
    let widget = mount(PANEL, Chat::new(GREETING)).await;
    widget.find("#tandem-message").click();
    widget.find("label[for=tandem-message]").click();
    settle().await;
    assert_eq!(widget.take_calls(), []);
    assert_eq!(widget.text(".composer .compose-error"), "");
    drop(widget);

    let widget = mount(PANEL, closed()).await;
    widget.find(".star[data-n='3']").click();
    settle().await;
    widget.find("#tandem-rating-comment").click();
    assert_eq!(
        widget.take_calls(),
        [],
        "the comment is still to be written"
    );
    drop(widget);

    let widget = mount(PANEL, offline(Unavailable::NoAgents)).await;
    widget.find("#tandem-offline-email").click();
    assert_eq!(widget.take_calls(), [], "the email is still to be written");
}

#[wasm_bindgen_test]
async fn tab_and_shift_tab_wrap_around_within_the_widget() {
    for (situation, chat, _) in every_state() {
        let widget = mount(PANEL, chat).await;
        let focusable: Vec<HtmlElement> = widget
            .all("button:not([disabled]), textarea, input, a[href]")
            .into_iter()
            .filter(drawn)
            .collect();
        let first = focusable.first().unwrap();
        let last = focusable.last().unwrap();
        assert_eq!(
            first.get_attribute("data-act").as_deref(),
            Some("human"),
            "{situation}"
        );

        last.focus().unwrap();
        assert!(
            !press(last, "Tab", false),
            "Tab on the last control stays in the widget {situation}"
        );
        assert_eq!(
            focused().as_ref(),
            Some(first.unchecked_ref::<Element>()),
            "Tab on the last control goes to the first {situation}"
        );
        first.focus().unwrap();
        assert!(
            !press(first, "Tab", true),
            "Shift+Tab on the first control stays in the widget {situation}"
        );
        assert_eq!(
            focused().as_ref(),
            Some(last.unchecked_ref::<Element>()),
            "Shift+Tab on the first control goes to the last {situation}"
        );
    }
}
