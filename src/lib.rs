//! The shopper's chat widget: a Leptos (client-side rendered) app compiled to WebAssembly,
//! shown by `embed.js` in an iframe served from the support server (`/w/{site}`).
//!
//! - [`chat`]: the conversation as a plain value, with its rules (native tests cover them).
//! - [`assistant`]: the site's knowledge base, answering here in the browser.
//! - [`handoff`]: the packet a person receives, card numbers masked.
//! - [`live`]: the WebSocket to a person, reconnecting and resending the outbox.
//! - [`storage`]: the chat kept across reloads, in the widget's own origin.
//! - [`timer`]: the browser's timeouts and intervals.
//! - [`report`]: counts of what the assistant did, for the merchant (no text).
//! - [`i18n`]: every text the widget shows, one file per language.
//! - [`api`]: calls to the server's HTTP API.
//! - [`host`]: the `postMessage` channel to `embed.js` on the merchant's page.
//! - [`wire`]: the widget's JSON, without serde (it would not fit the size budget).
//! - [`ui`]: the components, kept thin.
//!
//! [`start`] is the entry point `src/main.rs` calls in the browser.

pub mod api;
pub mod assistant;
pub mod chat;
pub mod handoff;
pub mod host;
pub mod i18n;
pub mod live;
pub mod report;
pub mod storage;
pub mod timer;
pub mod ui;
pub mod wire;

use leptos::prelude::*;

/// The site id from the widget page's path, `/w/{site}`.
pub fn site_from_path(path: &str) -> Option<&str> {
    let site = path.strip_prefix("/w/")?.trim_end_matches('/');
    (!site.is_empty() && !site.contains('/')).then_some(site)
}

/// Mounts the widget on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    let path = window().location().pathname().unwrap_or_default();
    let site = site_from_path(&path).unwrap_or_default().to_owned();
    leptos::mount::mount_to_body(move || view! { <ui::App site /> });
}

#[cfg(test)]
mod tests {
    use super::site_from_path;

    #[test]
    fn the_site_comes_from_the_page_path() {
        assert_eq!(site_from_path("/w/acme"), Some("acme"));
        assert_eq!(site_from_path("/w/acme/"), Some("acme"));
        assert_eq!(site_from_path("/w/"), None);
        assert_eq!(site_from_path("/w/a/b"), None);
        assert_eq!(site_from_path("/demo"), None);
    }
}
