//! The agent's live connection (`/v1/agent/live`, authenticated by the session cookie): every
//! queue change, offer, message and typing signal arrives here as an [`AgentServerFrame`].
//! When it drops it comes back by itself, after 1, 2, 4 ... up to 30 seconds, or when the
//! server says when; the server then sends a fresh `welcome` with everything the agent has.

use std::{cell::RefCell, rc::Rc};

use tandem_protocol::agent::{AgentFrame, AgentServerFrame};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{MessageEvent, WebSocket};

/// Whether the live connection is up, for the status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Up,
    /// Down; trying again.
    Retrying,
}

const MAX_BACKOFF_MS: u32 = 30_000;

/// Backoff before attempt `failures + 1`.
pub fn backoff_ms(failures: u32) -> u32 {
    1000u32
        .saturating_mul(1 << failures.min(5))
        .min(MAX_BACKOFF_MS)
}

struct Inner {
    socket: Option<WebSocket>,
    failures: u32,
    /// The server asked to reconnect after this long (it is restarting).
    reconnect_after: Option<u32>,
    stopped: bool,
    on_frame: Box<dyn Fn(AgentServerFrame)>,
    on_link: Box<dyn Fn(Link)>,
    handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

/// The open connection; dropping it does not close it, [`Live::stop`] does.
#[derive(Clone)]
pub struct Live(Rc<RefCell<Inner>>);

fn url() -> String {
    let location = web_sys::window().expect("a window").location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/v1/agent/live")
}

impl Live {
    pub fn connect(
        on_frame: impl Fn(AgentServerFrame) + 'static,
        on_link: impl Fn(Link) + 'static,
    ) -> Live {
        let live = Live(Rc::new(RefCell::new(Inner {
            socket: None,
            failures: 0,
            reconnect_after: None,
            stopped: false,
            on_frame: Box::new(on_frame),
            on_link: Box::new(on_link),
            handlers: Vec::new(),
        })));
        live.open();
        live
    }

    fn open(&self) {
        (self.0.borrow().on_link)(Link::Connecting);
        let Ok(socket) = WebSocket::new(&url()) else {
            return self.retry();
        };
        let opened = self.clone();
        let on_open = Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| {
            opened.0.borrow_mut().failures = 0;
            (opened.0.borrow().on_link)(Link::Up);
        });
        let receiver = self.clone();
        let on_message = Closure::<dyn FnMut(_)>::new(move |event: web_sys::Event| {
            let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|e| e.data().as_string())
            else {
                return;
            };
            if let Ok(frame) = serde_json::from_str::<AgentServerFrame>(&text) {
                if let AgentServerFrame::Reconnect { after_ms } = frame {
                    receiver.0.borrow_mut().reconnect_after =
                        Some(u32::try_from(after_ms).unwrap_or(MAX_BACKOFF_MS));
                }
                (receiver.0.borrow().on_frame)(frame);
            }
        });
        let closer = self.clone();
        // Every drop, the server's included (1008 when the session ended elsewhere, 1013
        // when the agent's sites changed), reconnects; the app meanwhile checks the session
        // and sends the agent to sign in if it is gone.
        let on_close = Closure::<dyn FnMut(_)>::new(move |_: web_sys::Event| closer.retry());
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let mut inner = self.0.borrow_mut();
        inner.socket = Some(socket);
        inner.handlers = vec![on_open, on_message, on_close];
    }

    fn retry(&self) {
        let delay = {
            let mut inner = self.0.borrow_mut();
            if inner.stopped {
                return;
            }
            inner.failures += 1;
            inner
                .reconnect_after
                .take()
                .unwrap_or_else(|| backoff_ms(inner.failures - 1))
        };
        (self.0.borrow().on_link)(Link::Retrying);
        let again = self.clone();
        let later = Closure::once_into_js(move || {
            if !again.0.borrow().stopped {
                again.open();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                later.unchecked_ref(),
                i32::try_from(delay).unwrap_or(i32::MAX),
            );
        }
    }

    /// Sends a frame if the connection is up (typing signals); whether it went out.
    pub fn send(&self, frame: &AgentFrame) -> bool {
        if let (Some(socket), Ok(text)) = (&self.0.borrow().socket, serde_json::to_string(frame))
            && socket.ready_state() == WebSocket::OPEN
        {
            return socket.send_with_str(&text).is_ok();
        }
        false
    }

    pub fn stop(&self) {
        let mut inner = self.0.borrow_mut();
        inner.stopped = true;
        if let Some(socket) = inner.socket.take() {
            socket.set_onclose(None);
            let _ = socket.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::backoff_ms;

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let delays: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    }
}
