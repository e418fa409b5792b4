//! A site's queue as people see it: positions, estimated waits, availability.
//!
//! [`snapshot`] reads a site's waiting conversations and its staffing once and turns them into
//! what both sides show: agents see the entries, each waiting shopper their position and
//! estimate. [`watch`] keeps this process's connections up to date: it receives the sites
//! whose queue changed (from `Queue` events), coalesces bursts, and recomputes each site once.

use std::collections::HashMap;

use chrono::Utc;
use tandem_protocol::{
    Availability, ConversationState, ConversationStatus,
    agent::{QueueEntry, Resolution},
};
use tokio::sync::mpsc;

use crate::{
    app::AppState,
    config::SiteConfig,
    presence,
    routing::{self, Staffing, Waiting},
    store::{Conversation, Queued, StoreError},
};

/// Handling time assumed before a site has any history.
const DEFAULT_HANDLE_SECS: u32 = 240;

/// One site's queue, computed once and shared by every connection that follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSnapshot {
    pub site: String,
    /// In the order they are served; `position` counts from 1.
    pub entries: Vec<QueueEntry>,
    pub staffing: Staffing,
    /// Each conversation's index in `entries`: every waiting shopper looks itself up.
    index: HashMap<String, usize>,
}

impl QueueSnapshot {
    pub fn new(site: String, entries: Vec<QueueEntry>, staffing: Staffing) -> QueueSnapshot {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        QueueSnapshot {
            site,
            entries,
            staffing,
            index,
        }
    }

    /// A waiting conversation's position and estimated wait.
    pub fn place(&self, conversation: &str) -> Option<(u32, Option<u32>)> {
        let entry = &self.entries[*self.index.get(conversation)?];
        Some((
            entry.position,
            routing::estimated_wait_secs(entry.position, self.staffing),
        ))
    }

    /// Whether no agent of the site is available to take anyone.
    pub fn no_agents(&self) -> bool {
        self.staffing.agents == 0
    }
}

/// The available agents of a site and how busy they are.
pub async fn staffing(state: &AppState, site: &str) -> Result<Staffing, StoreError> {
    let agents: Vec<_> = state
        .db
        .available_agents(presence::present_since(&state.config))
        .await?
        .into_iter()
        .filter(|a| a.site == site)
        .collect();
    let capacity: i64 = agents.iter().map(|a| a.capacity).sum();
    let free: i64 = agents.iter().map(|a| (a.capacity - a.active).max(0)).sum();
    let handle_secs = state
        .db
        .recent_handle_secs(site)
        .await?
        .unwrap_or(DEFAULT_HANDLE_SECS);
    Ok(Staffing {
        agents: u32::try_from(agents.len()).unwrap_or(u32::MAX),
        capacity: u32::try_from(capacity).unwrap_or(0),
        free: u32::try_from(free).unwrap_or(0),
        handle_secs,
    })
}

/// The most characters of a shopper's words a queue entry shows: enough to see what it is
/// about, and every queue view and offer stays small.
const PREVIEW_CHARS: usize = 280;

/// The start of `text`, at most [`PREVIEW_CHARS`], with `…` if it goes on.
fn preview(text: &str) -> String {
    match text.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Turns waiting conversations into queue entries, in serving order.
pub fn entries(mut queued: Vec<Queued>) -> Vec<QueueEntry> {
    queued.sort_by_key(|q| (std::cmp::Reverse(q.priority), q.seq));
    (1u32..)
        .zip(queued)
        .map(|(position, q)| QueueEntry {
            id: q.id,
            site: q.site,
            position,
            reason: q.reason,
            priority: q.priority,
            queued_at: q.queued_at,
            preview: q.preview.map(|text| preview(&text)),
            language: q.language,
        })
        .collect()
}

/// The routing view of waiting conversations.
pub fn waiting(queued: &[Queued]) -> Vec<Waiting> {
    queued
        .iter()
        .map(|q| Waiting {
            id: q.id.clone(),
            site: q.site.clone(),
            priority: q.priority,
            seq: q.seq,
            offered_to: q.offered_to.clone(),
        })
        .collect()
}

/// A site's queue now.
pub async fn snapshot(state: &AppState, site: &str) -> Result<QueueSnapshot, StoreError> {
    let queued = state.db.queued(Some(&[site.to_owned()])).await?;
    Ok(QueueSnapshot::new(
        site.to_owned(),
        entries(queued),
        staffing(state, site).await?,
    ))
}

/// Whether a handoff would reach a person now.
pub async fn availability(state: &AppState, site: &SiteConfig) -> Result<Availability, StoreError> {
    if site.hours.as_ref().is_some_and(|h| !h.is_open(Utc::now())) {
        return Ok(Availability::AfterHours);
    }
    Ok(if staffing(state, &site.id).await?.agents > 0 {
        Availability::Online
    } else {
        Availability::NoAgents
    })
}

/// A conversation as its shopper sees it now.
pub async fn status(
    state: &AppState,
    conversation: &Conversation,
) -> Result<ConversationStatus, StoreError> {
    let (position, estimated_wait_secs, no_agents) =
        if conversation.state == ConversationState::Queued {
            let snapshot = snapshot(state, &conversation.site).await?;
            let (position, estimate) = snapshot
                .place(&conversation.id)
                .map_or((None, None), |(p, e)| (Some(p), e));
            (position, estimate, snapshot.no_agents())
        } else {
            (None, None, false)
        };
    let agent_name = match &conversation.agent_id {
        Some(agent) if conversation.state == ConversationState::WithAgent => {
            state.db.agent_profile(agent).await?.map(|p| p.name)
        }
        _ => None,
    };
    Ok(ConversationStatus {
        id: conversation.id.clone(),
        state: conversation.state,
        position,
        estimated_wait_secs,
        agent_name,
        rating: conversation.rating.and_then(|r| u8::try_from(r).ok()),
        returned_to_assistant: conversation.resolution == Some(Resolution::ReturnedToAssistant),
        no_agents,
    })
}

/// Recomputes the queues of sites that changed, for this process's connections, until the
/// channel closes. Bursts of changes to one site cost one computation.
pub async fn watch(state: AppState, mut sites: mpsc::UnboundedReceiver<String>) {
    while let Some(first) = sites.recv().await {
        let mut changed = vec![first];
        while let Ok(more) = sites.try_recv() {
            changed.push(more);
        }
        changed.sort();
        changed.dedup();
        for site in changed {
            if !state.hub.follows_site(&site) {
                continue;
            }
            match snapshot(&state, &site).await {
                Ok(snapshot) => state.hub.deliver_queue(snapshot),
                Err(error) => tracing::error!(%error, site, "could not compute the queue"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_shows_its_start_in_the_queue() {
        assert_eq!(preview("Where is my parcel?"), "Where is my parcel?");
        let long = "ü".repeat(PREVIEW_CHARS + 1);
        let shown = preview(&long);
        assert_eq!(shown.chars().count(), PREVIEW_CHARS + 1);
        assert!(shown.ends_with("ü…"));
        assert_eq!(
            preview(&"ü".repeat(PREVIEW_CHARS)),
            "ü".repeat(PREVIEW_CHARS)
        );
    }
}
