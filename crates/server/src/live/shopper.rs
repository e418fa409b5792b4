//! A shopper's live connection to their conversation (`/v1/conversations/{id}/live`).
//!
//! The first frame must be `hello` with the conversation's token; then the server sends every
//! message after the client's `last_seq` and then the conversation's status, and from then on
//! relays: the shopper's messages (acknowledged once stored), typing, the shop's context,
//! cancel; and to the shopper, new messages, typing, queue position and the agent joining
//! or leaving.

use axum::extract::ws::{Message as WsMessage, WebSocket};
use tandem_protocol::{
    Author, ConversationStatus, Problem,
    live::{ServerFrame, ShopperFrame},
};

use super::{
    CLOSE_POLICY, HELLO_TIMEOUT, close,
    session::{Gone, Session, refuse, send, serve},
};
use crate::{
    app::AppState,
    assign, context,
    error::AppError,
    events::Event,
    hub::{Delivery, Interest},
    ids, queue,
    relay::{self, Writer},
    store::Conversation,
};

/// What the connection remembers between frames.
struct Connection {
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
            // A place past the end (a database restored from a backup) would hide every
            // message to come: it counts as the end.
            Ok(Some(c)) if c.token_hash == ids::token_hash(&token) => {
                return Some(last_seq.min(u64::try_from(c.last_seq).unwrap_or(0)));
            }
            Ok(_) => AppError::WrongToken,
            Err(e) => AppError::Store(e),
        },
        _ => AppError::Invalid("The first frame must be {\"hello\":{\"token\":...}}.".to_owned()),
    };
    let _ = refuse::<Connection>(socket, error, None).await;
    close(socket, CLOSE_POLICY, "authentication failed").await;
    None
}

/// Runs the connection until the client leaves or the server stops.
pub async fn run(state: AppState, mut socket: WebSocket, id: String, site: String) {
    let Some(last_seq) = hello(&state, &mut socket, &id).await else {
        return;
    };
    let subscription = state.hub.subscribe(Interest::Shopper {
        conversation: id.clone(),
        site,
    });
    let mut connection = Connection {
        state: state.clone(),
        id,
        last_seq,
        status: None,
    };
    // Where the conversation stands is read first and sent last, after what was missed: a
    // widget that learns it ended stops listening, and must have the agent's last words by
    // then (an ended conversation takes no more, so the catch-up holds them all).
    let status = connection.status().await;
    if connection.catch_up(&mut socket).await.is_err()
        || connection.tell_status(&mut socket, status).await.is_err()
    {
        return;
    }
    serve(&state, &mut socket, subscription, &mut connection).await;
}

impl Connection {
    async fn conversation(&self) -> Result<Conversation, AppError> {
        self.state
            .db
            .conversation(&self.id)
            .await?
            .ok_or_else(|| AppError::UnknownConversation(self.id.clone()))
    }

    /// Sends the messages after `last_seq`.
    async fn catch_up(&mut self, socket: &mut WebSocket) -> Result<(), Gone> {
        let messages = match self.state.db.messages_since(&self.id, self.last_seq).await {
            Ok(messages) => messages,
            Err(e) => return refuse::<Self>(socket, e.into(), None).await,
        };
        for message in messages {
            self.last_seq = message.seq;
            send(socket, &ServerFrame::Message { message }).await?;
        }
        Ok(())
    }

    /// Where the conversation stands now.
    async fn status(&self) -> Result<ConversationStatus, AppError> {
        let conversation = self.conversation().await?;
        Ok(queue::status(&self.state, &conversation).await?)
    }

    /// Sends the status if it changed (the first time, as `welcome`).
    async fn refresh_status(&mut self, socket: &mut WebSocket) -> Result<(), Gone> {
        let status = self.status().await;
        self.tell_status(socket, status).await
    }

    /// Sends `status` if it changed, or why it could not be read.
    async fn tell_status(
        &mut self,
        socket: &mut WebSocket,
        status: Result<ConversationStatus, AppError>,
    ) -> Result<(), Gone> {
        match status {
            Ok(status) => self.send_status(socket, status).await,
            Err(e) => refuse::<Self>(socket, e, None).await,
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
        send(socket, &frame).await
    }
}

impl Session for Connection {
    type ClientFrame = ShopperFrame;
    type ServerFrame = ServerFrame;

    fn reconnect(after_ms: u64) -> ServerFrame {
        ServerFrame::Reconnect { after_ms }
    }

    fn refusal(problem: Problem, client_id: Option<String>) -> ServerFrame {
        ServerFrame::Error { problem, client_id }
    }

    fn client_id(frame: &ShopperFrame) -> Option<String> {
        match frame {
            ShopperFrame::Send { client_id, .. } => Some(client_id.clone()),
            _ => None,
        }
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
            ShopperFrame::Context { context } => {
                let conversation = self.conversation().await?;
                context::update(&self.state, &conversation, &context).await?;
                Ok(None)
            }
            ShopperFrame::Cancel => {
                let conversation = self.conversation().await?;
                assign::cancel(&self.state, &conversation).await?;
                Ok(None)
            }
        }
    }

    async fn recheck(&mut self, _socket: &mut WebSocket) -> Result<(), Gone> {
        // The conversation's token, checked at hello, is never taken back.
        Ok(())
    }

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
                    no_agents: snapshot.no_agents(),
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
                            send(
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
                    send(
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
