//! Telling the merchant what the assistant did: counts only (answered from which entry,
//! choices offered, handed over and why, "did this help?"), never the shopper's text or
//! anything that identifies them. Events are sent in small batches every few seconds, and
//! with `sendBeacon` when the page goes away, so none is lost with the tab.

use std::{cell::RefCell, rc::Rc};

use tandem_protocol::events::{AssistantEvent, EventBatch, MAX_EVENTS_PER_BATCH};

/// How often pending events go out.
const FLUSH_MS: u32 = 10_000;

/// The pending events of one widget.
#[derive(Clone)]
pub struct Reporter {
    site: String,
    pending: Rc<RefCell<Vec<AssistantEvent>>>,
}

impl Reporter {
    /// Starts reporting for a site: a timer flushes the batch, and so does the page going away.
    pub fn start(site: &str) -> Reporter {
        let reporter = Reporter {
            site: site.to_owned(),
            pending: Rc::default(),
        };
        let timer = reporter.clone();
        crate::timer::every(FLUSH_MS, move || timer.flush());
        let leaving = reporter.clone();
        // The handle is dropped, not removed: the listener lives as long as the page.
        let _ =
            leptos::prelude::window_event_listener(leptos::ev::pagehide, move |_| leaving.flush());
        reporter
    }

    /// Counts one event.
    pub fn record(&self, event: AssistantEvent) {
        self.pending.borrow_mut().push(event);
    }

    /// Sends what is pending, in batches the server accepts.
    pub fn flush(&self) {
        let events: Vec<AssistantEvent> = std::mem::take(&mut *self.pending.borrow_mut());
        for chunk in events.chunks(MAX_EVENTS_PER_BATCH) {
            let body = crate::wire::encode::events(&EventBatch {
                events: chunk.to_vec(),
            });
            let url = format!("/v1/sites/{}/events", self.site);
            beacon(&url, &body);
        }
    }
}

/// `navigator.sendBeacon` with a JSON body: delivered even as the page unloads.
fn beacon(url: &str, body: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let parts = js_sys::Array::of1(&body.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        let _ = window
            .navigator()
            .send_beacon_with_opt_blob(url, Some(&blob));
    }
}
