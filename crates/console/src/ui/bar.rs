//! The top bar: the agent, their availability and capacity (kept by the server, so a reload
//! shows the same), the live connection, alerts for new offers, and sign-out.

use leptos::prelude::*;
use tandem_protocol::agent::{AgentStatus, SetStatus};

use super::Actions;
use crate::{alerts, desk::Desk, i18n::t, live::Link};

const STATUSES: [AgentStatus; 3] = [
    AgentStatus::Available,
    AgentStatus::Away,
    AgentStatus::Offline,
];

/// An availability in words, wherever the console shows one.
pub(super) fn status_text(status: AgentStatus) -> String {
    t(match status {
        AgentStatus::Available => "available",
        AgentStatus::Away => "away",
        AgentStatus::Offline => "offline",
    })
}

#[component]
pub fn Bar(
    desk: RwSignal<Desk>,
    #[prop(into)] link: Signal<Link>,
    actions: Actions,
) -> impl IntoView {
    let alerts_on = RwSignal::new(alerts::enabled());
    let profile = move || desk.with(|d| d.profile.clone());
    let status = move || profile().map_or(AgentStatus::Offline, |p| p.status);
    let capacity = move || profile().map_or(1, |p| p.capacity);
    let change_status = move |e| {
        if let Some(status) = AgentStatus::parse(&event_target_value(&e)) {
            actions.set_status.run(SetStatus {
                status,
                capacity: None,
            });
        }
    };
    let change_capacity = move |e| {
        if let Ok(capacity) = event_target_value(&e).parse::<u32>() {
            actions.set_status.run(SetStatus {
                status: status(),
                capacity: Some(capacity),
            });
        }
    };
    let link_text = move || match link.get() {
        Link::Connecting => t("link_connecting"),
        Link::Up => t("link_up"),
        Link::Retrying => t("link_retrying"),
    };
    view! {
        <header class="bar">
            <h1>{t("app_title")}</h1>
            <p class="agent">{move || profile().map(|p| p.name)}</p>
            <label for="status">{t("status")}</label>
            <select id="status" on:change=change_status class=move || status().as_str()>
                {STATUSES
                    .into_iter()
                    .map(|value| {
                        view! {
                            <option value=value.as_str() selected=move || status() == value>
                                {status_text(value)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <label for="capacity">{t("capacity")}</label>
            <input id="capacity" type="number" min="1" max="20" prop:value=move || capacity().to_string()
                on:change=change_capacity />
            <p class="link" role="status" class:down=move || link.get() == Link::Retrying>{link_text}</p>
            <label class="alerts">
                <input type="checkbox" prop:checked=alerts_on
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        alerts::set_enabled(on);
                        alerts_on.set(on);
                    } />
                {t("alerts")}
            </label>
            <button type="button" on:click=move |_| actions.sign_out.run(())>{t("sign_out")}</button>
        </header>
    }
}
