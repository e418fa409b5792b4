//! The quality dashboard: for a site and a range of days, how much the assistant settled
//! alone, how often its answers helped, why shoppers were handed over, how long they waited
//! for a person and how many left before one came, and the people's ratings beside the
//! assistant's "did this help?". The chart is drawn in SVG; a table under it carries the
//! same figures for screen readers.

use leptos::{ev, prelude::*};
use tandem_protocol::dashboard::Dashboard;

use super::{
    conversation::reason_text,
    site::{SiteChoice, SitePicker},
};
use crate::{
    charts::{HEIGHT, WIDTH, day_bars, percent},
    i18n::{t, t_args, t_with},
};

/// A duration as read at a glance: seconds under two minutes, whole minutes above.
fn seconds(value: Option<u64>) -> String {
    match value {
        None => "–".to_owned(),
        Some(s) if s < 120 => t_with("seconds", "n", &s.to_string()),
        Some(s) => t_with("minutes", "n", &((s + 30) / 60).to_string()),
    }
}

#[component]
pub fn DashboardView(
    /// The sites the agent works for; the first is shown first.
    #[prop(into)]
    sites: Signal<Vec<String>>,
    /// The range shown first, `YYYY-MM-DD`.
    from: String,
    to: String,
    #[prop(into)] data: Signal<Option<Dashboard>>,
    #[prop(into)] problem: Signal<Option<String>>,
    /// Called with `(site, from, to)`.
    on_load: Callback<(String, String, String)>,
) -> impl IntoView {
    let choice = SiteChoice::new(sites);
    let from = RwSignal::new(from);
    let to = RwSignal::new(to);
    let load = move || on_load.run((choice.get(), from.get_untracked(), to.get_untracked()));
    let submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        load();
    };
    // Shown at once for the first site and the default range.
    Effect::new(move |loaded: Option<bool>| {
        if loaded != Some(true) && !sites.with(Vec::is_empty) {
            load();
            return true;
        }
        loaded.unwrap_or(false)
    });

    let figure =
        move |f: fn(&Dashboard) -> String| data.with(|d| d.as_ref().map(f)).unwrap_or_default();
    let bars = move || data.with(|d| d.as_ref().map(|d| day_bars(&d.days)).unwrap_or_default());
    let days = move || data.with(|d| d.as_ref().map(|d| d.days.clone()).unwrap_or_default());
    let reasons = move || data.with(|d| d.as_ref().map(|d| d.reasons.clone()).unwrap_or_default());
    let most_reason = move || reasons().iter().map(|r| r.count).max().unwrap_or(1).max(1);
    let agents = move || data.with(|d| d.as_ref().map(|d| d.agents.clone()).unwrap_or_default());

    view! {
        <section class="dashboard" aria-labelledby="dashboard-title">
            <h2 id="dashboard-title">{t("dashboard")}</h2>
            <form class="range" on:submit=submit>
                <SitePicker id="dashboard-site" choice />
                <label for="dashboard-from">{t("from")}</label>
                <input id="dashboard-from" type="date" prop:value=from on:change=move |e| from.set(event_target_value(&e)) />
                <label for="dashboard-to">{t("to")}</label>
                <input id="dashboard-to" type="date" prop:value=to on:change=move |e| to.set(event_target_value(&e)) />
                <button type="submit" class="primary">{t("show")}</button>
            </form>
            <p class="problem" role="alert">{move || problem.get()}</p>
            <div hidden=move || data.with(Option::is_none)>
                <dl class="figures">
                    <div>
                        <dt>{t("answered_alone")}</dt>
                        <dd class="answered-alone">{move || figure(|d| percent(d.answered_alone()))}</dd>
                    </div>
                    <div>
                        <dt>{t("helpful_rate")}</dt>
                        <dd class="helpful">{move || figure(|d| percent(d.helpful_rate()))}</dd>
                    </div>
                    <div>
                        <dt>{t("people_rating")}</dt>
                        <dd class="rating">
                            {move || figure(|d| d.average_rating().map_or_else(|| "–".to_owned(), |r| format!("{r:.1} / 5")))}
                        </dd>
                    </div>
                    <div>
                        <dt>{t("conversations_with_people")}</dt>
                        <dd class="with-people">{move || figure(|d| d.days.iter().map(|x| x.conversations).sum::<u64>().to_string())}</dd>
                    </div>
                    <div>
                        <dt>{t("left_waiting")}</dt>
                        <dd class="left-waiting">{move || figure(|d| t_args("count_share", &[
                            ("n", &d.days.iter().map(|x| x.left_waiting).sum::<u64>().to_string()),
                            ("share", &percent(d.left_waiting_rate())),
                        ]))}</dd>
                    </div>
                    <div>
                        <dt>{t("wait_p50")}</dt>
                        <dd class="wait-p50">{move || figure(|d| seconds(d.wait_p50_secs))}</dd>
                    </div>
                    <div>
                        <dt>{t("wait_p90")}</dt>
                        <dd class="wait-p90">{move || figure(|d| seconds(d.wait_p90_secs))}</dd>
                    </div>
                </dl>
                <h3 id="per-day">{t("per_day")}</h3>
                <p class="legend">
                    <span class="key answered"></span>{t("legend_answered")}
                    <span class="key handed"></span>{t("legend_handed_over")}
                </p>
                <svg class="days" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby="per-day"
                    preserveAspectRatio="none">
                    <For each=bars key=|b| (b.day.clone(), b.x.to_bits(), b.width.to_bits(), b.answered.1.to_bits(), b.handed_over.1.to_bits()) let:b>
                        <g>
                            <title>{b.day.clone()}</title>
                            <rect class="answered" x=b.x y=b.answered.0 width=b.width height=b.answered.1></rect>
                            <rect class="handed" x=b.x y=b.handed_over.0 width=b.width height=b.handed_over.1></rect>
                        </g>
                    </For>
                </svg>
                // Scrolls sideways on a narrow screen; focusable, so keyboards can scroll it.
                <div class="table-scroll" role="region" tabindex="0" aria-label=t("per_day")>
                <table class="days-table">
                    <caption class="sr-only">{t("per_day")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{t("day")}</th>
                            <th scope="col">{t("legend_answered")}</th>
                            <th scope="col">{t("legend_handed_over")}</th>
                            <th scope="col">{t("conversations_with_people")}</th>
                            <th scope="col">{t("left_waiting")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=days key=|d| d.clone() let:d>
                            <tr>
                                <th scope="row">{d.day.clone()}</th>
                                <td>{d.answered}</td>
                                <td>{d.handed_over}</td>
                                <td>{d.conversations}</td>
                                <td>{d.left_waiting}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                </div>
                <h3>{t("reasons")}</h3>
                <ul class="reasons">
                    <For each=reasons key=move |r| (r.reason.as_str(), r.count, most_reason()) let:r>
                        <li>
                            <span class="label">{reason_text(r.reason)}</span>
                            <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                                <rect width=r.count as f64 * 100.0 / most_reason() as f64 height="10"></rect>
                            </svg>
                            <span class="count">{r.count}</span>
                        </li>
                    </For>
                </ul>
                <h3 id="per-person">{t("per_person")}</h3>
                <p hidden=move || !agents().is_empty()>{t("per_person_none")}</p>
                <div class="table-scroll" role="region" tabindex="0" aria-labelledby="per-person"
                    hidden=move || agents().is_empty()>
                <table class="people-table" aria-labelledby="per-person">
                    <thead>
                        <tr>
                            <th scope="col">{t("name")}</th>
                            <th scope="col">{t("conversations_with_people")}</th>
                            <th scope="col">{t("people_rating")}</th>
                            <th scope="col">{t("handle_p50")}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=agents key=|a| (a.name.clone(), a.conversations, a.ratings, a.handle_p50_secs) let:a>
                            <tr>
                                <th scope="row">{a.name.clone()}</th>
                                <td>{a.conversations}</td>
                                <td>
                                    {a.average_rating().map_or_else(|| "–".to_owned(), |r| {
                                        t_args("rating_average", &[
                                            ("n", &format!("{r:.1}")),
                                            ("count", &a.ratings.iter().sum::<u64>().to_string()),
                                        ])
                                    })}
                                </td>
                                <td>{seconds(a.handle_p50_secs)}</td>
                            </tr>
                        </For>
                    </tbody>
                </table>
                </div>
            </div>
        </section>
    }
}
