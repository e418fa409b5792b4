//! The `postMessage` channel to `embed.js` on the merchant's page.
//!
//! The server passes the embedding page's origin as `?origin=` (and has checked it against
//! the site's allowed origins). Messages go only to that origin, and only messages from that
//! origin and from the parent window are believed. Without a parent (the page opened on its
//! own) the channel stays silent.
//!
//! From the page: `open` (the panel was shown), `context` (what `Tandem.setContext` was
//! given), `identify` (what `Tandem.identify` was given). To the page: `ready`, `close`,
//! `event` with a name (`handoff`, `agent_joined`, `message`) that `Tandem.on` handlers get
//! (a closed panel counts every event but `handoff` on the launcher: a new event that is not
//! a person's doing must be left out there too), and `live` with whether a person is
//! involved (queued or with an agent), for which the page loads the widget on its next page
//! at once, hidden, so the conversation's connection and that count go on.

use tandem_protocol::conversation::Identity;
use wasm_bindgen::JsValue;

use crate::wire::Json;
use web_sys::{MessageEvent, UrlSearchParams};

/// The link to the page that embeds the widget.
#[derive(Debug, Clone, Default)]
pub struct HostChannel {
    parent_origin: Option<String>,
}

/// What the page said.
#[derive(Debug, Clone, PartialEq)]
pub enum FromHost {
    Open,
    /// The context as JSON text: always an object.
    Context(String),
    Identify(Identity),
}

impl HostChannel {
    /// Reads the parent's origin from this page's address.
    pub fn from_location() -> HostChannel {
        let window = web_sys::window().expect("a browser window");
        let search = window.location().search().unwrap_or_default();
        let parent_origin = UrlSearchParams::new_with_str(&search)
            .ok()
            .and_then(|params| params.get("origin"));
        let framed = window.parent().ok().flatten().is_some_and(|p| p != window);
        HostChannel {
            parent_origin: parent_origin.filter(|_| framed),
        }
    }

    fn post_value(&self, message: &JsValue) {
        let (Some(origin), Some(parent)) = (
            &self.parent_origin,
            web_sys::window().and_then(|w| w.parent().ok().flatten()),
        ) else {
            return;
        };
        let _ = parent.post_message(message, origin);
    }

    /// `{tandem: kind, field: value}`, or `{tandem: kind}` without a field.
    fn message(kind: &str, field: Option<(&str, JsValue)>) -> js_sys::Object {
        let message = js_sys::Object::new();
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&message, &"tandem".into(), &kind.into());
        if let Some((name, value)) = field {
            let _ = js_sys::Reflect::set(&message, &name.into(), &value);
        }
        message
    }

    /// Tells the page something: `ready`, `close`.
    pub fn post(&self, kind: &str) {
        self.post_value(&Self::message(kind, None));
    }

    /// Tells the page's `Tandem.on(name, ...)` handlers.
    pub fn event(&self, name: &str) {
        self.post_value(&Self::message("event", Some(("name", name.into()))));
    }

    /// Tells the page whether a person is involved in the conversation.
    pub fn live(&self, live: bool) {
        self.post_value(&Self::message("live", Some(("data", live.into()))));
    }

    /// What the page said, if we trust where it comes from and understand it.
    pub fn receive(&self, event: &MessageEvent) -> Option<FromHost> {
        let origin = self.parent_origin.as_ref()?;
        let parent = web_sys::window()?.parent().ok().flatten()?;
        let from_parent = event
            .source()
            .is_some_and(|source| JsValue::from(source) == JsValue::from(parent));
        if event.origin() != *origin || !from_parent {
            return None;
        }
        let data = event.data();
        let kind = js_sys::Reflect::get(&data, &"tandem".into())
            .ok()?
            .as_string()?;
        let payload = || -> Option<String> {
            let value = js_sys::Reflect::get(&data, &"data".into()).ok()?;
            js_sys::JSON::stringify(&value).ok()?.as_string()
        };
        match kind.as_str() {
            "open" => Some(FromHost::Open),
            "context" => payload()
                .filter(|json| matches!(Json::parse(json), Some(Json::Obj(_))))
                .map(FromHost::Context),
            "identify" => {
                let who = Json::parse(&payload()?)?;
                Some(FromHost::Identify(Identity {
                    id: who.text("id")?,
                    name: who.text("name"),
                    email: who.text("email"),
                    signature: who.text("signature"),
                }))
            }
            _ => None,
        }
    }
}
