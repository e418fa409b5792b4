//! Presence: every heartbeat each process records, for the agents and the shoppers' widgets
//! connected to it, that they are still there. Routing offers work only to agents seen
//! within three heartbeats ([`present_since`]); agents unseen for the grace period lose
//! their conversations to the queue and are marked offline ([`vanished_before`], applied by
//! `assign::release_vanished`); waiting shoppers unseen for `queue_abandon_secs` leave the
//! queue ([`abandoned_before`], applied by `assign::abandon_waiting`).
//!
//! The heartbeat follows the grace period (a quarter of it, at most five seconds), so a
//! short grace period, as in tests, never mistakes a connected agent for a vanished one.

use std::time::Duration;

use crate::{app::AppState, config::Config, store::now_ms};

/// How often this process's clock is moved onto the database's again (see `store::now_ms`).
const CLOCK_SYNC: Duration = Duration::from_secs(60);

/// How often connected agents are marked present.
pub fn heartbeat(config: &Config) -> Duration {
    (Duration::from_secs(config.agent_grace_secs) / 4)
        .clamp(Duration::from_millis(100), Duration::from_secs(5))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Agents seen after this instant (Unix milliseconds) count as present.
pub fn present_since(config: &Config) -> i64 {
    now_ms() - 3 * millis(heartbeat(config))
}

/// Agents not seen since this instant have vanished.
pub fn vanished_before(config: &Config) -> i64 {
    now_ms() - millis(Duration::from_secs(config.agent_grace_secs))
}

/// Waiting shoppers whose widget was not connected since this instant are gone.
pub fn abandoned_before(config: &Config) -> i64 {
    now_ms() - millis(Duration::from_secs(config.queue_abandon_secs))
}

/// Marks this process's connected agents and shoppers present until the server shuts down.
pub async fn run(state: AppState) {
    let period = heartbeat(&state.config);
    let mut clock_synced = std::time::Instant::now();
    loop {
        if clock_synced.elapsed() >= CLOCK_SYNC {
            clock_synced = std::time::Instant::now();
            if let Err(error) = state.db.sync_clock().await {
                tracing::warn!(%error, "could not read the database's clock");
            }
        }
        let agents = state.hub.connected_agents();
        if !agents.is_empty()
            && let Err(error) = state.db.touch_agents(&agents).await
        {
            tracing::error!(%error, "could not record agents' presence");
        }
        let shoppers = state.hub.connected_conversations();
        if !shoppers.is_empty()
            && let Err(error) = state.db.touch_shoppers(&shoppers).await
        {
            tracing::error!(%error, "could not record shoppers' presence");
        }
        tokio::select! {
            () = tokio::time::sleep(period) => {}
            () = state.shutdown.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heartbeat_follows_the_grace_period_within_bounds() {
        let mut config = Config::default_demo();
        assert_eq!(heartbeat(&config), Duration::from_secs(5), "60 s grace");
        config.agent_grace_secs = 2;
        assert_eq!(heartbeat(&config), Duration::from_millis(500));
        assert!(
            now_ms() - present_since(&config) < 2000,
            "presence is shorter than grace"
        );
        config.agent_grace_secs = 0;
        assert_eq!(heartbeat(&config), Duration::from_millis(100));
    }
}
