//! Rate limits: a token bucket per key (a client address, a conversation), in memory.
//!
//! Each process limits on its own; with several processes behind a load balancer a client may
//! get up to that many times the rate, which still stops floods. Buckets that have refilled
//! are forgotten, so memory follows the number of recently active keys.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// A limit of `rate` per `per`, with a burst of `rate`.
pub struct RateLimiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<Buckets>,
}

/// The buckets, and the size at which full ones are next swept out (doubling with the
/// number of active keys, so sweeping stays a small share of the work).
struct Buckets {
    by_key: HashMap<String, (f64, Instant)>,
    sweep_at: usize,
}

/// The fewest buckets worth sweeping.
const SWEEP_MIN: usize = 10_000;

impl RateLimiter {
    pub fn new(rate: u32, per: Duration) -> RateLimiter {
        RateLimiter {
            capacity: f64::from(rate),
            per_second: f64::from(rate) / per.as_secs_f64(),
            buckets: Mutex::new(Buckets {
                by_key: HashMap::new(),
                sweep_at: SWEEP_MIN,
            }),
        }
    }

    /// Takes one token for `key`, or says how long until one is available.
    pub fn check(&self, key: &str) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().expect("rate limiter lock");
        if buckets.by_key.len() > buckets.sweep_at {
            let (capacity, per_second) = (self.capacity, self.per_second);
            buckets.by_key.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * per_second < capacity
            });
            buckets.sweep_at = (2 * buckets.by_key.len()).max(SWEEP_MIN);
        }
        let (tokens, at) = buckets
            .by_key
            .entry(key.to_owned())
            .or_insert((self.capacity, now));
        *tokens =
            (*tokens + now.duration_since(*at).as_secs_f64() * self.per_second).min(self.capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / self.per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refilled_buckets_are_swept_out() {
        let limiter = RateLimiter::new(1, Duration::from_millis(1));
        let start = Instant::now();
        for i in 0..=SWEEP_MIN {
            limiter.check_at(&i.to_string(), start).unwrap();
        }
        limiter
            .check_at("late", start + Duration::from_secs(1))
            .unwrap();
        assert_eq!(limiter.buckets.lock().unwrap().by_key.len(), 1);
    }

    #[test]
    fn a_burst_then_the_sustained_rate() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("a", start).is_ok());
        }
        let wait = limiter.check_at("a", start).unwrap_err();
        assert!((19..=20).contains(&wait.as_secs()), "{wait:?}");
        assert!(limiter.check_at("b", start).is_ok(), "keys are separate");
        assert!(
            limiter
                .check_at("a", start + Duration::from_secs(20))
                .is_ok()
        );
        assert!(
            limiter
                .check_at("a", start + Duration::from_secs(21))
                .is_err()
        );
    }
}
