//! An agent's live connection (`/v1/agent/live`), authenticated by the session cookie.
//!
//! On connect the agent counts as present (routing may offer them work) and gets their
//! profile, the conversations they have, the queues of their sites and any live offer. Then
//! the server pushes queue changes, offers and their withdrawal, conversations assigned and
//! released, and the messages and typing of every conversation they have; the agent sends
//! messages and typing. Accepting, declining, closing and so on are HTTP calls.

use std::collections::HashMap;

use axum::extract::ws::{Message as WsMessage, WebSocket};
use tandem_protocol::{
    Author, ConversationState,
    agent::{AgentFrame, AgentProfile, AgentServerFrame, Offer},
};

use super::{
    CLOSE_RESTART, CLOSE_TRY_AGAIN, MAX_FRAME_BYTES, close, keepalive, reconnect_after_ms,
    send_json,
};
use crate::{
    app::AppState,
    assign,
    error::AppError,
    events::Event,
    hub::{Delivery, Interest},
    queue,
    relay::{self, Writer},
    store::now_ms,
    views,
};

/// The socket is gone.
struct Gone;

struct Session {
    state: AppState,
    agent: String,
    /// The agent's display name, which their messages carry.
    name: String,
    /// The conversations the agent has, with the last sequence number sent for each.
    conversations: HashMap<String, u64>,
}

/// Runs the connection until the agent leaves or the server stops.
pub async fn run(state: AppState, mut socket: WebSocket, agent: String) {
    let Ok(Some(profile)) = state.db.agent_profile(&agent).await else {
        return;
    };
    let sites = profile.sites.clone();
    let mut subscription = state.hub.subscribe(Interest::Agent {
        agent: agent.clone(),
        sites: sites.clone(),
    });
    // Present from now on: routing may offer work straight away.
    if state
        .db
        .touch_agents(std::slice::from_ref(&agent))
        .await
        .is_ok()
    {
        state.bus.publish(Event::Dispatch).await;
    }
    let mut session = Session {
        state: state.clone(),
        agent,
        name: profile.name.clone(),
        conversations: HashMap::new(),
    };
    if session.welcome(&mut socket, profile).await.is_err() {
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
                send_json(&mut socket, &AgentServerFrame::Reconnect { after_ms: reconnect_after_ms() }).await;
                close(&mut socket, CLOSE_RESTART, "server restarting").await;
                false
            }
        };
        if !alive {
            return;
        }
    }
}

impl Session {
    async fn send(&self, socket: &mut WebSocket, frame: &AgentServerFrame) -> Result<(), Gone> {
        if send_json(socket, frame).await {
            Ok(())
        } else {
            Err(Gone)
        }
    }

    async fn error(&self, socket: &mut WebSocket, error: AppError) -> Result<(), Gone> {
        self.refuse(socket, error, None).await
    }

    /// Tells the agent why a frame was refused; for a `send`, which message.
    async fn refuse(
        &self,
        socket: &mut WebSocket,
        error: AppError,
        client_id: Option<String>,
    ) -> Result<(), Gone> {
        let problem = error.problem();
        self.send(socket, &AgentServerFrame::Error { problem, client_id })
            .await
    }

    async fn welcome(&mut self, socket: &mut WebSocket, profile: AgentProfile) -> Result<(), Gone> {
        match self.initial_frames(profile).await {
            Ok(frames) => {
                for frame in frames {
                    self.send(socket, &frame).await?;
                }
                Ok(())
            }
            Err(error) => self.error(socket, error).await,
        }
    }

    async fn initial_frames(
        &mut self,
        profile: AgentProfile,
    ) -> Result<Vec<AgentServerFrame>, AppError> {
        let state = &self.state;
        let sites = profile.sites.clone();
        let mut conversations = Vec::new();
        for conversation in state.db.conversations_of_agent(&self.agent).await? {
            let detail = views::detail(state, &conversation).await?;
            self.conversations.insert(
                detail.id.clone(),
                detail.messages.last().map_or(0, |m| m.seq),
            );
            conversations.push(detail);
        }
        let mut frames = vec![AgentServerFrame::Welcome {
            profile,
            conversations,
        }];
        let now = now_ms();
        for site in &sites {
            let snapshot = queue::snapshot(state, site).await?;
            let queued = state.db.queued(Some(std::slice::from_ref(site))).await?;
            for entry in &snapshot.entries {
                let offer = queued.iter().find(|q| {
                    q.id == entry.id
                        && q.offered_to.as_deref() == Some(&self.agent)
                        && q.offer_expires_at.is_some_and(|t| t >= now)
                });
                if let Some(q) = offer {
                    let expires_at = q.offer_expires_at.unwrap_or(now);
                    frames.push(AgentServerFrame::Offer {
                        offer: Offer {
                            conversation: entry.clone(),
                            expires_at,
                        },
                    });
                }
            }
            frames.push(AgentServerFrame::Queue {
                site: site.clone(),
                entries: snapshot.entries,
            });
        }
        Ok(frames)
    }

