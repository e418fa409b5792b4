//! The console's components. They stay thin: the rules live in [`crate::desk`]; these draw a
//! [`Desk`](crate::desk::Desk) and forward the agent's actions ([`Actions`]).
//!
//! - `app`: the root; signs in, keeps the live connection, carries out the [`Actions`].
//! - `login`: the sign-in form.
//! - `bar`: who is signed in, availability and capacity, the connection, sign-out.
//! - `queue`: offers with their countdown (keys A and D) and the waiting shoppers.
//! - `account`: the agent's own account: changing their password.
//! - `admin`: a site admin's page: the site's agents and its knowledge base's check report.
//! - `kb_editor`: the admin page's knowledge base editor; `kb_try`: trying its text before
//!   saving it; `kb_versions`: its earlier versions.
//! - `site`: which of the agent's sites the dashboard or admin page shows.
//! - `dashboard`: the quality dashboard of a site over a range of days.
//! - `earlier`: a returning (verified) shopper's earlier conversations, in the one shown.
//! - `announce`: what a screen reader hears as lines and notes arrive.
//! - `follow`: the transcript keeps its newest lines in view while the agent reads them.
//! - `history`: a site's closed conversations with their ratings and comments, each readable.
//! - `inbox`: the messages shoppers left while no one was available.
//! - `leaving`: the browser asks before a closing page loses unsaved work.
//! - `links`: answers and agents' messages as the widget shows them, links as links.
//! - `notes`: agents' notes on a conversation, which the shopper never sees, and those whose
//!   conversation left before they were added.
//! - `conversation`: the tabs of the agent's conversations and the one shown: context,
//!   agents' notes, transcript, the assistant's suggestions, the composer, close, transfer
//!   to a colleague or back to the queue.

mod account;
mod actions;
mod admin;
mod announce;
mod app;
mod bar;
mod conversation;
mod dashboard;
mod earlier;
mod follow;
mod history;
mod inbox;
mod kb_editor;
mod kb_try;
mod kb_versions;
mod leaving;
mod links;
mod login;
mod notes;
mod queue;
mod site;

pub use account::AccountView;
pub use actions::Actions;
pub use admin::AdminView;
pub use app::App;
pub use bar::Bar;
pub use conversation::Conversations;
pub use dashboard::DashboardView;
pub use history::HistoryView;
pub use inbox::Inbox;
pub use leaving::warn_before_leaving;
pub use login::Login;
pub use notes::LostNotes;
pub use queue::Queue;
