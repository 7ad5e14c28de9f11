//! When each grant was last used, for the operator's `grants list`, recorded
//! without a write per MCP request: when tokens are issued for a grant, and
//! when a bearer check accepts one of its tokens, at most once per
//! [`EVERY`] per grant in this process.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use crate::store::{Store, now};

/// How often a grant's use is written, at most, per process. "Last used"
/// answers an operator's question (is anyone still using this connection?)
/// whose answer is in days or weeks: minutes are precise enough, and a write
/// per request would put a row update (SQLite's one writer; a dead PostgreSQL
/// row version each time) on the path of every tool call.
pub(crate) const EVERY: Duration = Duration::from_secs(5 * 60);
/// Grants remembered; one pushed out is written again at its next use.
const CAPACITY: usize = 100_000;

/// The throttle: when this process last recorded each grant's use.
pub(crate) struct Usage {
    store: Arc<dyn Store>,
    recorded: quick_cache::sync::Cache<String, Instant>,
}

impl Usage {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            recorded: quick_cache::sync::Cache::new(CAPACITY),
        }
    }

    /// A bearer check accepted a token of `grant_id`: record it unless this
    /// process did within [`EVERY`]. The write runs beside the request, which
    /// does not wait for it.
    pub fn seen(&self, grant_id: &str) {
        let now_here = Instant::now();
        if !due(self.recorded.get(grant_id), now_here) {
            return;
        }
        self.recorded.insert(grant_id.to_owned(), now_here);
        let store = self.store.clone();
        let grant_id = grant_id.to_owned();
        tokio::spawn(async move {
            if let Err(e) = store.grant_used(&grant_id, now()).await {
                tracing::warn!("recording when a grant was last used failed: {e:#}");
            }
        });
    }

    /// Tokens were issued for `grant_id` (a code redeemed, a refresh): record
    /// it now; the bearer checks of the next minutes need not.
    pub async fn issued(&self, grant_id: &str) {
        self.recorded.insert(grant_id.to_owned(), Instant::now());
        if let Err(e) = self.store.grant_used(grant_id, now()).await {
            tracing::warn!("recording when a grant was last used failed: {e:#}");
        }
    }
}

/// Whether a use at `now` is written, given when this process last wrote one.
fn due(last: Option<Instant>, now: Instant) -> bool {
    last.is_none_or(|at| now.saturating_duration_since(at) >= EVERY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_use_is_written_at_most_once_per_period() {
        let t0 = Instant::now();
        let second = Duration::from_secs(1);
        // (last written, now, written, rule)
        let cases = [
            (None, t0, true, "never written in this process: write"),
            (Some(t0), t0, false, "just written: not again"),
            (
                Some(t0),
                t0 + EVERY - second,
                false,
                "within the period: not again",
            ),
            (Some(t0), t0 + EVERY, true, "a period later: write"),
            (
                Some(t0 + second),
                t0,
                false,
                "a clock read out of order is not a period",
            ),
        ];
        for (last, now, written, rule) in cases {
            assert_eq!(due(last, now), written, "{rule}");
        }
    }
}
