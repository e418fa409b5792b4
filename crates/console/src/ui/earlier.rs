//! A returning shopper's earlier conversations, beside their new one: when each closed, how it
//! ended, how they rated it and what they first asked, each to read whole. Only shoppers whose
//! identity the merchant signed have any: an unsigned id could be anyone's.

use leptos::prelude::*;
use tandem_protocol::agent::ClosedConversation;

use super::{
    Actions,
    conversation::resolution_text,
    history::{rating_text, read_label, when},
};
use crate::i18n::t;

#[component]
pub fn EarlierConversations(
    #[prop(into)] earlier: Signal<Vec<ClosedConversation>>,
    actions: Actions,
) -> impl IntoView {
    view! {
        <section class="earlier" aria-labelledby="earlier-title" hidden=move || earlier.with(Vec::is_empty)>
            <h3 id="earlier-title">{t("earlier_conversations")}</h3>
            <ul>
                <For each=move || earlier.get() key=|c| (c.id.clone(), c.rating, c.rating_comment.clone()) let:c>
                    {
                        let id = c.id.clone();
                        view! {
                            <li class:low=c.rating.is_some_and(|n| n <= 2)>
                                <span class="when">{when(c.closed_at)}</span>
                                " · "{c.resolution.map(resolution_text).unwrap_or_default()}
                                " · "{rating_text(&c)}
                                <p class="text" dir="auto">{c.preview.clone().unwrap_or_default()}</p>
                                <button type="button" class="read" aria-label=read_label(&c)
                                    on:click=move |_| actions.read_past.run(id.clone())>
                                    {t("read_conversation")}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
