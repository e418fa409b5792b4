//! Site admins over real sockets: they list, add and remove the site's agents (one taken off
//! a site stops seeing it at once), read the knowledge base's check report, edit the
//! knowledge base and put its file back in use; other agents cannot.

mod common;

use std::time::Duration;

use common::{Settings, TestServer, browser::eventually};
use reqwest::StatusCode;
use serde_json::json;
use tandem_protocol::agent::{
    AgentProfile, AgentServerFrame, KbReply, KbReport, KbSource, KbTried, KbVersionPage,
    KbVersionText, SiteAgent,
};

/// The knowledge base's report as the admin reads it, once there is one.
async fn kb_report(admin: &common::TestAgent) -> Option<KbReport> {
    let response = admin
        .get("/v1/agent/admin/kb-report?site=acme")
        .send()
        .await
        .ok()?;
    if response.status() != StatusCode::OK {
        return None;
    }
    response.json().await.ok()
}

/// A knowledge base with errors on lines 2 and 4.
const BROKEN_KB: &str = "[site]\nname = 1\n[[entry]]\nid = \"A B\"\n";

/// Asserts the answer refuses [`BROKEN_KB`] naming both lines at once.
async fn refused_with_lines_2_and_4(refused: reqwest::Response) {
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: tandem_protocol::Problem = refused.json().await.unwrap();
    assert!(
        problem.message().contains("line 2") && problem.message().contains("line 4"),
        "{}",
        problem.message()
    );
}

/// Asks for the knowledge base text in use, as the admin page's editor does.
fn get_kb_source(
    who: &common::TestAgent,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    who.get("/v1/agent/admin/kb-source?site=acme").send()
}

/// The knowledge base text in use, for an admin.
async fn kb_source(admin: &common::TestAgent) -> KbSource {
    let answer = get_kb_source(admin).await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.unwrap()
}

/// Saves `text` over version `base`, as the editor's "Save and put live" does.
fn save_kb(
    who: &common::TestAgent,
    text: &str,
    base: i64,
) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
    who.request(reqwest::Method::PUT, "/v1/agent/admin/kb-source?site=acme")
        .json(&json!({ "text": text, "base_version": base }))
        .send()
}

