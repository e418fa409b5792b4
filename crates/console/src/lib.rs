//! The agent console: a Leptos (client-side rendered) app the server serves at `/console`,
//! where on-demand agents sign in, take waiting shoppers and answer them with the whole
//! context of what the shopper already told the assistant.
//!
//! - [`desk`]: the agent's desk as a plain value (queues, offers, conversations), changed by
//!   the live connection's frames; native tests cover its rules.
//! - [`live`]: the WebSocket to the server, reconnecting by itself.
//! - [`api`]: the agent HTTP API (sign-in, status, accept, send, close, transfer).
//! - [`suggest`]: the knowledge base's best answers to the shopper's last message, found by
//!   `tandem-assistant` in the console itself.
//! - [`alerts`]: a tone and a browser notification for a new offer, if the agent wants them.
//! - [`charts`]: the dashboard's bars as plain geometry.
//! - [`history`]: the site's closed conversations as the history page lists them.
//! - [`note_draft`]: a note an agent is writing, on the desk or in the history.
//! - [`kb_draft`]: the admin page's knowledge base editor as a plain value; [`kb_trial`]:
//!   trying its text before saving it; [`kb_versions`]: its saved versions listed.
//! - [`typing`]: when to tell a shopper that their agent is typing, and that it stopped.
//! - [`i18n`]: every text the console shows, from `i18n/en.json`.
//! - [`ui`]: the components, kept thin.
//!
//! [`start`] is the entry point `src/main.rs` calls in the browser.

pub mod alerts;
pub mod api;
pub mod charts;
pub mod desk;
pub mod history;
pub mod i18n;
pub mod kb_draft;
pub mod kb_trial;
pub mod kb_versions;
pub mod live;
pub mod note_draft;
pub mod suggest;
pub mod typing;
pub mod ui;

/// Mounts the console on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ui::App);
}
