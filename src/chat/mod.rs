//! The conversation as the shopper sees it, as a plain value: the lines, the phase, and the
//! ticket of a conversation with a person. The components only draw a [`Chat`] and call its
//! methods; every rule here is covered by native tests.
//!
//! - [`line`]: what each line is (the shopper's words with their delivery state, answers,
//!   choices, a person's messages, notices).
//! - [`phase`]: assistant, confirming a handoff, connecting, waiting, with an agent, closed,
//!   offline.
//! - `stored`: the chat's stored form, for reloads.
//!
//! The outbox is not a separate list: it is the shopper's lines still `Sending`, so a reload
//! that restores the lines restores the outbox with them, client ids included.

pub mod line;
pub mod phase;
mod stored;

use tandem_assistant::mask_card_numbers;
use tandem_protocol::{
    Author, Availability, ConversationCreated, ConversationState, ConversationStatus,
    HandoffReason, MAX_MESSAGE_BYTES, Message, live::ServerFrame,
};

use crate::api::ApiError;

pub use line::{Delivery, Line, LineKind, Topic};
pub use phase::{Phase, Unavailable};

/// The conversation with a person, once handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub id: String,
    pub token: String,
    /// The highest sequence number received: a reconnect resumes after it.
    pub last_seq: u64,
}

/// What the assistant said, resolved to the merchant's texts (see `crate::assistant`).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    Answer {
        topic: Topic,
        text: String,
        confidence: f32,
    },
    Choices {
        topics: Vec<Topic>,
        unsure: bool,
    },
    Handoff {
        reason: HandoffReason,
        safety: Option<String>,
        /// Unsure once too often: topics the shopper may still pick instead of a person.
        guesses: Vec<Topic>,
    },
}

/// Why a message was not added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComposeError {
    Empty,
    TooLong,
}

/// Something the merchant's page may want to hear about (`Tandem.on`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostEvent {
    AgentJoined,
    Message,
}

/// The whole chat on the shopper's side.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    lines: Vec<Line>,
    phase: Phase,
    ticket: Option<Ticket>,
    next_id: u32,
    /// Whether the agent is typing now (not kept across reloads).
    agent_typing: bool,
    /// The key of the handoff tried last, until one goes through: the next try sends it
    /// again, so a request whose answer never came (the page reloaded) does not leave a
    /// second conversation in the queue.
    handoff_key: Option<String>,
}

impl Chat {
    /// A new chat that starts with the assistant's greeting.
    pub fn new(greeting: &str) -> Chat {
        let mut chat = Chat {
            lines: Vec::new(),
            phase: Phase::Assistant,
            ticket: None,
            next_id: 1,
            agent_typing: false,
            handoff_key: None,
        };
        chat.push(LineKind::Greeting {
            text: greeting.to_owned(),
        });
        chat
    }

    /// Sets the greeting once the site's is known (a restored chat keeps its own).
    pub fn greet(&mut self, greeting: &str) {
        if let Some(Line {
            kind: LineKind::Greeting { text },
            ..
        }) = self.lines.first_mut()
        {
            text.clear();
            text.push_str(greeting);
        }
    }

