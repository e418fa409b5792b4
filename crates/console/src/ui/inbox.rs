//! The offline inbox: messages shoppers left (with their email) while no one was available,
//! oldest first (a page of them, saying how many more wait), each with what the shopper had
//! told the assistant before. The agent answers by email and marks it handled, which takes
//! it off every colleague's inbox too.

use leptos::prelude::*;
use tandem_protocol::conversation::Author;

use super::Actions;
use crate::{
    desk::Desk,
    i18n::{t, t_with},
};

/// A `mailto:` link to `email`, escaped: nothing in the address (`?bcc=...`) becomes a header
/// of the agent's reply.
fn mailto(email: &str) -> String {
    let escaped = String::from(js_sys::encode_uri_component(email));
    format!("mailto:{}", escaped.replace("%40", "@"))
}

#[component]
pub fn Inbox(desk: RwSignal<Desk>, actions: Actions) -> impl IntoView {
    let messages = move || desk.with(Desk::inbox);
    let more = move || desk.with(Desk::inbox_not_shown);
    view! {
        <section class="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title">{t("inbox")}</h2>
            <p hidden=move || !messages().is_empty() || more() != 0>{t("inbox_empty")}</p>
            <p class="more" hidden=move || more() == 0>
                {move || t_with("inbox_more", "n", &more().to_string())}
            </p>
            <ul>
                <For each=messages key=|m| m.id.clone() let:m>
                    {
                        let id = m.id.clone();
                        let who = match &m.name {
                            Some(name) => format!("{name} <{}>", m.email),
                            None => m.email.clone(),
                        };
                        let asked: Vec<String> = m
                            .transcript
                            .iter()
                            .map(|e| {
                                let who = match e.author {
                                    Author::Shopper => t("author_shopper"),
                                    Author::Assistant => t("author_assistant"),
                                    Author::Agent | Author::System => t("author_system"),
                                };
                                format!("{who}: {}", e.text)
                            })
                            .collect();
                        let nothing_asked = asked.is_empty();
                        view! {
                            <li class="left">
                                <p class="from"><a href=mailto(&m.email)>{who}</a>" · "{m.site.clone()}</p>
                                <p class="text" dir="auto">{m.message.clone()}</p>
                                <details hidden=nothing_asked>
                                    <summary>{t("inbox_before")}</summary>
                                    <ul>{asked.into_iter().map(|text| view! { <li dir="auto">{text}</li> }).collect_view()}</ul>
                                </details>
                                <button type="button" on:click=move |_| actions.handled.run(id.clone())>
                                    {t("mark_handled")}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
    }
}
