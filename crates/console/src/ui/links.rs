//! Text as the widget shows it to the shopper: the merchant's answers and the agents'
//! messages with their `http(s)` links as links, everything else as text, never markup
//! (`tandem_assistant::answer::segments` decides what is a link, for both).

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
