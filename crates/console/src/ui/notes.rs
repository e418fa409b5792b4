//! Agents' notes on a conversation: what colleagues wrote (who, when), and a box to add one,
//! on the desk to the conversation shown and in the history to a closed one (a wrap-up). The
//! shopper never sees notes, and the section says so, so that no agent mistakes the box for
//! the composer. Note text is text, agents' links as links.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::Note;

use super::{
    Actions,
    announce::{Announce, tally},
    conversation::enter_submits,
    links::as_shown,
};
use crate::{
    desk::Desk,
    i18n::{t, t_with},
    note_draft::NoteDraft,
};

/// The notes of the conversation `shown`, oldest first, each with its author and
/// `time(at)`; a screen reader hears each one added while it is shown.
#[component]
pub fn NoteList(
    #[prop(into)] shown: Signal<Option<String>>,
    #[prop(into)] notes: Signal<Vec<Note>>,
    time: fn(i64) -> String,
) -> impl IntoView {
    let tally = Memo::new(move |_| {
        notes.with(|all| {
            tally(shown.get(), all, |n| {
                Some(format!("{}: {}", n.agent_name, n.text))
            })
        })
    });
    view! {
        <Announce tally of="notes-news" />
        <ol class="notes-list" hidden=move || notes.with(Vec::is_empty)>
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

/// The box to add a note to the conversation `shown`: `id` names its text area (the desk's
/// and the history's are on the page at once), `described_by` what says who reads notes.
#[component]
pub fn NoteForm(
    id: &'static str,
    described_by: &'static str,
    #[prop(into)] shown: Signal<Option<String>>,
    #[prop(into)] draft: Signal<NoteDraft>,
    on_input: Callback<String>,
    on_add: Callback<()>,
) -> impl IntoView {
    // A blank note is the console's own refusal; the server's come with the draft.
    let blank = RwSignal::new(false);
    Effect::new(move |_| {
        shown.track();
        blank.set(false);
    });
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let empty = !draft.with(NoteDraft::is_written);
        blank.set(empty);
        if !empty {
            on_add.run(());
        }
    };
    let problem = move || {
        if blank.get() {
            Some(t("empty_note"))
        } else {
            draft.with(|d| d.problem.clone())
        }
    };
    view! {
        <form class="add-note" on:submit=add>
            <label for=id>{t("new_note")}</label>
            <textarea id=id rows="2" aria-describedby=described_by
                prop:value=move || draft.with(|d| d.text.clone())
                readonly=move || draft.with(|d| d.saving)
                on:keydown=enter_submits
                on:input=move |e| {
                    blank.set(false);
                    on_input.run(event_target_value(&e));
                }></textarea>
            <p class="problem" role="alert">{problem}</p>
            // Not `disabled` while it is on its way: that would drop the keyboard's focus.
            <button type="submit" aria-disabled=move || draft.with(|d| d.saving).to_string()>
                {t("add_note")}
            </button>
        </form>
    }
}

/// The notes of the conversation shown on the desk, and the box to add one.
#[component]
pub fn Notes(desk: RwSignal<Desk>, actions: Actions, time: fn(i64) -> String) -> impl IntoView {
    let open_id = Signal::derive(move || desk.with(|d| d.open_id().map(str::to_owned)));
    let notes = Signal::derive(move || {
        desk.with(|d| {
            d.open_chat()
                .map(|c| c.detail.notes.clone())
                .unwrap_or_default()
        })
    });
    let draft = Signal::derive(move || {
        desk.with(|d| d.open_chat().map(|c| c.note.clone()).unwrap_or_default())
    });
    let on_input = Callback::new(move |text: String| {
        if let Some(id) = open_id.get_untracked() {
            desk.update(|d| d.write_note(&id, text));
        }
    });
    let on_add = Callback::new(move |()| {
        if let Some(id) = open_id.get_untracked() {
            actions.note.run(id);
        }
    });
    view! {
        <section class="notes" aria-labelledby="notes-title">
            <h3 id="notes-title">{t("notes")}</h3>
            <p class="private" id="notes-private">{t("notes_private")}</p>
            <NoteList shown=open_id notes time />
            <NoteForm id="note" described_by="notes-private" shown=open_id draft on_input on_add />
        </section>
    }
}

/// Notes whose conversation left the desk before they were added (closed or passed on
/// elsewhere): their text stays in view, announced once, until the agent dismisses it.
#[component]
pub fn LostNotes(desk: RwSignal<Desk>) -> impl IntoView {
    let lost = move || desk.with(|d| d.lost_notes().to_vec());
    view! {
        <section class="lost-notes" role="alert" hidden=move || lost().is_empty()>
            <ul>
                {move || lost()
                    .into_iter()
                    .map(|text| view! { <li dir="auto">{t_with("note_lost", "text", &text)}</li> })
                    .collect_view()}
            </ul>
            <button type="button" on:click=move |_| desk.update(Desk::dismiss_lost_notes)>
                {t("dismiss")}
            </button>
        </section>
    }
}
