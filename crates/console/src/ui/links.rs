//! Text with links, never markup (`tandem_assistant::answer::segments` decides what is a
//! link, as in the widget): [`as_shown`] draws text the console can vouch for (the knowledge
//! base's answers it finds itself, agents' messages) with its `http(s)` links as links;
//! [`as_told`] draws text it cannot (a transcript's assistant lines, which came from the
//! shopper's browser) with each link's address written out, so none can pass a forged link
//! off as the merchant's.

use leptos::prelude::*;
use tandem_assistant::answer::{Segment, segments};

use crate::i18n::t;

/// `text`, its `[label](https://...)` links drawn as links that open in a new tab.
pub fn as_shown(text: &str) -> impl IntoView + use<> {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text { text } => text.to_owned().into_any(),
            Segment::Link { text, url } => view! {
                <a href=url.to_owned() target="_blank" rel="noopener noreferrer">
                    {text.to_owned()}
                    <span class="sr-only">{t("opens_in_new_tab")}</span>
                </a>
            }
            .into_any(),
        })
        .collect_view()
}

/// `text`, each `[label](https://...)` written out as "label (https://...)": nothing to
/// click, and the address in plain sight.
pub fn as_told(text: &str) -> String {
    segments(text)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text { text } => text.to_owned(),
            Segment::Link { text, url } => format!("{text} ({url})"),
        })
        .collect()
}
