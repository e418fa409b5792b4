//! `/metrics` in the Prometheus text format.
//!
//! Counters and the wait-time histogram live in this process ([`Metrics`]); queue depth and
//! agents available are read from the database at scrape time, so they are right however
//! many processes share it.

use std::{
    fmt::Write,
    sync::atomic::{AtomicU64, Ordering},
};

/// Upper bounds, in seconds, of the wait-time histogram's buckets.
const WAIT_BUCKETS: [u64; 9] = [5, 15, 30, 60, 120, 300, 600, 1800, 3600];

/// This process's counters.
#[derive(Default)]
pub struct Metrics {
    pub conversations_created: AtomicU64,
    pub messages: AtomicU64,
    pub offers_made: AtomicU64,
    pub offers_expired: AtomicU64,
    pub offline_messages: AtomicU64,
    wait_buckets: [AtomicU64; WAIT_BUCKETS.len()],
    wait_count: AtomicU64,
    wait_sum_ms: AtomicU64,
}

impl Metrics {
    /// Counts one.
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records how long a shopper waited for an agent.
    pub fn observe_wait(&self, wait_ms: i64) {
        let wait_ms = u64::try_from(wait_ms).unwrap_or(0);
        for (bucket, bound) in self.wait_buckets.iter().zip(WAIT_BUCKETS) {
            if wait_ms <= bound * 1000 {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.wait_count.fetch_add(1, Ordering::Relaxed);
        self.wait_sum_ms.fetch_add(wait_ms, Ordering::Relaxed);
    }

    /// The exposition text, with the database-derived gauges passed in.
    pub fn render(
        &self,
        queue_depth: &[(String, i64)],
        agents_available: &[(String, i64)],
        open_connections: i64,
    ) -> String {
        let mut out = String::new();
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        gauge_by_site(
            &mut out,
            "tandem_queue_depth",
            "Conversations waiting for an agent.",
            queue_depth,
        );
        gauge_by_site(
            &mut out,
            "tandem_agents_available",
            "Agents available and connected.",
            agents_available,
        );
        let _ = writeln!(
            out,
            "# HELP tandem_open_connections Live connections to this process."
        );
        let _ = writeln!(
            out,
            "# TYPE tandem_open_connections gauge\ntandem_open_connections {open_connections}"
        );
        for (name, help, value) in [
            (
                "tandem_conversations_created_total",
                "Conversations handed over to the queue.",
                get(&self.conversations_created),
            ),
            (
                "tandem_messages_total",
                "Messages stored.",
                get(&self.messages),
            ),
            (
                "tandem_offers_made_total",
                "Offers made to agents.",
                get(&self.offers_made),
            ),
            (
                "tandem_offers_expired_total",
                "Offers that expired unanswered.",
                get(&self.offers_expired),
            ),
            (
                "tandem_offline_messages_total",
                "Messages left while no one was available.",
                get(&self.offline_messages),
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP tandem_wait_seconds Time from joining the queue to an agent taking the conversation."
        );
        let _ = writeln!(out, "# TYPE tandem_wait_seconds histogram");
        for (bucket, bound) in self.wait_buckets.iter().zip(WAIT_BUCKETS) {
            let _ = writeln!(
                out,
                "tandem_wait_seconds_bucket{{le=\"{bound}\"}} {}",
                get(bucket)
            );
        }
        let count = get(&self.wait_count);
        let _ = writeln!(out, "tandem_wait_seconds_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "tandem_wait_seconds_sum {}",
            get(&self.wait_sum_ms) as f64 / 1000.0
        );
        let _ = writeln!(out, "tandem_wait_seconds_count {count}");
        out
    }
}

fn gauge_by_site(out: &mut String, name: &str, help: &str, values: &[(String, i64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
    for (site, value) in values {
        let _ = writeln!(out, "{name}{{site=\"{site}\"}} {value}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative() {
        let metrics = Metrics::default();
        metrics.observe_wait(3_000);
        metrics.observe_wait(45_000);
        Metrics::add(&metrics.messages);
        let text = metrics.render(&[("acme".into(), 2)], &[("acme".into(), 1)], 7);
        assert!(
            text.contains("tandem_wait_seconds_bucket{le=\"5\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("tandem_wait_seconds_bucket{le=\"60\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("tandem_wait_seconds_bucket{le=\"+Inf\"} 2"),
            "{text}"
        );
        assert!(text.contains("tandem_wait_seconds_sum 48"), "{text}");
        assert!(
            text.contains("tandem_queue_depth{site=\"acme\"} 2"),
            "{text}"
        );
        assert!(text.contains("tandem_messages_total 1"), "{text}");
        assert!(text.contains("tandem_open_connections 7"), "{text}");
    }
}
