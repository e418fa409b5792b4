//! A real headless Chromium, driven through ChromeDriver (WebDriver), for end-to-end tests.
//!
//! Each [`Browser`] owns its own ChromeDriver process on a free port and a fresh profile
//! directory; both go away when it is dropped.

use std::{
    future::Future,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Map, Value, json};
use tempfile::TempDir;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

/// What the browser window looks like.
pub enum Screen {
    Desktop,
    /// A phone's viewport of this width and height in CSS pixels.
    Phone(u32, u32),
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub async fn start(screen: Screen) -> Browser {
        Browser::start_in(screen, "en").await
    }

    /// A browser whose user prefers `language` (what `navigator.languages` says).
    pub async fn start_in(screen: Screen, language: &str) -> Browser {
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("starting {chromedriver}: {e} (cargo xtask test installs it)")
            });
        let profile = TempDir::new().unwrap();
        let mut options = Map::new();
        options.insert("binary".into(), json!(chromium));
        options.insert(
            "args".into(),
            json!([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                "--window-size=1280,900",
                format!("--lang={language}"),
                format!("--user-data-dir={}", profile.path().display()),
            ]),
        );
        options.insert("prefs".into(), json!({ "intl.accept_languages": language }));
        if let Screen::Phone(width, height) = screen {
            options.insert(
                "mobileEmulation".into(),
                json!({ "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0 } }),
            );
        }
        let mut capabilities = Map::new();
        capabilities.insert("goog:chromeOptions".into(), Value::Object(options));
        let url = format!("http://127.0.0.1:{port}");
        let client = eventually(
            Duration::from_secs(20),
            "ChromeDriver to accept a session",
            || {
                let capabilities = capabilities.clone();
                let url = url.clone();
                async move {
                    ClientBuilder::rustls()
                        .ok()?
                        .capabilities(capabilities)
                        .connect(&url)
                        .await
                        .ok()
                }
            },
        )
        .await;
        Browser {
            client,
            driver,
            _profile: profile,
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// How long a page may take to show what a test waits for.
pub const WAIT: Duration = Duration::from_secs(20);

/// The text of the first element matching `css`, once `accept` takes it (within `limit`).
async fn text_where(
    client: &Client,
    css: &str,
    what: &str,
    limit: Duration,
    accept: impl Fn(&str) -> bool,
) -> String {
    eventually(limit, what, || async {
        let text = client
            .find(Locator::Css(css))
            .await
            .ok()?
            .text()
            .await
            .ok()?;
        accept(&text).then_some(text)
    })
    .await
}

/// The text of the first element matching `css`, once it contains `expected`.
pub async fn text_containing(client: &Client, css: &str, expected: &str) -> String {
    let what = format!("{css} to show {expected:?}");
    text_where(client, css, &what, WAIT, |text| text.contains(expected)).await
}

/// Waits until the first element matching `css` reads exactly `expected`.
pub async fn text_becomes(client: &Client, css: &str, expected: &str) {
    text_becomes_within(client, css, expected, WAIT).await;
}

/// [`text_becomes`], for what may take longer than [`WAIT`] (a reconnection's backoff).
pub async fn text_becomes_within(client: &Client, css: &str, expected: &str, limit: Duration) {
    let what = format!("{css} to read {expected:?}");
    text_where(client, css, &what, limit, |text| text == expected).await;
}

/// Clicks the first element matching `css`, once it is shown (a part of the page that is
/// about to appear, after a message from the server, cannot take a click before).
pub async fn click(client: &Client, css: &str) {
    let element = eventually(WAIT, &format!("{css} to be shown"), || async {
        let element = client.find(Locator::Css(css)).await.ok()?;
        element.is_displayed().await.ok()?.then_some(element)
    })
    .await;
    element.click().await.unwrap();
}

/// A Chrome DevTools command, sent through ChromeDriver.
#[derive(Debug)]
struct Cdp(serde_json::Value);

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.0.to_string()))
    }
}

/// Runs `script` in every page and frame the browser opens from now on, before their own
/// scripts (to slow a download down, say).
pub async fn before_every_page(client: &Client, script: &str) {
    let command = json!({
        "cmd": "Page.addScriptToEvaluateOnNewDocument",
        "params": { "source": script },
    });
    client.issue_cmd(Cdp(command)).await.unwrap();
}

/// Types `text` into the field with this id, as a keyboard does.
pub async fn type_into(client: &Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Polls `check` until it yields a value, failing the test with `what` after `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
