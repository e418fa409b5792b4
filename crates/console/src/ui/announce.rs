//! Telling a screen reader what arrived, and only that. A transcript or a list of notes is
//! not a live region itself: showing another conversation replaces it whole, and all of it
//! would be read out. A separate, visually hidden region says the newest item added while the
//! same conversation stays shown.

use leptos::prelude::*;

/// How many of the newest items a list passes on: a longer burst is told by its last ones.
const TOLD: usize = 5;

/// What a list shows: the conversation, how many items, and the newest items' words (at most
/// [`TOLD`], oldest first; `None` for one not worth telling, such as the agent's own line
/// coming back from the server).
pub type Tally = (Option<String>, usize, Vec<Option<String>>);

/// The [`Tally`] of `items` in the conversation `shown`.
pub fn tally<T>(shown: Option<String>, items: &[T], words: impl Fn(&T) -> Option<String>) -> Tally {
    let newest = items[items.len().saturating_sub(TOLD)..]
        .iter()
        .map(words)
        .collect();
    (shown, items.len(), newest)
}

/// A polite live region saying the items added to `tally` each time the list grows (all of
/// a burst, not only its last); `of` names what it tells of (its class).
#[component]
pub fn Announce(#[prop(into)] tally: Signal<Tally>, of: &'static str) -> impl IntoView {
    let said = RwSignal::new(String::new());
    Effect::new(move |before: Option<Tally>| {
        let now = tally.get();
        match before {
            Some((shown, _, _)) if shown != now.0 => said.set(String::new()),
            Some((_, count, _)) if now.1 > count => {
                let added = (now.1 - count).min(now.2.len());
                let told: Vec<&str> = now.2[now.2.len() - added..]
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                if !told.is_empty() {
                    let words = &told.join("\n");
                    // The same words twice ("Hello?") must change the text, or nothing is
                    // read out: a zero-width space marks every other one.
                    let again =
                        said.with_untracked(|s| s.strip_suffix('\u{200B}') == Some(words.as_str()));
                    said.set(if again {
                        words.clone()
                    } else {
                        format!("{words}\u{200B}")
                    });
                }
            }
            _ => {}
        }
        now
    });
    view! { <p class=format!("sr-only news {of}") aria-live="polite">{said}</p> }
}
