//! The conversation. It is an ARIA log, so screen readers announce each new line, and it
//! scrolls to the newest line. Who is speaking is always said: the assistant's lines are
//! marked as automated, a person's carry their name (`shell` keeps the newest in view). Text
//! is inserted as text, never parsed as HTML; links in answers and agents' messages are
//! `http(s)` links only (an agent may send the knowledge base's answer, links and all, from
//! the console).
//!
//! The lines are drawn with the DOM API, not with `view!`: a line's markup depends on its
//! kind, and every such branch of a reactive view costs kilobytes of generated rendering
//! code, where a handful of DOM calls cost bytes. Only lines that are new or changed are
//! drawn again, a changed one only in the parts that changed; buttons carry `data-act` for the
//! shell's one listener.

use leptos::prelude::document;
use tandem_assistant::answer::{Segment, segments};
use web_sys::{Document, Element};

use super::dom::{child, span as text};
use crate::{
    chat::{Chat, Delivery, Line, LineKind},
    i18n::{Strings, T},
};

/// A button for the shell's listener.
fn button(
    document: &Document,
    parent: &Element,
    act: &str,
    line: u32,
    n: Option<usize>,
    label: &str,
    class: &str,
) -> Element {
    let button = child(document, parent, "button", class);
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("data-act", act);
    let _ = button.set_attribute("data-line", &line.to_string());
    if let Some(n) = n {
        let _ = button.set_attribute("data-n", &n.to_string());
    }
    button.set_text_content(Some(label));
    button
}

/// What the merchant or an agent wrote (answers, the greeting, safety lines, an agent's
/// messages): text, with its `[label](https://...)` links as links that open in a new tab
/// (`new_tab` says so to screen readers).
fn linked(document: &Document, li: &Element, words: &str, new_tab: &str) {
    let span = child(document, li, "span", "text");
    let _ = span.set_attribute("dir", "auto");
    for segment in segments(words) {
        match segment {
            Segment::Text { text: plain } => {
                let _ = span.append_with_str_1(plain);
            }
            Segment::Link { text: label, url } => {
                let link = child(document, &span, "a", "");
                let _ = link.set_attribute("href", url);
                let _ = link.set_attribute("target", "_blank");
                let _ = link.set_attribute("rel", "noopener noreferrer");
                let _ = link.append_with_str_1(label);
                text(document, &link, "sr-only", &format!(" {new_tab}"));
            }
        }
    }
}

