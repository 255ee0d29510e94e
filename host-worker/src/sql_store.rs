//! The core [`Store`] over a Durable Object's SQLite storage.
//!
//! One table, `kv(key TEXT PRIMARY KEY, value BLOB)`. SQLite compares `TEXT` with the `BINARY`
//! collation (byte order of the UTF-8), which is Rust's `str` order, so `list` returns keys in the
//! same order as [`MemoryStore`](mcp_orchestration_core::MemoryStore).
//!
//! Atomicity: a batch runs inside `storage.transactionSync(callback)`, which commits when the
//! callback returns and rolls every write back when it throws. workers-rs 0.8.7 does not expose
//! `transactionSync`, so it is bound here with `wasm-bindgen`. (Relying on the runtime's automatic
//! coalescing of writes made without an intervening `await` would make them durable together,
//! but would not undo the first writes of a batch whose third write fails.)

use mcp_orchestration_core::store::{Batch, Op, Store};
use mcp_orchestration_core::{Code, Error, Result};
use wasm_bindgen::prelude::{Closure, wasm_bindgen};
use wasm_bindgen::{JsCast, JsValue};
use worker::{SqlStorage, SqlStorageValue, State};

#[wasm_bindgen]
extern "C" {
    /// The object's `DurableObjectStorage`, seen only for the method workers-rs does not bind.
    type TransactionalStorage;

    /// `storage.transactionSync(callback)`: runs `callback` in a SQLite transaction.
    #[wasm_bindgen(method, catch, js_name = transactionSync)]
    fn transaction_sync(
        this: &TransactionalStorage,
        callback: &JsValue,
    ) -> std::result::Result<JsValue, JsValue>;
}

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)";

/// The Durable Object's SQLite database as a core [`Store`].
pub(crate) struct SqlStore {
    /// The open database, or why it could not be opened: every operation then fails with that
    /// error, so the core answers it like any store failure (JSON body, CORS headers).
    db: Result<Db>,
}

struct Db {
    storage: TransactionalStorage,
    sql: SqlStorage,
}

impl SqlStore {
    /// Opens the store of the object with `state`, creating its table on first use.
    pub(crate) fn open(state: &State) -> Self {
        let db = state
            .as_raw()
            .storage()
            .map_err(|e| failed(Code::StoreOpen, "be opened", &e))
            .and_then(|storage| {
                let sql = state.storage().sql();
                sql.exec(SCHEMA, None)
                    .map_err(|e| failed(Code::StoreOpen, "create its kv table", &e))?;
                Ok(Db {
                    storage: storage.unchecked_into(),
                    sql,
                })
            });
        Self { db }
    }

    fn db(&self) -> Result<&Db> {
        self.db.as_ref().map_err(Clone::clone)
    }
}

/// An internal error naming the storage step that failed and the runtime's reason.
fn failed(code: Code, step: &str, reason: &dyn std::fmt::Debug) -> Error {
    Error::new(
        code,
        format!("The Durable Object storage could not {step}: {reason:?}"),
    )
}

/// A `BLOB` column as bytes; SQLite hands back text for values written as text by other tools.
fn bytes_of(value: SqlStorageValue) -> Option<Vec<u8>> {
    match value {
        SqlStorageValue::Blob(bytes) => Some(bytes),
        SqlStorageValue::String(text) => Some(text.into_bytes()),
        _ => None,
    }
}

impl Store for SqlStore {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let cursor = self
            .db()?
            .sql
            .exec("SELECT value FROM kv WHERE key = ?", vec![key.into()])
            .map_err(|e| failed(Code::StoreRead, &format!("read the key '{key}'"), &e))?;
        let Some(row) = cursor.raw().next() else {
            return Ok(None);
        };
        let row = row.map_err(|e| failed(Code::StoreRead, &format!("read the key '{key}'"), &e))?;
        let value = row.into_iter().next().and_then(bytes_of);
        value.map(Some).ok_or_else(|| {
            Error::new(
                Code::StoreCorrupt,
                format!("Stored value at '{key}' is not bytes"),
            )
        })
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        // The cursor is lazy: reading stops at the first key past the prefix.
        let cursor = self
            .db()?
            .sql
            .exec(
                "SELECT key, value FROM kv WHERE key >= ? ORDER BY key",
                vec![prefix.into()],
            )
            .map_err(|e| {
                failed(
                    Code::StoreRead,
                    &format!("list the keys under '{prefix}'"),
                    &e,
                )
            })?;
        let mut out = Vec::new();
        for row in cursor.raw() {
            let row = row.map_err(|e| {
                failed(
                    Code::StoreRead,
                    &format!("list the keys under '{prefix}'"),
                    &e,
                )
            })?;
            let mut columns = row.into_iter();
            let (Some(SqlStorageValue::String(key)), Some(value)) =
                (columns.next(), columns.next())
            else {
                return Err(Error::new(
                    Code::StoreCorrupt,
                    format!("A stored row under '{prefix}' is malformed"),
                ));
            };
            if !key.starts_with(prefix) {
                break;
            }
            let value = bytes_of(value).ok_or_else(|| {
                Error::new(
                    Code::StoreCorrupt,
                    format!("Stored value at '{key}' is not bytes"),
                )
            })?;
            out.push((key, value));
        }
        Ok(out)
    }

    fn commit(&mut self, batch: Batch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let db = self.db()?;
        let sql = db.sql.clone();
        let apply = Closure::once_into_js(move || -> std::result::Result<JsValue, JsValue> {
            for op in batch.ops {
                let done = match op {
                    Op::Put(key, value) => sql.exec(
                        "INSERT INTO kv (key, value) VALUES (?, ?) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        vec![key.into(), value.into()],
                    ),
                    Op::Delete(key) => sql.exec("DELETE FROM kv WHERE key = ?", vec![key.into()]),
                };
                // Throwing makes transactionSync roll back every write of the batch.
                done.map_err(|e| JsValue::from_str(&e.to_string()))?;
            }
            Ok(JsValue::UNDEFINED)
        });
        db.storage
            .transaction_sync(&apply)
            .map(drop)
            .map_err(|e| failed(Code::StoreWrite, "commit a batch (nothing was written)", &e))
    }
}
