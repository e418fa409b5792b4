//! The site admin's page: the site's agents (add one by email, with a first password for a
//! new account; remove one), the site's knowledge base to edit and put live (`kb_editor`),
//! and the `kb check` report of the model in use, so the merchant sees its expected quality
//! and the entries most often confused.

use leptos::{ev, prelude::*};
use tandem_protocol::agent::{KbReport, NewAgent, SiteAgent};

use super::{
    bar::status_text,
    kb_editor::KbEditor,
    site::{SiteChoice, SitePicker},
};
use crate::{i18n::t, kb_draft::KbDrafts};

#[component]
pub fn AdminView(
    /// The sites this agent administers.
    #[prop(into)]
    sites: Signal<Vec<String>>,
    /// The signed-in agent's id: they cannot remove themselves.
    #[prop(into)]
    me: Signal<String>,
    #[prop(into)] agents: Signal<Vec<SiteAgent>>,
    /// The knowledge base's check report, and whether an edit of it is being compiled.
    #[prop(into)]
    report: Signal<Option<KbReport>>,
    #[prop(into)] problem: Signal<Option<String>>,
    /// Called with the site to show.
    on_site: Callback<String>,
    on_add: Callback<NewAgent>,
    /// Called with `(site, agent id)`.
    on_remove: Callback<(String, String)>,
    /// Called once an edited knowledge base (or the file) is being compiled for the site shown.
    on_live: Callback<()>,
    /// The knowledge base editors' state, kept while the agent visits other sites or pages.
    kb_drafts: RwSignal<KbDrafts>,
) -> impl IntoView {
    let choice = SiteChoice::new(sites);
    let current = move || choice.get();
    let reloading = move || report.with(|r| r.as_ref().is_some_and(|r| r.reloading));
    Effect::new(move |_| {
        let s = current();
        if !s.is_empty() {
            on_site.run(s);
        }
    });
    let (email, name, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let add = move |event: ev::SubmitEvent| {
        event.prevent_default();
        on_add.run(NewAgent {
            site: current(),
            email: email.get_untracked(),
            name: name.get_untracked(),
            password: password.get_untracked(),
        });
        password.set(String::new());
    };
    view! {
        <section class="admin" aria-labelledby="admin-title">
            <h2 id="admin-title">{t("admin")}</h2>
            <SitePicker id="admin-site" choice />
            <p class="problem" role="alert">{move || problem.get()}</p>
            <h3>{t("agents")}</h3>
            // Scrolls sideways on a narrow screen (its buttons take the keyboard there).
            <div class="table-scroll">
            <table class="agents">
                <thead>
                    <tr>
                        <th scope="col">{t("name")}</th>
                        <th scope="col">{t("email")}</th>
                        <th scope="col">{t("status")}</th>
                        <th scope="col"><span class="sr-only">{t("actions")}</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || agents.get() key=|a| (a.id.clone(), a.status.as_str(), a.admin) let:a>
                        {
                            let id = a.id.clone();
                            let is_me = a.id == me.get_untracked();
                            view! {
                                <tr>
                                    <th scope="row">
                                        {a.name.clone()}
                                        {a.admin.then(|| view! { <span class="badge">{t("admin_badge")}</span> })}
                                    </th>
                                    <td>{a.email.clone()}</td>
                                    <td>{status_text(a.status)}</td>
                                    <td>
                                        <button type="button" class="remove" hidden=is_me
                                            on:click=move |_| on_remove.run((current(), id.clone()))>
                                            {t("remove")}
                                        </button>
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            </div>
            <form class="add-agent" on:submit=add aria-labelledby="add-agent-title">
                <h3 id="add-agent-title">{t("add_agent")}</h3>
                <label for="new-email">{t("email")}</label>
                <input id="new-email" type="email" required prop:value=email
                    on:input=move |e| email.set(event_target_value(&e)) />
                <label for="new-name">{t("name")}</label>
                <input id="new-name" prop:value=name on:input=move |e| name.set(event_target_value(&e)) />
                <label for="new-password">{t("first_password")}</label>
                <input id="new-password" type="password" autocomplete="new-password" prop:value=password
                    on:input=move |e| password.set(event_target_value(&e)) />
                <p class="hint">{t("first_password_hint")}</p>
                <button type="submit" class="primary">{t("add")}</button>
            </form>
            <KbEditor site=Signal::derive(current) compiling=Signal::derive(reloading) on_live drafts=kb_drafts />
            <h3>{t("kb_report")}</h3>
            <p class="kb-reloading" role="status">{move || reloading().then(|| t("kb_reloading"))}</p>
            <pre class="kb-report">{move || report.get().map_or_else(|| t("kb_report_missing"), |r| r.report)}</pre>
        </section>
    }
}
