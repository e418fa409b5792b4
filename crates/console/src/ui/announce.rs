//! Telling a screen reader what arrived, and only that. A transcript or a list of notes is
//! not a live region itself: showing another conversation replaces it whole, and all of it
//! would be read out. A separate, visually hidden region says the newest item added while the
//! same conversation stays shown.

use leptos::prelude::*;

/// What a list shows: the conversation, how many items, and the newest item's words when
/// they are worth telling (not the agent's own line coming back from the server).
pub type Tally = (Option<String>, usize, Option<String>);

/// A polite live region saying the newest item of `tally` each time the list grows; `of`
/// names what it tells of (its class).
#[component]
pub fn Announce(#[prop(into)] tally: Signal<Tally>, of: &'static str) -> impl IntoView {
    let said = RwSignal::new(String::new());
    Effect::new(move |before: Option<Tally>| {
        let now = tally.get();
        match before {
            Some((shown, _, _)) if shown != now.0 => said.set(String::new()),
            Some((_, count, _)) if now.1 > count => {
                if let Some(words) = &now.2 {
                    // The same words twice ("Hello?") must change the text, or nothing is
                    // read out: a zero-width space marks every other one.
                    let again = said.with_untracked(|s| s.strip_suffix('\u{200B}') == Some(words));
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
