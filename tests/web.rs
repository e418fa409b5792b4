//! Browser tests of the widget's shell, in headless Chromium (`cargo xtask test` runs them).
//!
//! They mount the real components with the real stylesheet into boxes of a panel's and of a
//! small phone's size and check what a shopper would see.
#![cfg(target_arch = "wasm32")]

use std::sync::{
    Arc,
    atomic::{AtomicU32, Ordering},
};

use leptos::{mount::mount_to, prelude::*, task::tick};
use tandem_widget::{chat::Chat, strings::EN, ui::Shell};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

const STYLESHEET: &str = include_str!("../style/widget.css");

/// A box of the given size holding the widget, with the widget's stylesheet on the page.
fn frame(width: u32, height: u32) -> HtmlElement {
    let document = document();
    if document.get_element_by_id("widget-css").is_none() {
        let style = document.create_element("style").unwrap();
        style.set_id("widget-css");
        style.set_text_content(Some(STYLESHEET));
        document.head().unwrap().append_child(&style).unwrap();
    }
    let frame: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    let css = frame.style();
    css.set_property("width", &format!("{width}px")).unwrap();
    css.set_property("height", &format!("{height}px")).unwrap();
    // Pinned to the viewport's corner, so hit-testing sees it whatever else is on the page.
    for (property, value) in [
        ("position", "fixed"),
        ("top", "0"),
        ("left", "0"),
        ("z-index", "9"),
    ] {
        css.set_property(property, value).unwrap();
    }
    document.body().unwrap().append_child(&frame).unwrap();
    frame
}

struct Mounted {
    frame: HtmlElement,
    humans: Arc<AtomicU32>,
    closes: Arc<AtomicU32>,
}

impl Mounted {
    fn find(&self, selector: &str) -> HtmlElement {
        self.frame
            .query_selector(selector)
            .unwrap()
            .unwrap_or_else(|| panic!("no {selector} in the widget"))
            .unchecked_into()
    }

    /// Asserts the element is drawn, inside the frame, and not covered by anything else.
    fn assert_visible(&self, selector: &str, situation: &str) {
        let element = self.find(selector);
        let rect = element.get_bounding_client_rect();
        let outer = self.frame.get_bounding_client_rect();
        assert!(
            rect.width() > 0.0 && rect.height() > 0.0,
            "{selector} has no size {situation}"
        );
        assert!(
            rect.left() >= outer.left() - 0.5
                && rect.right() <= outer.right() + 0.5
                && rect.top() >= outer.top() - 0.5
                && rect.bottom() <= outer.bottom() + 0.5,
            "{selector} sticks out of the {}px frame {situation}",
            outer.width()
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
            "{selector} is covered {situation}"
        );
    }
}

fn mount(width: u32, height: u32, chat: RwSignal<Chat>) -> Mounted {
    let frame = frame(width, height);
    let humans = Arc::new(AtomicU32::new(0));
    let closes = Arc::new(AtomicU32::new(0));
    let (h, c) = (humans.clone(), closes.clone());
    mount_to(frame.clone(), move || {
        let (h, c) = (h.clone(), c.clone());
        view! {
            <Shell
                name="Acme Outfitters".to_string()
                chat
                on_human=move |()| { h.fetch_add(1, Ordering::SeqCst); }
                on_close=move |()| { c.fetch_add(1, Ordering::SeqCst); }
            />
        }
    })
    .forget();
    Mounted {
        frame,
        humans,
        closes,
    }
}

/// Every state the shell has, each with how it was reached.
fn every_state() -> Vec<(&'static str, Chat)> {
    let fresh = Chat::default();
    let mut talking = Chat::default();
    talking.send("Do you ship to Norway?").unwrap();
    let mut long = talking.clone();
    for i in 0..40 {
        long.send(&format!(
            "A long conversation, message {i}, {}",
            "word ".repeat(30)
        ))
        .unwrap();
    }
    let mut connecting = talking.clone();
    connecting.start_handoff();
    let mut queued = connecting.clone();
    queued.queued(2);
    let mut failed = connecting.clone();
    failed.handoff_failed("Please check your connection and try again.".into());
    vec![
        ("when fresh", fresh),
        ("after a message", talking),
        ("with a long conversation", long),
        ("while connecting", connecting),
        ("while queued", queued),
        ("after a failed handoff", failed),
    ]
}

