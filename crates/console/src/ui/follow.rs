//! Keeping a conversation's newest lines in view: a new line scrolls the transcript to its
//! end while the agent reads the end, and leaves it alone while they read further up (a
//! reply the agent sends brings them back to the end); showing another conversation starts
//! at its end, and so does the transcript coming back into view (the desk was behind
//! another page, where the browser forgets how far it was scrolled) or changing size.

use leptos::{ev, html::Ol, prelude::*};
use wasm_bindgen::{JsCast, closure::Closure};

/// How close to the end (in pixels) still counts as reading the end.
const NEAR_END: i32 = 48;

/// What the transcript shows: the conversation, its lines, and how many of them are the
/// agent's own, not stored yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub conversation: Option<String>,
    pub lines: usize,
    pub sending: usize,
}

/// Follows `list`'s end as `shown()` changes. Returns the list's scroll handler, which
/// notes whether the agent reads the end.
pub fn follow_end(
    list: NodeRef<Ol>,
    shown: impl Fn() -> Shown + Send + Sync + 'static,
) -> impl Fn(ev::Event) + Copy + 'static {
    let reading_end = StoredValue::new(true);
    let to_end = move |list: &web_sys::HtmlOListElement| {
        list.set_scroll_top(list.scroll_height());
        reading_end.set_value(true);
    };
    // Only a change of these moves anything: not a keystroke or a typing signal.
    let shown = Memo::new(move |_| shown());
    Effect::new(move |before: Option<Shown>| {
        let now = shown.get();
        let switched = before
            .as_ref()
            .is_none_or(|b| b.conversation != now.conversation);
        let sent = before.as_ref().is_some_and(|b| now.sending > b.sending);
        if let Some(list) = list.get_untracked()
            && (switched || sent || reading_end.get_value())
        {
            to_end(&list);
        }
        now
    });
    list.on_load(move |element| {
        let resized = element.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if reading_end.get_value() {
                to_end(&resized);
            }
        });
        let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&element);
        let kept = StoredValue::new_local((observer, callback));
        on_cleanup(move || kept.with_value(|(observer, _)| observer.disconnect()));
    });
    move |_| {
        // Hidden, it has no layout to measure: what the agent was reading stays as it was.
        if let Some(list) = list.get_untracked()
            && list.client_height() > 0
        {
            let below = list.scroll_height() - list.scroll_top() - list.client_height();
            reading_end.set_value(below <= NEAR_END);
        }
    }
}
