//! The agent's conversations: one tab each, with its unread count, and the one shown. It
//! shows why the shopper was handed over, who they are (and whether the shop vouched for
//! it), the context the shop set (cart, order, page; and when its page changed it since the
//! handoff), the agents' notes, the whole transcript with the assistant's answers marked
//! and how sure it was, the knowledge base's best answers to the shopper's last message,
//! and the composer.
//! Message text is always text, never HTML.

use leptos::{ev, prelude::*};
use serde_json::Value;
use tandem_protocol::{
    MAX_MESSAGE_BYTES,
    agent::{AgentStatus, ClosedConversation, Colleague, Resolution},
    conversation::{Author, HandoffReason, Message},
};

use super::{
    Actions,
    announce::{Announce, tally},
    bar::status_text,
    earlier::EarlierConversations,
    follow::{Shown, follow_end},
    links::{as_shown, as_told},
    notes::Notes,
};
use crate::{
    desk::{Chat, Desk},
    i18n::{t, t_with},
    suggest::Suggestion,
};

pub fn reason_text(reason: HandoffReason) -> String {
    t(match reason {
        HandoffReason::Asked => "reason_asked",
        HandoffReason::LowConfidence => "reason_low_confidence",
        HandoffReason::Frustration => "reason_frustration",
        HandoffReason::Sensitive => "reason_sensitive",
        HandoffReason::NegativeFeedback => "reason_negative_feedback",
    })
}

fn author_text(message: &Message) -> String {
    match message.author {
        Author::Shopper => t("author_shopper"),
        Author::Assistant => t("author_assistant"),
        Author::Agent => message
            .agent_name
            .clone()
            .unwrap_or_else(|| t("author_agent")),
        Author::System => t("author_system"),
    }
}

fn author_class(author: Author) -> &'static str {
    match author {
        Author::Shopper => "message shopper",
        Author::Assistant => "message assistant",
        Author::Agent => "message agent",
        Author::System => "message system",
    }
}

/// In a text area: Enter submits its form, Shift+Enter starts a new line (the reply and
/// the note alike, so neither surprises a hand used to the other).
pub(super) fn enter_submits(event: ev::KeyboardEvent) {
    if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
        event.prevent_default();
        if let Some(form) = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(t).ok())
            .and_then(|e| e.closest("form").ok().flatten())
        {
            let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlFormElement>(form)
                .request_submit();
        }
    }
}

/// A time of day in the agent's own locale ("2:41 PM").
fn time_of_day(ms: i64) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_locale_time_string("default")
        .into()
}

/// A context value as the agent reads it: strings without quotes, the rest as JSON.
fn context_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// "Ben (available)", "Cleo (away)", "Dan (offline)" for one not connected.
fn colleague_text(colleague: &Colleague) -> String {
    let state = if colleague.online {
        status_text(colleague.status)
    } else {
        status_text(AgentStatus::Offline)
    };
    format!("{} ({state})", colleague.name)
}

/// How a conversation ended, in words (here and in the history).
pub fn resolution_text(resolution: Resolution) -> String {
    t(match resolution {
        Resolution::Solved => "solved",
        Resolution::NotSolved => "not_solved",
        Resolution::Spam => "spam",
        Resolution::Duplicate => "duplicate",
        Resolution::Other => "other",
        Resolution::ReturnedToAssistant => "returned_to_assistant",
    })
}

/// What the agent may choose when closing (handing back to the assistant has its own button).
const RESOLUTIONS: [Resolution; 5] = [
    Resolution::Solved,
    Resolution::NotSolved,
    Resolution::Spam,
    Resolution::Duplicate,
    Resolution::Other,
];

/// One message of a transcript: who wrote it, how sure the assistant was, and the text
/// (always as text, never HTML). Agents' links are links; the assistant's lines came with the
/// handoff from the shopper's browser, so their links show their addresses instead.
#[component]
pub fn TranscriptLine(message: Message) -> impl IntoView {
    let text = match message.author {
        Author::Agent => as_shown(&message.text).into_any(),
        Author::Assistant => as_told(&message.text).into_any(),
        Author::Shopper | Author::System => message.text.clone().into_any(),
    };
    view! {
        <li class=author_class(message.author)>
            <span class="author">{author_text(&message)}</span>
            {message.confidence.map(|c| view! {
                <span class="confidence">
                    {t_with("confidence", "n", &format!("{:.0}", c * 100.0))}
                </span>
            })}
            <p class="text" dir="auto">{text}</p>
        </li>
    }
}

