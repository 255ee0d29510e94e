//! The public keys pinned per server, in `$MCP_ORCHESTRATION_HOME/pins/`: one JSON file per
//! server base URL, `{"server": "<url>", "keys": [{"key_id", "public_key"}]}`. Which keys to
//! pin is the core's rule (`ops::sync::trust`); this only keeps them.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mcp_orchestration_core::ops::keys::KeyEntry;
use mcp_orchestration_core::signing::sha256_hex;
use mcp_orchestration_core::{Code, Error, Result};
use serde::{Deserialize, Serialize};

use crate::home::Home;
use crate::keyring::create_private_dir;

/// The keys pinned for one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pins {
    /// The server's base URL.
    pub server: String,
    /// The keys trusted to sign its artifacts.
    pub keys: Vec<KeyEntry>,
}

/// The pin file of the server at `base` (a hash of the URL names it).
pub fn path(home: &Home, base: &str) -> PathBuf {
    home.root()
        .join("pins")
        .join(format!("{}.json", sha256_hex(base.as_bytes())))
}

/// The keys pinned for `base`; none when it was never contacted.
pub fn load(file: &Path, base: &str) -> Result<Pins> {
    match fs::read_to_string(file) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Error::new(
                Code::StoreCorrupt,
                format!("The pin file {} cannot be read: {e}", file.display()),
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Pins {
            server: base.to_owned(),
            keys: Vec::new(),
        }),
        Err(e) => Err(io_error(file, &e)),
    }
}

/// Replaces the pin file with `pins`, atomically.
pub fn save(file: &Path, pins: &Pins) -> Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let text = serde_json::to_string_pretty(pins).map_err(|e| {
        Error::new(
            Code::StoreEncode,
            format!("Could not encode the pinned keys: {e}"),
        )
    })?;
    create_private_dir(dir)
        .and_then(|()| {
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(text.as_bytes())?;
            tmp.write_all(b"\n")?;
            tmp.as_file().sync_all()?;
            tmp.persist(file).map(|_| ()).map_err(|e| e.error)
        })
        .map_err(|e| io_error(file, &e))
}

fn io_error(file: &Path, e: &io::Error) -> Error {
    Error::new(
        Code::KeyringIo,
        format!(
            "Could not read or write the pin file {}: {e}",
            file.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_round_trip_and_start_empty() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        let file = path(&home, "http://127.0.0.1:8000");
        assert_ne!(file, path(&home, "http://127.0.0.1:8001"));
        assert!(
            load(&file, "http://127.0.0.1:8000")
                .unwrap()
                .keys
                .is_empty()
        );
        let pins = Pins {
            server: "http://127.0.0.1:8000".into(),
            keys: vec![KeyEntry {
                key_id: "abc".into(),
                public_key: "PEM".into(),
            }],
        };
        save(&file, &pins).unwrap();
        assert_eq!(load(&file, "http://127.0.0.1:8000").unwrap(), pins);
    }
}
