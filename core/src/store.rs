//! The persistence boundary: a dumb, synchronous key/value store with prefix listing and atomic
//! batches. Hosts implement it (SQLite on disk, a Durable Object's SQLite); the core owns every
//! key and invariant stored in it.

use std::collections::BTreeMap;

use serde::{Serialize, de::DeserializeOwned};

use crate::error::{Code, Error, Result};

/// Keys and bytes. Implementations must make [`Store::commit`] all-or-nothing.
///
/// The trait is synchronous and has no `Send` bound on purpose: the Workers runtime is single
/// threaded and its futures are not `Send`.
pub trait Store {
    /// The value at `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;

    /// Every `(key, value)` whose key starts with `prefix`, in ascending key order.
    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>>;

    /// Applies every operation of `batch`, atomically.
    fn commit(&mut self, batch: Batch) -> Result<()>;
}

/// One write in a [`Batch`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Set `key` to the bytes.
    Put(String, Vec<u8>),
    /// Remove `key` (no error if absent).
    Delete(String),
}

/// Writes applied together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The operations, applied in order.
    pub ops: Vec<Op>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a put of raw bytes.
    pub fn put(&mut self, key: impl Into<String>, value: Vec<u8>) -> &mut Self {
        self.ops.push(Op::Put(key.into(), value));
        self
    }

    /// Adds a put of `value` serialized as JSON.
    pub fn put_json<T: Serialize + ?Sized>(
        &mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<&mut Self> {
        let bytes = serde_json::to_vec(value).map_err(|e| {
            Error::new(
                Code::StoreEncode,
                format!("Could not encode a stored value: {e}"),
            )
        })?;
        Ok(self.put(key, bytes))
    }

    /// Adds a delete.
    pub fn delete(&mut self, key: impl Into<String>) -> &mut Self {
        self.ops.push(Op::Delete(key.into()));
        self
    }

    /// Whether the batch has no operations.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// Reads `key` as JSON of type `T`; a stored value that does not decode is an internal error.
pub fn get_json<T: DeserializeOwned, S: Store + ?Sized>(store: &S, key: &str) -> Result<Option<T>> {
    store.get(key)?.map(|bytes| decode(key, &bytes)).transpose()
}

/// Lists `prefix` decoding each value as JSON of type `T`.
pub fn list_json<T: DeserializeOwned, S: Store + ?Sized>(
    store: &S,
    prefix: &str,
) -> Result<Vec<(String, T)>> {
    store
        .list(prefix)?
        .into_iter()
        .map(|(k, v)| decode(&k, &v).map(|t| (k, t)))
        .collect()
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::new(
            Code::StoreCorrupt,
            format!("Stored value at '{key}' is unreadable: {e}"),
        )
    })
}

/// An in-memory [`Store`], for tests and for hosts that keep nothing.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    map: BTreeMap<String, Vec<u8>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of keys held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.map.get(key).cloned())
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .map
            .range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }

    fn commit(&mut self, batch: Batch) -> Result<()> {
        for op in batch.ops {
            match op {
                Op::Put(k, v) => {
                    self.map.insert(k, v);
                }
                Op::Delete(k) => {
                    self.map.remove(&k);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_returns_only_the_prefix_in_order() {
        let mut s = MemoryStore::new();
        let mut b = Batch::new();
        b.put("draft/b", b"2".to_vec())
            .put("draft/a", b"1".to_vec())
            .put("drafts", b"x".to_vec())
            .put("artifact/z", b"3".to_vec());
        s.commit(b).unwrap();
        let keys: Vec<_> = s
            .list("draft/")
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, ["draft/a", "draft/b"]);
    }

    #[test]
    fn batches_apply_puts_and_deletes_in_order() {
        let mut s = MemoryStore::new();
        let mut b = Batch::new();
        b.put("k", b"1".to_vec())
            .delete("k")
            .put("j", b"2".to_vec());
        s.commit(b).unwrap();
        assert_eq!(s.get("k").unwrap(), None);
        assert_eq!(s.get("j").unwrap().as_deref(), Some(&b"2"[..]));
    }

    #[test]
    fn corrupt_json_is_an_internal_error_not_a_panic() {
        let mut s = MemoryStore::new();
        let mut b = Batch::new();
        b.put("x", b"{not json".to_vec());
        s.commit(b).unwrap();
        let err = get_json::<serde_json::Value, _>(&s, "x").unwrap_err();
        assert_eq!(err.status(), 500);
        assert_eq!(err.code, "STORE_CORRUPT");
    }
}
