//! The loop every live connection runs once its client is known, whoever the client is.
//!
//! A [`Session`] says what is particular to one kind of client (which frames it sends, how
//! it answers them, how hub deliveries reach it); [`serve`] does the rest: it reads client
//! frames (JSON text, at most [`MAX_FRAME_BYTES`], each refused with a problem the client
//! can read, the connection staying open), passes on deliveries, pings the connection and
//! rechecks that its client may still be served, closes a client that cannot keep up or has
//! gone quiet (not even answering pings), and tells clients when to reconnect when the
//! server shuts down.

use std::future::Future;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use serde::{Serialize, de::DeserializeOwned};
use tandem_protocol::Problem;

use super::{
    CLOSE_RESTART, CLOSE_TRY_AGAIN, MAX_FRAME_BYTES, UNANSWERED_PINGS, close, keepalive,
    reconnect_after_ms, send_json,
};
use crate::{
    app::AppState,
    error::AppError,
    hub::{Delivery, Subscription},
};

/// The socket is gone.
pub struct Gone;

/// What one kind of live connection does with what its client sends and the hub delivers.
/// Futures are `Send`: connections run on the multi-threaded runtime.
pub trait Session: Send {
    /// A frame from the client.
    type ClientFrame: DeserializeOwned + Send;
    /// A frame to the client.
    type ServerFrame: Serialize + Send + Sync;

    /// The frame that asks the client to reconnect after this many milliseconds.
    fn reconnect(after_ms: u64) -> Self::ServerFrame;

    /// The frame that says why a client frame was refused; `client_id` names the message
    /// refused, when the frame was one.
    fn refusal(problem: Problem, client_id: Option<String>) -> Self::ServerFrame;

    /// The client id of a frame that carries a message.
    fn client_id(frame: &Self::ClientFrame) -> Option<String>;

    /// Acts on a client frame: the reply to send, if any.
    fn handle(
        &mut self,
        frame: Self::ClientFrame,
    ) -> impl Future<Output = Result<Option<Self::ServerFrame>, AppError>> + Send;

    /// Checks, at every keepalive, that the client may still be served as it was when it
    /// connected (for an agent: still signed in, with the same sites); `Err` once the
    /// connection is closed because it may not.
    fn recheck(&mut self, socket: &mut WebSocket) -> impl Future<Output = Result<(), Gone>> + Send;

    /// Passes on what the hub delivered.
    fn deliver(
        &mut self,
        socket: &mut WebSocket,
        delivery: Delivery,
    ) -> impl Future<Output = Result<(), Gone>> + Send;
}

/// Sends a frame.
pub async fn send(socket: &mut WebSocket, frame: &(impl Serialize + Sync)) -> Result<(), Gone> {
    if send_json(socket, frame).await {
        Ok(())
    } else {
        Err(Gone)
    }
}

/// Tells the client why a frame was refused.
pub async fn refuse<S: Session>(
    socket: &mut WebSocket,
    error: AppError,
    client_id: Option<String>,
) -> Result<(), Gone> {
    send(socket, &S::refusal(error.problem(), client_id)).await
}

/// Runs the connection until the client leaves, falls behind, or the server stops.
pub async fn serve<S: Session>(
    state: &AppState,
    socket: &mut WebSocket,
    mut subscription: Subscription,
    session: &mut S,
) {
    let mut keepalive = keepalive(&state.config);
    // Pings sent since the client last sent anything (the answer to a ping counts).
    let mut unanswered = 0;
    loop {
        // Biased: what the client sent is read before a tick is taken for silence.
        let alive = tokio::select! {
            biased;
            frame = socket.recv() => match frame {
                Some(Ok(frame)) => {
                    unanswered = 0;
                    on_client_frame(session, socket, frame).await.is_ok()
                }
                _ => false,
            },
            delivery = subscription.receiver.recv() => match delivery {
                Some(delivery) => session.deliver(socket, delivery).await.is_ok(),
                None => {
                    // Dropped by the hub (too slow, or a resync).
                    come_back::<S>(socket, CLOSE_TRY_AGAIN, "reconnect and catch up").await;
                    false
                }
            },
            () = state.shutdown.cancelled() => {
                come_back::<S>(socket, CLOSE_RESTART, "server restarting").await;
                false
            }
            _ = keepalive.tick() => {
                if unanswered >= UNANSWERED_PINGS {
                    close(socket, CLOSE_TRY_AGAIN, "no answer to pings: reconnect").await;
                    false
                } else {
                    unanswered += 1;
                    socket.send(WsMessage::Ping(Vec::new().into())).await.is_ok()
                        && session.recheck(socket).await.is_ok()
                }
            }
        };
        if !alive {
            return;
        }
    }
}

/// Closes the connection asking the client to come back after a short random delay, so
/// clients let go at once do not all return in the same moment.
async fn come_back<S: Session>(socket: &mut WebSocket, code: u16, reason: &'static str) {
    send_json(socket, &S::reconnect(reconnect_after_ms())).await;
    close(socket, code, reason).await;
}

/// Handles one frame from the client; `Err` when the connection should end.
async fn on_client_frame<S: Session>(
    session: &mut S,
    socket: &mut WebSocket,
    frame: WsMessage,
) -> Result<(), Gone> {
    let text = match frame {
        WsMessage::Text(text) => text,
        WsMessage::Close(_) => return Err(Gone),
        WsMessage::Ping(_) | WsMessage::Pong(_) => return Ok(()),
        WsMessage::Binary(_) => {
            let error = AppError::Invalid("Frames are JSON text.".to_owned());
            return refuse::<S>(socket, error, None).await;
        }
    };
    if text.len() > MAX_FRAME_BYTES {
        let error = AppError::TooLarge {
            what: "A frame",
            limit: format!("{MAX_FRAME_BYTES} bytes"),
        };
        return refuse::<S>(socket, error, None).await;
    }
    let frame = match serde_json::from_str::<S::ClientFrame>(&text) {
        Ok(frame) => frame,
        Err(e) => {
            let error = AppError::Invalid(format!("Unreadable frame: {e}."));
            return refuse::<S>(socket, error, None).await;
        }
    };
    let client_id = S::client_id(&frame);
    match session.handle(frame).await {
        Ok(Some(reply)) => send(socket, &reply).await,
        Ok(None) => Ok(()),
        Err(error) => refuse::<S>(socket, error, client_id).await,
    }
}
