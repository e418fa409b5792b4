//! This process's live connections, and which events each one wants.
//!
//! Every WebSocket (and long poll) registers with what it cares about: a shopper's
//! conversation and site, or an agent and their sites. The bus calls [`Hub::deliver`] for
//! each event; the hub forwards it only to the connections it concerns, through a bounded
//! channel. A connection too slow to keep up is dropped from the hub (its channel closes)
//! and reconnects, resuming from its last sequence number: nothing is lost and no slow
//! client holds up the others.
//!
//! `Queue` events are not forwarded as they are: the hub passes the site to the queue watcher
//! (`crate::queue::watch`), which computes the site's queue once for this process and hands
//! the snapshot back through [`Hub::deliver_queue`].

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, Ordering},
    },
};

use tokio::sync::{Notify, mpsc};

use crate::{events::Event, queue::QueueSnapshot};

/// What a connection receives.
#[derive(Debug, Clone)]
pub enum Delivery {
    Event(Arc<Event>),
    Queue(Arc<QueueSnapshot>),
}

/// How many deliveries may wait for one connection before it counts as too slow.
const BACKLOG: usize = 1024;

/// What a connection is interested in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interest {
    Shopper { conversation: String, site: String },
    Agent { agent: String, sites: Vec<String> },
}

#[derive(Clone, Copy)]
enum Index {
    Conversation,
    Agent,
    Site,
}

impl Interest {
    fn keys(&self) -> Vec<(Index, &String)> {
        match self {
            Interest::Shopper { conversation, site } => {
                vec![(Index::Conversation, conversation), (Index::Site, site)]
            }
            Interest::Agent { agent, sites } => std::iter::once((Index::Agent, agent))
                .chain(sites.iter().map(|s| (Index::Site, s)))
                .collect(),
        }
    }
}

#[derive(Default)]
struct Registry {
    next: u64,
    connections: HashMap<u64, (Interest, mpsc::Sender<Delivery>)>,
    by_conversation: HashMap<String, HashSet<u64>>,
    by_agent: HashMap<String, HashSet<u64>>,
    by_site: HashMap<String, HashSet<u64>>,
}

impl Registry {
    fn index(&mut self, which: Index) -> &mut HashMap<String, HashSet<u64>> {
        match which {
            Index::Conversation => &mut self.by_conversation,
            Index::Agent => &mut self.by_agent,
            Index::Site => &mut self.by_site,
        }
    }

    fn add(&mut self, interest: Interest, sender: mpsc::Sender<Delivery>) -> u64 {
        self.next += 1;
        let id = self.next;
        for (which, key) in interest.keys() {
            self.index(which).entry(key.clone()).or_default().insert(id);
        }
        self.connections.insert(id, (interest, sender));
        id
    }

    fn remove(&mut self, id: u64) {
        let Some((interest, _)) = self.connections.remove(&id) else {
            return;
        };
        for (which, key) in interest.keys() {
            let index = self.index(which);
            if let Some(ids) = index.get_mut(key) {
                ids.remove(&id);
                if ids.is_empty() {
                    index.remove(key);
                }
            }
        }
    }

