//! The knowledge base editor on the admin page: the site's knowledge base as TOML in a text
//! area, where it comes from (its file, or a version saved here, by whom and when), "Save and
//! put live", "Discard changes", and putting the file (back) in use. A refused save shows the
//! server's errors with their lines, each a button that takes the caret there, and keeps
//! what was typed. Each site's unsaved changes are kept while the admin looks at another
//! (which the editor reminds them of). The rules are [`KbDrafts`]'s; this draws them and
//! makes the calls.

use leptos::{prelude::*, task::spawn_local};
use tandem_protocol::agent::{KbEdit, KbSource};

use super::{history::when, kb_try::KbTry, kb_versions::KbVersions};
use crate::{
    api::{self, Failure},
    i18n::{t, t_args, t_with},
    kb_draft::{KbDraft, KbDrafts, Origin, caret},
};

/// The editor shown, read from the drafts of every site.
#[derive(Clone, Copy)]
struct Shown(RwSignal<KbDrafts>);

impl Shown {
    fn with<T>(&self, f: impl FnOnce(&KbDraft) -> T) -> T {
        self.0.with(|d| f(d.shown()))
    }

    fn with_untracked<T>(&self, f: impl FnOnce(&KbDraft) -> T) -> T {
        self.0.with_untracked(|d| f(d.shown()))
    }
}

