//! Choosing which of the agent's sites a page shows (the dashboard, the admin page): the
//! one picked, or the first until the agent picks another.

use leptos::prelude::*;

use crate::i18n::t;

#[derive(Clone, Copy)]
pub struct SiteChoice {
    picked: RwSignal<String>,
    sites: Signal<Vec<String>>,
}

impl SiteChoice {
    pub fn new(sites: Signal<Vec<String>>) -> SiteChoice {
        SiteChoice {
            picked: RwSignal::new(String::new()),
            sites,
        }
    }

    /// The site shown now (tracked); empty while the agent has none.
    pub fn get(&self) -> String {
        let picked = self.picked.get();
        if picked.is_empty() {
            self.sites
                .with(|all| all.first().cloned().unwrap_or_default())
        } else {
            picked
        }
    }
}

/// The labelled `<select>` of the agent's sites; `id` is the select's element id.
#[component]
pub fn SitePicker(id: &'static str, choice: SiteChoice) -> impl IntoView {
    view! {
        <label for=id>{t("site")}</label>
        <select id=id on:change=move |e| choice.picked.set(event_target_value(&e))>
            <For each=move || choice.sites.get() key=|s| s.clone() let:s>
                <option value=s.clone()>{s.clone()}</option>
            </For>
        </select>
    }
}
