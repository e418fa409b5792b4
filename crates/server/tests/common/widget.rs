//! The shopper's side in a real browser: the launcher `embed.js` draws on a merchant's page,
//! the widget's frame, and its composer.

use fantoccini::{Client, Locator, elements::Element, elements::ShadowRoot, key::Key};

use super::browser::{WAIT, eventually};

/// The launcher's shadow root on the merchant's page, once `embed.js` has drawn it.
pub async fn launcher_root(client: &Client) -> ShadowRoot {
    eventually(WAIT, "the launcher to be drawn", || async {
        let host = client.find(Locator::Css("[data-tandem]")).await.ok()?;
        host.shadow_root().await.ok()
    })
    .await
}

/// The first element matching `css` in the launcher's shadow root, once there.
pub async fn find_in(root: &ShadowRoot, css: &'static str) -> Element {
    eventually(WAIT, css, || async {
        root.find(Locator::Css(css)).await.ok()
    })
    .await
}

/// Opens the page at `url`, clicks the launcher and switches into the widget's frame.
pub async fn open_widget(client: &Client, url: &str) -> ShadowRoot {
    open_widget_labelled(client, url, "Open chat").await
}

/// [`open_widget`], once the launcher is labelled `label` (in the browser's language).
pub async fn open_widget_labelled(client: &Client, url: &str, label: &str) -> ShadowRoot {
    client.goto(url).await.unwrap();
    let root = launcher_root(client).await;
    let launcher = find_in(&root, "button").await;
    eventually(WAIT, "the launcher's label", || async {
        let said = launcher.attr("aria-label").await.ok()??;
        (said == label).then_some(())
    })
    .await;
    launcher.click().await.unwrap();
    find_in(&root, "iframe").await.enter_frame().await.unwrap();
    root
}

/// Types into the widget's composer and sends with Enter, once it can be typed into (the
/// panel may still be opening: present is not yet interactable).
pub async fn say(client: &Client, text: &str) {
    let composer = client
        .wait()
        .for_element(Locator::Id("tandem-message"))
        .await
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !(composer.is_displayed().await.unwrap() && composer.is_enabled().await.unwrap()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the composer never became usable"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    composer
        .send_keys(&format!("{text}{}", Key::Enter))
        .await
        .unwrap();
}