#[component]
pub fn KbEditor(
    /// The site whose knowledge base is edited.
    #[prop(into)]
    site: Signal<String>,
    /// Whether a new model is being compiled (the buttons wait for it).
    #[prop(into)]
    compiling: Signal<bool>,
    /// Called once an edit was saved or the file put in use: the site compiles it now.
    on_live: Callback<()>,
    /// The editors' state, kept by the app: what was typed survives a visit to another site
    /// or page.
    drafts: RwSignal<KbDrafts>,
) -> impl IntoView {
    // An answer reaches its site's editor, shown or kept.
    let arrived = move |site: String, answer: Result<KbSource, Failure>| {
        drafts.update(|d| {
            let Some(d) = d.draft_mut(&site) else {
                return;
            };
            match answer {
                Ok(source) => d.loaded(source),
                Err(failure) => d.refused(failure.message),
            }
        })
    };
    let load = move |site: String| {
        spawn_local(async move { arrived(site.clone(), api::kb_source(&site).await) });
    };
    // The site's editor as the admin left it, or its text loaded afresh. A memo: the site is
    // derived from the desk, which every live message changes.
    let site = Memo::new(move |_| site.get());
    Effect::new(move |_| {
        let s = site.get();
        if !s.is_empty() && drafts.try_update(|d| d.show(&s)) == Some(true) {
            load(s);
        }
    });
    let draft = Shown(drafts);
    let put_live = move |site: String, answer: Result<KbSource, Failure>| {
        if answer.is_ok() && draft.with_untracked(|d| d.site == site) {
            on_live.run(());
        }
        arrived(site, answer);
    };
    // The buttons are `aria-disabled`, not `disabled`, while they cannot act: a disabled
    // button drops the keyboard's focus to the page, and these wait after every click. So
    // each checks for itself.
    let ready = move || !draft.with_untracked(|d| d.busy) && !compiling.get_untracked();
    let save = move |_| {
        if !ready() || !draft.with_untracked(KbDraft::changed) {
            return;
        }
        let (site, edit) = draft.with_untracked(|d| {
            (
                d.site.clone(),
                KbEdit {
                    text: d.text().to_owned(),
                    base_version: d.base_version(),
                },
            )
        });
        drafts.update(|d| d.shown_mut().busy = true);
        spawn_local(async move { put_live(site.clone(), api::save_kb(&site, &edit).await) });
    };
    // The text in use loaded again over the changes; the editor waits for it (what is typed
    // meanwhile would be replaced).
    let discard = move |_| {
        if !ready() || !draft.with_untracked(KbDraft::changed) {
            return;
        }
        let site = draft.with_untracked(|d| d.site.clone());
        drafts.update(|d| d.shown_mut().busy = true);
        load(site);
    };
    let from_file = move |_| {
        if !ready() || draft.with_untracked(KbDraft::changed) {
            return;
        }
        let (site, base) = draft.with_untracked(|d| (d.site.clone(), d.base_version()));
        drafts.update(|d| d.shown_mut().busy = true);
        spawn_local(async move { put_live(site.clone(), api::reload_kb(&site, base).await) });
    };
    // An error's place: the caret there, and the text area scrolled to it.
    let area = NodeRef::<leptos::html::Textarea>::new();
    let go_to = move |line: usize, column: usize| {
        let Some(area) = area.get_untracked() else {
            return;
        };
        let at = draft.with_untracked(|d| caret(d.text(), line, column));
        let _ = area.blur();
        let _ = area.set_selection_range(at, at);
        let _ = area.focus();
    };
    let changed = move || draft.with(KbDraft::changed);
    let edit = move |text: String| drafts.update(|d| d.shown_mut().edit(text));
    let unsaved = move || {
        changed().then(|| match draft.with(|d| d.opened) {
            Some(n) => t_with("kb_opened", "n", &n.to_string()),
            None => t("kb_unsaved"),
        })
    };
    let focus_editor = move || {
        if let Some(area) = area.get_untracked() {
            let _ = area.focus();
        }
    };
    let elsewhere = move || {
        let sites = drafts.with(KbDrafts::unsaved_elsewhere);
        (!sites.is_empty()).then(|| t_with("kb_unsaved_elsewhere", "sites", &sites.join(", ")))
    };
    let waiting = move || draft.with(|d| d.busy) || compiling.get();
    let origin = move || match draft.with(KbDraft::origin) {
        Origin::Loading => String::new(),
        Origin::None => t("kb_none"),
        Origin::File => t("kb_from_file"),
        Origin::Saved { version, by } => t_args(
            "kb_saved",
            &[
                ("n", &version.to_string()),
                ("by", &by.by),
                ("when", &when(by.at)),
            ],
        ),
    };
    let file_label = move || match draft.with(KbDraft::origin) {
        Origin::Saved { .. } => t("kb_file_back"),
        _ => t("kb_reload"),
    };
    view! {
        <section class="kb-editor" aria-labelledby="kb-editor-title">
            <h3 id="kb-editor-title">{t("kb_editor")}</h3>
            <p class="kb-origin">{origin}</p>
            <label for="kb-text">{t("kb_text")}</label>
            // Read-only while a save is on its way: its answer replaces the text.
            <textarea id="kb-text" class="kb-text" node_ref=area readonly=move || draft.with(|d| d.busy) rows="24" spellcheck="false" autocomplete="off"
                aria-describedby="kb-hint kb-problem"
                prop:value=move || draft.with(|d| d.text().to_owned())
                on:input=move |e| edit(event_target_value(&e))></textarea>
            <p id="kb-hint" class="hint">{t("kb_hint")}</p>
            <div id="kb-problem" class="kb-problem" role="alert">
                <For each=move || draft.with(KbDraft::problem_lines).into_iter().enumerate()
                    key=|(n, line)| (*n, line.text.clone()) let:((_, line))>
                    {match line.at {
                        Some((number, column)) => view! {
                            <button type="button" class="at" title=t("kb_go_to")
                                on:click=move |_| go_to(number, column)>{line.text}</button>
                        }.into_any(),
                        None => view! { <p>{line.text}</p> }.into_any(),
                    }}
                </For>
            </div>
            <p class="kb-actions">
                <button type="button" class="primary save-kb" aria-disabled=move || (!changed() || waiting()).to_string() on:click=save>
                    {t("kb_save")}
                </button>
                <button type="button" class="discard-kb" aria-disabled=move || (!changed() || waiting()).to_string()
                    on:click=discard>
                    {t("kb_discard")}
                </button>
                // Not over unsaved changes: they would be dropped unasked.
                <button type="button" class="file-kb" hidden=move || !draft.with(KbDraft::has_file)
                    aria-disabled=move || (waiting() || changed()).to_string() on:click=from_file>
                    {file_label}
                </button>
                <span class="unsaved" role="status">{unsaved}</span>
            </p>
            <p class="unsaved-elsewhere" role="status">{elsewhere}</p>
            <KbTry drafts />
            <KbVersions drafts on_opened=Callback::new(move |()| focus_editor()) />
        </section>
    }
}
