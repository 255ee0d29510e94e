//! API tokens: issued once with a [`Scope`], stored only as a SHA-256 hash, checked in constant
//! time.
//!
//! Store keys owned here:
//! - `token/id/{token_id}` → the token's record (JSON), including the hash of the token;
//! - `token/hash/{sha256 hex of the token}` → the token id (UTF-8), present only while the token
//!   may authenticate. Revoking deletes it and marks the record revoked.
//!
//! Authenticating never writes: uses are counted in [`Usage`] and folded into the records by
//! [`flush_usage`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::error::{Code, Error, Result};
use crate::ports::{Clock, Entropy};
use crate::scope::Scope;
use crate::signing::{sha256_hex, to_hex};
use crate::store::{Batch, Store, get_json, list_json};
use crate::timestamp::Timestamp;
use crate::usage::Usage;

const ID_PREFIX: &str = "token/id/";
const HASH_PREFIX: &str = "token/hash/";

/// Longest token name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Longest lifetime a token may be issued with, in days (about ten years).
pub const MAX_EXPIRES_IN_DAYS: u32 = 3650;

/// The detail of every 401 for wrong credentials; it never says which part was wrong.
pub const INVALID_CREDENTIALS_DETAIL: &str = "Invalid authentication credentials";

/// The 401 `INVALID_CREDENTIALS` error for an unknown, revoked or expired token or a wrong key.
pub fn invalid_credentials() -> Error {
    Error::new(Code::InvalidCredentials, INVALID_CREDENTIALS_DETAIL)
}

/// What is known about a token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// Public id, 16 hex characters.
    pub token_id: String,
    /// Optional label given at issue.
    pub name: Option<String>,
    /// When it was issued.
    pub created_at: Timestamp,
    /// Its latest successful use.
    pub last_used: Option<Timestamp>,
    /// Successful uses so far.
    pub usage_count: u64,
    /// When it stops working, if ever.
    pub expires_at: Option<Timestamp>,
    /// What it may do; tokens stored before scopes existed could do everything, so they are
    /// `admin`.
    #[serde(default = "unscoped")]
    pub scope: Scope,
    /// Whether it was revoked.
    #[serde(default)]
    pub revoked: bool,
}

/// The scope of a token stored without one.
fn unscoped() -> Scope {
    Scope::Admin
}

impl TokenRecord {
    fn fold(&mut self, usage: &Usage) {
        if let Some(p) = usage.pending(&self.token_id) {
            self.usage_count = self.usage_count.saturating_add(p.count);
            self.last_used = self.last_used.max(Some(p.last_used));
        }
    }
}

/// A freshly issued token: the secret, shown once, and its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The bearer token: 32 random bytes, URL-safe base64 without padding (43 characters).
    pub token: String,
    /// Its record as stored.
    pub record: TokenRecord,
}

/// The stored form: the record plus the hash of the token.
#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(flatten)]
    record: TokenRecord,
    token_hash: String,
}

fn id_key(token_id: &str) -> String {
    format!("{ID_PREFIX}{token_id}")
}

fn hash_key(hash: &str) -> String {
    format!("{HASH_PREFIX}{hash}")
}

/// Issues a new token with `scope`, named `name`, that expires after `expires_in_days`, if given.
///
/// 400 `INVALID_TOKEN_NAME` for a name over 100 characters or with control characters; 400
/// `INVALID_EXPIRY` for a lifetime outside 1..=3650 days.
pub fn issue<S: Store + ?Sized>(
    store: &mut S,
    clock: &dyn Clock,
    entropy: &dyn Entropy,
    scope: Scope,
    name: Option<&str>,
    expires_in_days: Option<u32>,
) -> Result<Issued> {
    if let Some(n) = name
        && (n.chars().count() > MAX_NAME_CHARS || n.chars().any(char::is_control))
    {
        return Err(Error::new(
            Code::InvalidTokenName,
            format!(
                "Invalid name: must be at most {MAX_NAME_CHARS} characters with no control characters"
            ),
        ));
    }
    if let Some(days) = expires_in_days
        && !(1..=MAX_EXPIRES_IN_DAYS).contains(&days)
    {
        return Err(Error::new(
            Code::InvalidExpiry,
            format!(
                "Invalid expires_in_days: must be a whole number of days from 1 to {MAX_EXPIRES_IN_DAYS}"
            ),
        ));
    }

    let mut secret = [0u8; 32];
    entropy.fill(&mut secret)?;
    let mut id = [0u8; 8];
    entropy.fill(&mut id)?;
    let token = URL_SAFE_NO_PAD.encode(secret);
    let token_id = to_hex(&id);
    let token_hash = sha256_hex(token.as_bytes());
    // 64 random bits make a clash practically impossible; a broken entropy source must still
    // not overwrite another token.
    if store.get(&id_key(&token_id))?.is_some() || store.get(&hash_key(&token_hash))?.is_some() {
        return Err(Error::new(
            Code::TokenCollision,
            "A freshly drawn token matches an existing one; the host's source of random bytes is not random",
        ));
    }

    let now = clock.now();
    let record = TokenRecord {
        token_id: token_id.clone(),
        name: name.map(str::to_owned),
        created_at: now,
        last_used: None,
        usage_count: 0,
        expires_at: expires_in_days.map(|d| now.plus_days(i64::from(d))),
        scope,
        revoked: false,
    };
    let mut batch = Batch::new();
    batch.put_json(
        id_key(&token_id),
        &Stored {
            record: record.clone(),
            token_hash: token_hash.clone(),
        },
    )?;
    batch.put(hash_key(&token_hash), token_id.into_bytes());
    store.commit(batch)?;
    Ok(Issued { token, record })
}

