//! Trying the knowledge base in the editor before saving it, on the admin page: the admin
//! types questions a shopper might ask, one per line, and sees what the text in the editor
//! would reply to each (as one conversation) and its expected quality, before anything goes
//! live. A text with errors is refused in the editor's own alert, each error with its line.
//! The questions and the last replies stay with the site's editor while the admin looks at
//! another site or page. The rules are [`kb_trial`](crate::kb_trial)'s; this draws them and
//! makes the call.

use leptos::{prelude::*, task::spawn_local};
use tandem_protocol::agent::KbTry;

use super::{conversation::reason_text, links::as_shown};
use crate::{
    api,
    i18n::{t, t_with},
    kb_draft::KbDrafts,
    kb_trial::{Tried, describe, questions},
};

#[component]
pub fn KbTry(
    /// The editors' state: the shown site's text is what is tried.
    drafts: RwSignal<KbDrafts>,
) -> impl IntoView {
    // Memos: what the editor's typing changes elsewhere in the drafts redraws nothing here.
    let typed = Memo::new(move |_| drafts.with(|d| d.shown().trial.typed.clone()));
    let busy = move || drafts.with(|d| d.shown().trial.running);
    let try_it = move |_| {
        // Not while a try runs: the button stays focusable (not disabled) for keyboards.
        if drafts.with_untracked(KbDrafts::trying) {
            return;
        }
        let (site, text, typed) = drafts.with_untracked(|d| {
            let d = d.shown();
            (d.site.clone(), d.text().to_owned(), d.trial.typed.clone())
        });
        let (asked, left_out) = questions(&typed);
        drafts.update(|d| d.shown_mut().trial.running = true);
        spawn_local(async move {
            let trial = KbTry {
                text: text.clone(),
                questions: asked.clone(),
            };
            let answer = api::try_kb(&site, &trial).await;
            // Told where a refused save is told: a text's errors point at their lines.
            drafts.update(|d| {
                if let Some(d) = d.draft_mut(&site) {
                    d.trial.running = false;
                    d.tried(answer.as_ref().map(drop).map_err(|f| f.message.clone()));
                    if let Ok(tried) = answer {
                        d.trial.last = Some(Tried {
                            asked,
                            text,
                            left_out,
                            tried,
                        });
                    }
                }
            });
        });
    };
    let shown = Memo::new(move |_| drafts.with(|d| d.shown().trial.last.clone()));
    let changed_since = move || {
        shown.with(|o| {
            o.as_ref()
                .is_some_and(|o| drafts.with(|d| d.shown().text() != o.text))
        })
    };
    let status = move || {
        if busy() {
            Some(t("kb_try_busy"))
        } else if drafts.with(KbDrafts::trying) {
            // The server tries one text at a time.
            Some(t("kb_try_elsewhere"))
        } else {
            shown.with(|o| {
                o.as_ref()
                    .map(|o| t_with("kb_try_done", "n", &o.asked.len().to_string()))
            })
        }
    };
    let nothing_to_ask = move || typed.with(|q| questions(q).0.is_empty());
    view! {
        <section class="kb-try" aria-labelledby="kb-try-title">
            <h4 id="kb-try-title">{t("kb_try")}</h4>
            <label for="kb-questions">{t("kb_try_questions")}</label>
            <textarea id="kb-questions" rows="4" prop:value=typed
                on:input=move |e| drafts.update(|d| d.shown_mut().trial.typed = event_target_value(&e))></textarea>
            <p class="try-actions">
                <button type="button" class="try-kb" disabled=nothing_to_ask
                    aria-disabled=move || drafts.with(KbDrafts::trying).to_string() on:click=try_it>
                    {t("kb_try_button")}
                </button>
                <span class="try-status" role="status">{status}</span>
            </p>
            <div class="kb-tried">
                {move || shown.get().map(|o| {
                    let replies = o.asked.iter().zip(&o.tried.replies).map(|(question, reply)| {
                        let line = describe(reply, reason_text);
                        view! {
                            <li>
                                <p class="question">{question.clone()}</p>
                                <p class="reply">{line.summary}</p>
                                {line.shown.map(|text| view! { <p class="shown" dir="auto">{as_shown(&text)}</p> })}
                            </li>
                        }
                    }).collect_view();
                    view! {
                        <p class="hint" hidden=move || !changed_since()>{t("kb_try_changed")}</p>
                        {(o.left_out > 0).then(|| view! { <p class="hint">{t_with("kb_try_left_out", "n", &o.left_out.to_string())}</p> })}
                        <ol class="kb-replies">{replies}</ol>
                        <details>
                            <summary>{t("kb_try_report")}</summary>
                            <pre class="kb-tried-report">{o.tried.report.clone()}</pre>
                        </details>
                    }
                })}
            </div>
        </section>
    }
}