    fn ids(&self, which: Index, key: &str) -> Vec<u64> {
        let index = match which {
            Index::Conversation => &self.by_conversation,
            Index::Agent => &self.by_agent,
            Index::Site => &self.by_site,
        };
        index
            .get(key)
            .map(|ids| ids.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// The registry of this process's connections.
#[derive(Default)]
pub struct Hub {
    registry: Mutex<Registry>,
    /// Wakes the dispatcher (`crate::dispatch`).
    dispatch: Notify,
    /// Sites whose queue must be recomputed, for the queue watcher.
    queues: Mutex<Option<mpsc::UnboundedSender<String>>>,
    /// Sites whose knowledge base must be reloaded, for `crate::knowledge::watch`.
    reloads: Mutex<Option<mpsc::UnboundedSender<String>>>,
    /// Open connections, for `/metrics`.
    pub open_connections: AtomicI64,
}

/// A registered connection; unregisters when dropped.
pub struct Subscription {
    hub: Arc<Hub>,
    id: u64,
    pub receiver: mpsc::Receiver<Delivery>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.registry.lock().expect("hub lock").remove(self.id);
        self.hub.open_connections.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Hub {
    /// Registers a connection.
    pub fn subscribe(self: &Arc<Self>, interest: Interest) -> Subscription {
        let (sender, receiver) = mpsc::channel(BACKLOG);
        let id = self
            .registry
            .lock()
            .expect("hub lock")
            .add(interest, sender);
        self.open_connections.fetch_add(1, Ordering::Relaxed);
        Subscription {
            hub: self.clone(),
            id,
            receiver,
        }
    }

    /// Hands the queue watcher the channel it reads sites from.
    pub fn watch_queues(&self, sites: mpsc::UnboundedSender<String>) {
        *self.queues.lock().expect("hub lock") = Some(sites);
    }

    /// Hands the knowledge-base watcher the channel it reads sites from.
    pub fn watch_reloads(&self, sites: mpsc::UnboundedSender<String>) {
        *self.reloads.lock().expect("hub lock") = Some(sites);
    }

    /// Waits until someone asks routing to look again.
    pub async fn dispatch_requested(&self) {
        self.dispatch.notified().await;
    }

    /// The agents with a live connection to this process.
    pub fn connected_agents(&self) -> Vec<String> {
        let registry = self.registry.lock().expect("hub lock");
        let mut agents: Vec<String> = registry.by_agent.keys().cloned().collect();
        agents.sort();
        agents
    }

    /// The conversations whose shopper has a connection to this process.
    pub fn connected_conversations(&self) -> Vec<String> {
        let registry = self.registry.lock().expect("hub lock");
        registry.by_conversation.keys().cloned().collect()
    }

    /// Whether any connection here follows this site's queue.
    pub fn follows_site(&self, site: &str) -> bool {
        !self
            .registry
            .lock()
            .expect("hub lock")
            .ids(Index::Site, site)
            .is_empty()
    }

    /// Forwards an event to the connections it concerns.
    pub fn deliver(&self, event: &Event) {
        let registry = self.registry.lock().expect("hub lock");
        let mut targets: Vec<u64> = match event {
            Event::Message {
                conversation,
                agent,
                ..
            }
            | Event::Typing {
                conversation,
                agent,
                ..
            }
            | Event::Context {
                conversation,
                agent,
            } => {
                let mut ids = registry.ids(Index::Conversation, conversation);
                if let Some(agent) = agent {
                    ids.extend(registry.ids(Index::Agent, agent));
                }
                ids
            }
            Event::Conversation {
                conversation,
                agents,
                ..
            } => {
                let mut ids = registry.ids(Index::Conversation, conversation);
                for agent in agents {
                    ids.extend(registry.ids(Index::Agent, agent));
                }
                ids
            }
            Event::Offer { agent, .. }
            | Event::OfferWithdrawn { agent, .. }
            | Event::Agent { agent }
            | Event::Note { agent, .. } => registry.ids(Index::Agent, agent),
            Event::Queue { site } => {
                if let Some(queues) = &*self.queues.lock().expect("hub lock") {
                    let _ = queues.send(site.clone());
                }
                Vec::new()
            }
            Event::KnowledgeBase { site } => {
                if let Some(reloads) = &*self.reloads.lock().expect("hub lock") {
                    let _ = reloads.send(site.clone());
                }
                Vec::new()
            }
            Event::Dispatch => {
                self.dispatch.notify_one();
                Vec::new()
            }
        };
        targets.sort_unstable();
        targets.dedup();
        let event = Arc::new(event.clone());
        let slow = send_all(&registry, &targets, || Delivery::Event(event.clone()));
        drop(registry);
        self.drop_slow(slow);
    }

    /// Hands a freshly computed queue to the connections following its site.
    pub fn deliver_queue(&self, snapshot: QueueSnapshot) {
        let registry = self.registry.lock().expect("hub lock");
        let targets = registry.ids(Index::Site, &snapshot.site);
        let snapshot = Arc::new(snapshot);
        let slow = send_all(&registry, &targets, || Delivery::Queue(snapshot.clone()));
        drop(registry);
        self.drop_slow(slow);
    }

    /// Lets go of every connection: each reconnects and reads back what it missed. For when
    /// events may have gone by unheard (the listener to the other processes was lost).
    pub fn resync(&self) {
        let mut registry = self.registry.lock().expect("hub lock");
        let ids: Vec<u64> = registry.connections.keys().copied().collect();
        tracing::info!(
            connections = ids.len(),
            "asking every connection to catch up"
        );
        for id in ids {
            registry.remove(id);
        }
    }

    fn drop_slow(&self, slow: Vec<u64>) {
        if slow.is_empty() {
            return;
        }
        let mut registry = self.registry.lock().expect("hub lock");
        for id in slow {
            tracing::warn!(connection = id, "dropping a connection that cannot keep up");
            // Removing the sender closes the connection's channel; it then reconnects.
            registry.remove(id);
        }
    }
}

/// Sends to each target; returns the ones whose backlog is full.
fn send_all(registry: &Registry, targets: &[u64], delivery: impl Fn() -> Delivery) -> Vec<u64> {
    targets
        .iter()
        .filter(|id| {
            registry
                .connections
                .get(id)
                .is_some_and(|(_, sender)| sender.try_send(delivery()).is_err())
        })
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(conversation: &str, agent: Option<&str>) -> Event {
        Event::Message {
            conversation: conversation.into(),
            agent: agent.map(Into::into),
            seq: 1,
            message: None,
        }
    }

    #[test]
    fn events_reach_only_the_connections_they_concern() {
        let hub = Arc::new(Hub::default());
        let mut shopper = hub.subscribe(Interest::Shopper {
            conversation: "c1".into(),
            site: "s".into(),
        });
        let mut other = hub.subscribe(Interest::Shopper {
            conversation: "c2".into(),
            site: "s".into(),
        });
        let mut agent = hub.subscribe(Interest::Agent {
            agent: "a".into(),
            sites: vec!["s".into()],
        });
        hub.deliver(&message("c1", Some("a")));
        assert!(shopper.receiver.try_recv().is_ok());
        assert!(agent.receiver.try_recv().is_ok());
        assert!(other.receiver.try_recv().is_err());
        assert_eq!(hub.open_connections.load(Ordering::Relaxed), 3);
        drop(other);
        assert_eq!(hub.open_connections.load(Ordering::Relaxed), 2);
        hub.deliver(&message("c2", None));
        assert!(shopper.receiver.try_recv().is_err());
        // An agent's note on c1 is the agent's business, never its shopper's.
        hub.deliver(&Event::Note {
            conversation: "c1".into(),
            agent: "a".into(),
        });
        assert!(agent.receiver.try_recv().is_ok());
        assert!(shopper.receiver.try_recv().is_err());
    }

    #[test]
    fn a_connection_that_cannot_keep_up_is_dropped() {
        let hub = Arc::new(Hub::default());
        let mut slow = hub.subscribe(Interest::Shopper {
            conversation: "c1".into(),
            site: "s".into(),
        });
        for _ in 0..=BACKLOG {
            hub.deliver(&message("c1", None));
        }
        let mut received = 0;
        while slow.receiver.try_recv().is_ok() {
            received += 1;
        }
        assert_eq!(received, BACKLOG);
        // The hub let go of it: the channel reports closed once drained.
        assert!(matches!(
            slow.receiver.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
    }

    #[test]
    fn after_a_resync_every_connection_reconnects() {
        let hub = Arc::new(Hub::default());
        let mut shopper = hub.subscribe(Interest::Shopper {
            conversation: "c1".into(),
            site: "s".into(),
        });
        let mut agent = hub.subscribe(Interest::Agent {
            agent: "a1".into(),
            sites: vec!["s".into()],
        });
        hub.resync();
        for receiver in [&mut shopper.receiver, &mut agent.receiver] {
            assert!(matches!(
                receiver.try_recv(),
                Err(mpsc::error::TryRecvError::Disconnected)
            ));
        }
        assert!(hub.connected_agents().is_empty());
    }
}
