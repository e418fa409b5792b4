//! The time every timestamp is stored in and every deadline compared by (offers, presence,
//! waits): this machine's clock, moved onto the database's. On PostgreSQL several processes,
//! perhaps on several machines, stamp and compare the same deadlines: one whose clock ran
//! 15 s slow took its agents for absent, one 60 s slow took them for gone. SQLite has one
//! process, and keeps its clock.

use std::{
    sync::atomic::{AtomicI64, Ordering},
    time::{SystemTime, UNIX_EPOCH},
};

use super::{Backend, Db, StoreError};

/// Milliseconds to add to this machine's clock to read the database's.
static OFFSET_MS: AtomicI64 = AtomicI64::new(0);

/// Milliseconds since the Unix epoch, on the database's clock: how every timestamp is stored.
pub fn now_ms() -> i64 {
    system_ms() + OFFSET_MS.load(Ordering::Relaxed)
}

fn system_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970");
    i64::try_from(since.as_millis()).expect("a timestamp fits 64 bits")
}

/// How far ahead of this machine's clock a clock is that read `read` between `before` and
/// `after` here: it was read, at best guess, halfway through the round trip.
fn offset(before: i64, read: i64, after: i64) -> i64 {
    read - (before + (after - before) / 2)
}

impl Db {
    /// Moves this process's clock onto the database's (PostgreSQL only): at start and every
    /// minute, as clocks drift.
    pub async fn sync_clock(&self) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        let before = system_ms();
        let read: i64 = sqlx::query_scalar(
            "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
        )
        .fetch_one(&self.pool)
        .await?;
        OFFSET_MS.store(offset(before, read, system_ms()), Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_clock_is_taken_as_read_halfway_through_the_round_trip() {
        assert_eq!(offset(1_000, 1_005, 1_010), 0, "the same clock");
        assert_eq!(
            offset(1_000, 16_005, 1_010),
            15_000,
            "15 s ahead of this one"
        );
        assert_eq!(offset(1_000, -58_995, 1_010), -60_000, "a minute behind");
    }
}
