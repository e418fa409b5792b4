//! The live connection to a person: one WebSocket, kept alive for as long as the
//! conversation is open.
//!
//! It is driven by the browser's own socket events (open, message, close) rather than an
//! async runtime, which keeps the widget small. On every (re)connection it says `hello` with
//! the last sequence number the chat holds and sends the whole outbox again, under the same
//! client ids: the server stores each message once, so nothing is lost or doubled however
//! often the network drops; then the page's context, since the shopper may be on the shop's
//! next page by now. Reconnection waits a little longer after each failure (with
//! jitter), or as long as the server asks when it restarts, and happens at once, on a new
//! socket, when the browser says it is online again.

use std::{cell::RefCell, rc::Rc};

use tandem_protocol::live::{ServerFrame, ShopperFrame};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{MessageEvent, WebSocket};

use crate::{
    timer::Timeout,
    wire::{Json, decode, encode},
};

/// The connection's state, for the offline banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// No conversation with a person.
    Idle,
    Connecting,
    Open,
    /// Lost; trying again.
    Retrying,
}

/// What a (re)connection needs from the chat, read fresh each time.
pub struct Resume {
    pub token: String,
    pub last_seq: u64,
    pub outbox: Vec<(String, String)>,
    /// The page's context, if it said one: this may be the shop's next page.
    pub context: Option<String>,
}

/// How long to wait before reconnection attempt `attempt` (0-based): what the server asked
/// for, else doubling from half a second to half a minute; plus up to 50 % jitter (`jitter`
/// in 0..1) so a restarted server is not hit by everyone at once.
pub fn backoff_ms(attempt: u32, server_hint: Option<u64>, jitter: f64) -> u32 {
    let base =
        server_hint.unwrap_or_else(|| 500u64.saturating_mul(1 << attempt.min(6)).min(30_000));
    let base = u32::try_from(base.min(60_000)).unwrap_or(60_000);
    base + (f64::from(base) * 0.5 * jitter.clamp(0.0, 1.0)) as u32
}

/// Asked before each connection (`None` ends it); then told of frames and state changes.
/// Shared, so a borrow of the state is never held while they run.
type Handlers = (
    Rc<dyn Fn() -> Option<Resume>>,
    Rc<dyn Fn(ServerFrame)>,
    Rc<dyn Fn(Connection)>,
);

struct State {
    conversation: String,
    handlers: Handlers,
    socket: Option<WebSocket>,
    /// The socket's event handlers, alive as long as it is.
    listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    retry: Option<Timeout>,
    attempt: u32,
    server_hint: Option<u64>,
    opened: bool,
    stopped: bool,
}

/// A handle on the running connection.
#[derive(Clone)]
pub struct Live(Rc<RefCell<State>>);

fn socket_url(conversation: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!(
        "{scheme}://{}/v1/conversations/{conversation}/live",
        location.host().ok()?
    ))
}

fn json(frame: &ShopperFrame) -> String {
    encode::shopper_frame(frame)
}

impl Live {
    /// Starts the connection for a conversation.
    pub fn connect(
        conversation: String,
        resume: impl Fn() -> Option<Resume> + 'static,
        on_frame: impl Fn(ServerFrame) + 'static,
        on_state: impl Fn(Connection) + 'static,
    ) -> Live {
        let live = Live(Rc::new(RefCell::new(State {
            conversation,
            handlers: (Rc::new(resume), Rc::new(on_frame), Rc::new(on_state)),
            socket: None,
            listeners: Vec::new(),
            retry: None,
            attempt: 0,
            server_hint: None,
            opened: false,
            stopped: false,
        })));
        live.open();
        live
    }

    fn state(&self, connection: Connection) {
        let on_state = self.0.borrow().handlers.2.clone();
        on_state(connection);
    }