#[wasm_bindgen_test]
async fn the_human_button_is_visible_in_every_state_and_at_320_px() {
    // A desktop panel, and a small phone with its on-screen keyboard up.
    for (width, height) in [(380, 430), (320, 360)] {
        for (situation, chat) in every_state() {
            let widget = mount(width, height, RwSignal::new(chat));
            tick().await;
            let situation = format!("{situation} at {width}px");
            assert_eq!(
                widget.find("button.human").text_content().unwrap(),
                EN.talk_to_human
            );
            widget.assert_visible("button.human", &situation);
            widget.assert_visible("textarea", &situation);
            widget.frame.remove();
        }
    }
}

#[wasm_bindgen_test]
async fn the_human_button_asks_for_a_person() {
    let widget = mount(380, 600, RwSignal::new(Chat::default()));
    widget.find("button.human").click();
    assert_eq!(widget.humans.load(Ordering::SeqCst), 1);
    widget.frame.remove();
}

#[wasm_bindgen_test]
async fn a_sent_message_appears_in_the_list_and_an_empty_one_is_explained() {
    let chat = RwSignal::new(Chat::default());
    let widget = mount(380, 600, chat);
    let input: HtmlTextAreaElement = widget.find("textarea").unchecked_into();

    widget.find("button.send").click();
    tick().await;
    assert_eq!(
        widget.find("[role=alert]").text_content().unwrap(),
        EN.empty_message
    );
    assert_eq!(widget.frame.query_selector_all("li").unwrap().length(), 0);

    input.set_value("Can I pay <b>by invoice</b>?");
    widget.find("button.send").click();
    tick().await;
    let line = widget.find("li.shopper .text");
    // Shown as the shopper typed it: text, never HTML.
    assert_eq!(line.text_content().unwrap(), "Can I pay <b>by invoice</b>?");
    assert!(widget.frame.query_selector("li b").unwrap().is_none());
    assert_eq!(line.get_attribute("dir").as_deref(), Some("auto"));
    assert_eq!(input.value(), "");
    assert_eq!(widget.find("[role=alert]").text_content().unwrap(), "");
    widget.frame.remove();
}

#[wasm_bindgen_test]
async fn the_queue_position_is_announced() {
    let chat = RwSignal::new(Chat::default());
    let widget = mount(380, 600, chat);
    assert_eq!(widget.find("[role=status]").text_content().unwrap(), "");
    chat.update(|c| {
        c.start_handoff();
        c.queued(2);
    });
    tick().await;
    assert_eq!(
        widget.find("[role=status]").text_content().unwrap(),
        "You are number 2 in line"
    );
    assert_eq!(
        widget
            .find("[role=log]")
            .get_attribute("aria-live")
            .as_deref(),
        Some("polite")
    );
    widget.frame.remove();
}

#[wasm_bindgen_test]
async fn escape_closes_and_every_button_has_a_name() {
    let widget = mount(380, 600, RwSignal::new(Chat::default()));
    let init = KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    widget.find("textarea").dispatch_event(&escape).unwrap();
    assert_eq!(widget.closes.load(Ordering::SeqCst), 1);

    let buttons = widget.frame.query_selector_all("button").unwrap();
    for i in 0..buttons.length() {
        let button: HtmlElement = buttons.item(i).unwrap().unchecked_into();
        let name = button
            .get_attribute("aria-label")
            .or_else(|| button.text_content())
            .unwrap_or_default();
        assert!(
            !name.trim().is_empty(),
            "a button without an accessible name"
        );
    }
    let label = widget.find("label[for=tandem-message]");
    assert_eq!(label.text_content().unwrap(), EN.message_label);
    widget.frame.remove();
}
