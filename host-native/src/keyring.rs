//! The signing key pair on disk: `keys/signing.key` (PKCS#8 PEM, 0600) and `keys/signing.pub`
//! (SPKI PEM), the same files the Python mcp-orchestration keeps.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use mcp_orchestration_core::ports::Keyring;
use mcp_orchestration_core::{Code, Error, Result};

use crate::files::{unix_mode, write_atomic};

/// A [`Keyring`] over a directory of PEM files.
#[derive(Debug, Clone)]
pub struct FileKeyring {
    dir: PathBuf,
}

impl FileKeyring {
    /// The keyring in `dir` (created on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The private key file.
    pub fn private_path(&self) -> PathBuf {
        self.dir.join("signing.key")
    }

    /// The public key file.
    pub fn public_path(&self) -> PathBuf {
        self.dir.join("signing.pub")
    }
}

impl Keyring for FileKeyring {
    fn load(&self) -> Result<Option<String>> {
        let path = self.private_path();
        match fs::read_to_string(&path) {
            Ok(pem) => Ok(Some(pem)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(keyring_error("read", &path, &e)),
        }
    }

    fn save(&self, private_pem: &str, public_pem: &str) -> Result<()> {
        create_private_dir(&self.dir).map_err(|e| keyring_error("create", &self.dir, &e))?;
        // The private key file is owner-only from the moment it exists: the temporary file is
        // created 0600 and renamed into place.
        let private = self.private_path();
        write_atomic(&private, private_pem.as_bytes(), unix_mode(0o600))
            .map_err(|e| keyring_error("write", &private, &e))?;
        let public = self.public_path();
        write_atomic(&public, public_pem.as_bytes(), unix_mode(0o644))
            .map_err(|e| keyring_error("write", &public, &e))
    }
}

/// Creates `dir` (and parents) readable only by its owner where it is new.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn keyring_error(action: &str, path: &Path, e: &io::Error) -> Error {
    Error::new(
        Code::KeyringIo,
        format!(
            "Could not {action} the signing key file {}: {e}",
            path.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----\n";

    #[test]
    fn an_empty_keyring_loads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            FileKeyring::new(dir.path().join("keys")).load().unwrap(),
            None
        );
    }

    #[test]
    fn saved_keys_land_in_the_python_layout_and_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let keys = FileKeyring::new(dir.path().join("keys"));
        keys.save(PRIVATE, PUBLIC).unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("keys/signing.key")).unwrap(),
            PRIVATE
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("keys/signing.pub")).unwrap(),
            PUBLIC
        );
        assert_eq!(keys.load().unwrap().as_deref(), Some(PRIVATE));
    }

    #[cfg(unix)]
    #[test]
    fn the_private_key_and_its_folder_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys = FileKeyring::new(dir.path().join("keys"));
        keys.save(PRIVATE, PUBLIC).unwrap();
        let mode = |p: PathBuf| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(keys.private_path()), 0o600);
        assert_eq!(mode(keys.public_path()), 0o644);
        assert_eq!(mode(dir.path().join("keys")), 0o700);
    }

    #[test]
    fn saving_again_replaces_both_files() {
        let dir = tempfile::tempdir().unwrap();
        let keys = FileKeyring::new(dir.path().join("keys"));
        keys.save(PRIVATE, PUBLIC).unwrap();
        keys.save("second private", "second public").unwrap();
        assert_eq!(keys.load().unwrap().as_deref(), Some("second private"));
        assert_eq!(
            fs::read_to_string(keys.public_path()).unwrap(),
            "second public"
        );
        assert_eq!(fs::read_dir(dir.path().join("keys")).unwrap().count(), 2);
    }

    #[test]
    fn an_unreadable_key_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the key file should be cannot be read as text.
        fs::create_dir_all(dir.path().join("keys/signing.key")).unwrap();
        let err = FileKeyring::new(dir.path().join("keys"))
            .load()
            .unwrap_err();
        assert_eq!(err.code, "KEYRING_IO");
        assert!(err.detail.contains("signing.key"), "{}", err.detail);
    }
}
