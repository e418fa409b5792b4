//! What happened, told to every server process: the event bus.
//!
//! Handlers change the database first, then publish an [`Event`] saying what changed (so do
//! commands such as `tandem agent password`, to the servers only). The bus hands it to this
//! process's [`Hub`] at once and, on PostgreSQL, to every other `tandem serve` process
//! through `NOTIFY` on the `tandem_events` channel; each process's listener hands what it
//! hears to its own hub. Events carry ids and small payloads only: the database stays the
//! source of truth, and a connection that sees a gap reads it back.

use std::sync::{
    Arc,
    atomic::{AtomicBool, Ordering},
};

use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, postgres::PgListener};
use tandem_protocol::{Author, Message, agent::Offer};

use crate::{
    hub::Hub,
    store::{Backend, Db},
};

/// The PostgreSQL channel events travel on.
const CHANNEL: &str = "tandem_events";
/// `NOTIFY` payloads must stay under 8000 bytes.
const MAX_PAYLOAD: usize = 7900;

/// Something that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A message was stored. `message` is left out when too large to travel; receivers then
    /// read it from the database.
    Message {
        conversation: String,
        agent: Option<String>,
        seq: u64,
        message: Option<Message>,
    },
    /// Someone started or stopped typing.
    Typing {
        conversation: String,
        agent: Option<String>,
        author: Author,
        typing: bool,
    },
    /// A conversation changed hands or state; `agents` are the agents it concerns (the one
    /// who has it now, the one who had it).
    Conversation {
        conversation: String,
        site: String,
        agents: Vec<String>,
    },
    /// The shop's page changed a conversation's context; `agent` is who has it. The context
    /// itself is read from the database (see `context`).
    Context {
        conversation: String,
        agent: Option<String>,
    },
    /// An agent added a note to the conversation they have: their connections read the
    /// notes from the database (see `notes`). Never delivered to the shopper's.
    Note { conversation: String, agent: String },
    /// A site's queue changed: positions, estimates and agents' queue views are out of date.
    Queue { site: String },
    /// An agent was offered a conversation.
    Offer { agent: String, offer: Offer },
    /// An agent's offer is gone.
    OfferWithdrawn { agent: String, conversation: String },
    /// An agent's status, capacity, sites or password changed: their live connections send
    /// the profile again, or close if their session ended or their sites changed.
    Agent { agent: String },
    /// Routing should look again now (someone joined the queue, an agent became free...).
    Dispatch,
    /// A site's admin asked for its knowledge base to be read and compiled again: every
    /// process reloads its own copy.
    KnowledgeBase { site: String },
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    node: String,
    event: Event,
}

/// Publishes events to this process and, on PostgreSQL, to the others.
#[derive(Clone)]
pub struct Bus {
    node: String,
    hub: Arc<Hub>,
    notify: Option<AnyPool>,
    /// Whether this process hears the others' events (always, alone on SQLite).
    listening: Arc<AtomicBool>,
}

impl Bus {
    /// A bus for one process (`node` is its random name). With `notify`, events also go out
    /// through PostgreSQL.
    fn new(node: String, hub: Arc<Hub>, notify: Option<AnyPool>) -> Bus {
        let listening = Arc::new(AtomicBool::new(notify.is_none()));
        Bus {
            node,
            hub,
            notify,
            listening,
        }
    }

    /// Whether this process hears the other processes' events now: until it does, it is not
    /// ready for traffic, or what happened elsewhere would not reach its connections.
    pub fn listening(&self) -> bool {
        self.listening.load(Ordering::Relaxed)
    }

    /// A bus for a process on `db`, under a random name: on PostgreSQL it also reaches the
    /// other processes on the same database.
    pub fn on(db: &Db, hub: Arc<Hub>) -> Bus {
        let notify = (db.backend() == Backend::Postgres).then(|| db.pool().clone());
        Bus::new(crate::ids::random_id(), hub, notify)
    }

    /// Tells everyone. Delivery to other processes is best effort: if `NOTIFY` fails, their
    /// connections catch up on their next event or reconnect (all of a process's reconnect
    /// once its listener, which lost the database, listens again: see [`Bus::listen`]).
    pub async fn publish(&self, event: Event) {
        self.hub.deliver(&event);
        self.tell_others(event).await;
    }

    /// Tells the other processes only (on PostgreSQL; nobody on SQLite), for what this one
    /// has already done itself. Whether it went out (`false` only when `NOTIFY` failed).
    pub async fn tell_others(&self, event: Event) -> bool {
        let Some(pool) = &self.notify else {
            return true;
        };
        let mut envelope = Envelope {
            node: self.node.clone(),
            event,
        };
        let mut payload = serde_json::to_string(&envelope).expect("events serialise");
        if payload.len() > MAX_PAYLOAD {
            if let Event::Message { message, .. } = &mut envelope.event {
                *message = None;
            }
            payload = serde_json::to_string(&envelope).expect("events serialise");
        }
        let sent = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&payload)
            .execute(pool)
            .await;
        if let Err(error) = &sent {
            tracing::warn!(%error, "could not notify other server processes");
        }
        sent.is_ok()
    }

    /// Listens for other processes' events for as long as the process runs, handing each to
    /// this process's hub, and reconnects after failures. Events may have gone by while it
    /// was not listening: once it listens again, every connection of this process is asked
    /// to reconnect, reading back what it missed.
    pub async fn listen(self, url: String) {
        let mut listened = false;
        loop {
            match PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(error) = listener.listen(CHANNEL).await {
                        tracing::warn!(%error, "LISTEN failed");
                    } else {
                        if listened {
                            self.hub.resync();
                        }
                        listened = true;
                        self.listening.store(true, Ordering::Relaxed);
                        // `try_recv`, not `recv`: `recv` reconnects by itself on a lost
                        // connection, and meanwhile this process would pass for listening.
                        while let Ok(Some(notification)) = listener.try_recv().await {
                            match serde_json::from_str::<Envelope>(notification.payload()) {
                                Ok(envelope) if envelope.node != self.node => {
                                    self.hub.deliver(&envelope.event);
                                }
                                Ok(_) => {}
                                Err(error) => tracing::warn!(%error, "unreadable event"),
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot connect to listen for events"),
            }
            self.listening.store(false, Ordering::Relaxed);
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_process_is_not_listening_to_the_others_until_it_listens() {
        let alone = Bus::new("a".into(), Arc::default(), None);
        assert!(alone.listening(), "on SQLite there is no one else to hear");
        sqlx::any::install_default_drivers();
        let pool = AnyPool::connect_lazy("postgres://127.0.0.1:1/none").unwrap();
        let shared = Bus::new("b".into(), Arc::default(), Some(pool));
        assert!(!shared.listening(), "on PostgreSQL, not before LISTEN");
    }
}
