//! The root component: loads the site's name, asks the server for a person when the shopper
//! presses the button, and talks to the host page (`ready`, `close`, `open`).

use leptos::{ev, prelude::*, task::spawn_local};

use super::Shell;
use crate::{
    api,
    chat::Chat,
    host::{FromHost, HostChannel},
};

/// Puts the cursor where the shopper types.
fn focus_composer() {
    let composer = document().get_element_by_id("tandem-message");
    if let Some(composer) =
        composer.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = composer.focus();
    }
}

/// The whole widget for one site.
#[component]
pub fn App(site: String) -> impl IntoView {
    let host = StoredValue::new(HostChannel::from_location());
    let chat = RwSignal::new(Chat::default());
    let name = RwSignal::new(String::new());
    let site = StoredValue::new(site);

    spawn_local(async move {
        if let Ok(info) = api::site_info(&site.get_value()).await {
            name.set(info.name);
        }
    });

    let on_human = move |()| {
        if !chat.try_update(Chat::start_handoff).unwrap_or(false) {
            return;
        }
        let packet = chat.with_untracked(|c| c.packet(&site.get_value()));
        spawn_local(async move {
            match api::create_conversation(&packet).await {
                Ok(created) => chat.update(|c| c.queued(created.position.unwrap_or(1))),
                Err(reason) => chat.update(|c| c.handoff_failed(reason)),
            }
        });
    };
    let on_close = move |()| host.with_value(|h| h.post("close"));

    // The panel was opened: the shopper can type at once.
    let from_host = window_event_listener(ev::message, move |event| {
        if host.with_value(|h| h.receive(&event)) == Some(FromHost::Open) {
            focus_composer();
        }
    });
    on_cleanup(move || from_host.remove());
    host.with_value(|h| h.post("ready"));

    view! { <Shell name chat on_human on_close /> }
}
