//! The widget's markup, the one listener that serves every control in it, its texts, and the
//! one effect that brings it in step with the chat.
//!
//! The markup is static: every phase's controls are in it, marked with the part they belong
//! to (`footer` shows the phase's own), and every text is a `data-t` key that [`translate`]
//! fills in the shopper's language. Static markup is built from one HTML template, where a
//! reactive view would be kilobytes of generated code per element. The header, and with it
//! the "Talk to a human" button, has no `data-part`: no phase of the chat can hide it.
//! What is typed in the composer and not sent is kept (`storage::keep_draft`), so the shop's
//! next page finds it there. Keyboard: Esc closes the chat, Enter in the composer sends (Shift+Enter starts a new
//! line), and Tab cycles within the widget, so focus never wanders off into the merchant's
//! page behind the open panel.

use leptos::{ev, html::Main, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};

use super::{
    act::Act,
    context::{Actions, Intent, OfflineForm, Screen, View},
    dom,
    footer::{self, Part},
    messages, status,
};
use crate::{
    chat::{Chat, ComposeError, Phase},
    i18n::T,
    live::Connection,
    storage,
};

/// The value of a field of the widget, by id.
fn field(id: &str) -> String {
    let element = document().get_element_by_id(id);
    element
        .as_ref()
        .and_then(|e| {
            e.dyn_ref::<HtmlTextAreaElement>()
                .map(HtmlTextAreaElement::value)
        })
        .or_else(|| {
            element
                .as_ref()?
                .dyn_ref::<HtmlInputElement>()
                .map(HtmlInputElement::value)
        })
        .unwrap_or_default()
}

fn set_field(id: &str, value: &str) {
    if let Some(area) = document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
    {
        area.set_value(value);
    }
}

fn number(element: &Element, name: &str) -> Option<u32> {
    element.get_attribute(name)?.parse().ok()
}

/// Carries out an act: the shopper's intents go to the `App`; the chosen star and the
/// composer's error are the shell's own.
fn run(act: Act, view: View, actions: Actions) {
    let problem = |text: Option<T>| {
        view.screen
            .update(|s| s.problem = text.map(|t| s.strings.get(t).to_owned()))
    };
    let intent = match act {
        Act::Human => Intent::Human,
        Act::Close => Intent::Close,
        Act::Send => {
            match actions.run(Intent::Send(field("tandem-message"))) {
                Ok(()) => {
                    set_field("tandem-message", "");
                    storage::keep_draft("");
                    problem(None);
                }
                Err(ComposeError::Empty) => problem(Some(T::EmptyMessage)),
                Err(ComposeError::TooLong) => problem(Some(T::TooLong)),
            }
            return;
        }
        Act::Choose(line, index) => Intent::Choose(line, index),
        Act::Helpful(line, helpful) => Intent::Feedback(line, helpful),
        Act::Retry(line) => Intent::Retry(line),
        Act::Confirm => Intent::Confirm,
        Act::Dismiss => Intent::Dismiss,
        Act::LeaveQueue => Intent::LeaveQueue,
        Act::MessageInstead => Intent::MessageInstead,
        Act::Star(n) => {
            if let Some(id) = view
                .chat
                .with_untracked(|c| c.ticket().map(|t| t.id.clone()))
            {
                view.screen.update(|s| s.stars = Some((id, n)));
            }
            return;
        }
        Act::Rate => match view
            .screen
            .with_untracked(|s| view.chat.with_untracked(|c| s.stars_for(c)))
        {
            Some(score) => Intent::Rate(score, field("tandem-rating-comment")),
            None => return,
        },
        Act::LeaveMessage => Intent::LeaveMessage(OfflineForm {
            email: field("tandem-offline-email"),
            name: field("tandem-offline-name"),
            message: field("tandem-offline-message"),
        }),
        Act::Back => Intent::Back,
        Act::NewChat => Intent::NewChat,
    };
    let _ = actions.run(intent);
}

/// The act of the control an event happened in, if any: for a click, a button's
/// (`button[data-act]`, so a click into a form's field does not submit it); for a submit,
/// the form's (`[data-act]`).
fn act_of(target: Option<web_sys::EventTarget>, selector: &str) -> Option<Act> {
    let element = target?
        .dyn_into::<Element>()
        .ok()?
        .closest(selector)
        .ok()??;
    Act::parse(
        &element.get_attribute("data-act")?,
        number(&element, "data-line"),
        number(&element, "data-n"),
    )
}

/// Keeps Tab and Shift+Tab inside the widget.
fn trap_focus(root: &HtmlElement, event: &KeyboardEvent) {
    let Ok(list) = root.query_selector_all("button:not([disabled]),textarea,input,a[href]") else {
        return;
    };
    // Controls of hidden parts have no size, and cannot take focus.
    let focusable: Vec<HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .filter(|e| e.offset_width() > 0 || e.offset_height() > 0)
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        return;
    };
    let active = document().active_element();
    let at = |e: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<Element>())
    };
    if event.shift_key() && at(first) {
        event.prevent_default();
        let _ = last.focus();
    } else if !event.shift_key() && at(last) {
        event.prevent_default();
        let _ = first.focus();
    }
}

