//! Client config files on the real filesystem: read, and replace atomically with a backup.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use mcp_orchestration_core::ports::{ClientFiles, Os};
use mcp_orchestration_core::{Clock, Code, Error, Result};

use crate::system::{SystemClock, home_dir};

/// Backups kept beside each config file; older ones are removed.
pub const KEEP_BACKUPS: usize = 5;

/// [`ClientFiles`] over this machine's filesystem and environment.
///
/// A write resolves a symlinked config to its target, creates missing parent directories,
/// copies the previous file to `<file>.<YYYYmmddHHMMSSmmm>.bak` (UTC, keeping the newest
/// [`KEEP_BACKUPS`]), writes a temporary file in the same directory, syncs it, renames it over
/// the old one and syncs the directory. The previous file's permissions carry over; a new file
/// is private to the user (0600), since configs often hold API keys in `env`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsClientFiles;

impl ClientFiles for FsClientFiles {
    fn os(&self) -> Os {
        if cfg!(target_os = "macos") {
            Os::Macos
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }

    fn home(&self) -> Option<String> {
        home_dir().and_then(|p| p.into_os_string().into_string().ok())
    }

    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn read(&self, path: &str) -> Result<Option<String>> {
        let path = absolute(path)?;
        match fs::read_to_string(path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_error(Code::FileRead, "read", path, &e)),
        }
    }

