//! An agent's live connection (`/v1/agent/live`), authenticated by the session cookie.
//!
//! On connect the agent counts as present (routing may offer them work) and gets their
//! profile, the conversations they have, the queues of their sites and any live offer. Then
//! the server pushes queue changes, offers and their withdrawal, conversations assigned and
//! released, and the messages, typing and context changes of every conversation they have;
//! the agent sends messages and typing. Accepting, declining, closing and so on are HTTP
//! calls. The connection lasts only as long as its session and the agent's sites as they
//! were: see [`Session::recheck`].

use std::collections::HashMap;

use axum::extract::ws::WebSocket;
use tandem_protocol::{
    Author, ConversationState, Problem,
    agent::{AgentFrame, AgentProfile, AgentServerFrame, Offer},
};

use super::{
    CLOSE_POLICY, CLOSE_TRY_AGAIN, close,
    session::{Gone, Session, refuse, send, serve},
};
use crate::{
    app::AppState,
    assign,
    auth::AgentSession,
    context,
    error::AppError,
    events::Event,
    hub::{Delivery, Interest},
    queue,
    relay::{self, Writer},
    store::now_ms,
    views,
};

/// What the connection remembers between frames.
struct Connection {
    state: AppState,
    agent: String,
    /// The session it was opened with: once that ends, so does the connection.
    token_hash: String,
    /// The sites whose queues it follows, as they were when it connected.
    sites: Vec<String>,
    /// The agent's display name, which their messages carry.
    name: String,
    /// The conversations the agent has, with the last sequence number sent for each.
    conversations: HashMap<String, u64>,
}

