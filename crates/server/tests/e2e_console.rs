//! End to end, both sides: real headless Chromium windows for an agent on the console and a
//! shopper in the widget on the demo checkout page of a real server, from the shopper's
//! question to the assistant through the agent's answer (and a note for the team the
//! shopper never sees) and the shopper's rating, to the quality dashboard and the history
//! (where a wrap-up note is added); an agent's password changed in and out of the console; a
//! site admin editing the knowledge base, which shoppers then get answers from; and every
//! page fitting a phone's width.
//!
//! Needs the console's release build and Chromium with ChromeDriver, so it is ignored by a
//! plain `cargo test`; `cargo xtask test` installs both, builds the console and runs it.

mod common;

use std::time::Duration;

use common::{
    AGENT_PASSWORD, Settings, TestAgent, TestServer,
    axe::assert_accessible,
    browser::{Browser, Screen, WAIT, click, eventually, text_containing as shows, type_into},
    console_dist,
    widget::{open_widget, say},
    widget_dist,
};
use fantoccini::Locator;
use sqlx::Row;
use tandem_protocol::agent::Resolution;

#[tokio::test]
#[ignore = "needs Chromium and the console build: run by `cargo xtask test`"]
async fn an_agent_takes_a_handed_over_shopper_and_answers_with_a_suggestion() {
    assert!(
        console_dist().join("index.html").exists(),
        "no console build: run `cargo xtask test`"
    );
    let settings = Settings {
        acme_extra: r#"knowledge_base = "demo""#.to_owned(),
        ..Settings::default()
    };
    let server =
        TestServer::launch(tempfile::TempDir::new().unwrap(), &widget_dist(), settings).await;
    // The account (this API session is not used: the agent signs in in the browser).
    let api = server.agent("Ada", &["acme"]).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;

    // Sign in; a wrong password first says so and keeps the form.
    client.goto(&server.url("/console")).await.unwrap();
    let email = client
        .wait()
        .for_element(Locator::Id("login-email"))
        .await
        .unwrap();
    email.send_keys("ada@agents.example").await.unwrap();
    let password = client.find(Locator::Id("login-password")).await.unwrap();
    password.send_keys("not the password").await.unwrap();
    click(client, "form button[type=submit]").await;
    eventually(WAIT, "the sign-in to be refused", || async {
        let text = client
            .find(Locator::Css(".login .problem"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        (!text.is_empty()).then_some(())
    })
    .await;
    password.clear().await.unwrap();
    password.send_keys(AGENT_PASSWORD).await.unwrap();
    click(client, "form button[type=submit]").await;
    shows(client, ".bar .agent", "Ada").await;
    shows(client, ".bar .link", "Live").await;

    // Available: the choice is the server's, so a reload keeps it.
    client
        .find(Locator::Id("status"))
        .await
        .unwrap()
        .select_by_value("available")
        .await
        .unwrap();
    eventually(WAIT, "the agent to be available", || async {
        let status = api
            .get("/v1/agent/me")
            .send()
            .await
            .ok()?
            .json::<serde_json::Value>()
            .await
            .ok()?;
        (status["status"] == "available").then_some(())
    })
    .await;
    client.refresh().await.unwrap();
    shows(client, ".bar .link", "Live").await;
    let selected = client
        .find(Locator::Css("#status"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(selected.as_deref(), Some("available"));

    // The server compiles the demo knowledge base after it starts: wait for it, as a
    // merchant's shoppers would.
    eventually(WAIT, "the demo model", || async {
        let info: serde_json::Value = reqwest::get(server.url("/v1/sites/acme"))
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        info["model_url"].as_str().map(drop)
    })
    .await;

    // A shopper on the demo checkout page asks the assistant, then for a person.
    let shopper_browser = Browser::start(Screen::Desktop).await;
    let shop = &shopper_browser.client;
    open_widget(shop, &server.url("/demo")).await;
    say(shop, "Where is my order?").await;
    shows(shop, "li.answer", "order status page").await;
    click(shop, "button.human").await;
    click(shop, "[data-act=confirm]").await;

    // The offer shows, with its countdown, in the tab title too.
    shows(client, ".offer .countdown", "s left").await;
    eventually(WAIT, "the tab title to count the offer", || async {
        let title = client.title().await.ok()?;
        title.starts_with("(1 waiting)").then_some(())
    })
    .await;
    click(client, ".offer .accept").await;
    shows(shop, ".agent-name", "Ada").await;

    // The whole context: the assistant's part of the transcript and the cart the shop set.
    let transcript = shows(client, ".transcript", "order status page").await;
    assert!(transcript.contains("Where is my order?"), "{transcript}");
    shows(client, ".transcript li.assistant", "% sure").await;
    let context = shows(client, ".context dl", "224.5").await;
    assert!(context.contains("EUR"), "{context}");

    // The assistant suggests an answer from the demo knowledge base; one click puts it in the
    // composer, and the agent sends it.
    shows(client, ".suggestion", "sure").await;
    click(client, ".suggestion button").await;
    let reply = eventually(WAIT, "the suggestion in the composer", || async {
        let value = client
            .find(Locator::Id("reply"))
            .await
            .ok()?
            .prop("value")
            .await
            .ok()??;
        (!value.is_empty()).then_some(value)
    })
    .await;
    // A note for the team, in its own box: it shows under Ada's name, the reply waits.
    let note = "Promised a call back about the late parcel";
    type_into(client, "note", note).await;
    click(client, ".add-note button").await;
    let noted = shows(client, ".notes .note", note).await;
    assert!(noted.contains("Ada"), "{noted}");
    assert_accessible(client, "the desk with a conversation open").await;
    click(client, ".composer button[type=submit]").await;

    // The shopper sees exactly that, from Ada, the knowledge base's link as a link.
    shows(shop, "li.agent", "Ada").await;
    let (before, rest) = reply.split_once('[').expect("the demo answer's link");
    let (label, rest) = rest.split_once("](").unwrap();
    let (url, after) = rest.split_once(')').unwrap();
    let got = shows(shop, "li.agent .text", &before[..20]).await;
    assert!(got.starts_with(&format!("{before}{label}")), "{got}");
    assert!(got.ends_with(after), "{got}");
    let link = shop.find(Locator::Css("li.agent .text a")).await.unwrap();
    assert_eq!(link.attr("href").await.unwrap().as_deref(), Some(url));

    // The agent closes; the shopper is asked for a rating and gives five stars.
    client
        .find(Locator::Id("resolution"))
        .await
        .unwrap()
        .select_by_value("solved")
        .await
        .unwrap();
    click(client, ".finish .close").await;
    shows(shop, "form.rating", "How did we do?").await;
    click(shop, "form.rating [data-n='5']").await;
    click(shop, "form.rating button[type=submit]").await;
    shows(shop, "section.closed", "Thank").await;
    // Nothing of the note reached the shopper, all along.
    let widget = shop
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !widget.contains("call back"),
        "the note is not the shopper's: {widget}"
    );
    let id: String = sqlx::query("SELECT id FROM conversations")
        .fetch_one(server.state.db.pool())
        .await
        .unwrap()
        .get("id");
    let detail = api.conversation(&id).await;
    assert_eq!(
        (detail.resolution, detail.rating),
        (Some(Resolution::Solved), Some(5))
    );
    eventually(WAIT, "the conversation to leave the desk", || async {
        let hidden = client
            .find(Locator::Id("conversation"))
            .await
            .ok()?
            .attr("hidden")
            .await
            .ok()?;
        hidden.map(|_| ())
    })
    .await;

    // The quality dashboard counts today's conversation with a person and its rating.
    view(client, "Quality dashboard").await;
    shows(client, ".dashboard .with-people", "1").await;
    shows(client, ".dashboard .left-waiting", "0 (0 %)").await;
    shows(client, ".dashboard .rating", "5.0 / 5").await;
    assert_accessible(client, "the dashboard").await;
    // The history lists it with who had it and its rating, and opens it whole.
    view(client, "History").await;
    shows(client, ".history-table tbody tr", "5 of 5").await;
    shows(client, ".history-table tbody tr", "Ada").await;
    click(client, ".history-table .read").await;
    shows(client, ".past .transcript", "Where is my order?").await;
    shows(client, ".past .notes", note).await;
    // Closed, it takes a wrap-up note, which shows at once and goes into the download.
    let wrap_up = "Called back: the parcel arrived";
    type_into(client, "past-note", wrap_up).await;
    click(client, ".past .add-note button").await;
    shows(client, ".past .notes-list", wrap_up).await;
    assert_accessible(client, "the history with a conversation open").await;
    // Its download link gives the same as a spreadsheet file.
    let csv = client
        .execute(
            "return fetch(document.querySelector('.export a').href).then(r => r.text());",
            vec![],
        )
        .await
        .unwrap();
    let csv = csv.as_str().unwrap_or_default();
    assert!(csv.starts_with("closed_at,id,agent,"), "{csv}");
    assert!(csv.contains(",Ada,") && csv.contains(",solved,5,"), "{csv}");
    assert!(
        csv.contains(note) && csv.contains(wrap_up),
        "the notes: {csv}"
    );

    // Still needing help after the close, the shopper presses the human button again: a new
    // conversation with a person starts, with the confirmation first.
    click(shop, "button.human").await;
    shows(shop, "section.confirm", "Talk to a person?").await;

    browser.client.clone().close().await.unwrap();
    shopper_browser.client.clone().close().await.unwrap();
    server.stop().await;
}

/// Shows one of the console's pages by its button.
async fn view(client: &fantoccini::Client, name: &str) {
    let xpath = format!("//nav[contains(@class, 'views')]/button[normalize-space(.)='{name}']");
    client
        .wait()
        .for_element(Locator::XPath(&xpath))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Signs in on the console's form.
async fn sign_in(client: &fantoccini::Client, email: &str, password: &str) {
    for (id, text) in [("login-email", email), ("login-password", password)] {
        let field = client.wait().for_element(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }
    click(client, ".login button[type=submit]").await;
}

/// A server with these settings, Ada's account (a site admin of acme too, if `admin`) with
/// an API session of her own, and a browser of this screen signed in to her console.
async fn ada_in_console(
    settings: Settings,
    screen: Screen,
    admin: bool,
) -> (TestServer, TestAgent, Browser) {
    let server =
        TestServer::launch(tempfile::TempDir::new().unwrap(), &widget_dist(), settings).await;
    let ada = server.agent("Ada", &["acme"]).await;
    if admin {
        server
            .state
            .db
            .set_site_admin(&ada.id, "acme", true)
            .await
            .unwrap();
    }
    let browser = Browser::start(screen).await;
    browser.client.goto(&server.url("/console")).await.unwrap();
    sign_in(&browser.client, "ada@agents.example", AGENT_PASSWORD).await;
    (server, ada, browser)
}

#[tokio::test]
#[ignore = "needs Chromium and the console build: run by `cargo xtask test`"]
async fn on_a_phone_every_page_of_the_console_fits_the_screen_s_width() {
    const WIDTH: u32 = 390;
    let (server, _ada, browser) =
        ada_in_console(Settings::default(), Screen::Phone(WIDTH, 844), true).await;
    let client = &browser.client;
    // Wide tables scroll in their own box; nothing makes the page itself wider than the phone.
    for (page, drawn) in [
        ("Quality dashboard", ".days-table tbody tr"),
        ("History", ".history-search"),
        ("Site admin", ".agents tbody tr"),
        ("Account", "#account-current"),
        ("Desk", ".views"),
    ] {
        view(client, page).await;
        client
            .wait()
            .for_element(Locator::Css(drawn))
            .await
            .unwrap();
        let width = client
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap();
        assert!(
            width.as_u64().unwrap() <= u64::from(WIDTH),
            "{page} is {width} px wide"
        );
    }
    assert_accessible(client, "the console's desk on a phone").await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the console build: run by `cargo xtask test`"]
async fn a_password_changed_elsewhere_sends_the_console_to_sign_in_and_one_changed_here_keeps_it() {
    // Ada is signed in twice: here through the API, and in the browser's console.
    let (server, api, browser) = ada_in_console(Settings::default(), Screen::Desktop, false).await;
    let client = &browser.client;
    shows(client, ".bar .link", "Live").await;

    // Changed elsewhere: the console cannot go on, and says to sign in.
    let changed = api
        .request(reqwest::Method::PUT, "/v1/agent/password")
        .json(&serde_json::json!({ "current": AGENT_PASSWORD, "new": "changed on the api" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), reqwest::StatusCode::NO_CONTENT);
    shows(client, ".login .problem", "Sign in").await;

    // Signed in again with the new password, Ada changes it on the account page.
    sign_in(client, "ada@agents.example", "changed on the api").await;
    shows(client, ".bar .link", "Live").await;
    view(client, "Account").await;
    shows(client, ".signed-in-as", "ada@agents.example").await;
    assert_accessible(client, "the account page").await;
    let desk = client.find(Locator::Css("main.desk")).await.unwrap();
    assert!(
        !desk.is_displayed().await.unwrap(),
        "the desk is hidden behind the account page"
    );
    for (id, text) in [
        ("account-current", "changed on the api"),
        ("account-new", "changed in the console"),
        ("account-repeat", "changed in the console"),
    ] {
        type_into(client, id, text).await;
    }
    click(client, ".change-password button[type=submit]").await;
    shows(client, ".change-password .done", "Your password is changed").await;
    // This console stays signed in and live; the API session is over.
    assert_eq!(
        api.get("/v1/agent/me").send().await.unwrap().status(),
        reqwest::StatusCode::UNAUTHORIZED
    );
    view(client, "Desk").await;
    shows(client, ".bar .link", "Live").await;
    shows(client, ".bar .agent", "Ada").await;
    assert!(
        server
            .sign_in("ada@agents.example", "changed in the console")
            .await
            .is_ok()
    );

    // Signing out ends that session too, and the form that follows raises no alarm.
    view(client, "Account").await;
    client
        .find(Locator::XPath(
            "//header[contains(@class, 'bar')]/button[normalize-space(.)='Sign out']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .for_element(Locator::Id("login-email"))
        .await
        .unwrap();
    // Long enough for a dropped connection to have been checked and reported.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let alarm = client
        .find(Locator::Css(".login .problem"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alarm, "", "a sign-out is not a lost session");

    // Ben signs in at this browser next: he starts at the desk, not on Ada's account page.
    server.agent("Ben", &["acme"]).await;
    sign_in(client, "ben@agents.example", AGENT_PASSWORD).await;
    shows(client, ".bar .agent", "Ben").await;
    let desk = client.find(Locator::Css("main.desk")).await.unwrap();
    assert!(desk.is_displayed().await.unwrap(), "the desk is shown");
    assert!(
        client
            .find_all(Locator::Css(".change-password .done"))
            .await
            .unwrap()
            .is_empty(),
        "nothing of Ada's page is left"
    );
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the console build: run by `cargo xtask test`"]
async fn an_admin_edits_the_knowledge_base_in_the_console_and_the_shopper_gets_the_new_answer() {
    let kb_dir = tempfile::TempDir::new().unwrap();
    let kb = kb_dir.path().join("kb.toml");
    std::fs::write(&kb, tandem_assistant::fixture::KB).unwrap();
    let settings = Settings {
        acme_extra: format!("knowledge_base = {:?}", kb.display().to_string()),
        ..Settings::default()
    };
    let (server, ada, browser) = ada_in_console(settings, Screen::Desktop, true).await;
    let client = &browser.client;
    view(client, "Site admin").await;
    shows(client, ".kb-origin", "the site's knowledge base file").await;
    let editor = client.find(Locator::Id("kb-text")).await.unwrap();
    assert_eq!(
        editor.prop("value").await.unwrap().as_deref(),
        Some(tandem_assistant::fixture::KB)
    );

    // A broken entry typed at the end is refused with its line, and the text stays.
    editor
        .send_keys("\n[[entry]]\nid = \"Not an id\"\n")
        .await
        .unwrap();
    shows(client, ".kb-actions [role=status]", "Unsaved changes").await;
    click(client, ".kb-editor .save-kb").await;
    let problem = shows(client, ".kb-problem", "line").await;
    assert!(problem.contains("errors"), "{problem}");
    assert!(
        editor
            .prop("value")
            .await
            .unwrap()
            .unwrap()
            .ends_with("id = \"Not an id\"\n"),
        "what was typed is kept"
    );
    assert_accessible(client, "the admin page with a refused knowledge base").await;
    // An error takes the caret, and the view, to its place in the text.
    client
        .execute(
            "const area = document.getElementById('kb-text'); area.setSelectionRange(0, 0); \
             area.scrollTop = 0;",
            vec![],
        )
        .await
        .unwrap();
    click(client, ".kb-problem .at").await;
    let place = client
        .execute(
            "const area = document.getElementById('kb-text'); \
             return [area.selectionStart, area.value.lastIndexOf('[[entry]]'), area.scrollTop, \
             document.activeElement === area];",
            vec![],
        )
        .await
        .unwrap();
    let (caret, entry) = (place[0].as_u64().unwrap(), place[1].as_u64().unwrap());
    assert!(
        caret >= entry,
        "the caret at {caret}, in the broken entry from {entry}"
    );
    assert!(
        place[2].as_f64().unwrap() > 0.0,
        "scrolled to it: {place:?}"
    );
    assert_eq!(place[3], true, "the text area has the focus");
    // A visit to the desk loses nothing typed.
    view(client, "Desk").await;
    view(client, "Site admin").await;
    let editor = client
        .wait()
        .for_element(Locator::Id("kb-text"))
        .await
        .unwrap();
    let kept = editor.prop("value").await.unwrap().unwrap();
    assert!(
        kept.ends_with("id = \"Not an id\"\n"),
        "kept after the desk"
    );

    // Discarded, then a new answer written and saved: it is version 1, signed by Ada.
    click(client, ".kb-editor .discard-kb").await;
    eventually(WAIT, "the text in use again", || async {
        let value = editor.prop("value").await.ok()??;
        (value == tandem_assistant::fixture::KB).then_some(())
    })
    .await;
    let edited =
        tandem_assistant::fixture::KB.replace("30 days, free.", "60 days, and free of charge.");
    assert_ne!(edited, tandem_assistant::fixture::KB);
    client
        .execute(
            "const area = document.getElementById('kb-text'); area.value = arguments[0]; \
             area.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::Value::String(edited)],
        )
        .await
        .unwrap();
    // Tried before it is saved: the new answer, and a dispute still goes to a person.
    let questions = client.find(Locator::Id("kb-questions")).await.unwrap();
    questions
        .send_keys(
            "how do I return an item\nI want to dispute a charge\nhow long does delivery take\n",
        )
        .await
        .unwrap();
    click(client, ".kb-try .try-kb").await;
    shows(client, ".kb-try .try-status", "Tried 3 questions").await;
    shows(
        client,
        ".kb-replies li:first-child",
        "60 days, and free of charge.",
    )
    .await;
    shows(
        client,
        ".kb-replies li:nth-child(2)",
        "Hands over to a person: Sensitive topic",
    )
    .await;
    // The merchant's link is a link, as the widget shows it.
    let link = client
        .find(Locator::Css(".kb-replies li:nth-child(3) .shown a"))
        .await
        .unwrap();
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://shop.example/track")
    );
    assert_accessible(client, "the admin page with a knowledge base tried").await;
    // A visit to the desk keeps the questions and what they got.
    view(client, "Desk").await;
    view(client, "Site admin").await;
    shows(client, ".kb-try .try-status", "Tried 3 questions").await;
    let asked = client
        .find(Locator::Id("kb-questions"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert!(asked.starts_with("how do I return an item\n"), "{asked}");
    let editor = client
        .wait()
        .for_element(Locator::Id("kb-text"))
        .await
        .unwrap();
    shows(client, ".kb-origin", "the site's knowledge base file").await;
    click(client, ".kb-editor .save-kb").await;
    shows(client, ".kb-origin", "version 1, saved here by Ada").await;
    compiled(client).await;

    // A shopper who opens the chat now gets the new answer, from the assistant in the browser.
    let shopper = Browser::start(Screen::Desktop).await;
    let shop = &shopper.client;
    open_widget(shop, &server.url("/demo")).await;
    say(shop, "how do I return an item").await;
    shows(shop, "li.answer", "60 days, and free of charge.").await;

    // The file is put back in use from the same page.
    client
        .find(Locator::Css(".kb-editor .file-kb"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shows(client, ".kb-origin", "the site's knowledge base file").await;
    compiled(client).await;

    // The earlier versions: version 1 opened into the editor and saved again is version 3.
    click(client, ".kb-versions .show-versions").await;
    shows(
        client,
        ".kb-versions li:first-child",
        "Version 2: Ada put the site's file in use",
    )
    .await;
    assert_accessible(client, "the admin page with the earlier versions").await;
    click(client, ".kb-versions li:nth-child(2) .open-version").await;
    shows(client, ".kb-actions [role=status]", "version 1 opened here").await;
    let opened = editor.prop("value").await.unwrap().unwrap();
    assert!(opened.contains("60 days, and free of charge."), "{opened}");
    let focused = client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "kb-text", "the focus goes to the text opened");
    click(client, ".kb-editor .save-kb").await;
    shows(client, ".kb-origin", "version 3, saved here by Ada").await;
    shows(
        client,
        ".kb-versions li:first-child",
        "Version 3, saved by Ada",
    )
    .await;

    // A long history (52 more saves of the same text, straight into the store) is listed a
    // page at a time; the older page takes the focus to its first version.
    let author = tandem_server::store::Author {
        id: &ada.id,
        name: &ada.name,
    };
    for base in 3..55 {
        let saved = server
            .state
            .db
            .save_kb_version("acme", base, Some(&opened), author);
        assert!(saved.await.unwrap().is_some());
    }
    click(client, ".kb-versions .show-versions").await;
    click(client, ".kb-versions .show-versions").await;
    shows(
        client,
        ".kb-versions li:first-child",
        "Version 55, saved by Ada",
    )
    .await;
    assert_eq!(
        client
            .find_all(Locator::Css(".version-list li"))
            .await
            .unwrap()
            .len(),
        50
    );
    click(client, ".kb-versions .older-versions").await;
    shows(
        client,
        ".version-list li:last-child",
        "Version 1, saved by Ada",
    )
    .await;
    let focused = client
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "kb-version-5", "the first of the older page");
    assert!(
        client
            .find_all(Locator::Css(".kb-versions .older-versions"))
            .await
            .unwrap()
            .is_empty(),
        "nothing older"
    );
    assert_accessible(client, "the admin page with every version listed").await;
    shopper.client.clone().close().await.unwrap();
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

/// Waits until the admin page no longer says a knowledge base is compiling (its buttons wait
/// for that).
async fn compiled(client: &fantoccini::Client) {
    eventually(Duration::from_secs(60), "the new model", || async {
        let text = client
            .find(Locator::Css(".kb-reloading"))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        text.is_empty().then_some(())
    })
    .await;
}