#[component]
pub fn Conversations(
    desk: RwSignal<Desk>,
    /// The knowledge base's best answers to the shown conversation's last shopper message.
    #[prop(into)]
    suggestions: Signal<Vec<Suggestion>>,
    /// The other agents of the shown conversation's site, as transfer targets.
    #[prop(into)]
    colleagues: Signal<Vec<Colleague>>,
    /// The site's ready-made replies.
    #[prop(into)]
    canned: Signal<Vec<String>>,
    /// The shown conversation's shopper's earlier conversations (verified shoppers only).
    #[prop(into)]
    earlier: Signal<Vec<ClosedConversation>>,
    actions: Actions,
) -> impl IntoView {
    let colleague = RwSignal::new(String::new());
    // Keyed by id alone, each tab's label, count and selection drawn inside it: a tab that
    // changes stays the same button, and keeps the keyboard's focus.
    let tabs = move || {
        desk.with(|d| {
            d.chats()
                .iter()
                .map(|c| c.detail.id.clone())
                .collect::<Vec<_>>()
        })
    };
    let of_tab = move |id: &str, f: &dyn Fn(&Chat) -> String| {
        desk.with(|d| d.chats().iter().find(|c| c.detail.id == id).map(f))
            .unwrap_or_default()
    };
    let open_id = Memo::new(move |_| desk.with(|d| d.open_id().map(str::to_owned)));
    let shown =
        move |f: &dyn Fn(&Chat) -> String| desk.with(|d| d.open_chat().map(f)).unwrap_or_default();

    // The composer's text. The desk keeps each conversation's, for when it is shown again and
    // across a lost session; untracked, so a key press redraws nothing else.
    let draft = RwSignal::new(String::new());
    let write = move |text: String| {
        if let Some(id) = open_id.get_untracked() {
            desk.update_untracked(|d| d.write_reply(&id, text.clone()));
        }
        draft.set(text);
    };
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        open_id.track();
        draft.set(
            desk.with_untracked(|d| d.open_chat().map(|c| c.draft.clone()).unwrap_or_default()),
        );
        problem.set(None);
        colleague.set(String::new());
    });
    let send = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let Some(id) = open_id.get_untracked() else {
            return;
        };
        let text = draft.get_untracked().trim().to_owned();
        if text.is_empty() {
            return problem.set(Some(t("empty_message")));
        }
        // The server would refuse it, and sending it again would not help.
        if text.len() > MAX_MESSAGE_BYTES {
            let limit = MAX_MESSAGE_BYTES.to_string();
            return problem.set(Some(t_with("message_too_long", "n", &limit)));
        }
        actions.send.run((id, text));
        write(String::new());
        problem.set(None);
    };
    // Each conversation is closed as the agent chose for it ("spam" for one is not for the
    // next), "solved" until they choose.
    let resolution =
        move || desk.with(|d| d.open_chat().map_or(Resolution::Solved, |c| c.resolution));
    // The conversation leaves the desk on close or transfer, and a note or reply not sent yet
    // with it.
    let finish = move |act: &dyn Fn(String)| {
        let Some(id) = open_id.get_untracked() else {
            return;
        };
        let unsaved = desk.with_untracked(|d| d.open_chat().is_some_and(Chat::unsent));
        if unsaved
            && !window()
                .confirm_with_message(&t("note_unsaved"))
                .unwrap_or(false)
        {
            return;
        }
        act(id);
    };

    // Keyed by conversation and number: numbers start at 1 in every conversation, and a
    // row kept by its number alone would show another conversation's line.
    let messages = move || {
        desk.with(|d| {
            d.open_chat()
                .map(|c| {
                    c.detail
                        .messages
                        .iter()
                        .map(|m| ((c.detail.id.clone(), m.seq), m.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let arrived = Memo::new(move |_| {
        desk.with(|d| {
            let chat = d.open_chat();
            let lines = chat.map_or(&[][..], |c| &c.detail.messages[..]);
            tally(chat.map(|c| c.detail.id.clone()), lines, |m| {
                (m.author != Author::Agent).then(|| format!("{}: {}", author_text(m), m.text))
            })
        })
    });
    let pending =
        move || desk.with(|d| d.open_chat().map(|c| c.pending.clone()).unwrap_or_default());
    let transcript = NodeRef::<leptos::html::Ol>::new();
    let on_scroll = follow_end(transcript, move || {
        desk.with(|d| Shown {
            conversation: d.open_id().map(str::to_owned),
            lines: d.open_chat().map_or(0, |c| c.detail.messages.len()),
            sending: d.open_chat().map_or(0, |c| c.pending.len()),
        })
    });
    let context = move || {
        desk.with(|d| {
            d.open_chat()
                .map(|c| {
                    c.detail
                        .context
                        .iter()
                        .map(|(k, v)| (k.clone(), context_text(v)))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let context_changed = move || {
        desk.with(|d| {
            d.open_chat()
                .and_then(|c| c.detail.context_changed_at)
                .map(|at| t_with("context_changed", "time", &time_of_day(at)))
        })
    };
    let identity = move || {
        desk.with(|d| {
            d.open_chat().map(|c| {
                let who = c.detail.identity.as_ref().map_or_else(
                    || t("anonymous"),
                    |i| {
                        let name = i.name.clone().unwrap_or_else(|| i.id.clone());
                        match &i.email {
                            Some(email) => format!("{name} <{email}>"),
                            None => name,
                        }
                    },
                );
                // The shop signs the account id only: the name and email beside it are
                // whatever the page (or whoever sent the handoff) said.
                let vouched = match &c.detail.identity {
                    None => String::new(),
                    Some(who) if c.detail.identity_verified => {
                        format!(" ({})", t_with("verified", "id", &who.id))
                    }
                    Some(_) => format!(" ({})", t("not_verified")),
                };
                format!("{who}{vouched}")
            })
        })
    };

    view! {
        <section class="conversations" aria-labelledby="conversations-title">
            <h2 id="conversations-title">{t("conversations")}</h2>
            <p hidden=move || !tabs().is_empty()>{t("no_conversations")}</p>
            <div role="tablist" class="tabs">
                <For each=tabs key=|id| id.clone() let:id>
                    {
                        let (label, unread, selected) = (id.clone(), id.clone(), id.clone());
                        let unread = move || of_tab(&unread, &|c| c.unread.to_string());
                        let unread_text = unread.clone();
                        view! {
                            <button type="button" role="tab"
                                aria-selected=move || (open_id.get().as_deref() == Some(selected.as_str())).to_string()
                                aria-controls="conversation" on:click=move |_| desk.update(|d| d.select(&id))>
                                {move || of_tab(&label, &|c| c.label().unwrap_or_else(|| t("author_shopper")))}
                                <span class="unread" hidden=move || unread() == "0">
                                    {move || t_with("unread", "n", &unread_text())}
                                </span>
                            </button>
                        }
                    }
                </For>
            </div>
            <section id="conversation" role="tabpanel" hidden=move || open_id.get().is_none()>
                <header>
                    <p class="reason">
                        {t("handoff_reason")}": "
                        <strong>{move || shown(&|c| reason_text(c.detail.reason))}</strong>
                    </p>
                    <p class="identity">{t("identity")}": "{identity}</p>
                </header>
                <EarlierConversations earlier actions />
                <section class="context" aria-label=t("context")>
                    <h3>{t("context")}</h3>
                    <p hidden=move || !context().is_empty()>{t("no_context")}</p>
                    <p class="changed" hidden=move || context_changed().is_none()>
                        {context_changed}
                    </p>
                    <dl>
                        <For each=context key=|kv| kv.clone() let:kv>
                            <dt>{kv.0}</dt>
                            <dd dir="auto">{kv.1}</dd>
                        </For>
                    </dl>
                </section>
                <Notes desk actions time=time_of_day />
                <h3 id="transcript-title">{t("transcript")}</h3>
                // Not read out as a whole when another conversation is shown: `Announce` says
                // each line that arrives.
                <Announce tally=arrived of="lines-news" />
                <div role="log" aria-live="off" aria-labelledby="transcript-title"><ol class="transcript" tabindex="0" aria-labelledby="transcript-title"
                    node_ref=transcript on:scroll=on_scroll>
                    <For each=messages key=|(key, _)| key.clone() let:line>
                        <TranscriptLine message=line.1 />
                    </For>
                    <For each=pending key=|p| (p.client_id.clone(), p.failed) let:p>
                        {
                            let retry = p.client_id.clone();
                            view! {
                                <li class="message agent pending">
                                    <span class="author">{t("author_agent")}</span>
                                    <p class="text" dir="auto">{as_shown(&p.text)}</p>
                                    <span class="state">{if p.failed { t("not_sent") } else { t("sending") }}</span>
                                    <button type="button" hidden=!p.failed
                                        on:click=move |_| actions.retry.run(retry.clone())>{t("retry")}</button>
                                </li>
                            }
                        }
                    </For>
                </ol></div>
                <p class="typing" role="status">
                    {move || desk.with(|d| d.open_chat().is_some_and(|c| c.shopper_typing)).then(|| t("shopper_typing"))}
                </p>
                <section class="suggestions" aria-labelledby="suggestions-title">
                    <h3 id="suggestions-title">{t("suggestions")}</h3>
                    <p hidden=move || !suggestions.with(Vec::is_empty)>{t("no_suggestions")}</p>
                    <ul>
                        <For each=move || suggestions.get() key=|s| (s.title.clone(), s.confidence.to_bits(), s.answer.clone()) let:s>
                            {
                                let answer = s.answer.clone();
                                view! {
                                    <li class="suggestion">
                                        <strong>{s.title.clone()}</strong>
                                        <span class="confidence">
                                            {t_with("confidence", "n", &format!("{:.0}", s.confidence * 100.0))}
                                        </span>
                                        <p dir="auto">{as_shown(&s.answer)}</p>
                                        <button type="button" on:click=move |_| write(answer.clone())>
                                            {t("use_answer")}
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </section>
                <section class="canned" aria-labelledby="canned-title" hidden=move || canned.with(Vec::is_empty)>
                    <h3 id="canned-title">{t("canned_replies")}</h3>
                    <ul>
                        <For each=move || canned.get() key=|text| text.clone() let:text>
                            {
                                let fill = text.clone();
                                view! {
                                    <li>
                                        <button type="button" on:click=move |_| write(fill.clone())>{text}</button>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </section>
                <form class="composer" on:submit=send>
                    <label for="reply">{t("message")}</label>
                    <textarea id="reply" rows="3" prop:value=draft on:keydown=enter_submits
                        on:input=move |e| {
                            write(event_target_value(&e));
                            if let Some(id) = open_id.get_untracked() {
                                actions.typing.run(id);
                            }
                        }></textarea>
                    <p class="problem" role="alert">{move || problem.get()}</p>
                    <button type="submit" class="primary">{t("send")}</button>
                </form>
                <footer class="finish">
                    <label for="resolution">{t("resolution")}</label>
                    <select id="resolution" prop:value=move || resolution().as_str() on:change=move |e| {
                        if let (Some(id), Some(r)) = (open_id.get_untracked(), Resolution::parse(&event_target_value(&e))) {
                            desk.update(|d| d.resolve_as(&id, r));
                        }
                    }>
                        {RESOLUTIONS
                            .into_iter()
                            .map(|value| view! { <option value=value.as_str()>{resolution_text(value)}</option> })
                            .collect_view()}
                    </select>
                    <button type="button" class="close" on:click=move |_| {
                        finish(&|id| actions.close.run((id, untrack(resolution))));
                    }>{t("close_conversation")}</button>
                    <button type="button" class="requeue" on:click=move |_| {
                        finish(&|id| actions.transfer.run((id, None)));
                    }>{t("return_to_queue")}</button>
                    <button type="button" class="to-assistant" on:click=move |_| {
                        finish(&|id| actions.close.run((id, Resolution::ReturnedToAssistant)));
                    }>{t("return_to_assistant")}</button>
                    <label for="colleague">{t("transfer_to")}</label>
                    <select id="colleague" prop:value=move || { colleagues.track(); colleague.get() } on:change=move |e| colleague.set(event_target_value(&e))>
                        <option value="">{t("choose_colleague")}</option>
                        <For each=move || colleagues.get() key=|c| (c.id.clone(), c.status.as_str(), c.online) let:c>
                            <option value=c.id.clone() disabled=!c.can_take()>
                                {colleague_text(&c)}
                            </option>
                        </For>
                    </select>
                    <button type="button" class="transfer" on:click=move |_| {
                        let to = colleague.get_untracked();
                        if !to.is_empty() {
                            finish(&|id| {
                                actions.transfer.run((id, Some(to.clone())));
                                colleague.set(String::new());
                            });
                        }
                    }>{t("transfer")}</button>
                </footer>
            </section>
        </section>
    }
}
