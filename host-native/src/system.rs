//! The real clock and entropy of this machine, and where the user's home is.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use mcp_orchestration_core::{Clock, Code, Entropy, Error, Result, Timestamp};

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        // A clock set before 1970 reads as negative milliseconds rather than failing.
        let ms = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |ms| -ms),
        };
        Timestamp(ms)
    }
}

/// Random bytes from the operating system (`getrandom`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|e| {
            Error::new(
                Code::EntropyUnavailable,
                format!("The operating system gave no random bytes: {e}"),
            )
        })
    }
}

/// The user's home directory: `$HOME` (`%USERPROFILE%` on Windows), if set and not empty.
pub fn home_dir() -> Option<PathBuf> {
    let name = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_the_present() {
        // 2025-01-01T00:00:00Z; any machine running this is later.
        assert!(SystemClock.now().0 > 1_735_689_600_000);
    }

    #[test]
    fn entropy_fills_the_whole_buffer_with_fresh_bytes() {
        let (mut a, mut b) = ([0u8; 64], [0u8; 64]);
        OsEntropy.fill(&mut a).unwrap();
        OsEntropy.fill(&mut b).unwrap();
        assert_ne!(a, [0u8; 64]);
        assert_ne!(a, b);
    }
}