/// Checks a presented bearer token at `now` and counts the use in `usage` (no store write).
///
/// Unknown, revoked and expired tokens are all the same 401 [`invalid_credentials`]. The
/// returned record is the stored one: uses not yet flushed are counted by [`list`].
pub fn authenticate<S: Store + ?Sized>(
    store: &S,
    usage: &Usage,
    now: Timestamp,
    presented: &str,
) -> Result<TokenRecord> {
    let hash = sha256_hex(presented.as_bytes());
    let Some(id_bytes) = store.get(&hash_key(&hash))? else {
        return Err(invalid_credentials());
    };
    let Ok(token_id) = String::from_utf8(id_bytes) else {
        return Err(invalid_credentials());
    };
    let Some(stored) = get_json::<Stored, _>(store, &id_key(&token_id))? else {
        return Err(invalid_credentials());
    };
    let hash_matches: bool = stored.token_hash.as_bytes().ct_eq(hash.as_bytes()).into();
    let expired = stored.record.expires_at.is_some_and(|at| now >= at);
    if !hash_matches || stored.record.revoked || expired {
        return Err(invalid_credentials());
    }
    usage.record(&token_id, now);
    Ok(stored.record)
}

/// Every token not revoked, oldest first, with uses not yet flushed counted in.
pub fn list<S: Store + ?Sized>(store: &S, usage: &Usage) -> Result<Vec<TokenRecord>> {
    let mut records: Vec<TokenRecord> = list_json::<Stored, _>(store, ID_PREFIX)?
        .into_iter()
        .map(|(_, s)| s.record)
        .filter(|r| !r.revoked)
        .collect();
    for r in &mut records {
        r.fold(usage);
    }
    records.sort_by(|a, b| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.token_id.cmp(&b.token_id))
    });
    Ok(records)
}

/// Revokes `token_id` at once: it stops authenticating and leaves the listing. 404
/// `TOKEN_NOT_FOUND` if there is no such token or it is already revoked.
pub fn revoke<S: Store + ?Sized>(store: &mut S, token_id: &str) -> Result<TokenRecord> {
    let mut stored = get_json::<Stored, _>(store, &id_key(token_id))?
        .filter(|s| !s.record.revoked)
        .ok_or_else(|| Error::new(Code::TokenNotFound, format!("Token '{token_id}' not found")))?;
    stored.record.revoked = true;
    let mut batch = Batch::new();
    batch.delete(hash_key(&stored.token_hash));
    batch.put_json(id_key(token_id), &stored)?;
    store.commit(batch)?;
    Ok(stored.record)
}

/// Writes the uses counted in `usage` into the stored records, in one batch.
///
/// Tokens deleted from the store meanwhile are skipped. If reading or committing fails, the
/// uses go back into `usage` so a later flush can write them.
pub fn flush_usage<S: Store + ?Sized>(store: &mut S, usage: &Usage) -> Result<()> {
    let pending = usage.take();
    if pending.is_empty() {
        return Ok(());
    }
    let mut write = || -> Result<()> {
        let mut batch = Batch::new();
        for p in &pending {
            let key = id_key(&p.token_id);
            if let Some(mut stored) = get_json::<Stored, _>(store, &key)? {
                stored.record.usage_count = stored.record.usage_count.saturating_add(p.count);
                stored.record.last_used = stored.record.last_used.max(Some(p.last_used));
                batch.put_json(key, &stored)?;
            }
        }
        if batch.is_empty() {
            Ok(())
        } else {
            store.commit(batch)
        }
    };
    let result = write();
    if result.is_err() {
        usage.restore(pending);
    }
    result
}

