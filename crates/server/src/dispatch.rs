//! The dispatcher: applies the routing rules to the database, again and again.
//!
//! Woken by `Dispatch` events (a shopper joined, an agent became free...) and at least once a
//! second, it expires overdue offers, returns the conversations of agents gone past their
//! grace period, takes shoppers long gone out of the queue, then asks `routing` for the
//! offers to make and makes them. With several processes on PostgreSQL only one dispatches
//! at a time (a transaction-scoped advisory lock, released even if the process dies); the
//! conditional updates would keep a conversation from being offered twice anyway, the lock
//! keeps one agent from getting two offers at once.

use std::{collections::BTreeSet, time::Duration};

use tandem_protocol::agent::Offer;

use crate::{
    app::AppState,
    assign,
    error::AppError,
    events::Event,
    metrics::Metrics,
    presence, queue,
    routing::{self, Agent, Pass},
    store::{Backend, now_ms},
};

/// Arbitrary key of the PostgreSQL advisory lock that elects the dispatching process.
const LOCK_KEY: i64 = 0x7a6e_6465_6d01;

/// Dispatches until the server shuts down.
pub async fn run(state: AppState) {
    loop {
        tokio::select! {
            () = state.hub.dispatch_requested() => {}
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            () = state.shutdown.cancelled() => return,
        }
        if let Err(error) = once(&state).await {
            tracing::error!(%error, "dispatch failed");
        }
    }
}

/// One round of dispatching.
pub async fn once(state: &AppState) -> Result<(), AppError> {
    let _local = state.dispatch_lock.lock().await;
    let _cluster = match state.db.backend() {
        Backend::Postgres => {
            let mut tx = state
                .db
                .pool()
                .begin()
                .await
                .map_err(crate::store::StoreError::from)?;
            let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
                .bind(LOCK_KEY)
                .fetch_one(&mut *tx)
                .await
                .map_err(crate::store::StoreError::from)?;
            if !locked {
                return Ok(());
            }
            Some(tx)
        }
        Backend::Sqlite => None,
    };
    let now = now_ms();
    let mut sites = BTreeSet::new();

    for (conversation, agent) in state.db.expire_offers(now).await? {
        Metrics::add(&state.metrics.offers_expired);
        assign::withdrawn(state, agent, conversation).await;
    }
    assign::release_vanished(state).await?;
    assign::abandon_waiting(state).await?;

    let queued = state.db.queued(None).await?;
    let mut agents: Vec<Agent> = Vec::new();
    for load in state
        .db
        .available_agents(presence::present_since(&state.config))
        .await?
    {
        match agents.last_mut() {
            Some(agent) if agent.id == load.id => agent.sites.push(load.site),
            _ => agents.push(Agent {
                id: load.id,
                sites: vec![load.site],
                capacity: u32::try_from(load.capacity).unwrap_or(0),
                active: u32::try_from(load.active).unwrap_or(u32::MAX),
                offers: u32::try_from(load.offers).unwrap_or(u32::MAX),
                idle_since: load.idle_since,
            }),
        }
    }
    let passes: Vec<Pass> = state
        .db
        .passes()
        .await?
        .into_iter()
        .map(|(conversation, agent, declined)| Pass {
            conversation,
            agent,
            declined,
        })
        .collect();
    let plan = routing::plan_offers(&queue::waiting(&queued), &agents, &passes);
    if plan.is_empty() {
        return Ok(());
    }
    let timeout_ms = i64::try_from(state.config.offer_timeout_secs * 1000).unwrap_or(i64::MAX);
    let entries = queue::entries(queued);
    for assignment in plan {
        let expires_at = now + timeout_ms;
        if !state
            .db
            .offer(&assignment.conversation, &assignment.agent, expires_at)
            .await?
        {
            continue;
        }
        let Some(entry) = entries.iter().find(|e| e.id == assignment.conversation) else {
            continue;
        };
        Metrics::add(&state.metrics.offers_made);
        sites.insert(entry.site.clone());
        let offer = Offer {
            conversation: entry.clone(),
            expires_at,
        };
        state
            .bus
            .publish(Event::Offer {
                agent: assignment.agent,
                offer,
            })
            .await;
    }
    for site in sites {
        state.bus.publish(Event::Queue { site }).await;
    }
    Ok(())
}
