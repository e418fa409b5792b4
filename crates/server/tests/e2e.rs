//! End to end: a real headless Chromium on the demo checkout page of a real server.
//!
//! These need the widget's release build and Chromium with ChromeDriver, so they are ignored
//! by a plain `cargo test`; `cargo xtask test` installs both, builds the widget and runs them.

mod common;

use std::time::Duration;

use common::{
    TestServer,
    axe::assert_accessible,
    browser::{Browser, Screen, WAIT, click, eventually, text_becomes, text_containing},
    widget::{find_in, launcher_root, open_widget},
    widget_dist,
};
use fantoccini::{Locator, key::Key};
use sqlx::Row;

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn a_shopper_opens_the_widget_and_asks_for_a_human() {
    let server = TestServer::start_with(tempfile::TempDir::new().unwrap(), &widget_dist()).await;
    let _agent = server.available_agent("Anna", 1).await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    let root = open_widget(client, &server.url("/demo")).await;

    text_becomes(client, "h1", "Acme Outfitters").await;
    let human = client
        .wait()
        .for_element(Locator::Css("button.human"))
        .await
        .unwrap();
    assert!(human.is_displayed().await.unwrap());
    assert_eq!(human.text().await.unwrap(), "Talk to a human");

    // The panel puts the cursor in the composer; typing and Enter sends.
    let active = eventually(WAIT, "the composer to have focus", || async {
        let id = client
            .active_element()
            .await
            .ok()?
            .attr("id")
            .await
            .ok()??;
        (id == "tandem-message").then_some(())
    });
    active.await;
    client
        .find(Locator::Css("textarea"))
        .await
        .unwrap()
        .send_keys(&format!("Where is my parcel?{}", Key::Enter))
        .await
        .unwrap();
    text_becomes(client, "li.shopper .text", "Where is my parcel?").await;

    human.click().await.unwrap();
    // The shopper confirms that a person may see the conversation; one is available.
    click(client, "[data-act=confirm]").await;
    text_containing(client, ".status .place", "You are next in line.").await;

    let rows = sqlx::query("SELECT site, state FROM conversations")
        .fetch_all(server.state.db.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "one conversation in the database");
    assert_eq!(rows[0].get::<String, _>("site"), "acme");
    assert_eq!(rows[0].get::<String, _>("state"), "queued");

    // Esc in the widget closes the panel and gives focus back to the launcher.
    client
        .find(Locator::Css("textarea"))
        .await
        .unwrap()
        .send_keys(&Key::Escape.to_string())
        .await
        .unwrap();
    client.enter_parent_frame().await.unwrap();
    let panel = find_in(&root, ".p").await;
    eventually(WAIT, "the panel to close", || async {
        panel.attr("hidden").await.ok()?.map(|_| ())
    })
    .await;
    let launcher = find_in(&root, "button").await;
    assert_eq!(
        launcher.attr("aria-expanded").await.unwrap().as_deref(),
        Some("false")
    );

    // A second click opens the same conversation again; a click on the launcher closes it.
    launcher.click().await.unwrap();
    assert!(panel.attr("hidden").await.unwrap().is_none());
    find_in(&root, "iframe").await.enter_frame().await.unwrap();
    text_containing(client, ".status .place", "You are next in line.").await;
    client.enter_parent_frame().await.unwrap();
    // Esc elsewhere on the shop's page is the shop's (its menus, its dialogs), not the chat's.
    client
        .execute(
            "document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))",
            vec![],
        )
        .await
        .unwrap();
    assert!(panel.attr("hidden").await.unwrap().is_none(), "still open");
    launcher.click().await.unwrap();
    assert!(panel.attr("hidden").await.unwrap().is_some());

    // No cookies, and nothing stored but the widget's own conversation and composer (what was
    // typed and not sent: nothing, once sent), which live in the support server's origin (the
    // demo page shares it; a merchant's page does not), and, with a person involved, the
    // tab's note that brings the widget back on the next page.
    let traces = client
        .execute(
            "return [document.cookie, Object.keys(localStorage).sort(), Object.keys(sessionStorage)]",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        traces,
        serde_json::json!(["", ["tandem-draft", "tandem:acme"], ["tandem-live:acme"]])
    );
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium and the widget build: run by `cargo xtask test`"]
async fn on_a_320_px_phone_the_widget_fills_the_screen_with_the_human_button_in_view() {
    let server = TestServer::start_with(tempfile::TempDir::new().unwrap(), &widget_dist()).await;
    let _agent = server.available_agent("Anna", 1).await;
    let browser = Browser::start(Screen::Phone(320, 640)).await;
    let client = &browser.client;
    open_widget(client, &server.url("/demo")).await;
    client.enter_parent_frame().await.unwrap();
    // Where the widget lies, on a shop whose launcher sits in the bottom right corner (the
    // default) and on one whose sits in the left (the class the loader gives it then).
    for corner in ["", "left"] {
        let size = client
            .execute(
                &format!(
                    "const host = document.querySelector('[data-tandem]'); \
                     host.className = '{corner}'; \
                     const r = host.shadowRoot.querySelector('iframe').getBoundingClientRect(); \
                     return [r.left, r.top, r.width, r.height, innerWidth, innerHeight];"
                ),
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            size,
            serde_json::json!([0, 0, 320, 640, 320, 640]),
            "the iframe covers the screen ({corner:?})"
        );
    }
    // Nothing of the loader's lies on top of the widget, not even the launcher, whose centre
    // would be at (272, 592).
    let on_top = client
        .execute(
            "const root = document.querySelector('[data-tandem]').shadowRoot; \
             return [[160, 320], [272, 592], [20, 620]] \
               .map(([x, y]) => root.elementFromPoint(x, y).tagName);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(on_top, serde_json::json!(["IFRAME", "IFRAME", "IFRAME"]));

    let root = launcher_root(client).await;
    find_in(&root, "iframe").await.enter_frame().await.unwrap();
    // Shown once the widget has drawn itself (on a loaded machine, a moment after it exists).
    let human = eventually(WAIT, "the human button to be shown", || async {
        let button = client.find(Locator::Css("button.human")).await.ok()?;
        button.is_displayed().await.ok()?.then_some(button)
    })
    .await;
    let (x, _, width, _) = human.rectangle().await.unwrap();
    assert!(
        x >= 0.0 && x + width <= 320.0,
        "the button is within the screen: {x} + {width}"
    );
    human.click().await.unwrap();
    click(client, "[data-act=confirm]").await;
    text_containing(client, ".status .place", "You are next in line.").await;
    assert_accessible(client, "the widget waiting in the queue, on a phone").await;
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}

#[tokio::test]
#[ignore = "needs Chromium: run by `cargo xtask test`"]
async fn a_widget_that_never_gets_ready_is_removed_from_the_page() {
    // No widget build: /w/acme answers 503, so the widget never reports ready.
    let server = TestServer::start().await;
    let browser = Browser::start(Screen::Desktop).await;
    let client = &browser.client;
    client.goto(&server.url("/demo")).await.unwrap();
    let root = launcher_root(client).await;
    find_in(&root, "button").await.click().await.unwrap();
    find_in(&root, "iframe").await;
    eventually(
        Duration::from_secs(20),
        "the broken widget to be removed",
        || async {
            root.find(Locator::Css("iframe"))
                .await
                .is_err()
                .then_some(())
        },
    )
    .await;
    let panel = find_in(&root, ".p").await;
    assert!(
        panel.attr("hidden").await.unwrap().is_some(),
        "nothing covers the page"
    );
    browser.client.clone().close().await.unwrap();
    server.stop().await;
}
