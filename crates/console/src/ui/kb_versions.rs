//! The knowledge base's earlier versions, under the editor on the admin page: every version
//! saved in the console, newest first (older ones a page at a time), who saved it and when
//! (or that it put the file back in use). An older one opened goes into the editor as a
//! change, to save (it becomes the newest version, live) or discard; never over unsaved
//! changes. Listed when the admin shows the list, and again after each save. The rules are
//! [`KbDraft`](crate::kb_draft::KbDraft)'s and [`VersionList`]'s; this draws the list and
//! makes the calls.

use leptos::{prelude::*, task::spawn_local};
use wasm_bindgen::JsCast;

use super::history::when;
use crate::{
    api,
    i18n::{t, t_args, t_with},
    kb_draft::KbDrafts,
    kb_versions::{Row, VersionList},
};

/// The id of a listed version's line.
fn line_id(version: i64) -> String {
    format!("kb-version-{version}")
}

/// Takes the focus to a listed version's line (the first of a page just added), so keyboards
/// and screen readers go on from there, not from the top of the page.
fn focus_line(version: i64) {
    let line = document()
        .get_element_by_id(&line_id(version))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(line) = line {
        let _ = line.focus();
    }
}

#[component]
pub fn KbVersions(
    /// The editors' state: the shown site's, whose versions are listed and which one opens.
    drafts: RwSignal<KbDrafts>,
    /// Called once a version is in the editor (to take the focus there).
    on_opened: Callback<()>,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    // The list, with the site and version in use it was asked for: shown only while they are
    // still the editor's, so another site's list (or an older one) never stands in.
    let listed = RwSignal::new(None::<((String, i64), Result<VersionList, String>)>);
    // Older versions on their way, or why they did not come.
    let older = RwSignal::new(None::<Result<(), String>>);
    let key =
        Memo::new(move |_| drafts.with(|d| (d.shown().site.clone(), d.shown().base_version())));
    // Each list asked for anew counts up: an older page asked of a list since replaced is
    // dropped, not added to the new one.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let asked = key.get();
        if !shown.get() || asked.0.is_empty() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        spawn_local(async move {
            let answer = api::kb_versions(&asked.0, None).await;
            if generation.get_value() == this {
                older.set(None);
                listed.set(Some((
                    asked,
                    answer.map(VersionList::first).map_err(|f| f.message),
                )));
            }
        });
    });
    let loading_older = move || older.get() == Some(Ok(()));
    let show_older = move |_| {
        // Not while a page is on its way: the button stays focusable (not disabled).
        if older.get_untracked() == Some(Ok(())) {
            return;
        }
        let Some((asked, before)) = listed.with_untracked(|l| match l {
            Some((asked, Ok(list))) => list.next_before().map(|b| (asked.clone(), b)),
            _ => None,
        }) else {
            return;
        };
        older.set(Some(Ok(())));
        let this = generation.get_value();
        spawn_local(async move {
            let answer = api::kb_versions(&asked.0, Some(before)).await;
            if generation.get_value() != this {
                return;
            }
            match answer {
                Ok(page) => {
                    older.set(None);
                    let first = page.versions.first().map(|v| v.version);
                    listed.update(|l| {
                        if let Some((_, Ok(list))) = l {
                            list.append(before, page);
                        }
                    });
                    if let Some(first) = first {
                        request_animation_frame(move || focus_line(first));
                    }
                }
                Err(failure) => older.set(Some(Err(failure.message))),
            }
        });
    };
    let current = move || {
        listed
            .get()
            .filter(|(asked, _)| *asked == key.get())
            .map(|(_, answer)| answer)
    };
    let open = move |version: i64| {
        let site = drafts.with_untracked(|d| d.shown().site.clone());
        spawn_local(async move {
            let answer = api::kb_version(&site, version).await;
            let opened = answer.is_ok();
            drafts.update(|d| {
                let Some(d) = d.draft_mut(&site) else {
                    return;
                };
                match answer {
                    Ok(v) => d.open_version(v.version, v.text),
                    Err(failure) => d.refused(failure.message),
                }
            });
            if opened {
                on_opened.run(());
            }
        });
    };
    let can_open = move || drafts.with(|d| d.shown().can_open_version());
    let changed = move || drafts.with(|d| d.shown().changed());
    let row = move |row: Row<'_>| {
        let v = row.info;
        let args = [
            ("n", v.version.to_string()),
            ("by", v.saved.by.clone()),
            ("when", when(v.saved.at)),
        ];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, a)| (*k, a.as_str())).collect();
        let line = t_args(
            if v.file {
                "kb_version_file"
            } else {
                "kb_version_saved"
            },
            &args,
        );
        let version = v.version;
        view! {
            <li id=line_id(version) tabindex="-1">
                <span>{line}</span>
                {row.in_use.then(|| view! { <span class="badge">{t("kb_version_in_use")}</span> })}
                {row.openable.then(|| view! {
                    <button type="button" class="open-version" disabled=move || !can_open()
                        aria-label=t_with("kb_open_version_label", "n", &version.to_string())
                        on:click=move |_| open(version)>
                        {t("kb_open_version")}
                    </button>
                })}
            </li>
        }
    };
    let list = move |list: VersionList| {
        let more = list.more;
        view! {
            <ol class="version-list">{list.rows().map(row).collect_view()}</ol>
            {move || match older.get() {
                Some(Err(problem)) => Some(view! { <p class="problem" role="alert">{problem}</p> }.into_any()),
                _ => None,
            }}
            {more.then(|| view! {
                <button type="button" class="older-versions"
                    aria-disabled=move || loading_older().to_string() on:click=show_older>
                    {move || if loading_older() { t("kb_versions_older_loading") } else { t("kb_versions_older") }}
                </button>
            })}
        }
    };
    view! {
        <section class="kb-versions" aria-labelledby="kb-versions-title">
            <h4 id="kb-versions-title">
                <button type="button" class="show-versions" aria-expanded=move || shown.get().to_string()
                    aria-controls="kb-version-list" on:click=move |_| shown.update(|s| *s = !*s)>
                    {t("kb_versions")}
                </button>
            </h4>
            <div id="kb-version-list" hidden=move || !shown.get()>
                <p class="hint" hidden=move || !changed()>{t("kb_versions_changed")}</p>
                {move || match current() {
                    None => view! { <p>{t("kb_versions_loading")}</p> }.into_any(),
                    Some(Err(problem)) => view! { <p class="problem" role="alert">{problem}</p> }.into_any(),
                    Some(Ok(versions)) if versions.versions.is_empty() => view! { <p>{t("kb_versions_none")}</p> }.into_any(),
                    Some(Ok(versions)) => list(versions).into_any(),
                }}
            </div>
        </section>
    }
}
