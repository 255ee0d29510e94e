//! The ports: what a host injects into the core — the clock, entropy, signing keys and (where a
//! host has them) client config files — and [`Ports`], the bundle every operation receives.
//!
//! The core never reads the system clock, the process environment, the filesystem or the
//! network; these traits are the only doors, so every test can drive a fake clock and seeded
//! entropy.

use serde::{Deserialize, Serialize};

use crate::error::{Code, Error, Result};
use crate::scope::Scope;
use crate::timestamp::Timestamp;
use crate::usage::Usage;

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

    /// `path` (absolute) as it really is: `.` and `..` resolved and every symlink on the way
    /// followed, the file's own when it exists; what does not exist yet is kept as named. The
    /// core confines this path, then reads and writes it.
    fn real_path(&self, path: &str) -> Result<String>;

    /// The real folders client files may be written in: the home directory, and any prefix the
    /// host was told to allow.
    fn allowed_roots(&self) -> Vec<String>;

    /// The current text of the file at `path`, or `None` if there is no file.
    fn read(&self, path: &str) -> Result<Option<String>>;

    /// Replaces the file at `path` with `text` atomically, creating parent directories and
    /// keeping a backup of the previous content; returns the backup's path, if one was made.
    fn write(&self, path: &str, text: &str) -> Result<Option<String>>;

    /// The value of the secret `name` on this machine (its environment, then the host's local
    /// secrets file), or `None`: what a deploy fills in for a client with no reference syntax,
    /// so the value never travels through a server.
    fn secret(&self, name: &str) -> Result<Option<String>>;
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

/// What an operation may use besides the store: the host's ports and who is acting.
#[derive(Clone, Copy)]
pub struct Ports<'a> {
    /// The time source.
    pub clock: &'a dyn Clock,
    /// The random source.
    pub entropy: &'a dyn Entropy,
    /// Where the signing keys live, if not in the store.
    pub keyring: Option<&'a dyn Keyring>,
    /// Client config files, where this host can write them.
    pub files: Option<&'a dyn ClientFiles>,
    /// Token uses counted in memory and not saved yet, which token listings add in.
    pub usage: Option<&'a Usage>,
    /// Who is acting, as recorded on publishes and deploys (`api-key`, `token:<id>`, `cli`).
    pub actor: &'a str,
    /// What the actor may do, for operations that need more for some inputs (the route's own
    /// scope is checked before the operation runs).
    pub scope: Scope,
}

impl<'a> Ports<'a> {
    /// Ports with only a clock and entropy: no keyring (keys live in the store), no client
    /// files, acting as `actor` with the `admin` scope.
    pub fn new(clock: &'a dyn Clock, entropy: &'a dyn Entropy, actor: &'a str) -> Self {
        Self {
            clock,
            entropy,
            keyring: None,
            files: None,
            usage: None,
            actor,
            scope: Scope::Admin,
        }
    }
}

/// A deterministic [`Clock`] and [`Entropy`] for tests and examples: a fixed time that can be
/// advanced, and bytes from a counter-seeded SHA-256 stream.
#[derive(Debug)]
pub struct Fixed {
    now: std::cell::Cell<i64>,
    counter: std::cell::Cell<u64>,
    seed: u64,
}

impl Fixed {
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

impl Clock for Fixed {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.get())
    }
}

impl Entropy for Fixed {
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
        Err(Error::new(
            Code::EntropyUnavailable,
            "No source of random bytes is available",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_entropy_is_deterministic_and_seeded() {
        let (a, b, c) = (
            Fixed::new(Timestamp(0), 1),
            Fixed::new(Timestamp(0), 1),
            Fixed::new(Timestamp(0), 2),
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
