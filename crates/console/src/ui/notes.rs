//! Agents' notes on a conversation: what colleagues wrote (who, when), and in the one shown
//! a box to add one. The shopper never sees notes, and the section says so, so that no
//! agent mistakes the box for the composer. Note text is text, agents' links as links.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::Note;

use super::{Actions, conversation::enter_submits, links::as_shown};
use crate::{desk::Desk, i18n::t};

/// The notes, oldest first, each with its author and `time(at)`; with `live`, a screen
/// reader hears each one added.
#[component]
pub fn NoteList(
    #[prop(into)] notes: Signal<Vec<Note>>,
    time: fn(i64) -> String,
    #[prop(optional)] live: bool,
) -> impl IntoView {
    view! {
        <ol class="notes-list" aria-live=live.then_some("polite")
            hidden=move || notes.with(Vec::is_empty)>
            <For each=move || notes.get() key=|n| n.id.clone() let:note>
                <li class="note">
                    <span class="author">{note.agent_name.clone()}</span>" "
                    <span class="when">{time(note.at)}</span>
                    <p class="text" dir="auto">{as_shown(&note.text)}</p>
                </li>
            </For>
        </ol>
    }
}

/// The notes of the conversation shown, and the box to add one.
#[component]
pub fn Notes(desk: RwSignal<Desk>, actions: Actions, time: fn(i64) -> String) -> impl IntoView {
    let open_id = move || desk.with(|d| d.open_id().map(str::to_owned));
    let notes = Signal::derive(move || {
        desk.with(|d| {
            d.open_chat()
                .map(|c| c.detail.notes.clone())
                .unwrap_or_default()
        })
    });
    let draft = move || desk.with(|d| d.open_chat().map(|c| c.note.clone()).unwrap_or_default());
    // A blank note is the console's own refusal; the server's come with the draft.
    let blank = RwSignal::new(false);
    Effect::new(move |_| {
        open_id();
        blank.set(false);
    });
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let Some(id) = open_id() else {
            return;
        };
        let empty = !draft().is_written();
        blank.set(empty);
        if !empty {
            actions.note.run(id);
        }
    };
    let problem = move || {
        if blank.get() {
            Some(t("empty_note"))
        } else {
            draft().problem
        }
    };
    view! {
        <section class="notes" aria-labelledby="notes-title">
            <h3 id="notes-title">{t("notes")}</h3>
            <p class="private" id="notes-private">{t("notes_private")}</p>
            <NoteList notes time live=true />
            <form class="add-note" on:submit=add>
                <label for="note">{t("new_note")}</label>
                <textarea id="note" rows="2" aria-describedby="notes-private"
                    prop:value=move || draft().text
                    readonly=move || draft().saving
                    on:keydown=enter_submits
                    on:input=move |e| {
                        blank.set(false);
                        if let Some(id) = open_id() {
                            desk.update(|d| d.write_note(&id, event_target_value(&e)));
                        }
                    }></textarea>
                <p class="problem" role="alert">{problem}</p>
                // Not `disabled` while it is on its way: that would drop the keyboard's focus.
                <button type="submit" aria-disabled=move || draft().saving.to_string()>
                    {t("add_note")}
                </button>
            </form>
        </section>
    }
}
