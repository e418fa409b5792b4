//! The history page: a site's closed conversations, newest first, with who had each, why it
//! was handed over, how it ended, and the shopper's rating and comment; only the poorly rated
//! ones at a click, or those that mention a text (an order number, "refund"); older ones a
//! page at a time; and one opened to read whole, with the agents' notes and a box to add a
//! wrap-up (the refund went through, the shopper was called back). The list is a
//! [`History`](crate::history::History); the app fetches and sends what this asks for.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::ClosedConversation;
use wasm_bindgen::JsCast;

use super::{
    conversation::{TranscriptLine, reason_text, resolution_text},
    notes::{NoteForm, NoteList},
    site::{SiteChoice, SitePicker},
};
use crate::{
    history::{Filter, History},
    i18n::{t, t_with},
};

/// When a conversation closed, in the agent's own locale and time zone.
pub(super) fn when(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// "Read the conversation closed 12/1/2026, 6:22 PM", so each button says which it opens.
pub(super) fn read_label(conversation: &ClosedConversation) -> String {
    t_with(
        "read_conversation_closed",
        "when",
        &when(conversation.closed_at),
    )
}

pub(super) fn rating_text(conversation: &ClosedConversation) -> String {
    conversation.rating.map_or_else(
        || t("not_rated"),
        |n| t_with("rating_of_5", "n", &n.to_string()),
    )
}

#[component]
pub fn HistoryView(
    #[prop(into)] sites: Signal<Vec<String>>,
    #[prop(into)] history: Signal<History>,
    #[prop(into)] problem: Signal<Option<String>>,
    /// Called with the site and filter to show, from the newest.
    on_show: Callback<Filter>,
    on_older: Callback<()>,
    /// Called with the id of the conversation to read.
    on_open: Callback<String>,
    /// Called with the wrap-up note's text as the agent writes it.
    on_note_input: Callback<String>,
    /// Called when the agent adds the wrap-up note.
    on_note: Callback<()>,
) -> impl IntoView {
    let choice = SiteChoice::new(sites);
    let low = RwSignal::new(false);
    // What the search box holds, and what was searched for (on Enter or the button).
    let typed = RwSignal::new(String::new());
    let searched = RwSignal::new(String::new());
    // Older conversations asked for, with how many rows were shown then.
    let asked_older = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        let site = choice.get();
        if !site.is_empty() {
            asked_older.set_value(None);
            on_show.run(Filter {
                site,
                low: low.get(),
                text: searched.get(),
            });
        }
    });
    let export_url = move || {
        Filter {
            site: choice.get(),
            low: low.get(),
            text: searched.get(),
        }
        .export_url()
    };
    let search = move |event: ev::SubmitEvent| {
        event.prevent_default();
        searched.set(typed.get_untracked().trim().to_owned());
    };
    let open = move || history.with(|h| h.open.clone());
    // An opened conversation is read where it is drawn, below the list: bring it into view
    // and focus, for screen readers too.
    // Only when another one opens: a new page or a search must not pull the focus away.
    let past = NodeRef::<leptos::html::Article>::new();
    let opened = Memo::new(move |_| history.with(|h| h.open.as_ref().map(|c| c.id.clone())));
    let wrap_up = Memo::new(move |_| history.with(History::note));
    Effect::new(move |_| {
        if let (Some(_), Some(article)) = (opened.get(), past.get_untracked()) {
            article.scroll_into_view();
            let _ = article.focus();
        }
    });
    // The "Older" button hides after the last page: a keyboard on it would drop to the top
    // of the page, so the focus goes on to the first row that came (the last row if none
    // did), where reading goes on.
    let older = NodeRef::<leptos::html::Button>::new();
    let rows = NodeRef::<leptos::html::Tbody>::new();
    Effect::new(move |_| {
        let (count, more) = history.with(|h| (h.conversations.len(), h.more));
        let Some(before) = asked_older.get_value() else {
            return;
        };
        if count == before && more {
            return; // not come yet
        }
        asked_older.set_value(None);
        let on_button = document().active_element().is_none_or(|active| {
            let button = older.get_untracked();
            button.is_some_and(|b| AsRef::<web_sys::Element>::as_ref(&b) == &active)
                || document().body().is_some_and(|body| *body == active)
        });
        if on_button {
            request_animation_frame(move || {
                // nth-child counts from 1: the first row that came, or the last one shown.
                let row = if count > before { before + 1 } else { before };
                let read = rows.get_untracked().and_then(|body| {
                    body.query_selector(&format!("tr:nth-child({row}) .read"))
                        .ok()
                        .flatten()
                });
                if let Some(read) = read {
                    let _ = read.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            });
        }
    });
    let ask_older = move |_| {
        asked_older.set_value(Some(history.with_untracked(|h| h.conversations.len())));
        on_older.run(());
    };
    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">{t("history")}</h2>
            <div class="history-filter">
                <SitePicker id="history-site" choice />
                <label>
                    <input type="checkbox" id="history-low" prop:checked=low
                        on:change=move |e| low.set(event_target_checked(&e)) />
                    {t("history_low_only")}
                </label>
                <form class="history-search" role="search" on:submit=search>
                    <label for="history-q">{t("history_search")}</label>
                    <input type="search" id="history-q" prop:value=typed
                        on:input=move |e| typed.set(event_target_value(&e)) />
                    <button type="submit">{t("search")}</button>
                </form>
            </div>
            <p class="export" hidden=move || history.with(|h| h.conversations.is_empty())>
                <a href=export_url download>{t("history_export")}</a>
            </p>
            <p class="problem" role="alert">{move || problem.get()}</p>
            <p class="empty" hidden=move || !history.with(|h| h.conversations.is_empty())>
                {t("history_empty")}
            </p>
            <table class="history-table" hidden=move || history.with(|h| h.conversations.is_empty())>
                <thead>
                    <tr>
                        <th scope="col">{t("closed_at")}</th>
                        <th scope="col">{t("agent")}</th>
                        <th scope="col">{t("history_reason")}</th>
                        <th scope="col">{t("resolution")}</th>
                        <th scope="col">{t("rating")}</th>
                        <th scope="col">{t("rating_comment")}</th>
                        <th scope="col">{t("first_message")}</th>
                        <th scope="col"><span class="sr-only">{t("actions")}</span></th>
                    </tr>
                </thead>
                <tbody node_ref=rows>
                    <For each=move || history.with(|h| h.conversations.clone()) key=|c| (c.id.clone(), c.rating, c.rating_comment.clone()) let:c>
                        {
                            let id = c.id.clone();
                            view! {
                                <tr class:low=c.rating.is_some_and(|n| n <= 2)>
                                    <td>{when(c.closed_at)}</td>
                                    <td>{c.agent_name.clone().unwrap_or_default()}</td>
                                    <td>{reason_text(c.reason)}</td>
                                    <td>{c.resolution.map(resolution_text).unwrap_or_default()}</td>
                                    <td>{rating_text(&c)}</td>
                                    <td dir="auto">{c.rating_comment.clone().unwrap_or_default()}</td>
                                    <td dir="auto">{c.preview.clone().unwrap_or_default()}</td>
                                    <td>
                                        <button type="button" class="read" aria-label=read_label(&c)
                                            on:click=move |_| on_open.run(id.clone())>
                                            {t("read_conversation")}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <button type="button" class="older" node_ref=older
                hidden=move || history.with(|h| h.older().is_none()) on:click=ask_older>{t("history_older")}</button>
            <article class="past" aria-labelledby="past-title" tabindex="-1" node_ref=past
                hidden=move || open().is_none()>
                <h3 id="past-title">
                    {move || open().map(|c| t_with("past_conversation", "id", &c.id))}
                </h3>
                <section class="notes" aria-labelledby="past-notes-title"
                    hidden=move || open().is_none_or(|c| c.notes.is_empty()) && wrap_up.with(Option::is_none)>
                    <h4 id="past-notes-title">{t("notes")}</h4>
                    <p class="private" id="past-notes-private">{t("notes_private")}</p>
                    <NoteList shown=opened notes=Signal::derive(move || open().map(|c| c.notes).unwrap_or_default()) time=when />
                    <Show when=move || wrap_up.with(Option::is_some)>
                        <NoteForm id="past-note" described_by="past-notes-private" shown=opened
                            draft=Signal::derive(move || wrap_up.get().unwrap_or_default())
                            on_input=on_note_input on_add=on_note />
                    </Show>
                </section>
                // Focusable: a keyboard scrolls it when it is longer than its box.
                <ol class="transcript" tabindex="0" aria-labelledby="past-title">
                    // Keyed by conversation too: each one's numbers start at 1.
                    <For each=move || open().map(|c| c.messages.into_iter().map(|m| ((c.id.clone(), m.seq), m)).collect::<Vec<_>>()).unwrap_or_default()
                        key=|(key, _)| key.clone() let:line>
                        <TranscriptLine message=line.1 />
                    </For>
                </ol>
            </article>
        </section>
    }
}