    /// Handles one frame from the agent; `false` when the connection should end.
    async fn on_client_frame(&mut self, socket: &mut WebSocket, frame: WsMessage) -> bool {
        let text = match frame {
            WsMessage::Text(text) => text,
            WsMessage::Close(_) => return false,
            WsMessage::Ping(_) | WsMessage::Pong(_) => return true,
            WsMessage::Binary(_) => {
                return self
                    .error(
                        socket,
                        AppError::Invalid("Frames are JSON text.".to_owned()),
                    )
                    .await
                    .is_ok();
            }
        };
        if text.len() > MAX_FRAME_BYTES {
            let error = AppError::TooLarge {
                what: "A frame",
                limit: format!("{MAX_FRAME_BYTES} bytes"),
            };
            return self.error(socket, error).await.is_ok();
        }
        let outcome = match serde_json::from_str::<AgentFrame>(&text) {
            Ok(frame) => {
                let client_id = match &frame {
                    AgentFrame::Send { client_id, .. } => Some(client_id.clone()),
                    AgentFrame::Typing { .. } => None,
                };
                match self.handle(frame).await {
                    Ok(Some(reply)) => self.send(socket, &reply).await,
                    Ok(None) => Ok(()),
                    Err(error) => self.refuse(socket, error, client_id).await,
                }
            }
            Err(e) => {
                self.error(socket, AppError::Invalid(format!("Unreadable frame: {e}.")))
                    .await
            }
        };
        outcome.is_ok()
    }

    async fn handle(&mut self, frame: AgentFrame) -> Result<Option<AgentServerFrame>, AppError> {
        match frame {
            AgentFrame::Send {
                conversation,
                client_id,
                text,
            } => {
                let appended = relay::send(
                    &self.state,
                    &conversation,
                    Writer::Agent {
                        id: &self.agent,
                        name: &self.name,
                    },
                    &client_id,
                    &text,
                )
                .await?;
                Ok(Some(AgentServerFrame::Ack {
                    conversation,
                    client_id,
                    seq: appended.message.seq,
                }))
            }
            AgentFrame::Typing {
                conversation,
                typing,
            } => {
                let current = assign::visible_to(&self.state, &self.agent, &conversation).await?;
                if current.agent_id.as_deref() == Some(self.agent.as_str()) {
                    relay::typing(&self.state, &current, Author::Agent, typing).await;
                }
                Ok(None)
            }
        }
    }

    /// Passes on what the hub delivered.
    async fn deliver(&mut self, socket: &mut WebSocket, delivery: Delivery) -> Result<(), Gone> {
        let event = match delivery {
            Delivery::Queue(snapshot) => {
                let frame = AgentServerFrame::Queue {
                    site: snapshot.site.clone(),
                    entries: snapshot.entries.clone(),
                };
                return self.send(socket, &frame).await;
            }
            Delivery::Event(event) => event,
        };
        match &*event {
            Event::Offer { offer, .. } => {
                self.send(
                    socket,
                    &AgentServerFrame::Offer {
                        offer: offer.clone(),
                    },
                )
                .await
            }
            Event::OfferWithdrawn { conversation, .. } => {
                self.send(
                    socket,
                    &AgentServerFrame::OfferWithdrawn {
                        conversation: conversation.clone(),
                    },
                )
                .await
            }
            Event::Agent { .. } => match self.state.db.agent_profile(&self.agent).await {
                Ok(Some(profile)) => {
                    self.send(socket, &AgentServerFrame::Profile { profile })
                        .await
                }
                Ok(None) => Ok(()),
                Err(e) => self.error(socket, e.into()).await,
            },
            Event::Conversation { conversation, .. } => {
                self.conversation_changed(socket, conversation).await
            }
            Event::Message {
                conversation,
                seq,
                message,
                ..
            } => {
                let Some(&last) = self.conversations.get(conversation) else {
                    return Ok(());
                };
                match message {
                    Some(message) if *seq == last + 1 => {
                        self.conversations.insert(conversation.clone(), *seq);
                        let frame = AgentServerFrame::Message {
                            conversation: conversation.clone(),
                            message: message.clone(),
                        };
                        self.send(socket, &frame).await
                    }
                    _ if *seq > last => self.catch_up(socket, conversation, last).await,
                    _ => Ok(()),
                }
            }
            Event::Typing {
                conversation,
                author,
                typing,
                ..
            } => {
                if *author == Author::Agent || !self.conversations.contains_key(conversation) {
                    return Ok(());
                }
                let frame = AgentServerFrame::Typing {
                    conversation: conversation.clone(),
                    author: *author,
                    typing: *typing,
                };
                self.send(socket, &frame).await
            }
            Event::Queue { .. } | Event::Dispatch => Ok(()),
        }
    }

    async fn catch_up(
        &mut self,
        socket: &mut WebSocket,
        conversation: &str,
        after: u64,
    ) -> Result<(), Gone> {
        let messages = match self.state.db.messages_since(conversation, after).await {
            Ok(messages) => messages,
            Err(e) => return self.error(socket, e.into()).await,
        };
        for message in messages {
            self.conversations
                .insert(conversation.to_owned(), message.seq);
            let frame = AgentServerFrame::Message {
                conversation: conversation.to_owned(),
                message,
            };
            self.send(socket, &frame).await?;
        }
        Ok(())
    }

    /// A conversation of this agent's changed hands or state: assigned to them, or released.
    async fn conversation_changed(&mut self, socket: &mut WebSocket, id: &str) -> Result<(), Gone> {
        let conversation = match self.state.db.conversation(id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) => return self.error(socket, e.into()).await,
        };
        let mine = conversation.state == ConversationState::WithAgent
            && conversation.agent_id.as_deref() == Some(self.agent.as_str());
        match (mine, self.conversations.contains_key(id)) {
            (true, false) => match views::detail(&self.state, &conversation).await {
                Ok(detail) => {
                    self.conversations
                        .insert(id.to_owned(), detail.messages.last().map_or(0, |m| m.seq));
                    self.send(
                        socket,
                        &AgentServerFrame::Assigned {
                            conversation: detail,
                        },
                    )
                    .await
                }
                Err(e) => self.error(socket, e).await,
            },
            (false, true) => {
                self.conversations.remove(id);
                let frame = AgentServerFrame::Released {
                    conversation: id.to_owned(),
                    state: conversation.state,
                };
                self.send(socket, &frame).await
            }
            _ => Ok(()),
        }
    }
}