/// Fills the markup's texts in the shopper's language: `data-t` is an element's text,
/// `data-t-label` its accessible name and tooltip, `data-t-placeholder` its placeholder; and
/// the site's name and colours.
fn translate(root: &HtmlElement, screen: &Screen) {
    let strings = &screen.strings;
    let text = |element: &HtmlElement, attribute: &str| {
        element
            .get_attribute(attribute)
            .and_then(|key| strings.by_key(&key))
            .unwrap_or_default()
    };
    for element in dom::all(root, "[data-t]") {
        dom::text(&element, text(&element, "data-t"));
    }
    for element in dom::all(root, "[data-t-label]") {
        let label = text(&element, "data-t-label");
        dom::attribute(&element, "aria-label", label);
    }
    for element in dom::all(root, "[data-t-placeholder]") {
        dom::attribute(
            &element,
            "placeholder",
            text(&element, "data-t-placeholder"),
        );
    }
    dom::attribute(root, "dir", strings.dir());
    dom::attribute(root, "lang", strings.language());
    for star in dom::all(root, ".star") {
        let n = star.get_attribute("data-n").unwrap_or_default();
        dom::attribute(
            &star,
            "aria-label",
            &strings.fill(T::RateStar, &[("n", &n)]),
        );
    }
    let Some(site) = &screen.site else { return };
    dom::set_text(root, ".title", &site.name);
    let style = root.style();
    for (property, value) in [
        ("--brand", &site.brand_color),
        ("--brand-text", &site.brand_text),
    ] {
        if !value.is_empty() {
            let _ = style.set_property(property, value);
        }
    }
}

/// What the shell drew last, for the next change to start from.
#[derive(Default)]
struct Drawn {
    lines: messages::Drawn,
    part: Option<Part>,
    /// The conversation with a person the chat is in, if any.
    conversation: Option<String>,
    /// The live connection was lost and is not back yet.
    offline: bool,
    /// The language the lines were drawn in.
    language: String,
    /// The draft kept in the tab was put back in the composer (at the first drawing).
    draft_back: bool,
}

/// Brings the whole shell in step with the chat and the screen.
fn draw(root: &HtmlElement, chat: &Chat, screen: &Screen, drawn: &mut Drawn) {
    if !drawn.draft_back {
        drawn.draft_back = true;
        set_field("tandem-message", &storage::draft());
    }
    dom::toggle(root, "hidden", !screen.loaded);
    translate(root, screen);
    let agent = match chat.phase() {
        Phase::WithAgent { agent: Some(agent) } => agent.as_str(),
        _ => "",
    };
    dom::set_text(root, ".agent-name", agent);
    // Another conversation: the rating comment written for the one before does not carry over.
    let conversation = chat.ticket().map(|t| t.id.as_str());
    if drawn.conversation.as_deref() != conversation {
        drawn.conversation = conversation.map(str::to_owned);
        set_field("tandem-rating-comment", "");
    }
    // Each try to reconnect passes through "connecting": the banner (an alert) stays until a
    // try succeeds, rather than going and coming back, announced again, at every try.
    drawn.offline = match screen.connection {
        Connection::Retrying => true,
        Connection::Connecting => drawn.offline,
        Connection::Idle | Connection::Open => false,
    };
    if let Some(banner) = dom::find(root, ".banner") {
        dom::toggle(
            &banner,
            "hidden",
            !(chat.phase().is_live() && drawn.offline),
        );
    }
    // The newest line stays in view: when lines are added, and when the status and the part
    // below change height (a sensitive topic's safety line comes with the confirmation) while
    // it was in view.
    let list = dom::find(root, ".messages");
    let at_end = list
        .as_ref()
        .is_some_and(|l| l.scroll_top() + l.client_height() >= l.scroll_height() - 1);
    let mut added = false;
    if let Some(list) = &list {
        // Lines restored before the shopper's language was known are drawn again in it.
        if drawn.language != screen.strings.language() {
            drawn.language = screen.strings.language().to_owned();
            list.set_text_content(None);
            drawn.lines.clear();
        }
        added = messages::draw(list, chat, &screen.strings, &mut drawn.lines);
    }
    status::draw(root, chat, screen);
    footer::draw(root, chat, screen, &mut drawn.part);
    if let Some(list) = list.filter(|_| at_end || added) {
        list.set_scroll_top(list.scroll_height());
    }
}

