//! Keeping a conversation's newest lines in view: a new line scrolls the transcript to its
//! end while the agent reads the end, and leaves it alone while they read further up;
//! showing another conversation starts at its end.

use leptos::{ev, html::Ol, prelude::*};

/// How close to the end (in pixels) still counts as reading the end.
const NEAR_END: i32 = 48;

/// Follows `list`'s end as `shown()` changes (the conversation shown, and how many lines it
/// has). Returns the list's scroll handler, which notes whether the agent reads the end.
pub fn follow_end(
    list: NodeRef<Ol>,
    shown: impl Fn() -> (Option<String>, usize) + 'static,
) -> impl Fn(ev::Event) + Copy + 'static {
    let reading_end = StoredValue::new(true);
    Effect::new(move |before: Option<Option<String>>| {
        let (id, _lines) = shown();
        let switched = before.as_ref() != Some(&id);
        if let Some(list) = list.get()
            && (switched || reading_end.get_value())
        {
            list.set_scroll_top(list.scroll_height());
            reading_end.set_value(true);
        }
        id
    });
    move |_| {
        if let Some(list) = list.get_untracked() {
            let below = list.scroll_height() - list.scroll_top() - list.client_height();
            reading_end.set_value(below <= NEAR_END);
        }
    }
}
