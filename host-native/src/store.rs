//! The SQLite store: one `kv(key, value)` table in WAL mode.
//!
//! Reads never wait for writes: each thread reads on a connection of its own (no lock taken)
//! and sees one consistent snapshot per read. Writes run on the single writer connection inside
//! `BEGIN IMMEDIATE` transactions, so a read-modify-write is atomic against other requests and
//! against other processes (the CLI) using the same file; [`Db::write_each`] runs several
//! writes in one transaction (group commit), each in a savepoint of its own.

use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use mcp_orchestration_core::store::Op;
use mcp_orchestration_core::{Batch, Code, Error, Result, Store};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use thread_local::ThreadLocal;

/// How long a connection waits for another writer (e.g. the CLI) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The database file, its writer connection and one reader connection per thread that reads.
#[derive(Debug)]
pub struct Db {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: ThreadLocal<RefCell<Connection>>,
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
            readers: ThreadLocal::new(),
        })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` over a read-only snapshot of the store, on this thread's reader connection.
    /// Writes through it fail. The snapshot is taken at `f`'s first read, so `f` costs no SQL
    /// when it reads nothing.
    pub fn read<T>(&self, f: impl FnOnce(&mut ReadView<'_>) -> T) -> Result<T> {
        let reader = self
            .readers
            .get_or_try(|| self.open_reader().map(RefCell::new))?;
        // A read inside a read on the same thread gets a connection of its own.
        let (own, borrowed);
        let conn: &Connection = match reader.try_borrow_mut() {
            Ok(conn) => {
                borrowed = conn;
                &borrowed
            }
            Err(_) => {
                own = self.open_reader()?;
                &own
            }
        };
        let mut view = ReadView {
            conn,
            begun: Cell::new(false),
        };
        let out = f(&mut view);
        if view.begun.get() {
            exec(conn, "ROLLBACK")?;
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
        let out = f(&mut WriteTxn { conn: &tx });
        tx.commit().map_err(|e| sql_error(&e))?;
        Ok(out)
    }

    /// Group commit: runs `f` on each of `jobs` in order, inside one immediate transaction
    /// committed once, so each job sees the writes of the jobs before it. Each job runs in a
    /// savepoint of its own: when `f` says not to keep it, its writes alone are rolled back.
    /// Every outcome is returned only once the transaction has committed; if the commit fails,
    /// nothing is written and the error is returned instead.
    pub fn write_each<J, T>(
        &self,
        jobs: impl IntoIterator<Item = J>,
        mut f: impl FnMut(&mut WriteTxn<'_>, J) -> (T, bool),
    ) -> Result<Vec<T>> {
        let mut conn = lock(&self.writer);
        let mut tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| sql_error(&e))?;
        let mut outcomes = Vec::new();
        for job in jobs {
            let sp = tx.savepoint().map_err(|e| sql_error(&e))?;
            let (out, keep) = f(&mut WriteTxn { conn: &sp }, job);
            if keep {
                sp.commit().map_err(|e| sql_error(&e))?;
            } else {
                sp.finish().map_err(|e| sql_error(&e))?;
            }
            outcomes.push(out);
        }
        tx.commit().map_err(|e| sql_error(&e))?;
        Ok(outcomes)
    }

    /// A number that changes whenever another connection (another process, such as the CLI)
    /// has committed to the file since the last call.
    pub fn data_version(&self) -> Result<i64> {
        lock(&self.writer)
            .query_row("PRAGMA data_version", [], |row| row.get(0))
            .map_err(|e| sql_error(&e))
    }

    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open(&self.path).map_err(|e| open_error(&self.path, &e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .and_then(|()| conn.pragma_update(None, "query_only", true))
            .map_err(|e| open_error(&self.path, &e))?;
        Ok(conn)
    }
}

/// The store as a read-only request sees it: one snapshot, taken at the first read.
#[derive(Debug)]
pub struct ReadView<'c> {
    conn: &'c Connection,
    begun: Cell<bool>,
}

impl ReadView<'_> {
    /// The connection, inside the view's read transaction.
    fn snapshot(&self) -> Result<&Connection> {
        if !self.begun.get() {
            // A deferred transaction pins one snapshot for every read of the request.
            exec(self.conn, "BEGIN DEFERRED")?;
            self.begun.set(true);
        }
        Ok(self.conn)
    }
}

impl Store for ReadView<'_> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        get(self.snapshot()?, key)
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        list(self.snapshot()?, prefix)
    }

    fn commit(&mut self, _batch: Batch) -> Result<()> {
        Err(Error::new(
            Code::StoreReadOnly,
            "A read-only request tried to write to the store",
        ))
    }
}

/// The store as a writing request sees it: the writer connection inside an open immediate
/// transaction.
#[derive(Debug)]
pub struct WriteTxn<'c> {
    conn: &'c Connection,
}

impl Store for WriteTxn<'_> {
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        get(self.conn, key)
    }

    fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        list(self.conn, prefix)
    }

    fn commit(&mut self, batch: Batch) -> Result<()> {
        // A savepoint makes the batch all-or-nothing even inside the request's transaction.
        exec(self.conn, "SAVEPOINT batch")?;
        let applied = batch.ops.into_iter().try_for_each(|op| {
            match op {
                Op::Put(key, value) => self
                    .conn
                    .prepare_cached(
                        "INSERT INTO kv (key, value) VALUES (?1, ?2) \
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    )
                    .and_then(|mut stmt| stmt.execute(params![key, value])),
                Op::Delete(key) => self
                    .conn
                    .prepare_cached("DELETE FROM kv WHERE key = ?1")
                    .and_then(|mut stmt| stmt.execute(params![key])),
            }
            .map(drop)
            .map_err(|e| sql_error(&e))
        });
        if applied.is_err() {
            exec(self.conn, "ROLLBACK TO batch")?;
        }
        exec(self.conn, "RELEASE batch")?;
        applied
    }
}

/// Runs one statement without parameters, prepared once per connection.
fn exec(conn: &Connection, sql: &str) -> Result<()> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute([]))
        .map(drop)
        .map_err(|e| sql_error(&e))
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
            s.conn
                .execute_batch(
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
    fn a_group_commit_keeps_each_job_that_succeeds_and_each_sees_those_before_it() {
        let (_dir, db) = open();
        let bump = |s: &mut WriteTxn<'_>| {
            let n = s.get("n").unwrap().map_or(0, |v| v[0]);
            let mut b = Batch::new();
            b.put("n", vec![n + 1]).put(format!("seen/{n}"), vec![n]);
            s.commit(b).unwrap();
            n
        };
        // The third job writes, then fails: only its own writes are rolled back.
        let seen = db
            .write_each([true, true, false, true], |s, keep| (bump(s), keep))
            .unwrap();
        assert_eq!(seen, [0, 1, 2, 2]);
        assert_eq!(db.read(|s| s.get("n")).unwrap().unwrap(), Some(vec![3]));
        assert_eq!(keys(&db, "seen/"), ["seen/0", "seen/1", "seen/2"]);
    }

    #[test]
    fn a_read_inside_a_read_gets_its_own_snapshot() {
        let (_dir, db) = open();
        put(&db, &[("k", "v")]);
        let inner = db
            .read(|outer| {
                outer.get("k").unwrap();
                db.read(|inner| inner.get("k")).unwrap().unwrap()
            })
            .unwrap();
        assert_eq!(inner.as_deref(), Some(&b"v"[..]));
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
