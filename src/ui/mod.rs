//! The widget's components. They stay thin: state and rules live in [`crate::chat`], these
//! only draw it and forward the shopper's actions.
//!
//! Every control is a plain element carrying a `data-act` attribute, and one listener on the
//! widget's root turns a click, a submit or a key into an [`Intent`] for the one [`Actions`]
//! callback (`act`). Compared with a closure per button this halves the widget's code, which
//! has to fit a 100 KB first-open budget with the assistant inside; for the same reason one
//! effect draws the whole shell.
//!
//! - `app`: the root; loads the site, the language and the assistant, talks to the server
//!   and to the host page, and carries out the shopper's [`Intent`]s.
//! - `context`: what every component reads ([`View`], [`Screen`]) and asks for ([`Intent`]).
//! - `act`: which control asks for what.
//! - `shell`: the widget's static markup, with the header and its "Talk to a human" button
//!   in every phase, its texts, and the effect that draws it; `messages` (the conversation),
//!   `status` (queue, typing) and `footer` (the phase's own: composer, confirmation, rating,
//!   leave-a-message form) bring their parts of it in step with the chat; `dom` has the DOM
//!   operations they share.

mod act;
mod app;
mod context;
mod dom;
mod footer;
mod messages;
mod shell;
mod status;

pub use act::Act;
pub use app::App;
pub use context::{Actions, AssistantState, Intent, OfflineForm, Screen, View};
pub use shell::Shell;
