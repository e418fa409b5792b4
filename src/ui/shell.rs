//! The widget's frame: the header with the merchant's name and the "Talk to a human" button
//! (outside anything that changes with the chat's state, so no state can hide it), the
//! conversation (an ARIA log, so screen readers announce new lines), the status line (an
//! ARIA status: connecting, the place in line) and the composer.
//!
//! Keyboard: Enter in the composer sends (Shift+Enter starts a new line), Esc closes.
//! Messages are inserted as text, never parsed as HTML, with `dir="auto"` so right-to-left
//! text reads right.

use leptos::{ev, html::Textarea, prelude::*};

use crate::{
    chat::{Chat, ComposeError},
    strings::EN,
};

#[component]
pub fn Shell(
    /// The merchant's name, for the header.
    #[prop(into)]
    name: Signal<String>,
    chat: RwSignal<Chat>,
    /// "Talk to a human" was pressed.
    #[prop(into)]
    on_human: Callback<()>,
    /// The shopper closes the chat.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let input = NodeRef::<Textarea>::new();
    let problem = RwSignal::new(String::new());
    let send = move || {
        let Some(input) = input.get_untracked() else {
            return;
        };
        match chat.try_update(|c| c.send(&input.value())) {
            Some(Ok(())) => {
                input.set_value("");
                problem.set(String::new());
            }
            Some(Err(ComposeError::Empty)) => problem.set(EN.empty_message.to_owned()),
            Some(Err(ComposeError::TooLong)) => problem.set(EN.too_long.to_owned()),
            None => {}
        }
    };
    let on_keydown = move |event: ev::KeyboardEvent| match event.key().as_str() {
        "Escape" => on_close.run(()),
        "Enter" if !event.shift_key() && !event.is_composing() => {
            let in_composer = input
                .get_untracked()
                .is_some_and(|i| document().active_element().is_some_and(|a| a == **i));
            if in_composer {
                event.prevent_default();
                send();
            }
        }
        _ => {}
    };
    let lines = move || chat.with(|c| c.lines().to_vec());
    view! {
        <div class="tandem" on:keydown=on_keydown>
            <header class="bar">
                <div class="who">
                    <h1 class="title">{name}</h1>
                </div>
                <button type="button" class="human" on:click=move |_| on_human.run(())>{EN.talk_to_human}</button>
                <button type="button" class="close" aria-label=EN.close_chat title=EN.close_chat on:click=move |_| on_close.run(())>
                    "×"
                </button>
            </header>
            <ol class="messages" role="log" aria-live="polite" aria-label=EN.conversation_label>
                <For each=lines key=|line| line.id let:line>
                    <li class="line shopper">
                        <span class="sr-only">{EN.you}": "</span>
                        <span class="text" dir="auto">{line.text}</span>
                    </li>
                </For>
            </ol>
            <div class="status" role="status">
                <p class="place">{move || chat.with(|c| c.status(&EN))}</p>
            </div>
            <form
                class="composer"
                on:submit=move |event| {
                    event.prevent_default();
                    send();
                }
            >
                <label class="sr-only" for="tandem-message">{EN.message_label}</label>
                <textarea id="tandem-message" rows="2" placeholder=EN.message_placeholder node_ref=input></textarea>
                <button type="submit" class="send">{EN.send}</button>
                <p class="compose-error" role="alert">{move || problem.get()}</p>
            </form>
        </div>
    }
}