/// Draws one line into a fresh `li`.
fn line(document: &Document, line: &Line, strings: &Strings) -> Element {
    let t = |text: T| strings.get(text);
    let li = document
        .create_element("li")
        .unwrap_or_else(|_| unreachable!("a valid tag name"));
    let id = line.id;
    let who = |li: &Element, label: &str| {
        text(document, li, "who-label", label);
    };
    let body = |li: &Element, content: &str| {
        let span = text(document, li, "text", content);
        let _ = span.set_attribute("dir", "auto");
    };
    match &line.kind {
        LineKind::Shopper {
            text: words,
            delivery,
            ..
        } => {
            li.set_class_name("line shopper");
            text(document, &li, "sr-only", &format!("{}: ", t(T::You)));
            body(&li, words);
            let state = |li: &Element, label: &str| text(document, li, "delivery", label);
            match delivery {
                Delivery::Local => {}
                Delivery::Sending => {
                    state(&li, t(T::Sending));
                }
                Delivery::Sent { .. } => {
                    state(&li, t(T::Sent));
                }
                Delivery::Failed { reason } => {
                    let reason = reason.said(strings);
                    let failed = state(&li, &format!("{} {reason} ", t(T::Failed)));
                    failed.set_class_name("delivery failed");
                    let _ = failed.set_attribute("role", "alert");
                    button(document, &failed, "retry", id, None, t(T::Retry), "retry");
                }
            }
        }
        LineKind::Greeting { text: greeting } => {
            li.set_class_name("line assistant");
            who(&li, t(T::Assistant));
            linked(document, &li, greeting, t(T::OpensInNewTab));
        }
        LineKind::Answer {
            topic,
            text: answer,
            helpful,
            ..
        } => {
            li.set_class_name("line assistant answer");
            let _ = li.set_attribute("data-entry", &topic.id);
            who(&li, t(T::Assistant));
            text(document, &li, "sr-only", t(T::AssistantNote));
            linked(document, &li, answer, t(T::OpensInNewTab));
            if helpful.is_some() {
                text(document, &li, "feedback-thanks", t(T::ThanksForFeedback));
            } else {
                let group = child(document, &li, "div", "feedback");
                // Named by its own first words: a label saying them again is read twice.
                let _ = group.set_attribute("role", "group");
                text(document, &group, "", t(T::DidThisHelp));
                button(document, &group, "yes", id, None, t(T::Yes), "yes");
                button(document, &group, "no", id, None, t(T::No), "no");
            }
        }
        LineKind::Choices {
            topics,
            unsure,
            chosen,
        } => {
            li.set_class_name("line assistant choices");
            who(&li, t(T::Assistant));
            let prompt = match (unsure, topics.is_empty()) {
                (false, _) => T::Clarify,
                (true, false) => T::Unsure,
                (true, true) => T::UnsureNoGuess,
            };
            body(&li, t(prompt));
            let list = child(document, &li, "div", "choice-list");
            for topic in topics {
                let choice = button(
                    document,
                    &list,
                    "choose",
                    id,
                    Some(topic.index),
                    &topic.title,
                    "choice",
                );
                let _ = choice.set_attribute(
                    "aria-pressed",
                    if *chosen == Some(topic.index) {
                        "true"
                    } else {
                        "false"
                    },
                );
                if chosen.is_some() {
                    let _ = choice.set_attribute("disabled", "");
                }
            }
        }
        LineKind::Safety { text: line } => {
            li.set_class_name("line safety");
            let _ = li.set_attribute("role", "alert");
            linked(document, &li, line, t(T::OpensInNewTab));
        }
        LineKind::Agent {
            name, text: line, ..
        } => {
            li.set_class_name("line agent");
            who(&li, name.as_deref().unwrap_or_default());
            linked(document, &li, line, t(T::OpensInNewTab));
        }
        LineKind::Notice { text: line } => {
            li.set_class_name("line notice");
            body(&li, line);
        }
        LineKind::Failure { error } => {
            li.set_class_name("line notice");
            body(&li, &error.said(strings));
        }
        LineKind::Announcement { notice } => {
            li.set_class_name("line notice");
            body(&li, &strings.notice(notice));
        }
    }
    li
}

/// Brings a drawn line in step with its new drawing by swapping only the parts that differ
/// ("Sending…" → "Sent", the feedback buttons → "Thanks"): the log announces what is added,
/// and a line replaced whole would be read out again. Returns the element now on screen.
fn patch(old: &Element, new: Element) -> Element {
    if old.class_name() != new.class_name() {
        let _ = old.replace_with_with_node_1(&new);
        return new;
    }
    let parts = |e: &Element| {
        let list = e.children();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .collect::<Vec<_>>()
    };
    let (was, now) = (parts(old), parts(&new));
    for (i, part) in now.iter().enumerate() {
        match was.get(i) {
            Some(before) if before.is_equal_node(Some(part)) => {}
            Some(before) => {
                let _ = before.replace_with_with_node_1(part);
            }
            None => {
                let _ = old.append_child(part);
            }
        }
    }
    for surplus in was.iter().skip(now.len()) {
        surplus.remove();
    }
    old.clone()
}

/// What is on screen: each line's element and the line it was drawn from.
pub type Drawn = Vec<(Element, Line)>;

/// Brings the conversation list (`.messages` in the shell's markup) in step with the chat;
/// whether any line was added, changed or taken away.
pub fn draw(list: &Element, chat: &Chat, strings: &Strings, drawn: &mut Drawn) -> bool {
    let document = document();
    let before = drawn.len();
    drawn.retain(|(element, was)| {
        let kept = chat.line(was.id).is_some();
        if !kept {
            element.remove();
        }
        kept
    });
    let mut changed = drawn.len() != before;
    for now in chat.lines() {
        let at = drawn.iter().position(|(_, was)| was.id == now.id);
        if at.is_some_and(|at| drawn[at].1 == *now) {
            continue;
        }
        changed = true;
        let element = line(&document, now, strings);
        match at {
            Some(at) => {
                let kept = patch(&drawn[at].0, element);
                drawn[at] = (kept, now.clone());
            }
            None => {
                let _ = list.append_child(&element);
                drawn.push((element, now.clone()));
            }
        }
    }
    changed
}
