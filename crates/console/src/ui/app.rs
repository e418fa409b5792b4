//! The root: checks the session, shows the sign-in form or the desk, keeps the live
//! connection and carries out every [`Actions`] against the server. Also the tab title (what
//! is waiting, for an agent working in another tab) and the site models the suggestions use.

use std::time::Duration;

use leptos::{prelude::*, task::spawn_local};
use tandem_assistant::Model;
use tandem_protocol::{
    agent::{AgentFrame, AgentProfile, NewNote},
    conversation::SendMessage,
};

use super::{
    AccountView, Actions, AdminView, Bar, Conversations, DashboardView, HistoryView, Inbox, Login,
    LostNotes, Queue,
};
use crate::{
    alerts,
    api::{self, Failure},
    desk::{Alert, Desk},
    history::{History, PageRequest},
    i18n::t,
    kb_draft::KbDrafts,
    live::{Link, Live},
    suggest::{Models, suggestions},
    typing::Typing,
};

/// The console's pages; the desk stays mounted behind the others, so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    Desk,
    Dashboard,
    History,
    Admin,
    Account,
}
/// How often the offline inbox is fetched again (other agents handle messages too).
const INBOX_EVERY_MS: i64 = 60_000;
/// How often the shown conversation's site's colleagues are asked for again.
const COLLEAGUES_EVERY_MS: i64 = 30_000;

/// The UTC day `days_ago` days before now, as `YYYY-MM-DD`.
fn utc_day(days_ago: u32) -> String {
    let ms = js_sys::Date::now() - f64::from(days_ago) * 86_400_000.0;
    let iso: String = js_sys::Date::new(&ms.into()).to_iso_string().into();
    iso.chars().take(10).collect()
}

/// One thing about the signed-in agent, as a signal (its default while signed out).
fn of_profile<T>(desk: RwSignal<Desk>, pick: fn(&AgentProfile) -> T) -> Signal<T>
where
    T: Default + Send + Sync + 'static,
{
    Signal::derive(move || desk.with(|d| d.profile.as_ref().map(pick).unwrap_or_default()))
}

