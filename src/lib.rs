//! The shopper's chat widget: a Leptos (client-side rendered) app compiled to WebAssembly,
//! shown by `embed.js` in an iframe served from the support server (`/w/{site}`).
//!
//! - [`chat`]: the conversation as a plain value, with its rules (native tests cover them).
//! - [`strings`]: every text the widget shows.
//! - [`api`]: calls to the server's HTTP API.
//! - [`host`]: the `postMessage` channel to `embed.js` on the merchant's page.
//! - [`ui`]: the components, kept thin.
//!
//! [`start`] is the entry point `src/main.rs` calls in the browser.

pub mod api;
pub mod chat;
pub mod host;
pub mod strings;
pub mod ui;

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