/// Runs the connection until the agent leaves or the server stops.
pub async fn run(state: AppState, mut socket: WebSocket, session: AgentSession) {
    let AgentSession { agent, token_hash } = session;
    let Ok(Some(profile)) = state.db.agent_profile(&agent).await else {
        return;
    };
    let sites = profile.sites.clone();
    let subscription = state.hub.subscribe(Interest::Agent {
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
    let mut connection = Connection {
        state: state.clone(),
        agent,
        token_hash,
        sites,
        name: profile.name.clone(),
        conversations: HashMap::new(),
    };
    if connection.welcome(&mut socket, profile).await.is_err() {
        return;
    }
    serve(&state, &mut socket, subscription, &mut connection).await;
}

impl Connection {
    async fn welcome(&mut self, socket: &mut WebSocket, profile: AgentProfile) -> Result<(), Gone> {
        match self.initial_frames(profile).await {
            Ok(frames) => {
                for frame in frames {
                    send(socket, &frame).await?;
                }
                Ok(())
            }
            Err(error) => refuse::<Self>(socket, error, None).await,
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
}

impl Session for Connection {
    type ClientFrame = AgentFrame;
    type ServerFrame = AgentServerFrame;

    fn reconnect(after_ms: u64) -> AgentServerFrame {
        AgentServerFrame::Reconnect { after_ms }
    }

    fn refusal(problem: Problem, client_id: Option<String>) -> AgentServerFrame {
        AgentServerFrame::Error { problem, client_id }
    }

    fn client_id(frame: &AgentFrame) -> Option<String> {
        match frame {
            AgentFrame::Send { client_id, .. } => Some(client_id.clone()),
            AgentFrame::Typing { .. } => None,
        }
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

    /// A session ended elsewhere (signed out, password changed) closes the connection with
    /// the policy code after an error frame saying to sign in; changed sites close it with
    /// "try again", and the console reconnects to follow the new ones.
    async fn recheck(&mut self, socket: &mut WebSocket) -> Result<(), Gone> {
        let signed_in = match self.state.db.session_agent(&self.token_hash).await {
            Ok(agent) => agent.as_deref() == Some(self.agent.as_str()),
            // The database is briefly unreachable: that ends nobody's session.
            Err(_) => return Ok(()),
        };
        if !signed_in {
            refuse::<Self>(socket, AppError::SignInRequired, None).await?;
            close(socket, CLOSE_POLICY, "signed out").await;
            return Err(Gone);
        }
        let sites = match self.state.db.agent_sites(&self.agent).await {
            Ok(sites) => sites,
            Err(_) => return Ok(()),
        };
        if sites != self.sites {
            close(socket, CLOSE_TRY_AGAIN, "sites changed: reconnect").await;
            return Err(Gone);
        }
        Ok(())
    }

    async fn deliver(&mut self, socket: &mut WebSocket, delivery: Delivery) -> Result<(), Gone> {
        let event = match delivery {
            Delivery::Queue(snapshot) => {
                let frame = AgentServerFrame::Queue {
                    site: snapshot.site.clone(),
                    entries: snapshot.entries.clone(),
                };
                return send(socket, &frame).await;
            }
            Delivery::Event(event) => event,
        };
        match &*event {
            Event::Offer { offer, .. } => {
                send(
                    socket,
                    &AgentServerFrame::Offer {
                        offer: offer.clone(),
                    },
                )
                .await
            }
            Event::OfferWithdrawn { conversation, .. } => {
                send(
                    socket,
                    &AgentServerFrame::OfferWithdrawn {
                        conversation: conversation.clone(),
                    },
                )
                .await
            }
            Event::Agent { .. } => {
                self.recheck(socket).await?;
                match self.state.db.agent_profile(&self.agent).await {
                    Ok(Some(profile)) => send(socket, &AgentServerFrame::Profile { profile }).await,
                    Ok(None) => Ok(()),
                    Err(e) => refuse::<Self>(socket, e.into(), None).await,
                }
            }
            Event::Conversation { conversation, .. } => {
                self.conversation_changed(socket, conversation).await
            }
            Event::Context { conversation, .. } => {
                if !self.conversations.contains_key(conversation) {
                    return Ok(());
                }
                match self.state.db.conversation(conversation).await {
                    Ok(Some(found)) => {
                        let frame = AgentServerFrame::Context {
                            conversation: conversation.clone(),
                            context: context::read(&found),
                            at: found.context_changed_at.unwrap_or_else(now_ms),
                        };
                        send(socket, &frame).await
                    }
                    Ok(None) => Ok(()),
                    Err(e) => refuse::<Self>(socket, e.into(), None).await,
                }
            }
            Event::Note { conversation, .. } => {
                if !self.conversations.contains_key(conversation) {
                    return Ok(());
                }
                match self.state.db.notes(conversation).await {
                    Ok(notes) => {
                        let frame = AgentServerFrame::Notes {
                            conversation: conversation.clone(),
                            notes,
                        };
                        send(socket, &frame).await
                    }
                    Err(e) => refuse::<Self>(socket, e.into(), None).await,
                }
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
                        send(socket, &frame).await
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
                send(socket, &frame).await
            }
            Event::Queue { .. } | Event::Dispatch | Event::KnowledgeBase { .. } => Ok(()),
        }
    }
}

impl Connection {
    async fn catch_up(
        &mut self,
        socket: &mut WebSocket,
        conversation: &str,
        after: u64,
    ) -> Result<(), Gone> {
        let messages = match self.state.db.messages_since(conversation, after).await {
            Ok(messages) => messages,
            Err(e) => return refuse::<Self>(socket, e.into(), None).await,
        };
        for message in messages {
            self.conversations
                .insert(conversation.to_owned(), message.seq);
            let frame = AgentServerFrame::Message {
                conversation: conversation.to_owned(),
                message,
            };
            send(socket, &frame).await?;
        }
        Ok(())
    }

    /// A conversation of this agent's changed hands or state: assigned to them, or released.
    async fn conversation_changed(&mut self, socket: &mut WebSocket, id: &str) -> Result<(), Gone> {
        let conversation = match self.state.db.conversation(id).await {
            Ok(Some(c)) => c,
            Ok(None) => return Ok(()),
            Err(e) => return refuse::<Self>(socket, e.into(), None).await,
        };
        let mine = conversation.state == ConversationState::WithAgent
            && conversation.agent_id.as_deref() == Some(self.agent.as_str());
        match (mine, self.conversations.contains_key(id)) {
            (true, false) => match views::detail(&self.state, &conversation).await {
                Ok(detail) => {
                    self.conversations
                        .insert(id.to_owned(), detail.messages.last().map_or(0, |m| m.seq));
                    send(
                        socket,
                        &AgentServerFrame::Assigned {
                            conversation: detail,
                        },
                    )
                    .await
                }
                Err(e) => refuse::<Self>(socket, e, None).await,
            },
            (false, true) => {
                self.conversations.remove(id);
                let frame = AgentServerFrame::Released {
                    conversation: id.to_owned(),
                    state: conversation.state,
                };
                send(socket, &frame).await
            }
            _ => Ok(()),
        }
    }
}