/// A fresh client id for a message: 96 random bits.
fn client_id() -> String {
    let mut bytes = [0u8; 12];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The site's compiled knowledge base, if it has one and it loads.
async fn load_model(site: &str) -> Option<Model> {
    let url = api::site(site).await.ok()?.model_url?;
    Model::from_bytes(&api::model(&url).await.ok()?).ok()
}

/// Asks for a site's offline inbox and puts it on the desk (nothing changes if it fails: the
/// next minute asks again).
async fn fetch_inbox(desk: RwSignal<Desk>, site: String) {
    if let Ok(inbox) = api::offline_messages(&site).await {
        desk.update(|d| d.set_inbox(site, inbox));
    }
}

#[component]
pub fn App() -> impl IntoView {
    let desk = RwSignal::new(Desk::default());
    // None while the session is checked.
    let signed_in = RwSignal::new(None::<bool>);
    let link = RwSignal::new(Link::Connecting);
    let now = RwSignal::new(js_sys::Date::now() as i64);
    let login_problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let live = StoredValue::new_local(None::<Live>);
    let models = StoredValue::new_local(Models::default());
    let models_loaded = RwSignal::new(0u32);
    // Who is signed in: `None` once they sign out. A session lost elsewhere leaves it as it
    // was, so the same agent signing in again finds their pages as they left them.
    let agent = RwSignal::new(None::<String>);

    let typing = StoredValue::new(Typing::default());
    // Says whether the agent is typing; a "stopped" that cannot go out is kept to say again.
    let tell_typing = move |tell: (String, bool)| {
        let frame = AgentFrame::Typing {
            conversation: tell.0.clone(),
            typing: tell.1,
        };
        let sent = live.with_value(|l| l.as_ref().is_some_and(|l| l.send(&frame)));
        if !sent {
            typing.update_value(|t| t.unsent(tell));
        }
    };
    if let Ok(tick) = set_interval_with_handle(
        move || {
            let time = js_sys::Date::now() as i64;
            now.set(time);
            if let Some(stopped) = typing.try_update_value(|t| t.tick(time)).flatten() {
                tell_typing(stopped);
            }
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }
    Effect::new(move |_| document().set_title(&desk.with(Desk::title)));

    let stop_live = move || {
        if let Some(l) = live.try_update_value(Option::take).flatten() {
            l.stop();
        }
    };
    // The knowledge base editors' drafts and tries, kept across pages and sites (a lost
    // session keeps them for the admin signing in again, not for anyone else; signing out
    // drops them).
    let kb_drafts = RwSignal::new(KbDrafts::default());
    // The history page: pages of closed conversations, the one opened to read, and wrap-up
    // notes being written (kept like the drafts).
    let history = RwSignal::new(History::default());
    // Knowledge base drafts on any site, notes on any conversation.
    let unsaved = move || {
        kb_drafts.with_untracked(KbDrafts::changed)
            || desk.with_untracked(Desk::unsaved)
            || history.with_untracked(History::unsaved_notes)
    };
    super::warn_before_leaving(unsaved);
    let signed_out = move |why: Option<String>| {
        stop_live();
        // Signing out drops the desk; a session lost elsewhere keeps it for the agent's return.
        match why {
            Some(_) => desk.update(Desk::session_lost),
            None => {
                desk.set(Desk::default());
                agent.set(None);
            }
        }
        login_problem.set(why);
        signed_in.set(Some(false));
    };
    // A failed call: a lost session sends the agent back to sign-in, the rest is shown.
    let report = move |failure: Failure| {
        if failure.signed_out() {
            signed_out(Some(failure.message));
        } else {
            desk.update(|d| d.problem = Some(failure.message));
        }
    };
    // The agent acts again: a problem from before no longer holds (and one that comes back
    // is announced afresh).
    let clear_problem = move || {
        if desk.with_untracked(|d| d.problem.is_some()) {
            desk.update(|d| d.problem = None);
        }
    };
    let connect = move || {
        let on_frame = move |frame| {
            if let Some(Alert::Offer(offer)) = desk.try_update(|d| d.apply(frame)).flatten() {
                alerts::offer(&offer.conversation.preview.unwrap_or_default());
            }
        };
        let on_link = move |state| {
            link.set(state);
            if state == Link::Retrying {
                // Dropped because the session ended? Then reconnecting cannot help.
                spawn_local(async move {
                    if let Err(failure) = api::me().await
                        && failure.signed_out()
                    {
                        signed_out(Some(failure.message));
                    }
                });
            }
        };
        live.set_value(Some(Live::connect(on_frame, on_link)));
    };
    let enter = move |profile: AgentProfile| {
        agent.set(Some(profile.id.clone()));
        kb_drafts.update(|d| d.signed_in(&profile.id));
        history.update(|h| h.signed_in(&profile.id));
        desk.update(|d| d.signed_in(profile));
        login_problem.set(None);
        signed_in.set(Some(true));
        connect();
    };
    spawn_local(async move {
        match api::me().await {
            Ok(profile) => enter(profile),
            Err(_) => signed_in.set(Some(false)),
        }
    });
    on_cleanup(stop_live);

    let sign_in = Callback::new(move |(email, password): (String, String)| {
        busy.set(true);
        spawn_local(async move {
            match api::login(&email, &password).await {
                Ok(profile) => enter(profile),
                Err(failure) => login_problem.set(Some(failure.message)),
            }
            busy.set(false);
        });
    });

    let deliver = move |conversation: String, message: SendMessage| {
        spawn_local(async move {
            if let Err(failure) = api::send(&conversation, &message).await {
                desk.update(|d| d.failed(&message.client_id));
                report(failure);
            }
        });
    };
    // Which page: the desk, the dashboard, the history, the admin page (for site admins) or
    // the account.
    let page = RwSignal::new(Page::Desk);
    let history_problem = RwSignal::new(None::<String>);
    let fetch_page = move |request: PageRequest| {
        spawn_local(async move {
            match api::history(&request).await {
                Ok(page) => {
                    history.update(|h| h.arrived(&request, page));
                    history_problem.set(None);
                }
                Err(failure) if failure.signed_out() => report(failure),
                Err(failure) => history_problem.set(Some(failure.message)),
            }
        });
    };
    let show_history = Callback::new(move |filter| {
        if let Some(request) = history.try_update(|h| h.show(filter)) {
            fetch_page(request);
        }
    });
    let older_history = Callback::new(move |()| {
        if let Some(request) = history.with_untracked(History::older) {
            fetch_page(request);
        }
    });
    let open_past = Callback::new(move |id: String| {
        spawn_local(async move {
            match api::conversation(&id).await {
                Ok(detail) => history.update(|h| h.open = Some(detail)),
                Err(failure) => history_problem.set(Some(failure.message)),
            }
        });
    });
    let write_past_note = Callback::new(move |text| history.update(|h| h.write_note(text)));
    let note_past = Callback::new(move |()| {
        let Some((conversation, client_id, text)) =
            history.try_update(|h| h.saving_note(client_id())).flatten()
        else {
            return;
        };
        spawn_local(async move {
            match api::add_note(&conversation, &NewNote { client_id, text }).await {
                Ok(stored) => history.update(|h| h.noted(&conversation, stored)),
                Err(failure) => {
                    // Kept to send again, after signing in again too.
                    history.update(|h| h.note_failed(&conversation, failure.message.clone()));
                    if failure.signed_out() {
                        report(failure);
                    }
                }
            }
        });
    });

    let actions = Actions {
        take: Callback::new(move |(id, how): (String, api::Take)| {
            clear_problem();
            spawn_local(async move {
                if let Err(failure) = api::take(&id, how).await {
                    report(failure);
                }
            });
        }),
        send: Callback::new(move |(conversation, text): (String, String)| {
            clear_problem();
            let id = client_id();
            typing.update_value(|t| t.sent(&conversation));
            desk.update(|d| d.sending(&conversation, id.clone(), text.clone()));
            deliver(
                conversation,
                SendMessage {
                    client_id: id,
                    text,
                },
            );
        }),
        retry: Callback::new(move |client_id: String| {
            clear_problem();
            if let Some((conversation, pending)) =
                desk.try_update(|d| d.retry(&client_id)).flatten()
            {
                deliver(
                    conversation,
                    SendMessage {
                        client_id: pending.client_id,
                        text: pending.text,
                    },
                );
            }
        }),
        close: Callback::new(
            move |(id, resolution): (String, tandem_protocol::agent::Resolution)| {
                clear_problem();
                spawn_local(async move {
                    if let Err(failure) = api::close(&id, resolution).await {
                        report(failure);
                    }
                });
            },
        ),
        transfer: Callback::new(move |(id, to): (String, Option<String>)| {
            clear_problem();
            spawn_local(async move {
                if let Err(failure) = api::transfer(&id, to).await {
                    report(failure);
                }
            });
        }),
        note: Callback::new(move |conversation: String| {
            clear_problem();
            let Some((client_id, text)) = desk
                .try_update(|d| d.saving_note(&conversation, client_id()))
                .flatten()
            else {
                return;
            };
            spawn_local(async move {
                let note = NewNote { client_id, text };
                match api::add_note(&conversation, &note).await {
                    Ok(stored) => desk.update(|d| d.noted(&conversation, stored)),
                    Err(failure) => {
                        // Kept to add again (after signing in again too), or shown with the
                        // lost notes if its conversation left meanwhile.
                        desk.update(|d| {
                            d.note_failed(&conversation, failure.message.clone(), &note.text);
                        });
                        if failure.signed_out() {
                            report(failure);
                        }
                    }
                }
            });
        }),
        typing: Callback::new(move |conversation: String| {
            let now = js_sys::Date::now() as i64;
            for tell in typing
                .try_update_value(|t| t.typed(&conversation, now))
                .unwrap_or_default()
            {
                tell_typing(tell);
            }
        }),
        handled: Callback::new(move |id: String| {
            clear_problem();
            spawn_local(async move {
                let done = api::offline_message_handled(&id).await;
                // A colleague marked it first (409): it is handled all the same, and the
                // agent is told by whom.
                if let Err(failure) = &done
                    && failure.status != Some(409)
                {
                    return report(failure.clone());
                }
                // The last one shown, with more waiting: the next ones now, not in a minute.
                if let Some(site) = desk.try_update(|d| d.handled(&id)).flatten() {
                    fetch_inbox(desk, site).await;
                }
                if let Err(failure) = done {
                    report(failure);
                }
            });
        }),
        set_status: Callback::new(move |change| {
            clear_problem();
            spawn_local(async move {
                match api::set_status(&change).await {
                    Ok(profile) => desk.update(|d| d.profile = Some(profile)),
                    Err(failure) => report(failure),
                }
            });
        }),
        read_past: Callback::new(move |id: String| {
            open_past.run(id);
            page.set(Page::History);
        }),
        sign_out: Callback::new(move |()| {
            if unsaved()
                && !window()
                    .confirm_with_message(&t("unsaved_sign_out"))
                    .unwrap_or(false)
            {
                return;
            }
            // First, or the server's closing of the ended session's connection would be taken
            // for a session lost elsewhere, and the sign-in form would say "Sign in first."
            stop_live();
            spawn_local(async move {
                let _ = api::logout().await;
                kb_drafts.set(KbDrafts::default());
                history.set(History::default());
                signed_out(None);
            });
        }),
    };

    // The open conversation's site model, loaded once per site.
    Effect::new(move |_| {
        let Some(site) = desk.with(|d| d.open_chat().map(|c| c.detail.site.clone())) else {
            return;
        };
        let now = now.get();
        if !models
            .try_update_value(|m| m.should_load(&site, now))
            .unwrap_or(false)
        {
            return;
        }
        spawn_local(async move {
            let model = load_model(&site).await;
            let now = js_sys::Date::now() as i64;
            models.update_value(|m| m.loaded(site, model, now));
            models_loaded.update(|n| *n += 1);
        });
    });
    // The offline inbox of every site of the agent, at each sign-in (the desk starts empty)
    // and then again every minute.
    let inbox_fetched = StoredValue::new(i64::MIN);
    Effect::new(move |_| {
        if signed_in.get() == Some(true) {
            inbox_fetched.set_value(i64::MIN);
        }
    });
    Effect::new(move |_| {
        let now = now.get();
        let Some(sites) = desk.with(|d| d.profile.as_ref().map(|p| p.sites.clone())) else {
            return;
        };
        if now.saturating_sub(inbox_fetched.get_value()) < INBOX_EVERY_MS {
            return;
        }
        inbox_fetched.set_value(now);
        for site in sites {
            spawn_local(fetch_inbox(desk, site));
        }
    });
    // Transfer targets and ready-made replies: the shown conversation's site's, asked for
    // again every half minute (colleagues come and go). An answer for a site no longer
    // shown is dropped.
    let colleagues = RwSignal::new(Vec::new());
    let canned = RwSignal::new(Vec::new());
    let colleagues_site =
        Memo::new(move |_| desk.with(|d| d.open_chat().map(|c| c.detail.site.clone())));
    let colleagues_asked = StoredValue::new((None::<String>, i64::MIN));
    Effect::new(move |_| {
        let now = now.get();
        let Some(site) = colleagues_site.get() else {
            return;
        };
        let (asked, at) = colleagues_asked.get_value();
        let same_site = asked.as_ref() == Some(&site);
        if same_site && now.saturating_sub(at) < COLLEAGUES_EVERY_MS {
            return;
        }
        if !same_site {
            colleagues.set(Vec::new());
            canned.set(Vec::new());
        }
        colleagues_asked.set_value((Some(site.clone()), now));
        spawn_local(async move {
            let still = || colleagues_site.get_untracked().as_ref() == Some(&site);
            if let Ok(found) = api::colleagues(&site).await
                && still()
            {
                colleagues.set(found);
            }
            if let Ok(found) = api::canned_replies(&site).await
                && still()
            {
                canned.set(found);
            }
        });
    });

    // The shown conversation's shopper's earlier conversations, when the shop vouched for who
    // they are.
    let earlier = RwSignal::new(Vec::new());
    let verified_shopper = Memo::new(move |_| {
        desk.with(|d| {
            let detail = &d.open_chat()?.detail;
            let who = detail
                .identity
                .as_ref()
                .filter(|_| detail.identity_verified)?;
            Some((detail.site.clone(), who.id.clone()))
        })
    });
    Effect::new(move |_| {
        earlier.set(Vec::new());
        let Some((site, shopper)) = verified_shopper.get() else {
            return;
        };
        spawn_local(async move {
            if let Ok(found) = api::earlier(&site, &shopper).await {
                // Still the same shopper's conversation shown?
                if verified_shopper.get_untracked() == Some((site, shopper)) {
                    earlier.set(found);
                }
            }
        });
    });

    // The shown conversation's site and last shopper message: a memo, so the classifier runs
    // when they change, not on every frame of the live connection.
    let asked = Memo::new(move |_| {
        desk.with(|d| {
            let chat = d.open_chat()?;
            Some((
                chat.detail.site.clone(),
                chat.last_shopper_text()?.to_owned(),
            ))
        })
    });
    let suggested = Memo::new(move |_| {
        models_loaded.track();
        let Some((site, text)) = asked.get() else {
            return Vec::new();
        };
        models
            .with_value(|m| m.get(&site).map(|model| suggestions(model, &text)))
            .unwrap_or_default()
    });

    // The dashboard, fetched when the agent asks for a site and range.
    let dashboard = RwSignal::new(None);
    let dashboard_problem = RwSignal::new(None::<String>);
    // Only the answer to the latest request is shown: an earlier one arriving last would
    // show another site's or range's figures under the one chosen; a refused one leaves none.
    let dashboard_asked = StoredValue::new(0_u32);
    let load_dashboard = Callback::new(move |(site, from, to): (String, String, String)| {
        let asked = dashboard_asked.get_value().wrapping_add(1);
        dashboard_asked.set_value(asked);
        spawn_local(async move {
            let answer = api::dashboard(&site, &from, &to).await;
            if dashboard_asked.get_value() != asked {
                return;
            }
            match answer {
                Ok(figures) => {
                    dashboard.set(Some(figures));
                    dashboard_problem.set(None);
                }
                Err(failure) => {
                    dashboard.set(None);
                    dashboard_problem.set(Some(failure.message));
                }
            }
        });
    });
    let sites = of_profile(desk, |p| p.sites.clone());

    // The admin page's site: its agents and its knowledge base's report.
    let admin_of = of_profile(desk, |p| p.admin_of.clone());
    let me = of_profile(desk, |p| p.id.clone());
    let site_agents = RwSignal::new(Vec::new());
    let kb_report = RwSignal::new(None::<tandem_protocol::agent::KbReport>);
    let admin_site = RwSignal::new(String::new());
    let admin_problem = RwSignal::new(None::<String>);
    let admin_failed = move |failure: Failure| admin_problem.set(Some(failure.message));
    let show_site = Callback::new(move |site: String| {
        admin_site.set(site.clone());
        spawn_local(async move {
            match api::site_agents(&site).await {
                Ok(agents) => {
                    site_agents.set(agents);
                    admin_problem.set(None);
                }
                Err(failure) => admin_failed(failure),
            }
            kb_report.set(api::kb_report(&site).await.ok());
        });
    });
    // An edit (or the file) is being compiled: the page says so, and asks for the new report.
    let kb_compiling = Callback::new(move |()| {
        kb_report.update(|r| match r {
            Some(r) => r.reloading = true,
            None => {
                *r = Some(tandem_protocol::agent::KbReport {
                    report: t("kb_report_missing"),
                    reloading: true,
                })
            }
        })
    });
    // While an edit compiles, the report is asked for again every two seconds.
    let report_asked = StoredValue::new(0_i64);
    Effect::new(move |_| {
        let now = now.get();
        let reloading = kb_report.with(|r| r.as_ref().is_some_and(|r| r.reloading));
        if !reloading || now - report_asked.get_value() < 2000 {
            return;
        }
        report_asked.set_value(now);
        let site = admin_site.get_untracked();
        spawn_local(async move {
            if let Ok(report) = api::kb_report(&site).await
                && admin_site.get_untracked() == site
            {
                if !report.reloading {
                    // Compiled: the suggestions answer from the new knowledge base.
                    models.update_value(|m| m.stale(&site));
                }
                kb_report.set(Some(report));
            }
        });
    });
    let add_agent = Callback::new(move |new: tandem_protocol::agent::NewAgent| {
        spawn_local(async move {
            match api::add_agent(&new).await {
                Ok(agents) => {
                    site_agents.set(agents);
                    admin_problem.set(None);
                }
                Err(failure) => admin_failed(failure),
            }
        });
    });
    let remove_agent = Callback::new(move |(site, agent): (String, String)| {
        spawn_local(async move {
            match api::remove_agent(&site, &agent).await {
                Ok(()) => site_agents.update(|all| all.retain(|a| a.id != agent)),
                Err(failure) => admin_failed(failure),
            }
        });
    });

    // The account page: a password change and how it went.
    let email = of_profile(desk, |p| p.email.clone());
    let password_outcome = RwSignal::new(None::<Result<(), String>>);
    let password_busy = RwSignal::new(false);
    let change_password = Callback::new(move |change| {
        password_outcome.set(None);
        password_busy.set(true);
        spawn_local(async move {
            match api::change_password(&change).await {
                Ok(()) => password_outcome.set(Some(Ok(()))),
                Err(failure) if failure.signed_out() => report(failure),
                Err(failure) => password_outcome.set(Some(Err(failure.message))),
            }
            password_busy.set(false);
        });
    });

    // Another agent, or none: nothing of the pages the last one saw stays, and the next one
    // starts at the desk.
    Effect::new(move |before: Option<Option<String>>| {
        let now = agent.get();
        if before.is_some_and(|before| before != now) {
            page.set(Page::Desk);
            dashboard.set(None);
            dashboard_problem.set(None);
            history_problem.set(None);
            site_agents.set(Vec::new());
            kb_report.set(None);
            admin_site.set(String::new());
            admin_problem.set(None);
            colleagues.set(Vec::new());
            canned.set(Vec::new());
            colleagues_asked.set_value((None, i64::MIN));
            password_outcome.set(None);
        }
        now
    });

    move || {
        match signed_in.get() {
        None => ().into_any(),
        Some(false) => view! { <Login on_submit=sign_in problem=login_problem busy /> }.into_any(),
        Some(true) => view! {
            <Bar desk link actions />
            <p class="problem" role="alert">{move || desk.with(|d| d.problem.clone())}</p>
            <LostNotes desk />
            <nav class="views" aria-label=t("views")>
                <button type="button" aria-pressed=move || (page.get() == Page::Desk).to_string()
                    on:click=move |_| page.set(Page::Desk)>{t("desk")}</button>
                <button type="button" aria-pressed=move || (page.get() == Page::Dashboard).to_string()
                    on:click=move |_| page.set(Page::Dashboard)>{t("dashboard")}</button>
                <button type="button" aria-pressed=move || (page.get() == Page::History).to_string()
                    on:click=move |_| page.set(Page::History)>{t("history")}</button>
                <button type="button" aria-pressed=move || (page.get() == Page::Admin).to_string()
                    hidden=move || admin_of.with(Vec::is_empty)
                    on:click=move |_| page.set(Page::Admin)>{t("admin")}</button>
                <button type="button" aria-pressed=move || (page.get() == Page::Account).to_string()
                    on:click=move |_| {
                        password_outcome.set(None);
                        page.set(Page::Account);
                    }>{t("account")}</button>
            </nav>
            <Show when=move || page.get() == Page::Dashboard>
                <main class="dashboard-page">
                    <DashboardView sites from=utc_day(13) to=utc_day(0) data=dashboard
                        problem=dashboard_problem on_load=load_dashboard />
                </main>
            </Show>
            <Show when=move || page.get() == Page::History>
                <main class="history-page">
                    <HistoryView sites history problem=history_problem on_show=show_history
                        on_older=older_history on_open=open_past on_note_input=write_past_note
                        on_note=note_past />
                </main>
            </Show>
            <Show when=move || page.get() == Page::Admin>
                <main class="admin-page">
                    <AdminView sites=admin_of me agents=site_agents report=kb_report problem=admin_problem
                        on_site=show_site on_add=add_agent on_remove=remove_agent on_live=kb_compiling kb_drafts />
                </main>
            </Show>
            <Show when=move || page.get() == Page::Account>
                <main class="account-page">
                    <AccountView email on_change=change_password outcome=password_outcome
                        busy=password_busy />
                </main>
            </Show>
            <main class="desk" hidden=move || page.get() != Page::Desk>
                <aside class="side" aria-label=t("queue")>
                    <Queue desk now actions />
                    <Inbox desk now actions />
                </aside>
                <Conversations desk suggestions=suggested colleagues canned earlier actions />
            </main>
        }
        .into_any(),
    }
    }
}
