//! The widget's components. They stay thin: state and rules live in [`crate::chat`], these
//! only draw it and forward the shopper's actions.
//!
//! - `app`: the root; loads the site's name, talks to the server and to the host page.
//! - `shell`: the header with the "Talk to a human" button (drawn in every state), the
//!   conversation, the status line and the composer.

mod app;
mod shell;

pub use app::App;
pub use shell::Shell;
