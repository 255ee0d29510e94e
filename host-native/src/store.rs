//! The SQLite store: one `kv(key, value)` table in WAL mode.
//!
//! Reads never wait for writes: read-only requests borrow a connection from a small pool and
//! see one consistent snapshot. Every writing request runs on the single writer connection
//! inside one `BEGIN IMMEDIATE` transaction, so its read-modify-write is atomic against other
//! requests and against other processes (the CLI) using the same file.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use mcp_orchestration_core::store::Op;
use mcp_orchestration_core::{Batch, Code, Error, Result, Store};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// How long a connection waits for another writer (e.g. the CLI) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle read connections kept open for reuse.
const IDLE_READERS: usize = 8;

/// The database file, its writer connection and a pool of reader connections.
#[derive(Debug)]
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Db {
    /// Opens (creating if needed) the store at `path`, in WAL mode with the `kv` table.
    pub fn open(path: &Path) -> Result<Self> {
        let writer = Connection::open(path).map_err(|e| open_error(path, &e))?;
        writer
            .busy_timeout(BUSY_TIMEOUT)
            .and_then(|()| writer.pragma_update(None, "journal_mode", "WAL"))
            // In WAL mode NORMAL never corrupts the database; a power cut can lose only the
            // last commits, and a commit no longer waits for an fsync.
            .and_then(|()| writer.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|()| {
                writer.execute_batch(
                    "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
                )
            })
            .map_err(|e| open_error(path, &e))?;
        Ok(Self {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` over a read-only snapshot of the store. Writes through it fail.
    pub fn read<T>(&self, f: impl FnOnce(&mut ReadView<'_>) -> T) -> Result<T> {
        let conn = match lock(&self.readers).pop() {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        let out = {
            // A deferred transaction pins one snapshot for every read of the request.
            let tx = conn.unchecked_transaction().map_err(|e| sql_error(&e))?;
            let out = f(&mut ReadView { conn: &tx });
            tx.rollback().map_err(|e| sql_error(&e))?;
            out
        };
        let mut idle = lock(&self.readers);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
        Ok(out)
    }

    /// Runs `f` inside one immediate transaction on the writer connection and commits it.
    ///
    /// Writers are serialized: within this process by a mutex, across processes by SQLite's
    /// write lock (waiting up to the busy timeout).
    pub fn write<T>(&self, f: impl FnOnce(&mut WriteTxn<'_>) -> T) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&e))?;
        let mut txn = WriteTxn { tx };
        let out = f(&mut txn);
        txn.tx.commit().map_err(|e| sql_error(&e))?;
        Ok(out)
    }

    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open(&self.path).map_err(|e| open_error(&self.path, &e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .and_then(|()| conn.pragma_update(None, "query_only", true))
            .map_err(|e| open_error(&self.path, &e))?;
        Ok(conn)
    }
}

/// The store as a read-only request sees it.
#[derive(Debug)]
pub struct ReadView<'c> {
    conn: &'c Connection,
}

impl Store for ReadView<'_> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        get(self.conn, key)
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        list(self.conn, prefix)
    }

    fn commit(&mut self, _batch: Batch) -> Result<()> {
        Err(Error::new(
            Code::StoreReadOnly,
            "A read-only request tried to write to the store",
        ))
    }
}

/// The store as a writing request sees it: one open immediate transaction.
#[derive(Debug)]
pub struct WriteTxn<'c> {
    tx: rusqlite::Transaction<'c>,
}

impl Store for WriteTxn<'_> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        get(&self.tx, key)
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        list(&self.tx, prefix)
    }

    fn commit(&mut self, batch: Batch) -> Result<()> {
        // A savepoint makes the batch all-or-nothing even inside the request's transaction:
        // dropping it uncommitted rolls back to where the batch began.
        let sp = self.tx.savepoint().map_err(|e| sql_error(&e))?;
        for op in batch.ops {
            match op {
                Op::Put(key, value) => sp.execute(
                    "INSERT INTO kv (key, value) VALUES (?1, ?2) \
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![key, value],
                ),
                Op::Delete(key) => sp.execute("DELETE FROM kv WHERE key = ?1", params![key]),
            }
            .map_err(|e| sql_error(&e))?;
        }
        sp.commit().map_err(|e| sql_error(&e))
    }
}

fn get(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT value FROM kv WHERE key = ?1")
        .and_then(|mut stmt| stmt.query_row([key], |row| row.get(0)).optional())
        .map_err(|e| sql_error(&e))
}

fn list(conn: &Connection, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
    let read = |mut stmt: rusqlite::CachedStatement<'_>, args: &[&dyn rusqlite::ToSql]| {
        stmt.query_map(args, |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()
    };
    match upper_bound(prefix) {
        Some(end) => conn
            .prepare_cached("SELECT key, value FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key")
            .and_then(|stmt| read(stmt, &[&prefix, &TextBytes(&end)])),
        None => conn
            .prepare_cached("SELECT key, value FROM kv WHERE key >= ?1 ORDER BY key")
            .and_then(|stmt| read(stmt, &[&prefix])),
    }
    .map_err(|e| sql_error(&e))
}

/// The smallest byte string above every string that starts with `prefix`, if there is one.
fn upper_bound(prefix: &str) -> Option<Vec<u8>> {
    let mut end = prefix.as_bytes().to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// Bytes bound as TEXT (SQLite compares TEXT bytewise; a BLOB would sort above every TEXT).
/// The bound may not be valid UTF-8, so it cannot go through `&str`.
struct TextBytes<'a>(&'a [u8]);

impl rusqlite::ToSql for TextBytes<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Text(self.0)))
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves the connection usable: an open transaction was
    // rolled back when it was dropped during unwinding.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn open_error(path: &Path, e: &rusqlite::Error) -> Error {
    Error::new(
        Code::StoreOpen,
        format!("Could not open the store at {}: {e}", path.display()),
    )
}

fn sql_error(e: &rusqlite::Error) -> Error {
    Error::new(Code::StoreIo, format!("The SQLite store failed: {e}"))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mcp_orchestration_core::MemoryStore;
    use proptest::prelude::*;

    use super::*;

    fn open() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("store.db")).unwrap();
        (dir, db)
    }

    fn put(db: &Db, pairs: &[(&str, &str)]) {
        let mut b = Batch::new();
        for (k, v) in pairs {
            b.put(*k, v.as_bytes().to_vec());
        }
        db.write(|s| s.commit(b)).unwrap().unwrap();
    }

    fn keys(db: &Db, prefix: &str) -> Vec<String> {
        db.read(|s| s.list(prefix))
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn list_returns_exactly_the_prefix_in_key_order() {
        let (_dir, db) = open();
        put(
            &db,
            &[
                ("draft/b", "2"),
                ("draft/a", "1"),
                ("drafts", "x"),
                ("draft", "y"),
                ("artifact/z", "3"),
            ],
        );
        assert_eq!(keys(&db, "draft/"), ["draft/a", "draft/b"]);
        assert_eq!(
            keys(&db, "draft"),
            ["draft", "draft/a", "draft/b", "drafts"]
        );
        assert_eq!(
            keys(&db, ""),
            ["artifact/z", "draft", "draft/a", "draft/b", "drafts"]
        );
        assert!(keys(&db, "nothing/").is_empty());
    }

    #[test]
    fn values_round_trip_and_deletes_remove() {
        let (_dir, db) = open();
        put(&db, &[("k", "old")]);
        put(&db, &[("k", "new")]);
        assert_eq!(
            db.read(|s| s.get("k")).unwrap().unwrap().as_deref(),
            Some(&b"new"[..])
        );
        let mut b = Batch::new();
        b.delete("k").delete("never-there");
        db.write(|s| s.commit(b)).unwrap().unwrap();
        assert_eq!(db.read(|s| s.get("k")).unwrap().unwrap(), None);
    }

    #[test]
    fn a_failing_batch_leaves_nothing_behind() {
        let (_dir, db) = open();
        db.write(|s| {
            s.tx.execute_batch(
                "CREATE TRIGGER refuse BEFORE INSERT ON kv WHEN NEW.key = 'bad' \
                 BEGIN SELECT RAISE(ABORT, 'refused'); END",
            )
            .unwrap();
        })
        .unwrap();
        let mut b = Batch::new();
        b.put("first", b"1".to_vec()).put("bad", b"2".to_vec());
        let err = db.write(|s| s.commit(b)).unwrap().unwrap_err();
        assert_eq!(err.code, "STORE_IO");
        assert_eq!(db.read(|s| s.get("first")).unwrap().unwrap(), None);
    }

    #[test]
    fn a_read_view_refuses_writes() {
        let (_dir, db) = open();
        let mut b = Batch::new();
        b.put("k", b"v".to_vec());
        let err = db.read(|s| s.commit(b)).unwrap().unwrap_err();
        assert_eq!((err.status(), err.code.as_str()), (500, "STORE_READ_ONLY"));
        assert_eq!(db.read(|s| s.get("k")).unwrap().unwrap(), None);
    }

    #[test]
    fn concurrent_read_modify_writes_all_land() {
        let (_dir, db) = open();
        let db = Arc::new(db);
        let threads: Vec<_> = (0..16)
            .map(|_| {
                let db = Arc::clone(&db);
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        db.write(|s| {
                            let n: u64 = s
                                .get("counter")
                                .unwrap()
                                .map_or(0, |v| String::from_utf8(v).unwrap().parse().unwrap());
                            let mut b = Batch::new();
                            b.put("counter", (n + 1).to_string().into_bytes());
                            s.commit(b).unwrap();
                        })
                        .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            db.read(|s| s.get("counter")).unwrap().unwrap().as_deref(),
            Some(&b"160"[..])
        );
    }

    #[test]
    fn writers_on_two_connections_to_one_file_serialize() {
        // A second `Db` on the same file stands in for the CLI running beside the server.
        let (dir, db) = open();
        let other = Db::open(&dir.path().join("store.db")).unwrap();
        let (db, other) = (Arc::new(db), Arc::new(other));
        let bump = |db: Arc<Db>| {
            std::thread::spawn(move || {
                for _ in 0..25 {
                    db.write(|s| {
                        let n: u64 = s.get("n").unwrap().map_or(0, |v| v[0].into());
                        let mut b = Batch::new();
                        b.put("n", vec![u8::try_from(n + 1).unwrap()]);
                        s.commit(b).unwrap();
                    })
                    .unwrap();
                }
            })
        };
        let (a, b) = (bump(Arc::clone(&db)), bump(Arc::clone(&other)));
        a.join().unwrap();
        b.join().unwrap();
        assert_eq!(db.read(|s| s.get("n")).unwrap().unwrap(), Some(vec![50]));
    }

    #[test]
    fn readers_see_committed_writes_only() {
        let (_dir, db) = open();
        put(&db, &[("k", "1")]);
        db.write(|w| {
            let mut b = Batch::new();
            b.put("k", b"2".to_vec());
            w.commit(b).unwrap();
            // Not committed yet: a reader still sees the old value, without waiting.
            assert_eq!(
                db.read(|s| s.get("k")).unwrap().unwrap().as_deref(),
                Some(&b"1"[..])
            );
        })
        .unwrap();
        assert_eq!(
            db.read(|s| s.get("k")).unwrap().unwrap().as_deref(),
            Some(&b"2"[..])
        );
    }

    #[test]
    fn the_store_survives_reopening() {
        let (dir, db) = open();
        put(&db, &[("k", "v")]);
        drop(db);
        let db = Db::open(&dir.path().join("store.db")).unwrap();
        assert_eq!(keys(&db, ""), ["k"]);
    }

    #[test]
    fn an_unopenable_path_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Db::open(&dir.path().join("missing/dir/store.db")).unwrap_err();
        assert_eq!(err.code, "STORE_OPEN");
        assert!(
            err.detail.contains("missing/dir/store.db"),
            "{}",
            err.detail
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn list_agrees_with_the_in_memory_store(
            keys in proptest::collection::vec("[a-c/é\u{10FFFF}]{0,4}", 0..12),
            prefix in "[a-c/é\u{10FFFF}]{0,3}",
        ) {
            let (_dir, db) = open();
            let mut mem = MemoryStore::new();
            let mut b = Batch::new();
            for (i, k) in keys.iter().enumerate() {
                b.put(k.clone(), i.to_le_bytes().to_vec());
            }
            mem.commit(b.clone()).unwrap();
            db.write(|s| s.commit(b)).unwrap().unwrap();
            prop_assert_eq!(db.read(|s| s.list(&prefix)).unwrap().unwrap(), mem.list(&prefix).unwrap());
        }
    }
}