    fn open(&self) {
        let ask = self.0.borrow().handlers.0.clone();
        if ask().is_none() {
            return self.stop();
        }
        let url = socket_url(&self.0.borrow().conversation);
        let Some(socket) = url.and_then(|url| WebSocket::new(&url).ok()) else {
            return self.lost();
        };
        self.state(Connection::Connecting);
        let on_open = {
            let socket = socket.clone();
            // Asked again now, not when the socket was made: what was typed while it
            // connected is in the outbox by now, and nowhere else.
            move |_: web_sys::Event| {
                let Some(resume) = ask() else {
                    let _ = socket.close();
                    return;
                };
                let _ = socket.send_with_str(&json(&ShopperFrame::Hello {
                    token: resume.token.clone(),
                    last_seq: resume.last_seq,
                }));
                for (client_id, text) in &resume.outbox {
                    let frame = ShopperFrame::Send {
                        client_id: client_id.clone(),
                        text: text.clone(),
                    };
                    let _ = socket.send_with_str(&json(&frame));
                }
                if let Some(context) = resume.context {
                    let _ = socket.send_with_str(&json(&ShopperFrame::Context { context }));
                }
            }
        };
        let on_message = {
            let live = self.clone();
            move |event: web_sys::Event| {
                let Some(text) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|e| e.data().as_string())
                else {
                    return;
                };
                let Some(frame) = Json::parse(&text).as_ref().and_then(decode::server_frame) else {
                    return;
                };
                let first = {
                    let mut state = live.0.borrow_mut();
                    if let ServerFrame::Reconnect { after_ms } = frame {
                        state.server_hint = Some(after_ms);
                    }
                    !std::mem::replace(&mut state.opened, true)
                };
                if first {
                    live.0.borrow_mut().attempt = 0;
                    live.state(Connection::Open);
                }
                let on_frame = live.0.borrow().handlers.1.clone();
                on_frame(frame);
            }
        };
        let on_close = {
            let live = self.clone();
            move |_: web_sys::Event| live.lost()
        };
        // Handlers as the socket's `on…` properties, so that [`Live::wake`] can take them
        // off an old socket in one go.
        let listeners: Vec<Closure<dyn FnMut(web_sys::Event)>> = [
            Box::new(on_open) as Box<dyn FnMut(web_sys::Event)>,
            Box::new(on_message),
            Box::new(on_close),
        ]
        .into_iter()
        .map(Closure::wrap)
        .collect();
        let handler = |i: usize| Some(listeners[i].as_ref().unchecked_ref());
        socket.set_onopen(handler(0));
        socket.set_onmessage(handler(1));
        socket.set_onclose(handler(2));
        let mut state = self.0.borrow_mut();
        state.socket = Some(socket);
        state.listeners = listeners;
        state.opened = false;
    }

    /// The socket closed (or could not open): try again after the backoff.
    fn lost(&self) {
        let wait = {
            let mut state = self.0.borrow_mut();
            if state.stopped {
                return;
            }
            state.socket = None;
            let wait = backoff_ms(
                state.attempt,
                state.server_hint.take(),
                js_sys::Math::random(),
            );
            state.attempt += 1;
            wait
        };
        self.state(Connection::Retrying);
        let live = self.clone();
        let timeout = Timeout::new(wait, move || live.open());
        self.0.borrow_mut().retry = timeout;
    }

    /// Sends a frame now if the socket is open; otherwise it is dropped (messages wait in the
    /// outbox and go again on reconnection; typing and the like are moot while offline).
    pub fn send(&self, frame: &ShopperFrame) {
        if let Some(socket) = &self.0.borrow().socket
            && socket.ready_state() == WebSocket::OPEN
        {
            let _ = socket.send_with_str(&json(frame));
        }
    }

    /// The browser is online again, perhaps on another network: connect now rather than
    /// after the backoff, and replace a socket that is up or opening too, since after a
    /// change of network it may be dead without knowing it (nothing sent on it arrives,
    /// nothing comes, no close).
    pub fn wake(&self) {
        let old = {
            let mut state = self.0.borrow_mut();
            if state.stopped {
                return;
            }
            state.retry = None;
            state.attempt = 0;
            state.socket.take()
        };
        if let Some(old) = old {
            // Its close must not count as this connection's loss.
            old.set_onopen(None);
            old.set_onmessage(None);
            old.set_onclose(None);
            let _ = old.close();
        }
        self.open();
    }

    /// The conversation is over: close for good.
    pub fn stop(&self) {
        let socket = {
            let mut state = self.0.borrow_mut();
            state.stopped = true;
            state.retry = None;
            state.socket.take()
        };
        if let Some(socket) = socket {
            let _ = socket.close();
        }
        self.state(Connection::Idle);
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn reconnection_backs_off_within_bounds_and_follows_the_server() {
        assert_eq!(backoff_ms(0, None, 0.0), 500);
        assert_eq!(backoff_ms(1, None, 0.0), 1000);
        assert_eq!(backoff_ms(5, None, 0.0), 16_000);
        assert_eq!(backoff_ms(30, None, 0.0), 30_000, "at most half a minute");
        assert_eq!(backoff_ms(30, None, 1.0), 45_000, "plus at most half again");
        assert_eq!(
            backoff_ms(3, Some(1500), 0.0),
            1500,
            "the server's hint wins"
        );
        assert!(backoff_ms(0, None, 0.7) > 500);
    }
}
