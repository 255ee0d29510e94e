//! Token usage kept in memory between flushes, so that authenticating a request never costs a
//! store write. [`crate::token::flush_usage`] folds it into the stored token records.

use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

use crate::timestamp::Timestamp;

#[derive(Debug, Default)]
struct Counter {
    count: AtomicU64,
    last_used: AtomicI64,
}

/// Uses of each token since the last flush. Recording takes a shared lock and two atomic
/// updates; only the first use of a token since a flush takes the exclusive lock.
#[derive(Debug, Default)]
pub struct Usage {
    counters: RwLock<HashMap<String, Counter>>,
}

/// Uses of one token not yet written to the store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    /// The token's id.
    pub token_id: String,
    /// Uses since the last flush.
    pub count: u64,
    /// The latest use.
    pub last_used: Timestamp,
}

impl Usage {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Notes one use of `token_id` at `at`.
    pub fn record(&self, token_id: &str, at: Timestamp) {
        // A poisoned lock only means another thread panicked mid-update of plain counters;
        // the map is still coherent, so keep counting.
        {
            let map = self.counters.read().unwrap_or_else(|e| e.into_inner());
            if let Some(c) = map.get(token_id) {
                c.count.fetch_add(1, Ordering::Relaxed);
                c.last_used.fetch_max(at.0, Ordering::Relaxed);
                return;
            }
        }
        let mut map = self.counters.write().unwrap_or_else(|e| e.into_inner());
        let c = map.entry(token_id.to_owned()).or_default();
        c.count.fetch_add(1, Ordering::Relaxed);
        c.last_used.fetch_max(at.0, Ordering::Relaxed);
    }

    /// Uses of `token_id` not yet flushed.
    pub fn pending(&self, token_id: &str) -> Option<Pending> {
        let map = self.counters.read().unwrap_or_else(|e| e.into_inner());
        map.get(token_id).map(|c| Pending {
            token_id: token_id.to_owned(),
            count: c.count.load(Ordering::Relaxed),
            last_used: Timestamp(c.last_used.load(Ordering::Relaxed)),
        })
    }

    /// Whether any use awaits a flush.
    pub fn is_empty(&self) -> bool {
        self.counters
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_empty()
    }

    /// Removes and returns every pending use.
    pub fn take(&self) -> Vec<Pending> {
        let map = std::mem::take(&mut *self.counters.write().unwrap_or_else(|e| e.into_inner()));
        map.into_iter()
            .map(|(token_id, c)| Pending {
                token_id,
                count: c.count.into_inner(),
                last_used: Timestamp(c.last_used.into_inner()),
            })
            .collect()
    }

    /// Puts back uses that could not be written, so they are not lost.
    pub fn restore(&self, pending: Vec<Pending>) {
        let mut map = self.counters.write().unwrap_or_else(|e| e.into_inner());
        for p in pending {
            let c = map.entry(p.token_id).or_default();
            c.count.fetch_add(p.count, Ordering::Relaxed);
            c.last_used.fetch_max(p.last_used.0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_uses_and_keeps_the_latest_time() {
        let u = Usage::new();
        u.record("t1", Timestamp(10));
        u.record("t1", Timestamp(30));
        u.record("t1", Timestamp(20));
        u.record("t2", Timestamp(5));
        let p = u.pending("t1").unwrap();
        assert_eq!((p.count, p.last_used), (3, Timestamp(30)));
        let mut all = u.take();
        all.sort_by(|a, b| a.token_id.cmp(&b.token_id));
        assert_eq!(all.len(), 2);
        assert!(u.is_empty());
        u.restore(all);
        assert_eq!(u.pending("t2").unwrap().count, 1);
    }
}