/// Whether any token is issued and not revoked (expired ones included).
pub fn has_any<S: Store + ?Sized>(store: &S) -> Result<bool> {
    Ok(!store.list(HASH_PREFIX)?.is_empty())
}

/// Compares a configured API key with a presented one in constant time, also hiding the length
/// of the expected key (both are hashed to SHA-256 first).
pub fn api_key_matches(expected: &str, presented: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(expected.as_bytes())
        .as_slice()
        .ct_eq(Sha256::digest(presented.as_bytes()).as_slice())
        .into()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// A record as the API lists it.
    fn shown(record: &TokenRecord) -> Value {
        serde_json::to_value(crate::ops::tokens::TokenInfo::from(record.clone())).unwrap()
    }
    use crate::ports::{Fixed, NoEntropy};
    use crate::store::{MemoryStore, Op};

    const T0: Timestamp = Timestamp(1_764_117_357_000);
    const DAY: i64 = 86_400_000;

    fn setup() -> (MemoryStore, Fixed, Usage) {
        (MemoryStore::new(), Fixed::new(T0, 42), Usage::new())
    }

    fn snapshot(store: &MemoryStore) -> Vec<(String, Vec<u8>)> {
        store.list("").unwrap()
    }

    fn assert_invalid(result: Result<TokenRecord>) {
        let err = result.unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str(), err.detail.as_str()),
            (
                401,
                "INVALID_CREDENTIALS",
                "Invalid authentication credentials"
            )
        );
    }

    #[test]
    fn issued_tokens_have_the_documented_shape_and_are_stored_only_hashed() {
        let (mut store, env, _) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, Some("ci"), Some(30)).unwrap();
        assert_eq!(issued.token.len(), 43);
        assert!(
            issued
                .token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(issued.record.token_id.len(), 16);
        assert_eq!(issued.record.expires_at, Some(T0.plus_days(30)));
        assert_eq!(issued.record.name.as_deref(), Some("ci"));
        for (key, value) in snapshot(&store) {
            assert!(!key.contains(&issued.token));
            assert!(
                !String::from_utf8_lossy(&value).contains(&issued.token),
                "{key} holds the token"
            );
        }
        let shown = shown(&issued.record);
        assert_eq!(shown["created_at"], "2025-11-26T00:35:57.000Z");
        assert_eq!(shown["expires_at"], "2025-12-26T00:35:57.000Z");
    }

    #[test]
    fn authentication_counts_uses_without_writing_until_flushed() {
        let (mut store, env, usage) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        let before = snapshot(&store);
        let first = authenticate(&store, &usage, T0, &issued.token).unwrap();
        assert_eq!(first.token_id, issued.record.token_id);
        authenticate(&store, &usage, Timestamp(T0.0 + 5_000), &issued.token).unwrap();
        assert_eq!(
            snapshot(&store),
            before,
            "authenticating wrote to the store"
        );

        let listed = list(&store, &usage).unwrap();
        assert_eq!(
            (listed[0].usage_count, listed[0].last_used),
            (2, Some(Timestamp(T0.0 + 5_000)))
        );

        flush_usage(&mut store, &usage).unwrap();
        assert!(usage.is_empty());
        assert_ne!(snapshot(&store), before);
        let listed = list(&store, &usage).unwrap();
        assert_eq!(
            (listed[0].usage_count, listed[0].last_used),
            (2, Some(Timestamp(T0.0 + 5_000)))
        );

        // Later uses add to the flushed count.
        authenticate(&store, &usage, Timestamp(T0.0 + 9_000), &issued.token).unwrap();
        flush_usage(&mut store, &usage).unwrap();
        assert_eq!(list(&store, &usage).unwrap()[0].usage_count, 3);
    }

    #[test]
    fn public_listing_shows_neither_hash_nor_revoked_flag() {
        let (mut store, env, usage) = setup();
        issue(&mut store, &env, &env, Scope::Admin, Some("a"), None).unwrap();
        let shown = shown(&list(&store, &usage).unwrap()[0]);
        let keys: Vec<&String> = shown.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "created_at",
                "expires_at",
                "last_used",
                "name",
                "scope",
                "token_id",
                "usage_count"
            ]
        );
        assert_eq!(shown["last_used"], Value::Null);
    }

    #[test]
    fn list_is_sorted_by_creation_and_hides_revoked_tokens() {
        let (mut store, env, usage) = setup();
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(
                issue(&mut store, &env, &env, Scope::Admin, None, None)
                    .unwrap()
                    .record
                    .token_id,
            );
            env.advance(1_000);
        }
        let listed: Vec<String> = list(&store, &usage)
            .unwrap()
            .into_iter()
            .map(|r| r.token_id)
            .collect();
        assert_eq!(listed, ids);
        revoke(&mut store, &ids[1]).unwrap();
        let listed: Vec<String> = list(&store, &usage)
            .unwrap()
            .into_iter()
            .map(|r| r.token_id)
            .collect();
        assert_eq!(listed, [ids[0].clone(), ids[2].clone()]);
    }

    #[test]
    fn tokens_keep_their_scope_and_those_stored_without_one_are_admin() {
        let (mut store, env, usage) = setup();
        let read = issue(&mut store, &env, &env, Scope::Read, None, None).unwrap();
        assert_eq!(read.record.scope, Scope::Read);
        let authed = authenticate(&store, &usage, T0, &read.token).unwrap();
        assert_eq!(authed.scope, Scope::Read);
        assert_eq!(shown(&read.record)["scope"], "read");

        env.advance(1_000);
        // A record written before scopes existed has no `scope` field.
        let old = issue(&mut store, &env, &env, Scope::Read, None, None).unwrap();
        let key = id_key(&old.record.token_id);
        let mut stored: Value = serde_json::from_slice(&store.get(&key).unwrap().unwrap()).unwrap();
        stored.as_object_mut().unwrap().remove("scope");
        let mut batch = Batch::new();
        batch.put_json(key, &stored).unwrap();
        store.commit(batch).unwrap();
        let authed = authenticate(&store, &usage, T0, &old.token).unwrap();
        assert_eq!(authed.scope, Scope::Admin);
        let listed = list(&store, &usage).unwrap();
        assert_eq!(
            listed.iter().map(|r| r.scope).collect::<Vec<_>>(),
            [Scope::Read, Scope::Admin]
        );
    }

    #[test]
    fn revoked_tokens_stop_working_at_once() {
        let (mut store, env, usage) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        authenticate(&store, &usage, T0, &issued.token).unwrap();
        let revoked = revoke(&mut store, &issued.record.token_id).unwrap();
        assert!(revoked.revoked);
        assert_invalid(authenticate(&store, &usage, T0, &issued.token));
        let again = revoke(&mut store, &issued.record.token_id).unwrap_err();
        assert_eq!(
            (again.status(), again.code.as_str()),
            (404, "TOKEN_NOT_FOUND")
        );
        let unknown = revoke(&mut store, "0000000000000000").unwrap_err();
        assert!(unknown.detail.contains("0000000000000000"));
    }

    #[test]
    fn expired_tokens_are_rejected_from_the_expiry_instant() {
        let (mut store, env, usage) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, Some(1)).unwrap();
        authenticate(&store, &usage, Timestamp(T0.0 + DAY - 1), &issued.token).unwrap();
        assert_invalid(authenticate(
            &store,
            &usage,
            Timestamp(T0.0 + DAY),
            &issued.token,
        ));
    }

    #[test]
    fn wrong_tokens_are_rejected_without_counting() {
        let (mut store, env, usage) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        let mut wrong = issued.token.clone();
        wrong.replace_range(0..1, if wrong.starts_with('A') { "B" } else { "A" });
        for bad in ["", "x", wrong.as_str(), &issued.record.token_id] {
            assert_invalid(authenticate(&store, &usage, T0, bad));
        }
        assert!(usage.is_empty());
    }

    #[test]
    fn a_tampered_stored_hash_fails_the_constant_time_check() {
        let (mut store, env, usage) = setup();
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        let key = id_key(&issued.record.token_id);
        let mut stored: Value = serde_json::from_slice(&store.get(&key).unwrap().unwrap()).unwrap();
        stored["token_hash"] = json!("0".repeat(64));
        let mut batch = Batch::new();
        batch.put_json(key, &stored).unwrap();
        store.commit(batch).unwrap();
        assert_invalid(authenticate(&store, &usage, T0, &issued.token));
    }

    #[test]
    fn names_and_lifetimes_are_validated_naming_the_field() {
        let (mut store, env, _) = setup();
        for name in ["a\nb", "tab\there", &"x".repeat(101)] {
            let err = issue(&mut store, &env, &env, Scope::Admin, Some(name), None).unwrap_err();
            assert_eq!(
                (err.status(), err.code.as_str()),
                (400, "INVALID_TOKEN_NAME")
            );
            assert!(err.detail.contains("name"));
        }
        issue(
            &mut store,
            &env,
            &env,
            Scope::Admin,
            Some(&"é".repeat(100)),
            None,
        )
        .unwrap();
        for days in [0, 3651] {
            let err = issue(&mut store, &env, &env, Scope::Admin, None, Some(days)).unwrap_err();
            assert_eq!((err.status(), err.code.as_str()), (400, "INVALID_EXPIRY"));
            assert!(err.detail.contains("expires_in_days"));
        }
        issue(&mut store, &env, &env, Scope::Admin, None, Some(3650)).unwrap();
        assert_eq!(list(&store, &Usage::new()).unwrap().len(), 2);
    }

    #[test]
    fn broken_or_repeating_entropy_never_overwrites_a_token() {
        struct Zeros;
        impl Entropy for Zeros {
            fn fill(&self, buf: &mut [u8]) -> Result<()> {
                buf.fill(0);
                Ok(())
            }
        }
        let (mut store, env, _) = setup();
        assert_eq!(
            issue(&mut store, &env, &NoEntropy, Scope::Admin, None, None)
                .unwrap_err()
                .code,
            "ENTROPY_UNAVAILABLE"
        );
        issue(&mut store, &env, &Zeros, Scope::Admin, None, None).unwrap();
        let before = snapshot(&store);
        assert_eq!(
            issue(&mut store, &env, &Zeros, Scope::Admin, None, None)
                .unwrap_err()
                .code,
            "TOKEN_COLLISION"
        );
        assert_eq!(snapshot(&store), before);
    }

    /// A store whose commits can be made to fail, to test that usage is not lost.
    struct FlakyStore {
        inner: MemoryStore,
        fail: bool,
    }

    impl Store for FlakyStore {
        fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
            self.inner.get(key)
        }
        fn list(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
            self.inner.list(prefix)
        }
        fn commit(&mut self, batch: Batch) -> Result<()> {
            if self.fail {
                return Err(Error::new(Code::StoreWrite, "The store is down"));
            }
            self.inner.commit(batch)
        }
    }

    #[test]
    fn a_failed_flush_keeps_the_uses_for_the_next_one() {
        let (inner, env, usage) = setup();
        let mut store = FlakyStore { inner, fail: false };
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        authenticate(&store, &usage, T0, &issued.token).unwrap();
        store.fail = true;
        assert_eq!(
            flush_usage(&mut store, &usage).unwrap_err().code,
            "STORE_WRITE"
        );
        assert_eq!(usage.pending(&issued.record.token_id).unwrap().count, 1);
        store.fail = false;
        flush_usage(&mut store, &usage).unwrap();
        assert_eq!(list(&store, &usage).unwrap()[0].usage_count, 1);
    }

    #[test]
    fn flushing_skips_tokens_deleted_meanwhile() {
        let (mut store, env, usage) = setup();
        let kept = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        let gone = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        authenticate(&store, &usage, T0, &kept.token).unwrap();
        authenticate(&store, &usage, T0, &gone.token).unwrap();
        let mut batch = Batch::new();
        batch.ops.push(Op::Delete(id_key(&gone.record.token_id)));
        store.commit(batch).unwrap();
        flush_usage(&mut store, &usage).unwrap();
        assert!(store.get(&id_key(&gone.record.token_id)).unwrap().is_none());
        assert_eq!(list(&store, &usage).unwrap()[0].usage_count, 1);
    }

    #[test]
    fn has_any_counts_only_tokens_that_still_work() {
        let (mut store, env, _) = setup();
        assert!(!has_any(&store).unwrap());
        let issued = issue(&mut store, &env, &env, Scope::Admin, None, None).unwrap();
        assert!(has_any(&store).unwrap());
        revoke(&mut store, &issued.record.token_id).unwrap();
        assert!(!has_any(&store).unwrap());
    }

    #[test]
    fn api_keys_compare_exactly_whatever_their_length() {
        assert!(api_key_matches("s3cret-key", "s3cret-key"));
        for wrong in ["", "s3cret-kez", "s3cret-key ", "s3cret", "S3CRET-KEY"] {
            assert!(!api_key_matches("s3cret-key", wrong), "{wrong:?}");
        }
    }
}
