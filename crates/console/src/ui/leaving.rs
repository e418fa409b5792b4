//! Asking before unsaved work is lost when the page closes or reloads: a knowledge base's
//! changes, a note being written (on any of the console's pages).

use leptos::{ev, prelude::*};

/// Has the browser ask before the page is closed or reloaded while `unsaved()`, for as long
/// as the caller's owner lives.
pub fn warn_before_leaving(unsaved: impl Fn() -> bool + 'static) {
    let handle = window_event_listener(ev::beforeunload, move |event| {
        if unsaved() {
            event.prevent_default();
        }
    });
    on_cleanup(move || handle.remove());
}
