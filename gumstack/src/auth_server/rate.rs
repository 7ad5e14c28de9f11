//! A token-bucket rate limit per key, in memory: the credentials form's
//! `validate` hook tries a key at the provider, so unbounded it would let anyone
//! test stolen API keys at speed through this server.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

const KEYS: usize = 10_000;

/// `burst` attempts at once, then one every `every`.
pub(crate) struct Limiter {
    burst: u32,
    every: Duration,
    buckets: quick_cache::sync::Cache<String, Arc<Mutex<Bucket>>>,
}

struct Bucket {
    /// Attempts left, as of `at`.
    left: f64,
    at: Instant,
}

impl Limiter {
    pub fn new(burst: u32, every: Duration) -> Self {
        Self {
            burst,
            every,
            buckets: quick_cache::sync::Cache::new(KEYS),
        }
    }

    /// Take one attempt for `key` now, or say how long until the next is allowed.
    pub fn take(&self, key: &str) -> Result<(), Duration> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let bucket = match self.buckets.get(key) {
            Some(bucket) => bucket,
            None => {
                let fresh = Arc::new(Mutex::new(Bucket {
                    left: f64::from(self.burst),
                    at: now,
                }));
                self.buckets.insert(key.to_owned(), fresh.clone());
                fresh
            }
        };
        let mut bucket = bucket.lock().expect("rate bucket");
        let refilled =
            now.saturating_duration_since(bucket.at).as_secs_f64() / self.every.as_secs_f64();
        bucket.left = (bucket.left + refilled).min(f64::from(self.burst));
        bucket.at = now;
        if bucket.left >= 1.0 {
            bucket.left -= 1.0;
            Ok(())
        } else {
            Err(self.every.mul_f64(1.0 - bucket.left))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_interval_per_key() {
        let limiter = Limiter::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take_at("a", t0).is_ok());
        }
        let wait = limiter.take_at("a", t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(10));
        // Another key has its own bucket.
        assert!(limiter.take_at("b", t0).is_ok());
        // One interval later, one more attempt.
        let t1 = t0 + Duration::from_secs(10);
        assert!(limiter.take_at("a", t1).is_ok());
        assert!(limiter.take_at("a", t1).is_err());
        // A long pause refills to the burst, no more.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert!(limiter.take_at("a", t2).is_ok());
        }
        assert!(limiter.take_at("a", t2).is_err());
    }
}