/// The chat's frame.
#[component]
pub fn Shell(view: View, actions: Actions) -> impl IntoView {
    let root = NodeRef::<Main>::new();
    // One effect draws everything: each effect is code of its own in the wasm.
    Effect::new(move |drawn: Option<Drawn>| {
        let mut drawn = drawn.unwrap_or_default();
        if let Some(root) = root.get() {
            view.screen
                .with(|screen| view.chat.with(|chat| draw(&root, chat, screen, &mut drawn)));
        }
        drawn
    });
    let on_keydown = move |event: ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => {
            let _ = actions.run(Intent::Close);
        }
        "Tab" => {
            if let Some(root) = root.get_untracked() {
                trap_focus(&root, &event);
            }
        }
        "Enter" if !event.shift_key() && !event.is_composing() => {
            let in_composer = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|e| e.id() == "tandem-message");
            if in_composer {
                event.prevent_default();
                run(Act::Send, view, actions);
            }
        }
        _ => {}
    };
    view! {
        // The main landmark of the widget's page; the conversation a log (a role on the list
        // itself would take its list semantics away).
        <main
            class="tandem"
            hidden
            node_ref=root
            on:keydown=on_keydown
            on:input=move |_| {
                storage::keep_draft(&field("tandem-message"));
                let _ = actions.run(Intent::Typing);
            }
            on:click=move |event| {
                if let Some(act) = act_of(event.target(), "button[data-act]") {
                    run(act, view, actions);
                }
            }
            on:submit=move |event| {
                event.prevent_default();
                if let Some(act) = act_of(event.target(), "[data-act]") {
                    run(act, view, actions);
                }
            }
        >
            <header class="bar">
                <div class="who">
                    <h1 class="title"></h1>
                    <p class="agent-name"></p>
                </div>
                <button type="button" class="human" data-act="human" data-t="talk_to_human"></button>
                <button type="button" class="close" data-act="close" data-t-label="close_chat">"×"</button>
            </header>
            <p class="banner" role="alert" data-t="offline_banner" hidden></p>
            <div class="log" role="log" aria-live="polite" data-t-label="conversation_label"><ol class="messages" tabindex="0"></ol></div>
            <div class="status" role="status">
                <p class="place"></p>
                <p class="hint" data-part="waiting" data-t="waiting_hint"></p>
                <button type="button" class="leave" data-act="leave-queue" data-part="waiting" data-t="leave_queue"></button>
                <button type="button" class="leave" data-act="message-instead" data-t="message_instead" hidden></button>
            </div>
            <form class="composer" data-act="send" data-part="composer">
                <label class="sr-only" for="tandem-message" data-t="message_label"></label>
                <textarea id="tandem-message" rows="2" dir="auto" data-t-placeholder="message_placeholder"></textarea>
                <button type="submit" class="send" data-t="send"></button>
                <p class="compose-error" role="alert"></p>
            </form>
            <section class="confirm" aria-labelledby="tandem-confirm-title" data-part="confirm" hidden>
                <h2 id="tandem-confirm-title" data-t="confirm_title"></h2>
                <p data-t="confirm_body"></p>
                <div class="actions">
                    <button type="button" class="primary" data-act="confirm" data-t="confirm_yes"></button>
                    <button type="button" data-act="dismiss" data-t="confirm_no"></button>
                </div>
            </section>
            <form class="rating" data-act="rate" data-part="rate" hidden>
                <p class="ended" data-t="closed"></p>
                <fieldset>
                    <legend data-t="rate_prompt"></legend>
                    <div class="stars">
                        <button type="button" class="star" data-act="star" data-n="1">"1"</button>
                        <button type="button" class="star" data-act="star" data-n="2">"2"</button>
                        <button type="button" class="star" data-act="star" data-n="3">"3"</button>
                        <button type="button" class="star" data-act="star" data-n="4">"4"</button>
                        <button type="button" class="star" data-act="star" data-n="5">"5"</button>
                    </div>
                </fieldset>
                <label for="tandem-rating-comment" data-t="rate_comment"></label>
                <textarea id="tandem-rating-comment" rows="2"></textarea>
                <p class="compose-error" role="alert"></p>
                <div class="actions">
                    <button type="submit" class="primary" disabled data-t="rate_submit"></button>
                    <button type="button" data-act="new-chat" data-t="new_chat"></button>
                </div>
            </form>
            // The thanks are read with the button that takes the focus as they appear (a
            // live region shown with its text already in is not announced).
            <section class="closed" data-part="rated" hidden>
                <p id="tandem-thanks" data-t="rate_thanks"></p>
                <button type="button" class="primary" data-act="new-chat" data-t="new_chat" aria-describedby="tandem-thanks"></button>
            </section>
            <form class="offline" data-act="leave-message" aria-labelledby="tandem-offline-title" data-part="offline" hidden>
                <h2 id="tandem-offline-title" data-t="offline_title"></h2>
                <p class="offline-why"></p>
                <p class="hours"></p>
                <label for="tandem-offline-email" data-t="email_label"></label>
                <input id="tandem-offline-email" type="email" autocomplete="email" required />
                <label for="tandem-offline-name" data-t="name_label"></label>
                <input id="tandem-offline-name" autocomplete="name" />
                <label for="tandem-offline-message" data-t="offline_message_label"></label>
                <textarea id="tandem-offline-message" rows="3" required></textarea>
                <p class="compose-error" role="alert"></p>
                <div class="actions">
                    <button type="submit" class="primary" data-t="offline_submit"></button>
                    <button type="button" data-act="back" data-t="back_to_assistant"></button>
                </div>
            </form>
            <section class="offline" data-part="sent" hidden>
                <p id="tandem-sent" class="offline-sent"></p>
                <button type="button" class="primary" data-act="back" data-t="back_to_assistant" aria-describedby="tandem-sent"></button>
            </section>
        </main>
    }
}
