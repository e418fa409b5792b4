//! Offers and the queue. An offer shows its countdown and is answered with a button or a key
//! (A accepts, D declines the first offer, unless the agent is typing somewhere); every
//! waiting shopper of the agent's sites is listed with their place, wait and reason, and can
//! be taken from the queue directly.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::QueueEntry;

use super::{Actions, conversation::reason_text};
use crate::{
    api::Take,
    desk::{Desk, seconds_left, waited},
    i18n::{t, t_with},
};

/// Whether a key press belongs to a text field rather than to the console's shortcuts.
fn typing_in_a_field(event: &ev::KeyboardEvent) -> bool {
    let tag = document()
        .active_element()
        .map(|e| e.tag_name())
        .unwrap_or_default();
    matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || event.ctrl_key()
        || event.meta_key()
        || event.alt_key()
}

fn summary(entry: &QueueEntry) -> String {
    entry.preview.clone().unwrap_or_default()
}

#[component]
pub fn Queue(
    desk: RwSignal<Desk>,
    #[prop(into)] now: Signal<i64>,
    actions: Actions,
) -> impl IntoView {
    let shortcut = window_event_listener(ev::keydown, move |event| {
        if typing_in_a_field(&event) {
            return;
        }
        let how = match event.key().as_str() {
            "a" | "A" => Take::Accept,
            "d" | "D" => Take::Decline,
            _ => return,
        };
        if let Some(id) =
            desk.with_untracked(|d| d.offers().first().map(|o| o.conversation.id.clone()))
        {
            event.prevent_default();
            actions.take.run((id, how));
        }
    });
    on_cleanup(move || shortcut.remove());

    let offers = move || desk.with(|d| d.offers().to_vec());
    let queue = move || desk.with(Desk::queue);
    view! {
        <section class="offers" aria-labelledby="offers-title" hidden=move || offers().is_empty()>
            <h2 id="offers-title">{t("offers")}</h2>
            <p class="hint">{t("offer_keys")}</p>
            <ul>
                <For each=offers key=|o| (o.conversation.id.clone(), o.expires_at, o.conversation.preview.clone()) let:offer>
                    {
                        let id = offer.conversation.id.clone();
                        let (accept, decline) = (id.clone(), id);
                        let expires_at = offer.expires_at;
                        view! {
                            <li class="offer">
                                // Announced once, as it arrives; the countdown outside it
                                // ticks without being read out every second.
                                <div role="alert">
                                    <p class="reason">
                                        <span class="site">{offer.conversation.site.clone()}</span>" "
                                        {reason_text(offer.conversation.reason)}
                                    </p>
                                    <p class="preview" dir="auto">{summary(&offer.conversation)}</p>
                                </div>
                                <p class="countdown">
                                    {move || t_with("offer_expires", "n", &seconds_left(expires_at, now.get()).to_string())}
                                </p>
                                <button type="button" class="primary accept"
                                    on:click=move |_| actions.take.run((accept.clone(), Take::Accept))>
                                    {t("accept")}
                                </button>
                                <button type="button" class="decline"
                                    on:click=move |_| actions.take.run((decline.clone(), Take::Decline))>
                                    {t("decline")}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ul>
        </section>
        <section class="queue" aria-labelledby="queue-title">
            <h2 id="queue-title">{t("queue")}</h2>
            <p hidden=move || !queue().is_empty()>{t("queue_empty")}</p>
            <ol>
                <For each=queue key=|e| (e.id.clone(), e.position, e.priority, e.preview.clone()) let:entry>
                    {
                        let id = entry.id.clone();
                        let queued_at = entry.queued_at;
                        view! {
                            <li class="waiting" class:priority={entry.priority > 0}>
                                <span class="position">{t_with("position", "n", &entry.position.to_string())}</span>
                                <span class="site">{entry.site.clone()}</span>
                                <span class="reason">{reason_text(entry.reason)}</span>
                                <span class="waited">{move || t_with("waited", "time", &waited(queued_at, now.get()))}</span>
                                <p class="preview" dir="auto">{summary(&entry)}</p>
                                <button type="button" on:click=move |_| actions.take.run((id.clone(), Take::Claim))>
                                    {t("claim")}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
        </section>
    }
}