    /// The line with this id.
    pub fn line(&self, id: u32) -> Option<&Line> {
        self.lines.iter().find(|l| l.id == id)
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    pub fn ticket(&self) -> Option<&Ticket> {
        self.ticket.as_ref()
    }

    pub fn agent_typing(&self) -> bool {
        self.agent_typing
    }

    fn push(&mut self, kind: LineKind) -> u32 {
        let id = self.next_id;
        self.lines.push(Line { id, kind });
        self.next_id += 1;
        id
    }

    fn line_mut(&mut self, id: u32) -> Option<&mut LineKind> {
        self.lines
            .iter_mut()
            .find(|l| l.id == id)
            .map(|l| &mut l.kind)
    }

    /// Adds the shopper's message, trimmed, with card numbers masked (so the line, the outbox
    /// and what is stored never hold one). Once a person is involved (or on the way), it goes
    /// to the outbox under `client_id`; before that it stays in the browser.
    pub fn shopper_says(&mut self, text: &str, client_id: String) -> Result<u32, ComposeError> {
        let text = mask_card_numbers(text.trim());
        if text.is_empty() {
            return Err(ComposeError::Empty);
        }
        if text.len() > MAX_MESSAGE_BYTES {
            return Err(ComposeError::TooLong);
        }
        let outgoing = self.phase.is_live() || matches!(self.phase, Phase::Connecting { .. });
        let (client_id, delivery) = if outgoing {
            (Some(client_id), Delivery::Sending)
        } else {
            (None, Delivery::Local)
        };
        Ok(self.push(LineKind::Shopper {
            text: text.into_owned(),
            client_id,
            delivery,
        }))
    }

    /// Whether the assistant should answer what the shopper types now.
    pub fn assistant_listens(&self) -> bool {
        matches!(
            self.phase,
            Phase::Assistant | Phase::Waiting { .. } | Phase::Confirming { .. }
        )
    }

    /// Adds what the assistant said. A handoff it decided on asks the shopper to confirm,
    /// unless a person is already involved.
    pub fn assistant_says(&mut self, reply: Reply) {
        match reply {
            Reply::Answer {
                topic,
                text,
                confidence,
            } => {
                self.push(LineKind::Answer {
                    topic,
                    text,
                    confidence,
                    helpful: None,
                });
            }
            Reply::Choices { topics, unsure } => {
                self.push(LineKind::Choices {
                    topics,
                    unsure,
                    chosen: None,
                });
            }
            Reply::Handoff {
                reason,
                safety,
                guesses,
            } => {
                if let Some(text) = safety {
                    self.push(LineKind::Safety { text });
                }
                if !guesses.is_empty() {
                    self.push(LineKind::Choices {
                        topics: guesses,
                        unsure: true,
                        chosen: None,
                    });
                }
                self.ask_for_person(reason);
            }
        }
    }

    /// The shopper picked one of the offered topics. An offer of a person the assistant made
    /// because it was unsure is put away (the shopper went on with it); one the shopper asked
    /// for, or a sensitive topic's, stays.
    pub fn choose(&mut self, line: u32, index: usize) {
        if let Some(LineKind::Choices { chosen, .. }) = self.line_mut(line) {
            *chosen = Some(index);
            if let Phase::Confirming {
                reason: HandoffReason::LowConfidence,
            } = self.phase
            {
                self.phase = Phase::Assistant;
            }
        }
    }

    /// "Did this help?" on an answer; `false` if the line is not an unrated answer.
    pub fn rate_answer(&mut self, line: u32, was_helpful: bool) -> bool {
        match self.line_mut(line) {
            Some(LineKind::Answer {
                helpful: h @ None, ..
            }) => {
                *h = Some(was_helpful);
                true
            }
            _ => false,
        }
    }

    /// A person was asked for (the button, or the assistant's decision): confirm first.
    pub fn ask_for_person(&mut self, reason: HandoffReason) {
        if matches!(self.phase, Phase::Assistant | Phase::Offline { .. }) {
            self.phase = Phase::Confirming { reason };
        }
    }

    /// The shopper said "not now".
    pub fn dismiss_confirmation(&mut self) {
        if matches!(self.phase, Phase::Confirming { .. }) {
            self.phase = Phase::Assistant;
        }
    }

    /// The shopper confirmed: the handoff is on its way. Returns the reason.
    pub fn start_handoff(&mut self) -> Option<HandoffReason> {
        let Phase::Confirming { reason } = self.phase else {
            return None;
        };
        self.phase = Phase::Connecting { reason };
        Some(reason)
    }

    /// No one can answer live: offer the leave-a-message form.
    pub fn offline(&mut self, why: Unavailable) {
        self.phase = Phase::Offline { why, sent_to: None };
        self.keep_unsent();
    }

    /// The message was left.
    pub fn message_left(&mut self, email: &str) {
        if let Phase::Offline { sent_to, .. } = &mut self.phase {
            *sent_to = Some(email.to_owned());
        }
    }

    /// Back to the assistant (from the offline form, or after the queue was left).
    pub fn back_to_assistant(&mut self) {
        self.phase = Phase::Assistant;
        self.ticket = None;
        self.agent_typing = false;
        self.keep_unsent();
    }

    /// No person is there to receive what was waiting to go out (or was refused): it stays
    /// in the browser, and a later handoff carries it in its transcript.
    fn keep_unsent(&mut self) {
        for line in &mut self.lines {
            if let LineKind::Shopper {
                client_id,
                delivery: delivery @ (Delivery::Sending | Delivery::Failed { .. }),
                ..
            } = &mut line.kind
            {
                *client_id = None;
                *delivery = Delivery::Local;
            }
        }
    }

    /// Whether a handoff was tried and may have reached the server (its answer lost).
    pub fn handoff_pending(&self) -> bool {
        self.handoff_key.is_some()
    }

    /// The key for this handoff: the last try's, else `fresh()`.
    pub fn handoff_key(&mut self, fresh: impl FnOnce() -> String) -> String {
        self.handoff_key.get_or_insert_with(fresh).clone()
    }

    /// The server put the shopper in the queue.
    pub fn handed_over(&mut self, created: &ConversationCreated) {
        self.handoff_key = None;
        self.ticket = Some(Ticket {
            id: created.id.clone(),
            token: created.token.clone(),
            last_seq: created.transcript_seq,
        });
        self.phase = Phase::Waiting {
            position: created.position,
            wait_secs: created.estimated_wait_secs,
            no_agents: created.availability == Availability::NoAgents,
        };
    }

    /// The handoff did not go through: back to the assistant, with the reason shown.
    pub fn handoff_failed(&mut self, error: ApiError) {
        self.phase = Phase::Assistant;
        self.keep_unsent();
        self.push(LineKind::Failure { error });
    }

    /// The messages waiting to be sent: `(client_id, text)`, oldest first.
    pub fn outbox(&self) -> Vec<(String, String)> {
        self.lines
            .iter()
            .filter_map(|l| match &l.kind {
                LineKind::Shopper {
                    text,
                    client_id: Some(id),
                    delivery: Delivery::Sending,
                } => Some((id.clone(), text.clone())),
                _ => None,
            })
            .collect()
    }

    /// Puts a failed message back in the outbox; returns what to send.
    pub fn retry(&mut self, line: u32) -> Option<(String, String)> {
        match self.line_mut(line) {
            Some(LineKind::Shopper {
                text,
                client_id: Some(id),
                delivery: delivery @ Delivery::Failed { .. },
            }) => {
                *delivery = Delivery::Sending;
                Some((id.clone(), text.clone()))
            }
            _ => None,
        }
    }

    /// The shopper rated the closed conversation.
    pub fn rated(&mut self, score: u8) {
        if let Phase::Closed { rating } = &mut self.phase {
            *rating = Some(score);
        }
    }

    fn delivered(&mut self, client_id: &str, seq: u64) -> bool {
        let found = self.lines.iter_mut().find_map(|l| match &mut l.kind {
            LineKind::Shopper {
                client_id: Some(id),
                delivery,
                ..
            } if id == client_id => Some(delivery),
            _ => None,
        });
        match found {
            Some(delivery) => {
                *delivery = Delivery::Sent { seq };
                true
            }
            None => false,
        }
    }

    fn follow(&mut self, status: &ConversationStatus) -> Vec<HostEvent> {
        let was_with_agent = matches!(self.phase, Phase::WithAgent { .. });
        self.phase = match status.state {
            ConversationState::Queued => Phase::Waiting {
                position: status.position,
                wait_secs: status.estimated_wait_secs,
                no_agents: status.no_agents,
            },
            ConversationState::WithAgent => Phase::WithAgent {
                agent: status.agent_name.clone(),
            },
            // The agent handed the shopper back: the assistant goes on, nothing to rate.
            ConversationState::Closed if status.returned_to_assistant => {
                self.back_to_assistant();
                return Vec::new();
            }
            // Nobody receives what was still on its way: it stays, for a later handoff.
            ConversationState::Closed => {
                self.keep_unsent();
                Phase::Closed {
                    rating: status.rating,
                }
            }
            // Left to leave a message instead: the form stays.
            ConversationState::Cancelled if matches!(self.phase, Phase::Offline { .. }) => {
                return Vec::new();
            }
            ConversationState::Cancelled => {
                self.back_to_assistant();
                return Vec::new();
            }
        };
        // Typing is told again while it goes on: a new status (another agent took over, a
        // reconnect) starts without it.
        self.agent_typing = false;
        if !was_with_agent && matches!(self.phase, Phase::WithAgent { .. }) {
            vec![HostEvent::AgentJoined]
        } else {
            Vec::new()
        }
    }

    fn receive(&mut self, message: Message) -> Vec<HostEvent> {
        let Some(ticket) = &mut self.ticket else {
            return Vec::new();
        };
        if message.seq <= ticket.last_seq {
            return Vec::new();
        }
        ticket.last_seq = message.seq;
        match message.author {
            Author::Shopper => {
                let mine = message
                    .client_id
                    .as_deref()
                    .is_some_and(|id| self.delivered(id, message.seq));
                if !mine {
                    // Written in another tab of the same conversation.
                    self.push(LineKind::Shopper {
                        text: message.text,
                        client_id: message.client_id,
                        delivery: Delivery::Sent { seq: message.seq },
                    });
                }
                Vec::new()
            }
            Author::Agent => {
                self.agent_typing = false;
                self.push(LineKind::Agent {
                    name: message.agent_name,
                    text: message.text,
                    seq: message.seq,
                });
                vec![HostEvent::Message]
            }
            Author::System | Author::Assistant => {
                self.push(match message.notice {
                    Some(notice) => LineKind::Announcement { notice },
                    None => LineKind::Notice { text: message.text },
                });
                Vec::new()
            }
        }
    }

    /// Applies what the server said on the live connection.
    pub fn apply(&mut self, frame: ServerFrame) -> Vec<HostEvent> {
        match frame {
            ServerFrame::Welcome { status } | ServerFrame::Status { status } => {
                self.follow(&status)
            }
            ServerFrame::Message { message } => self.receive(message),
            ServerFrame::Ack { client_id, seq } => {
                self.delivered(&client_id, seq);
                Vec::new()
            }
            ServerFrame::Typing { author, typing } => {
                if author == Author::Agent {
                    self.agent_typing = typing;
                }
                Vec::new()
            }
            ServerFrame::Error { problem, client_id } => {
                let reason = ApiError::from(&problem);
                if let Some(client_id) = client_id {
                    for line in &mut self.lines {
                        if let LineKind::Shopper {
                            client_id: Some(id),
                            delivery,
                            ..
                        } = &mut line.kind
                            && *id == client_id
                        {
                            *delivery = Delivery::Failed {
                                reason: reason.clone(),
                            };
                        }
                    }
                } else if problem.status == 401 {
                    // The conversation cannot be resumed (its token is gone or wrong).
                    self.back_to_assistant();
                    self.push(LineKind::Failure { error: reason });
                }
                Vec::new()
            }
            ServerFrame::Reconnect { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests;