    fn write(&self, path: &str, text: &str) -> Result<Option<String>> {
        let path = absolute(path)?;
        let target = resolve_symlink(path);
        let dir = parent(&target);
        fs::create_dir_all(dir)
            .map_err(|e| io_error(Code::FileWrite, "create the folder of", &target, &e))?;
        let (backup, permissions) = match fs::metadata(&target) {
            Ok(meta) if meta.is_file() => {
                let backup = back_up(&target, &meta.permissions())
                    .map_err(|e| io_error(Code::FileBackup, "back up", &target, &e))?;
                prune_backups(&target);
                (Some(backup), Some(meta.permissions()))
            }
            Ok(_) => {
                return Err(Error::new(
                    Code::FileWrite,
                    format!(
                        "Could not write {}: it is not a regular file",
                        target.display()
                    ),
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => (None, unix_mode(0o600)),
            Err(e) => return Err(io_error(Code::FileWrite, "inspect", &target, &e)),
        };
        write_atomic(&target, text.as_bytes(), permissions)
            .map_err(|e| io_error(Code::FileWrite, "write", &target, &e))?;
        Ok(backup.map(|b| b.display().to_string()))
    }
}

/// Replaces `path` with `bytes` atomically: a temporary file in the same directory (with
/// `permissions`, else owner-only as `tempfile` creates it), synced, renamed over `path`, then
/// the directory synced.
pub(crate) fn write_atomic(
    path: &Path,
    bytes: &[u8],
    permissions: Option<Permissions>,
) -> io::Result<()> {
    let dir = parent(path);
    let mut tmp = tempfile::Builder::new()
        .prefix(".mcp-orchestration-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    if let Some(permissions) = permissions {
        tmp.as_file().set_permissions(permissions)?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Exactly the Unix permission `bits`; `None` elsewhere (keep the platform's default).
pub(crate) fn unix_mode(bits: u32) -> Option<Permissions> {
    #[cfg(unix)]
    {
        Some(std::os::unix::fs::PermissionsExt::from_mode(bits))
    }
    #[cfg(not(unix))]
    {
        let _ = bits;
        None
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Directories cannot be opened for syncing on Windows; the rename is durable there.
    Ok(())
}

fn absolute(path: &str) -> Result<&Path> {
    let p = Path::new(path);
    if p.is_absolute() {
        Ok(p)
    } else {
        Err(Error::new(
            Code::ConfigPathNotAbsolute,
            format!("The config path '{path}' is not absolute"),
        ))
    }
}

/// The file a symlink finally points to (so dotfile links survive); the path itself otherwise.
fn resolve_symlink(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
        }
        _ => path.to_owned(),
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Copies `file` to a new `<file>.<stamp>.bak` beside it and returns the backup's path.
fn back_up(file: &Path, permissions: &Permissions) -> io::Result<PathBuf> {
    let name = file_name(file);
    let mut ms = SystemClock.now().0;
    // Two writes in one millisecond must not overwrite the older backup: take the next free stamp.
    let (backup, mut out) = loop {
        let candidate = file.with_file_name(format!("{name}.{}.bak", stamp(ms)));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(out) => break (candidate, out),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => ms = ms.saturating_add(1),
            Err(e) => return Err(e),
        }
    };
    io::copy(&mut File::open(file)?, &mut out)?;
    out.set_permissions(permissions.clone())?;
    out.sync_all()?;
    Ok(backup)
}

/// `YYYYmmddHHMMSSmmm` in UTC: sorts in time order as text.
fn stamp(ms: i64) -> String {
    mcp_orchestration_core::Timestamp(ms)
        .to_rfc3339()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Removes all but the newest [`KEEP_BACKUPS`] backups of `file`. Failing to prune is harmless,
/// so it is logged rather than reported.
fn prune_backups(file: &Path) {
    let name = file_name(file);
    let Ok(entries) = fs::read_dir(parent(file)) else {
        return;
    };
    let mut backups: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| is_backup_of(&name, &file_name(p)))
        .collect();
    backups.sort();
    let excess = backups.len().saturating_sub(KEEP_BACKUPS);
    for old in backups.into_iter().take(excess) {
        if let Err(e) = fs::remove_file(&old) {
            tracing::warn!(backup = %old.display(), error = %e, "could not remove an old backup");
        }
    }
}

fn is_backup_of(name: &str, candidate: &str) -> bool {
    candidate
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(".bak"))
        .is_some_and(|stamp| stamp.len() == 17 && stamp.bytes().all(|b| b.is_ascii_digit()))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn io_error(code: Code, action: &str, path: &Path, e: &io::Error) -> Error {
    Error::new(code, format!("Could not {action} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_in(dir: &tempfile::TempDir, rel: &str) -> String {
        dir.path().join(rel).display().to_string()
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    fn mode_of(path: &str) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_first_write_creates_the_folders_and_a_private_file_without_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir, "a/b/mcp.json");
        assert_eq!(FsClientFiles.read(&path).unwrap(), None);
        assert_eq!(FsClientFiles.write(&path, "{}\n").unwrap(), None);
        assert_eq!(FsClientFiles.read(&path).unwrap().as_deref(), Some("{}\n"));
        assert_eq!(names(&dir.path().join("a/b")), ["mcp.json"]);
        #[cfg(unix)]
        assert_eq!(mode_of(&path), 0o600);
    }

    #[test]
    fn an_overwrite_backs_up_the_old_text_and_keeps_its_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir, "config.json");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        fs::set_permissions(&path, unix_mode(0o640).unwrap()).unwrap();
        let backup = FsClientFiles
            .write(&path, "new")
            .unwrap()
            .expect("a backup");
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_to_string(&backup).unwrap(), "old");
        assert!(
            is_backup_of("config.json", &file_name(Path::new(&backup))),
            "{backup}"
        );
        assert_eq!(Path::new(&backup).parent(), Some(dir.path()));
        #[cfg(unix)]
        assert_eq!((mode_of(&path), mode_of(&backup)), (0o640, 0o640));
        // Nothing else (no stray temporary file) is left in the folder.
        assert_eq!(names(dir.path()).len(), 2);
    }

    #[test]
    fn only_the_newest_backups_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir, "config.json");
        for i in 0..=KEEP_BACKUPS + 2 {
            FsClientFiles.write(&path, &format!("v{i}")).unwrap();
        }
        let backups: Vec<String> = names(dir.path())
            .into_iter()
            .filter(|n| n.ends_with(".bak"))
            .collect();
        assert_eq!(backups.len(), KEEP_BACKUPS);
        let kept: Vec<String> = backups
            .iter()
            .map(|n| fs::read_to_string(dir.path().join(n)).unwrap())
            .collect();
        assert_eq!(kept, ["v2", "v3", "v4", "v5", "v6"]);
        assert_eq!(fs::read_to_string(&path).unwrap(), "v7");
    }

    #[test]
    fn unrelated_files_are_never_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir, "config.json");
        for keep in [
            "config.json.bak",
            "config.json.old.bak",
            "other.json.20250101000000000.bak",
        ] {
            fs::write(dir.path().join(keep), "mine").unwrap();
        }
        for i in 0..=KEEP_BACKUPS + 1 {
            FsClientFiles.write(&path, &format!("v{i}")).unwrap();
        }
        let listed = names(dir.path());
        for keep in [
            "config.json.bak",
            "config.json.old.bak",
            "other.json.20250101000000000.bak",
        ] {
            assert!(listed.iter().any(|n| n == keep), "{keep} was removed");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = path_in(&dir, "dotfiles/mcp.json");
        fs::create_dir_all(dir.path().join("dotfiles")).unwrap();
        fs::write(&real, "old").unwrap();
        let link = path_in(&dir, "mcp.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        FsClientFiles
            .write(&link, "new")
            .unwrap()
            .expect("a backup");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn relative_paths_and_folders_are_refused() {
        let err = FsClientFiles.write("relative/mcp.json", "{}").unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (400, "CONFIG_PATH_NOT_ABSOLUTE")
        );
        let dir = tempfile::tempdir().unwrap();
        let err = FsClientFiles
            .write(&dir.path().display().to_string(), "{}")
            .unwrap_err();
        assert_eq!(err.code, "FILE_WRITE");
        assert!(err.detail.contains("not a regular file"), "{}", err.detail);
    }

    #[test]
    fn backup_stamps_sort_in_time_order() {
        assert_eq!(stamp(1_764_117_357_123), "20251126003557123");
        assert!(stamp(1_764_117_357_123) < stamp(1_764_117_357_124));
        assert!(is_backup_of("c.json", "c.json.20251126003557123.bak"));
        assert!(!is_backup_of("c.json", "c.json.2025.bak"));
        assert!(!is_backup_of("c.json", "c.jsonx.20251126003557123.bak"));
    }

    #[test]
    fn os_and_environment_come_from_this_process() {
        if cfg!(target_os = "linux") {
            assert_eq!(FsClientFiles.os(), Os::Linux);
        }
        assert_eq!(FsClientFiles.var("PATH"), std::env::var("PATH").ok());
        assert_eq!(
            FsClientFiles.var("MCP_ORCHESTRATION_SURELY_UNSET_VAR"),
            None
        );
    }
}
