//! Getting the agent's attention for a new offer, when they asked for it: a short tone and a
//! browser notification (useful when the console is in a background tab). The choice is kept
//! in this browser's storage; turning it on asks for the browser's permission to notify.

use wasm_bindgen::JsCast;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

const KEY: &str = "tandem-console-alerts";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Whether the agent turned alerts on in this browser.
pub fn enabled() -> bool {
    storage().and_then(|s| s.get_item(KEY).ok()?).as_deref() == Some("on")
}

pub fn set_enabled(on: bool) {
    if let Some(storage) = storage() {
        let _ = if on {
            storage.set_item(KEY, "on")
        } else {
            storage.remove_item(KEY)
        };
    }
    if on && Notification::permission() == NotificationPermission::Default {
        let _ = Notification::request_permission();
    }
}

/// A new offer arrived: tone and notification, if the agent wants them.
pub fn offer(text: &str) {
    if !enabled() {
        return;
    }
    tone();
    if Notification::permission() == NotificationPermission::Granted {
        let options = NotificationOptions::new();
        options.set_body(text);
        options.set_tag("tandem-offer");
        let _ = Notification::new_with_options(&crate::i18n::t("offer_notification"), &options);
    }
}

/// Two tenths of a second at 880 Hz, quietly.
fn tone() {
    let Ok(audio) = AudioContext::new() else {
        return;
    };
    let (Ok(oscillator), Ok(gain)) = (audio.create_oscillator(), audio.create_gain()) else {
        return;
    };
    oscillator.frequency().set_value(880.0);
    gain.gain().set_value(0.1);
    let now = audio.current_time();
    let _ = oscillator
        .connect_with_audio_node(&gain)
        .and_then(|_| gain.connect_with_audio_node(&audio.destination()));
    let _ = oscillator.start_with_when(now);
    let _ = oscillator.stop_with_when(now + 0.2);
    // Closed once the tone has played, so contexts do not pile up.
    let close = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = audio.close();
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(close.unchecked_ref(), 500);
    }
}
