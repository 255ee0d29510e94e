//! What the host injects: the clock, entropy, and (where a host has them) client config files.
//!
//! The core never reads the system clock, the process environment, the filesystem or the
//! network; these traits are the only doors, so every test can drive a fake clock and seeded
//! entropy.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Milliseconds since the Unix epoch, UTC. Serialized as an RFC 3339 string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The instant `days` days later (saturating).
    pub fn plus_days(self, days: i64) -> Self {
        Self(self.0.saturating_add(days.saturating_mul(86_400_000)))
    }

    /// RFC 3339 with millisecond precision and a `Z` offset, e.g. `2026-11-26T00:35:57.123Z`.
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(t) => format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
                t.millisecond()
            ),
            // Out of range for a calendar date: say so rather than panic.
            Err(_) => format!("@{}ms", self.0),
        }
    }

    /// Parses an RFC 3339 timestamp.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let t =
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
            .ok()
            .map(Self)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse_rfc3339(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid RFC 3339 timestamp: {s}")))
    }
}

/// The current time, as the host knows it.
pub trait Clock {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// Cryptographically secure random bytes, as the host gets them.
pub trait Entropy {
    /// Fills `buf` entirely with random bytes, or fails.
    fn fill(&self, buf: &mut [u8]) -> Result<()>;
}

/// The operating system a client config path is resolved for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    /// macOS.
    Macos,
    /// Windows.
    Windows,
    /// Linux (and other Unix-likes).
    Linux,
}

/// A host that can read and write the real config files of client apps.
///
/// `host-native` implements it over the filesystem; the edge host has none.
pub trait ClientFiles {
    /// The OS whose client paths apply.
    fn os(&self) -> Os;

    /// The user's home directory (what `~` means).
    fn home(&self) -> Option<String>;

    /// A process environment variable, for paths like `%APPDATA%` or `$XDG_CONFIG_HOME`.
    fn var(&self, name: &str) -> Option<String>;

    /// The current text of the file at `path`, or `None` if there is no file.
    fn read(&self, path: &str) -> Result<Option<String>>;

    /// Replaces the file at `path` with `text` atomically, creating parent directories and
    /// keeping a backup of the previous content; returns the backup's path, if one was made.
    fn write(&self, path: &str, text: &str) -> Result<Option<String>>;
}

/// Where a host keeps the Ed25519 signing key pair, when not in the [`crate::Store`].
///
/// `host-native` keeps `keys/signing.key` (PKCS#8 PEM, 0600) and `keys/signing.pub` (SPKI PEM)
/// on disk, as the Python system does; without a keyring the core keeps keys in the store.
pub trait Keyring {
    /// The private key as PKCS#8 PEM, if one was saved.
    fn load(&self) -> Result<Option<String>>;

    /// Saves (or replaces) the key pair.
    fn save(&self, private_pem: &str, public_pem: &str) -> Result<()>;
}

/// A deterministic [`Clock`] and [`Entropy`] for tests and examples: a fixed time that can be
/// advanced, and bytes from a counter-seeded SHA-256 stream.
#[derive(Debug)]
pub struct FixedEnv {
    now: std::cell::Cell<i64>,
    counter: std::cell::Cell<u64>,
    seed: u64,
}

impl FixedEnv {
    /// A fixed environment at `now` whose random bytes derive from `seed`.
    pub fn new(now: Timestamp, seed: u64) -> Self {
        Self {
            now: std::cell::Cell::new(now.0),
            counter: std::cell::Cell::new(0),
            seed,
        }
    }

    /// Moves the clock forward by `ms` milliseconds.
    pub fn advance(&self, ms: i64) {
        self.now.set(self.now.get().saturating_add(ms));
    }
}

impl Clock for FixedEnv {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.get())
    }
}

impl Entropy for FixedEnv {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        use sha2::{Digest, Sha256};
        for chunk in buf.chunks_mut(32) {
            let n = self.counter.get();
            self.counter.set(n.wrapping_add(1));
            let block = Sha256::new()
                .chain_update(self.seed.to_le_bytes())
                .chain_update(n.to_le_bytes())
                .finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

/// An [`Entropy`] that always fails, for testing how callers report a broken source.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEntropy;

impl Entropy for NoEntropy {
    fn fill(&self, _buf: &mut [u8]) -> Result<()> {
        Err(Error::internal(
            "ENTROPY_UNAVAILABLE",
            "No source of random bytes is available",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_format_and_parse_round_trip() {
        let t = Timestamp(1_764_117_357_123);
        let s = t.to_rfc3339();
        assert_eq!(s, "2025-11-26T00:35:57.123Z");
        assert_eq!(Timestamp::parse_rfc3339(&s), Some(t));
        assert_eq!(Timestamp::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn fixed_entropy_is_deterministic_and_seeded() {
        let (a, b, c) = (
            FixedEnv::new(Timestamp(0), 1),
            FixedEnv::new(Timestamp(0), 1),
            FixedEnv::new(Timestamp(0), 2),
        );
        let (mut x, mut y, mut z) = ([0u8; 40], [0u8; 40], [0u8; 40]);
        a.fill(&mut x).unwrap();
        b.fill(&mut y).unwrap();
        c.fill(&mut z).unwrap();
        assert_eq!(x, y);
        assert_ne!(x, z);
        let mut again = [0u8; 40];
        a.fill(&mut again).unwrap();
        assert_ne!(x, again, "successive draws differ");
    }
}
