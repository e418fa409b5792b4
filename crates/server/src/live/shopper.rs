//! A shopper's live connection to their conversation (`/v1/conversations/{id}/live`).
//!
//! The first frame must be `hello` with the conversation's token; then the server sends the
//! conversation's status and every message after the client's `last_seq`, and from then on
//! relays: the shopper's messages (acknowledged once stored), typing, cancel; and to the
//! shopper, new messages, typing, queue position and the agent joining or leaving.

use axum::extract::ws::{Message as WsMessage, WebSocket};
use tandem_protocol::{
    Author, ConversationStatus,
    live::{ServerFrame, ShopperFrame},
};

use super::{
    CLOSE_POLICY, CLOSE_RESTART, CLOSE_TRY_AGAIN, HELLO_TIMEOUT, MAX_FRAME_BYTES, close, keepalive,
    reconnect_after_ms, send_json,
};
use crate::{
    app::AppState,
    assign,
    error::AppError,
    events::Event,
    hub::{Delivery, Interest},
    ids, queue,
    relay::{self, Writer},
    store::Conversation,
};

/// What the connection remembers between frames.
struct Session {
    state: AppState,
    id: String,
    /// The highest sequence number sent to the client.
    last_seq: u64,
    /// The status last sent, so only changes are sent.
    status: Option<ConversationStatus>,
}

/// Reads the `hello` frame; `None` (after telling the client why) if it is missing or wrong.
async fn hello(state: &AppState, socket: &mut WebSocket, id: &str) -> Option<u64> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, socket.recv()).await;
    let frame = match first {
        Ok(Some(Ok(WsMessage::Text(text)))) => serde_json::from_str::<ShopperFrame>(&text).ok(),
        _ => None,
    };
    let error = match frame {
        Some(ShopperFrame::Hello { token, last_seq }) => match state.db.conversation(id).await {
            Ok(Some(c)) if c.token_hash == ids::token_hash(&token) => return Some(last_seq),
            Ok(_) => AppError::WrongToken,
            Err(e) => AppError::Store(e),
        },
        _ => AppError::Invalid("The first frame must be {\"hello\":{\"token\":...}}.".to_owned()),
    };
    send_json(
        socket,
        &ServerFrame::Error {
            problem: error.problem(),
            client_id: None,
        },
    )
    .await;
    close(socket, CLOSE_POLICY, "authentication failed").await;
    None
}

/// Runs the connection until the client leaves or the server stops.
pub async fn run(state: AppState, mut socket: WebSocket, id: String, site: String) {
    let Some(last_seq) = hello(&state, &mut socket, &id).await else {
        return;
    };
    let mut subscription = state.hub.subscribe(Interest::Shopper {
        conversation: id.clone(),
        site,
    });
    let mut session = Session {
        state: state.clone(),
        id,
        last_seq,
        status: None,
    };
    if session.refresh_status(&mut socket).await.is_err()
        || session.catch_up(&mut socket).await.is_err()
    {
        return;
    }
    let mut keepalive = keepalive();
    loop {
        let alive = tokio::select! {
            frame = socket.recv() => match frame {
                Some(Ok(frame)) => session.on_client_frame(&mut socket, frame).await,
                _ => false,
            },
            delivery = subscription.receiver.recv() => match delivery {
                Some(delivery) => session.deliver(&mut socket, delivery).await.is_ok(),
                None => {
                    close(&mut socket, CLOSE_TRY_AGAIN, "too slow: reconnect").await;
                    false
                }
            },
            _ = keepalive.tick() => socket.send(WsMessage::Ping(Vec::new().into())).await.is_ok(),
            () = state.shutdown.cancelled() => {
                send_json(&mut socket, &ServerFrame::Reconnect { after_ms: reconnect_after_ms() }).await;
                close(&mut socket, CLOSE_RESTART, "server restarting").await;
                false
            }
        };
        if !alive {
            return;
        }
    }
}

/// The socket is gone.
struct Gone;

impl Session {
    async fn conversation(&self) -> Result<Conversation, AppError> {
        self.state
            .db
            .conversation(&self.id)
            .await?
            .ok_or_else(|| AppError::UnknownConversation(self.id.clone()))
    }

    async fn send(&self, socket: &mut WebSocket, frame: &ServerFrame) -> Result<(), Gone> {
        if send_json(socket, frame).await {
            Ok(())
        } else {
            Err(Gone)
        }
    }

    async fn error(&self, socket: &mut WebSocket, error: AppError) -> Result<(), Gone> {
        self.refuse(socket, error, None).await
    }

    /// Tells the client why a frame was refused; for a `send`, which message.
    async fn refuse(
        &self,
        socket: &mut WebSocket,
        error: AppError,
        client_id: Option<String>,
    ) -> Result<(), Gone> {
        let problem = error.problem();
        self.send(socket, &ServerFrame::Error { problem, client_id })
            .await
    }

