//! The offline inbox: messages shoppers left (with their email) while no one was available,
//! oldest first (a page of them, saying how many more wait), each with what the shopper had
//! told the assistant before and how long they have waited. The agent answers by email and
//! marks it handled, which takes it off every colleague's inbox at their next fetch (a
//! colleague who marks it too is told who did).

use leptos::prelude::*;
use tandem_protocol::conversation::Author;

use super::Actions;
use wasm_bindgen::JsCast;

use crate::{
    desk::{Desk, waited},
    i18n::{t, t_with},
};

/// A `mailto:` link to `email`, escaped: nothing in the address (`?bcc=...`) becomes a header
/// of the agent's reply.
fn mailto(email: &str) -> String {
    let escaped = String::from(js_sys::encode_uri_component(email));
    format!("mailto:{}", escaped.replace("%40", "@"))
}

/// Where the keyboard goes once a marked message has left: its button left with it, and
/// focus would fall back to the top of the page. The next message's button (as it was when
/// marked), else the heading; not if the agent has moved on to something else meanwhile.
fn refocus(gone: &str, next: Option<&str>) {
    let document = document();
    let lost = document
        .active_element()
        .is_none_or(|e| e.id() == format!("mark-{gone}") || e.tag_name() == "BODY");
    let target = next
        .and_then(|next| document.get_element_by_id(&format!("mark-{next}")))
        .or_else(|| document.get_element_by_id("inbox-title"));
    if lost && let Some(target) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = target.focus();
    }
}

#[component]
pub fn Inbox(
    desk: RwSignal<Desk>,
    /// Now (ms since the epoch), for how long each shopper has waited.
    #[prop(into)]
    now: Signal<i64>,
    actions: Actions,
) -> impl IntoView {
    // Gathered and sorted once per change of the desk's inbox, for the list, the empty line,
    // the focus and the buttons.
    let messages = Memo::new(move |_| desk.with(Desk::inbox));
    let more = move || desk.with(Desk::inbox_not_shown);
    // The message marked last and the one after it then, until it has left the list: only
    // then does the focus move (a second Enter must not mark the next message).
    let leaving = StoredValue::new(None::<(String, Option<String>)>);
    Effect::new(move |_| {
        let shown = messages.get();
        if let Some((gone, next)) = leaving.get_value()
            && !shown.iter().any(|m| m.id == gone)
        {
            leaving.set_value(None);
            refocus(&gone, next.as_deref());
        }
    });
    view! {
        <section class="inbox" aria-labelledby="inbox-title">
            <h2 id="inbox-title" tabindex="-1">{t("inbox")}</h2>
            <p hidden=move || !messages.with(Vec::is_empty) || more() != 0>{t("inbox_empty")}</p>
            <p class="more" hidden=move || more() == 0>
                {move || t_with("inbox_more", "n", &more().to_string())}
            </p>
            <ul>
                <For each=move || messages.get() key=|m| m.id.clone() let:m>
                    {
                        let id = m.id.clone();
                        let mark_id = format!("mark-{id}");
                        let from_id = format!("left-{}", m.id);
                        let created_at = m.created_at;
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
                                // The name isolated: a right-to-left name (or one that tries to
                                // look like another address) cannot reorder the address after it.
                                <p class="from" id=from_id.clone()>
                                    <a href=mailto(&m.email)>
                                        {m.name.clone().map(|name| view! { <bdi>{name}</bdi>" " })}
                                        "<"<bdi>{m.email.clone()}</bdi>">"
                                    </a>
                                    " · "{m.site.clone()}" · "
                                    <span class="waited">{move || t_with("waited", "time", &waited(created_at, now.get()))}</span>
                                </p>
                                <p class="text" dir="auto">{m.message.clone()}</p>
                                <details hidden=nothing_asked>
                                    <summary>{t("inbox_before")}</summary>
                                    <ul>{asked.into_iter().map(|text| view! { <li dir="auto">{text}</li> }).collect_view()}</ul>
                                </details>
                                // Named by what it does, described by whose message it is: a row of
                                // "Mark handled" alone tells a screen reader nothing.
                                <button type="button" id=mark_id aria-describedby=from_id on:click=move |_| {
                                    let next = messages.with_untracked(|shown| {
                                        shown
                                            .iter()
                                            .skip_while(|m| m.id != id)
                                            .nth(1)
                                            .map(|m| m.id.clone())
                                    });
                                    leaving.set_value(Some((id.clone(), next)));
                                    actions.handled.run(id.clone());
                                }>
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