#[tokio::test]
async fn site_admins_manage_the_sites_agents_and_read_its_kb_report() {
    let server = TestServer::with(Settings {
        acme_extra: r#"knowledge_base = "demo""#.to_owned(),
        ..Settings::default()
    })
    .await;
    let (anna, ben) = server.admin_and_agent().await;
    let me: AgentProfile = common::json(anna.get("/v1/agent/me")).await;
    assert_eq!(me.admin_of, ["acme"]);

    let list = |who: &common::TestAgent| who.get("/v1/agent/admin/agents?site=acme").send();
    assert_eq!(list(&ben).await.unwrap().status(), StatusCode::FORBIDDEN);
    let agents: Vec<SiteAgent> = list(&anna).await.unwrap().json().await.unwrap();
    let names: Vec<(&str, bool)> = agents.iter().map(|a| (a.name.as_str(), a.admin)).collect();
    assert_eq!(names, [("Anna", true), ("Ben", false)]);

    // A new agent: the password must be long enough; then they can sign in.
    let add = |email: &str, password: &str| {
        anna.post("/v1/agent/admin/agents")
            .json(&json!({ "site": "acme", "email": email, "name": "Cleo", "password": password }))
            .send()
    };
    let short = add("cleo@agents.example", "short").await.unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let added = add("Cleo@Agents.example", "a long enough password")
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    let agents: Vec<SiteAgent> = added.json().await.unwrap();
    assert!(agents.iter().any(|a| a.email == "cleo@agents.example"));
    let login = server
        .post("/v1/agent/login")
        .json(&json!({ "email": "cleo@agents.example", "password": "a long enough password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    assert_eq!(
        add("ben@agents.example", "").await.unwrap().status(),
        StatusCode::CONFLICT,
        "already on the site"
    );

    // Removing Ben takes the site away from him; no one removes themselves.
    let remove = |id: &str| {
        anna.request(
            reqwest::Method::DELETE,
            &format!("/v1/agent/admin/agents/{id}?site=acme"),
        )
        .send()
    };
    assert_eq!(
        remove(&ben.id).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let colleagues = ben
        .get("/v1/agent/colleagues?site=acme")
        .send()
        .await
        .unwrap();
    assert_eq!(colleagues.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        remove(&anna.id).await.unwrap().status(),
        StatusCode::CONFLICT
    );
    assert_eq!(
        remove(&ben.id).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Ben, on no site now, can be added back; another company's agent cannot be pulled in.
    assert_eq!(
        add("ben@agents.example", "").await.unwrap().status(),
        StatusCode::CREATED
    );
    let outsider = server.agent("Olga", &["other"]).await;
    let refused = add(&common::agent_email("Olga"), "").await.unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = refused.json().await.unwrap();
    assert!(
        problem.message().contains("none of your sites"),
        "{}",
        problem.message()
    );
    let olga: AgentProfile = common::json(outsider.get("/v1/agent/me")).await;
    assert_eq!(olga.sites, ["other"], "Olga's account is as it was");

    // The knowledge base's check report, once it is compiled.
    let report: KbReport = eventually(Duration::from_secs(120), "the kb report", || {
        kb_report(&anna)
    })
    .await;
    assert!(
        report
            .report
            .starts_with("Knowledge base \"Acme Outfitters\": 47 entries"),
        "{}",
        report.report
    );
    server.stop().await;
}

/// The admin takes the agent off acme; the answer's status.
async fn take_off_acme(admin: &common::TestAgent, agent: &common::TestAgent) -> StatusCode {
    let url = format!("/v1/agent/admin/agents/{}?site=acme", agent.id);
    let answer = admin.request(reqwest::Method::DELETE, &url).send().await;
    answer.unwrap().status()
}

#[tokio::test]
async fn an_agent_taken_off_a_site_stops_seeing_its_queue_and_their_shoppers_go_back_to_it() {
    let server = TestServer::start().await;
    let (anna, ben) = server.admin_and_agent().await;
    // Ben is talking to a shopper of acme when he is taken off it.
    let talking = server.handoff().await;
    assert_eq!(
        ben.act(&talking.id, "claim", json!({})).await,
        StatusCode::NO_CONTENT
    );
    let mut live = ben.live().await;
    let sites = |frame| match frame {
        AgentServerFrame::Welcome { profile, .. } => Some(profile.sites),
        _ => None,
    };
    assert_eq!(live.until(sites).await, ["acme"]);

    assert_eq!(take_off_acme(&anna, &ben).await, StatusCode::NO_CONTENT);
    // The connection that followed acme's queue closes, asking the console to reconnect...
    assert_eq!(live.closed_with().await, Some(1013));
    // ...his shopper goes back to the front of the queue, told so, not left waiting on him...
    let back = server
        .state
        .db
        .conversation(&talking.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (back.state, back.agent_id),
        (tandem_protocol::ConversationState::Queued, None)
    );
    let told = server.stored_messages(&talking.id).await;
    assert_eq!(
        told.last().and_then(|m| m.notice.clone()),
        Some(tandem_protocol::Notice::BackInQueue)
    );
    // ...and the new one follows no site: a shopper queueing at acme is shown to Anna, who
    // is available there, and not to Ben.
    let mut live = ben.live().await;
    assert!(live.until(sites).await.is_empty());
    let mut anna_live = anna.live().await;
    anna.set_status("available", 1).await;
    let created = server.handoff().await;
    let queued = |frame| match frame {
        AgentServerFrame::Queue { entries, .. } => entries.into_iter().find(|e| e.id == created.id),
        _ => None,
    };
    anna_live.until(queued).await;
    let queue_frame = tokio::time::timeout(Duration::from_secs(2), async {
        live.until(|frame| matches!(frame, AgentServerFrame::Queue { .. }).then_some(()))
            .await
    })
    .await;
    assert!(queue_frame.is_err(), "no queue of acme reaches Ben");
    server.stop().await;
}

#[tokio::test]
async fn an_offer_to_an_agent_taken_off_the_site_goes_to_someone_who_works_there() {
    let server = TestServer::start().await;
    let (anna, ben) = server.admin_and_agent().await;
    let mut ben_live = ben.live().await;
    ben.set_status("available", 1).await;
    let created = server.handoff().await;
    let offered = |frame| match frame {
        AgentServerFrame::Offer { offer } => Some(offer.conversation.id),
        _ => None,
    };
    assert_eq!(ben_live.until(offered).await, created.id);
    let mut anna_live = anna.live().await;
    anna.set_status("available", 1).await;

    assert_eq!(take_off_acme(&anna, &ben).await, StatusCode::NO_CONTENT);
    // Withdrawn from Ben at once, not when it would have expired, and offered to Anna.
    let withdrawn = |frame| match frame {
        AgentServerFrame::OfferWithdrawn { conversation } => Some(conversation),
        _ => None,
    };
    assert_eq!(ben_live.until(withdrawn).await, created.id);
    assert_eq!(anna_live.until(offered).await, created.id);
    server.stop().await;
}

#[tokio::test]
async fn an_admin_puts_an_edited_knowledge_base_live_and_a_broken_one_is_refused_with_its_lines() {
    let (server, _kb_dir, kb) = common::with_kb_file().await;
    let (anna, ben) = server.admin_and_agent().await;
    let report = || kb_report(&anna);
    let first = eventually(Duration::from_secs(60), "the first model", report).await;
    assert!(!first.reloading);
    let reload = |who: &common::TestAgent| {
        who.post("/v1/agent/admin/kb-reload?site=acme")
            .json(&json!({}))
            .send()
    };
    assert_eq!(reload(&ben).await.unwrap().status(), StatusCode::FORBIDDEN);

    // A broken edit is refused with every error's line, and the site keeps its model.
    std::fs::write(&kb, BROKEN_KB).unwrap();
    refused_with_lines_2_and_4(reload(&anna).await.unwrap()).await;

    // A good edit (here: the whole demo shop, which takes seconds to compile) goes live: the
    // page says it is compiling from the moment it was asked, then the greeting changes.
    std::fs::write(&kb, tandem_server::knowledge::DEMO_KB).unwrap();
    assert_eq!(reload(&anna).await.unwrap().status(), StatusCode::ACCEPTED);
    let during = report()
        .await
        .expect("the current model's report meanwhile");
    assert!(during.reloading, "compiling, said at once");
    assert!(during.report.contains("Test shop"), "{}", during.report);
    eventually(Duration::from_secs(120), "the new greeting", || async {
        let site: tandem_protocol::SiteInfo = reqwest::get(server.url("/v1/sites/acme"))
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        site.greeting.contains("Acme").then_some(())
    })
    .await;
    let after = eventually(Duration::from_secs(60), "the reload to finish", || async {
        report().await.filter(|r| !r.reloading)
    })
    .await;
    assert!(
        after
            .report
            .starts_with("Knowledge base \"Acme Outfitters\""),
        "{}",
        after.report
    );
    server.stop().await;
}

/// acme's description as a shopper's widget reads it.
async fn site_info(server: &TestServer) -> Option<tandem_protocol::SiteInfo> {
    reqwest::get(server.url("/v1/sites/acme"))
        .await
        .ok()?
        .json()
        .await
        .ok()
}

#[tokio::test]
async fn an_admin_edits_the_knowledge_base_in_the_console_and_a_save_over_a_newer_one_is_refused() {
    let (server, _kb_dir, _kb) = common::with_kb_file().await;
    let (anna, ben) = server.admin_and_agent().await;
    let (source, save) = (get_kb_source, save_kb);
    assert_eq!(source(&ben).await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(
        save(&ben, tandem_assistant::fixture::KB, 0)
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
    let file: KbSource = source(&anna).await.unwrap().json().await.unwrap();
    assert_eq!(file.text, tandem_assistant::fixture::KB);
    assert_eq!((file.version, &file.saved, file.file), (0, &None, true));
    eventually(Duration::from_secs(60), "the first model", || {
        kb_report(&anna)
    })
    .await;

    // A broken edit is refused with every error's line, and nothing changes.
    refused_with_lines_2_and_4(save(&anna, BROKEN_KB, 0).await.unwrap()).await;
    let huge = save(&anna, &"#".repeat(1100 * 1024), 0).await.unwrap();
    assert_eq!(huge.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: tandem_protocol::Problem = huge.json().await.unwrap();
    assert_eq!(
        problem.message(),
        "The request is too large: at most 1024 KB."
    );
    let unchanged: KbSource = source(&anna).await.unwrap().json().await.unwrap();
    assert_eq!(unchanged, file);

    // A good one is kept as version 1, signed, and goes live: shoppers get the new greeting.
    let edited = common::kb_greeting("Edited in the console!");
    let saved = save(&anna, &edited, 0).await.unwrap();
    assert_eq!(saved.status(), StatusCode::ACCEPTED);
    let saved: KbSource = saved.json().await.unwrap();
    assert_eq!((saved.version, saved.text.as_str()), (1, edited.as_str()));
    assert_eq!(saved.saved.as_ref().unwrap().by, "Anna");
    eventually(Duration::from_secs(60), "the edited greeting", || async {
        let site = site_info(&server).await?;
        (site.greeting == "Edited in the console!" && site.model_url.is_some()).then_some(())
    })
    .await;
    let now: KbSource = source(&anna).await.unwrap().json().await.unwrap();
    assert_eq!(now, saved);

    // An admin who opened version 0 meanwhile is not allowed to overwrite version 1 unseen.
    let stale = save(&anna, tandem_assistant::fixture::KB, 0).await.unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = stale.json().await.unwrap();
    assert!(
        problem
            .message()
            .contains("Anna saved version 1 after you opened it"),
        "{}",
        problem.message()
    );

    // Nor to put the file back over it.
    let stale = anna
        .post("/v1/agent/admin/kb-reload?site=acme&base_version=0")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    // Putting the file back in use is version 2, unsigned, and the file's greeting returns.
    let back = anna
        .post("/v1/agent/admin/kb-reload?site=acme&base_version=1")
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::ACCEPTED);
    let back: KbSource = back.json().await.unwrap();
    assert_eq!((back.version, back.saved), (2, None));
    assert_eq!(back.text, tandem_assistant::fixture::KB);
    eventually(Duration::from_secs(60), "the file's greeting", || async {
        (site_info(&server).await?.greeting == "Hi!").then_some(())
    })
    .await;

    // Reading the file again (a new one was deployed) is a version too: an editor opened on
    // what was live before is not allowed to save over it unwarned.
    let again = anna
        .post("/v1/agent/admin/kb-reload?site=acme&base_version=2")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let again: KbSource = again.json().await.unwrap();
    assert_eq!(again.version, 3);
    let stale = save(&anna, &edited, 2).await.unwrap();
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    server.stop().await;
}

#[tokio::test]
async fn an_admin_writes_a_knowledge_base_for_a_site_that_had_none() {
    let server = TestServer::start().await;
    let (anna, _ben) = server.admin_and_agent().await;
    let empty = kb_source(&anna).await;
    assert_eq!(
        (empty.text.as_str(), empty.version, empty.file),
        ("", 0, false)
    );
    assert!(site_info(&server).await.unwrap().model_url.is_none());
    let saved = save_kb(&anna, tandem_assistant::fixture::KB, 0)
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::ACCEPTED);
    // The assistant is on its way at once (the widget says so), then ready.
    assert!(site_info(&server).await.unwrap().assistant_pending);
    eventually(Duration::from_secs(60), "the new assistant", || async {
        site_info(&server).await?.model_url.map(drop)
    })
    .await;
    // There is no file to go back to.
    let no_file = anna
        .post("/v1/agent/admin/kb-reload?site=acme")
        .send()
        .await
        .unwrap();
    assert_eq!(no_file.status(), StatusCode::CONFLICT);
    server.stop().await;
}

#[tokio::test]
async fn the_editor_shows_the_knowledge_base_in_use_and_a_file_that_cannot_be_read_without_its_path()
 {
    let (server, kb_dir, kb) = common::with_kb_file().await;
    let (anna, _ben) = server.admin_and_agent().await;
    let source = || kb_source(&anna);
    eventually(Duration::from_secs(60), "the first model", || {
        kb_report(&anna)
    })
    .await;

    // The file changed on disk but was not put live: the editor shows what shoppers get.
    std::fs::write(&kb, common::kb_greeting("Not live yet")).unwrap();
    assert_eq!(source().await.text, tandem_assistant::fixture::KB);

    // A file that cannot be read is told to the admin without the server's path or error.
    std::fs::remove_file(&kb).unwrap();
    let path = kb_dir.path().display().to_string();
    let refused = anna
        .post("/v1/agent/admin/kb-reload?site=acme")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = refused.json().await.unwrap();
    assert!(
        problem.message().contains("cannot be read on the server")
            && !problem.message().contains(&path)
            && !problem.message().contains("os error"),
        "{}",
        problem.message()
    );
    assert_eq!(source().await.text, tandem_assistant::fixture::KB);

    // An edit saved here, then another process put the file back in use (as far as this one
    // knows, only the database says so) and it cannot be read: the admin gets an empty text
    // to write one, and why.
    let saved = save_kb(&anna, &common::kb_greeting("Edited"), 0)
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::ACCEPTED);
    eventually(Duration::from_secs(60), "the edit in use", || async {
        (site_info(&server).await?.greeting == "Edited").then_some(())
    })
    .await;
    let author = tandem_server::store::Author {
        id: &anna.id,
        name: "Anna",
    };
    let db = &server.state.db;
    db.save_kb_version("acme", 1, None, author).await.unwrap();
    let unreadable = source().await;
    assert_eq!((unreadable.text.as_str(), unreadable.version), ("", 2));
    let problem = unreadable.problem.expect("why there is no text");
    assert!(
        problem.contains("cannot be read") && !problem.contains(&path),
        "{problem}"
    );
    // Written afresh here, it is saved and in use.
    let saved = save_kb(&anna, &common::kb_greeting("Rewritten"), 2)
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::ACCEPTED);
    assert_eq!(source().await.problem, None);
    server.stop().await;
}

#[tokio::test]
async fn an_admin_lists_the_saved_versions_and_opens_an_older_one_to_save_again() {
    let (server, _kb_dir, _kb) = common::with_kb_file().await;
    let (anna, ben) = server.admin_and_agent().await;
    let versions =
        |who: &common::TestAgent| who.get("/v1/agent/admin/kb-versions?site=acme").send();
    let open = |who: &common::TestAgent, version: &str| {
        who.get(&format!("/v1/agent/admin/kb-versions/{version}?site=acme"))
            .send()
    };
    let none: KbVersionPage = versions(&anna).await.unwrap().json().await.unwrap();
    assert!(none.versions.is_empty(), "the file, never edited here");
    assert!(!none.more);

    let first = common::kb_greeting("First edit");
    assert_eq!(
        save_kb(&anna, &first, 0).await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(
        save_kb(&anna, &common::kb_greeting("Second edit"), 1)
            .await
            .unwrap()
            .status(),
        StatusCode::ACCEPTED
    );
    let back = anna
        .post("/v1/agent/admin/kb-reload?site=acme&base_version=2")
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::ACCEPTED);

    let listed: KbVersionPage = versions(&anna).await.unwrap().json().await.unwrap();
    assert!(!listed.more, "{listed:?}");
    let listed = listed.versions;
    let shown: Vec<(i64, &str, bool)> = listed
        .iter()
        .map(|v| (v.version, v.saved.by.as_str(), v.file))
        .collect();
    assert_eq!(
        shown,
        [(3, "Anna", true), (2, "Anna", false), (1, "Anna", false)],
        "newest first; version 3 put the file back"
    );
    assert!(listed[0].saved.at >= listed[2].saved.at);

    // An older version opened, and saved again as the newest.
    let opened: KbVersionText = open(&anna, "1").await.unwrap().json().await.unwrap();
    assert_eq!((opened.version, opened.text.as_str()), (1, first.as_str()));
    assert_eq!(
        save_kb(&anna, &opened.text, 3).await.unwrap().status(),
        StatusCode::ACCEPTED
    );
    eventually(
        Duration::from_secs(60),
        "version 1's greeting again",
        || async { (site_info(&server).await?.greeting == "First edit").then_some(()) },
    )
    .await;

    // What cannot be opened says why.
    let file = open(&anna, "3").await.unwrap();
    assert_eq!(file.status(), StatusCode::CONFLICT);
    let problem: tandem_protocol::Problem = file.json().await.unwrap();
    assert!(
        problem.message().contains("no text of its own"),
        "{}",
        problem.message()
    );
    assert_eq!(
        open(&anna, "9").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        open(&anna, "one").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        versions(&ben).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        open(&ben, "1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    server.stop().await;
}

#[tokio::test]
async fn a_long_history_of_versions_is_listed_a_page_at_a_time() {
    let server = TestServer::start().await;
    let (anna, _ben) = server.admin_and_agent().await;
    let author = tandem_server::store::Author {
        id: &anna.id,
        name: &anna.name,
    };
    // A year of small edits, saved straight into the store (compiling each would only
    // take time): every tenth put the file back.
    for base in 0..120 {
        let text = (base % 10 != 9).then(|| common::kb_greeting(&format!("Edit {}", base + 1)));
        let saved = server
            .state
            .db
            .save_kb_version("acme", base, text.as_deref(), author)
            .await
            .unwrap();
        assert!(saved.is_some());
    }
    let page = |before: Option<i64>| {
        let query = before.map_or_else(String::new, |n| format!("&before={n}"));
        let anna = &anna;
        async move {
            let response = anna
                .get(&format!("/v1/agent/admin/kb-versions?site=acme{query}"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<KbVersionPage>().await.unwrap()
        }
    };
    let mut seen = Vec::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        let listed = page(before).await;
        pages += 1;
        seen.extend(listed.versions.iter().map(|v| (v.version, v.file)));
        before = listed.versions.last().map(|v| v.version);
        if !listed.more {
            break;
        }
    }
    assert_eq!(pages, 3, "two pages of 50 and one of 20");
    let expected: Vec<(i64, bool)> = (1..=120).rev().map(|n| (n, n % 10 == 0)).collect();
    assert_eq!(seen, expected, "every version once, newest first");
    assert!(page(Some(1)).await.versions.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn an_admin_tries_an_edit_before_saving_it_and_nothing_changes() {
    let (server, _kb_dir, _kb) = common::with_kb_file().await;
    let (anna, ben) = server.admin_and_agent().await;
    let try_kb = |who: &common::TestAgent, text: &str, questions: &[&str]| {
        who.post("/v1/agent/admin/kb-try?site=acme")
            .json(&json!({ "text": text, "questions": questions }))
            .send()
    };
    let edited = tandem_assistant::fixture::KB.replace("30 days, free.", "60 days, free.");
    let tried = try_kb(
        &anna,
        &edited,
        &["how do I return an item", "I want a chargeback"],
    )
    .await
    .unwrap();
    assert_eq!(tried.status(), StatusCode::OK);
    let tried: KbTried = tried.json().await.unwrap();
    assert!(tried.report.contains("Test shop"), "{}", tried.report);
    match &tried.replies[0] {
        KbReply::Answer { entry, answer, .. } => {
            assert_eq!(
                (entry.as_str(), answer.as_str()),
                ("Returns", "60 days, free.")
            )
        }
        other => panic!("the edited answer, not {other:?}"),
    }
    assert!(matches!(
        tried.replies[1],
        KbReply::Handoff {
            reason: tandem_protocol::HandoffReason::Sensitive,
            ..
        }
    ));

    // Nothing was saved.
    let source = kb_source(&anna).await;
    assert_eq!(
        (source.version, source.text.as_str()),
        (0, tandem_assistant::fixture::KB)
    );

    refused_with_lines_2_and_4(try_kb(&anna, BROKEN_KB, &["hello"]).await.unwrap()).await;
    let many = vec!["where is my parcel"; 21];
    let refused = try_kb(&anna, &edited, &many).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: tandem_protocol::Problem = refused.json().await.unwrap();
    assert!(
        problem.message().contains("At most 20 questions"),
        "{}",
        problem.message()
    );
    let long = "where is my parcel ".repeat(300);
    let refused = try_kb(&anna, &edited, &[long.as_str()]).await.unwrap();
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        try_kb(&ben, &edited, &["hello"]).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );

    // While another try compiles, the next is told to come back shortly, not queued.
    let running = server.state.trials.clone().try_acquire_owned().unwrap();
    let busy = try_kb(&anna, &edited, &["hello"]).await.unwrap();
    assert_eq!(busy.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(busy.headers()[reqwest::header::RETRY_AFTER], "5");
    drop(running);
    assert_eq!(
        try_kb(&anna, &edited, &["hello"]).await.unwrap().status(),
        StatusCode::OK
    );
    server.stop().await;
}