    /// Sends the messages after `last_seq`.
    async fn catch_up(&mut self, socket: &mut WebSocket) -> Result<(), Gone> {
        let messages = match self.state.db.messages_since(&self.id, self.last_seq).await {
            Ok(messages) => messages,
            Err(e) => return self.error(socket, e.into()).await,
        };
        for message in messages {
            self.last_seq = message.seq;
            self.send(socket, &ServerFrame::Message { message }).await?;
        }
        Ok(())
    }

    /// Sends the status if it changed (the first time, as `welcome`).
    async fn refresh_status(&mut self, socket: &mut WebSocket) -> Result<(), Gone> {
        let status = match self.conversation().await {
            Ok(c) => queue::status(&self.state, &c).await.map_err(AppError::from),
            Err(e) => Err(e),
        };
        match status {
            Ok(status) => self.send_status(socket, status).await,
            Err(e) => self.error(socket, e).await,
        }
    }

    async fn send_status(
        &mut self,
        socket: &mut WebSocket,
        status: ConversationStatus,
    ) -> Result<(), Gone> {
        if self.status.as_ref() == Some(&status) {
            return Ok(());
        }
        let frame = if self.status.is_none() {
            ServerFrame::Welcome {
                status: status.clone(),
            }
        } else {
            ServerFrame::Status {
                status: status.clone(),
            }
        };
        self.status = Some(status);
        self.send(socket, &frame).await
    }

    /// Handles one frame from the client; `false` when the connection should end.
    async fn on_client_frame(&mut self, socket: &mut WebSocket, frame: WsMessage) -> bool {
        let text = match frame {
            WsMessage::Text(text) => text,
            WsMessage::Close(_) => return false,
            WsMessage::Ping(_) | WsMessage::Pong(_) => return true,
            WsMessage::Binary(_) => {
                let error = AppError::Invalid("Frames are JSON text.".to_owned());
                return self.error(socket, error).await.is_ok();
            }
        };
        if text.len() > MAX_FRAME_BYTES {
            let error = AppError::TooLarge {
                what: "A frame",
                limit: format!("{MAX_FRAME_BYTES} bytes"),
            };
            return self.error(socket, error).await.is_ok();
        }
        let frame = match serde_json::from_str::<ShopperFrame>(&text) {
            Ok(frame) => frame,
            Err(e) => {
                let error = AppError::Invalid(format!("Unreadable frame: {e}."));
                return self.error(socket, error).await.is_ok();
            }
        };
        let client_id = match &frame {
            ShopperFrame::Send { client_id, .. } => Some(client_id.clone()),
            _ => None,
        };
        let outcome = match self.handle(frame).await {
            Ok(Some(reply)) => self.send(socket, &reply).await,
            Ok(None) => Ok(()),
            Err(error) => self.refuse(socket, error, client_id).await,
        };
        outcome.is_ok()
    }

    async fn handle(&mut self, frame: ShopperFrame) -> Result<Option<ServerFrame>, AppError> {
        match frame {
            ShopperFrame::Hello { .. } => Err(AppError::Invalid("Already said hello.".to_owned())),
            ShopperFrame::Send { client_id, text } => {
                let appended =
                    relay::send(&self.state, &self.id, Writer::Shopper, &client_id, &text).await?;
                Ok(Some(ServerFrame::Ack {
                    client_id,
                    seq: appended.message.seq,
                }))
            }
            ShopperFrame::Typing { typing } => {
                let conversation = self.conversation().await?;
                relay::typing(&self.state, &conversation, Author::Shopper, typing).await;
                Ok(None)
            }
            ShopperFrame::Cancel => {
                let conversation = self.conversation().await?;
                assign::cancel(&self.state, &conversation).await?;
                Ok(None)
            }
        }
    }

    /// Passes on what the hub delivered.
    async fn deliver(&mut self, socket: &mut WebSocket, delivery: Delivery) -> Result<(), Gone> {
        match delivery {
            Delivery::Queue(snapshot) => {
                let Some(current) = self.status.clone() else {
                    return Ok(());
                };
                let Some((position, estimate)) = snapshot.place(&self.id) else {
                    return Ok(());
                };
                let status = ConversationStatus {
                    position: Some(position),
                    estimated_wait_secs: estimate,
                    ..current
                };
                self.send_status(socket, status).await
            }
            Delivery::Event(event) => match &*event {
                Event::Message { seq, message, .. } => {
                    if *seq <= self.last_seq {
                        return Ok(());
                    }
                    match message {
                        Some(message) if *seq == self.last_seq + 1 => {
                            self.last_seq = *seq;
                            self.send(
                                socket,
                                &ServerFrame::Message {
                                    message: message.clone(),
                                },
                            )
                            .await
                        }
                        _ => self.catch_up(socket).await,
                    }
                }
                Event::Typing { author, typing, .. } if *author != Author::Shopper => {
                    self.send(
                        socket,
                        &ServerFrame::Typing {
                            author: *author,
                            typing: *typing,
                        },
                    )
                    .await
                }
                Event::Conversation { .. } => self.refresh_status(socket).await,
                _ => Ok(()),
            },
        }
    }
}
