//! Client config files on the real filesystem: resolve a path to what it really is, read, and
//! replace atomically with a backup.

use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use mcp_orchestration_core::ports::{ClientFiles, Os};
use mcp_orchestration_core::{Clock, Code, Error, Result};

use crate::home::Home;
use crate::system::{SystemClock, home_dir};

/// Backups kept beside each config file; older ones are removed.
pub const KEEP_BACKUPS: usize = 5;

/// [`ClientFiles`] over this machine's filesystem and environment.
///
/// Client files may be written under the home directory and the folders in `allowed` (the
/// core decides, from [`ClientFiles::real_path`] and [`ClientFiles::allowed_roots`]).
///
/// A write resolves a symlinked config to its target, creates missing parent directories,
/// copies the previous file to `<file>.<YYYYmmddHHMMSSmmm>.bak` (UTC, keeping the newest
/// [`KEEP_BACKUPS`]), writes a temporary file in the same directory, syncs it, renames it over
/// the old one and syncs the directory. The previous file's permissions carry over; a new file
/// is private to the user (0600), since configs often hold API keys in `env`.
#[derive(Debug, Clone)]
pub struct FsClientFiles {
    home: Option<PathBuf>,
    allowed: Vec<PathBuf>,
}

impl FsClientFiles {
    /// This user's client files (home from `$HOME`), also writable under each folder of
    /// `allowed` (`serve --allow-path`; absolute paths).
    pub fn new(allowed: Vec<PathBuf>) -> Self {
        Self {
            home: home_dir(),
            allowed,
        }
    }
}

/// The local secrets file in `$MCP_ORCHESTRATION_HOME`: `{"NAME": "value", …}`, private to
/// its owner (0600).
pub const SECRETS_FILE: &str = "secrets.json";

/// The secret `name` in the secrets file at `path`: `None` without the file or the name; an
/// error when the file is readable by anyone but its owner or is not a JSON object of strings.
pub fn secret_in_file(path: &Path, name: &str) -> Result<Option<String>> {
    let shown = path.display();
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::new(
                Code::FileRead,
                format!("Could not read {shown}: {e}"),
            ));
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)
            .map_err(|e| Error::new(Code::FileRead, format!("Could not read {shown}: {e}")))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(Error::new(
                Code::FileRead,
                format!(
                    "{shown} holds secrets but others may read it (mode {:o}): run chmod 600 {shown}",
                    mode & 0o777
                ),
            ));
        }
    }
    let secrets: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&text).map_err(|e| {
            Error::new(
                Code::FileRead,
                format!("{shown} must be a JSON object of strings: {e}"),
            )
        })?;
    Ok(secrets.get(name).cloned())
}

impl ClientFiles for FsClientFiles {
    fn secret(&self, name: &str) -> Result<Option<String>> {
        if let Some(value) = std::env::var(name).ok().filter(|v| !v.is_empty()) {
            return Ok(Some(value));
        }
        secret_in_file(&Home::from_env()?.root().join(SECRETS_FILE), name)
    }

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
        self.home
            .clone()
            .and_then(|p| p.into_os_string().into_string().ok())
    }

    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn real_path(&self, path: &str) -> Result<String> {
        let real = real_path(absolute(path)?)?;
        real.into_os_string().into_string().map_err(|real| {
            Error::new(
                Code::PathUnresolved,
                format!(
                    "The config path '{path}' resolves to {}, which is not valid Unicode",
                    real.to_string_lossy()
                ),
            )
        })
    }

    fn allowed_roots(&self) -> Vec<String> {
        self.home
            .iter()
            .chain(&self.allowed)
            .filter_map(|root| match real_path(root) {
                Ok(real) => real.into_os_string().into_string().ok(),
                Err(e) => {
                    tracing::warn!(folder = %root.display(), "an allowed folder is left out: {}", e.detail);
                    None
                }
            })
            .collect()
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

/// `path` (absolute) as it really is: its longest existing ancestor canonicalized (`..` and
/// symlinks resolved, the file's own link too), then the components that do not exist yet. An
/// ancestor that cannot be examined (no permission) counts as not existing: nothing can be
/// written through it either. A `..` after a missing folder is refused, since the disk cannot
/// resolve it.
fn real_path(path: &Path) -> Result<PathBuf> {
    let components: Vec<Component<'_>> = path.components().collect();
    for existing in (1..=components.len()).rev() {
        let ancestor: PathBuf = components.iter().take(existing).collect();
        let Ok(base) = fs::canonicalize(&ancestor) else {
            continue;
        };
        let rest = components.get(existing..).unwrap_or_default();
        if rest.is_empty() {
            return Ok(base);
        }
        if !base.is_dir() {
            return Err(Error::new(
                Code::PathUnresolved,
                format!(
                    "Cannot resolve the config path '{}': '{}' is not a folder",
                    path.display(),
                    base.display()
                ),
            ));
        }
        if rest.contains(&Component::ParentDir) {
            return Err(Error::new(
                Code::PathNotAllowed,
                format!(
                    "The config path '{}' goes up (..) from a folder that does not exist",
                    path.display()
                ),
            ));
        }
        return Ok(rest.iter().fold(base, |real, part| real.join(part)));
    }
    Err(Error::new(
        Code::PathUnresolved,
        format!(
            "Cannot resolve the config path '{}': no part of it exists",
            path.display()
        ),
    ))
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

    /// Client files of this process's user, as the CLI has them.
    fn files() -> FsClientFiles {
        FsClientFiles::new(Vec::new())
    }

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
        assert_eq!(files().read(&path).unwrap(), None);
        assert_eq!(files().write(&path, "{}\n").unwrap(), None);
        assert_eq!(files().read(&path).unwrap().as_deref(), Some("{}\n"));
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
        let backup = files().write(&path, "new").unwrap().expect("a backup");
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
            files().write(&path, &format!("v{i}")).unwrap();
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
            files().write(&path, &format!("v{i}")).unwrap();
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
        files().write(&link, "new").unwrap().expect("a backup");
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
        let err = files().write("relative/mcp.json", "{}").unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (400, "CONFIG_PATH_NOT_ABSOLUTE")
        );
        let dir = tempfile::tempdir().unwrap();
        let err = files()
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

    /// A temporary machine: `home/` (the user's, holding `.bashrc`), `other/` (another user's
    /// home), `outside/` and `shared/`; its real root, and client files with `home/` as the home
    /// and `allowed` (relative to the root) allowed besides.
    fn machine(allowed: &[&str]) -> (tempfile::TempDir, PathBuf, FsClientFiles) {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        for sub in ["home", "other", "outside", "shared"] {
            fs::create_dir(root.join(sub)).unwrap();
        }
        fs::write(root.join("home/.bashrc"), "alias ll='ls -l'\n").unwrap();
        let files = FsClientFiles {
            home: Some(dir.path().join("home")),
            allowed: allowed.iter().map(|a| dir.path().join(a)).collect(),
        };
        (dir, root, files)
    }

    fn real(files: &FsClientFiles, path: &Path) -> Result<String> {
        files.real_path(&path.display().to_string())
    }

    /// Where a Cursor profile with config path `path` deploys to, confined.
    fn confined(files: &FsClientFiles, path: &str) -> Result<String> {
        mcp_orchestration_core::client::client("cursor")?.confined_path(Some(path), files)
    }

    /// Asserts `path` is refused with 400 `PATH_NOT_ALLOWED`; returns the detail.
    fn refused(files: &FsClientFiles, path: &str) -> String {
        let err = confined(files, path).unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (400, "PATH_NOT_ALLOWED"),
            "{path}: {}",
            err.detail
        );
        err.detail
    }

    #[test]
    fn real_paths_resolve_dots_and_keep_what_does_not_exist() {
        let (_dir, root, files) = machine(&[]);
        let expect = |rel: &str| root.join(rel).display().to_string();
        assert_eq!(
            real(&files, &root.join("home/../other/./x/mcp.json")).unwrap(),
            expect("other/x/mcp.json")
        );
        assert_eq!(
            real(&files, &root.join("home/.bashrc")).unwrap(),
            expect("home/.bashrc")
        );
        let err = real(&files, &root.join("home/missing/../../outside/mcp.json")).unwrap_err();
        assert_eq!(err.code, "PATH_NOT_ALLOWED", "{}", err.detail);
        let err = real(&files, &root.join("home/.bashrc/mcp.json")).unwrap_err();
        assert_eq!(err.code, "PATH_UNRESOLVED", "{}", err.detail);
        assert!(err.detail.contains("is not a folder"), "{}", err.detail);
        let err = files.real_path("relative/mcp.json").unwrap_err();
        assert_eq!(err.code, "CONFIG_PATH_NOT_ABSOLUTE");
    }

    #[cfg(unix)]
    #[test]
    fn real_paths_follow_symlinked_parents_and_files() {
        use std::os::unix::fs::symlink;
        let (_dir, root, files) = machine(&[]);
        symlink(root.join("outside"), root.join("home/out")).unwrap();
        fs::write(root.join("outside/target.json"), "{}").unwrap();
        symlink(
            root.join("outside/target.json"),
            root.join("home/evil.json"),
        )
        .unwrap();
        symlink(
            root.join("outside/gone.json"),
            root.join("home/dangling.json"),
        )
        .unwrap();
        let expect = |rel: &str| root.join(rel).display().to_string();
        assert_eq!(
            real(&files, &root.join("home/out/new/mcp.json")).unwrap(),
            expect("outside/new/mcp.json")
        );
        assert_eq!(
            real(&files, &root.join("home/out/../mcp.json")).unwrap(),
            expect("mcp.json"),
            "`..` after a symlink goes up from its target"
        );
        assert_eq!(
            real(&files, &root.join("home/evil.json")).unwrap(),
            expect("outside/target.json")
        );
        assert_eq!(
            real(&files, &root.join("home/dangling.json")).unwrap(),
            expect("home/dangling.json"),
            "a dangling link is replaced where it is, never followed"
        );
    }

    #[test]
    fn confinement_refuses_dotdot_other_homes_outside_and_wrong_names() {
        let (dir, root, files) = machine(&[]);
        assert_eq!(
            confined(&files, "~/.cursor/mcp.json").unwrap(),
            root.join("home/.cursor/mcp.json").display().to_string()
        );
        let default = mcp_orchestration_core::client::client("cursor")
            .unwrap()
            .confined_path(None, &files)
            .unwrap();
        assert_eq!(
            default,
            root.join("home/.cursor/mcp.json").display().to_string()
        );
        assert_eq!(
            confined(&files, "~/../home/.cursor/mcp.json").unwrap(),
            root.join("home/.cursor/mcp.json").display().to_string(),
            "a `..` that stays home is fine"
        );

        let detail = refused(&files, "~/../other/.cursor/mcp.json");
        assert!(
            detail.contains(&format!(
                "(really '{}')",
                root.join("other/.cursor/mcp.json").display()
            )),
            "{detail}"
        );
        refused(
            &files,
            &format!("{}/other/.cursor/mcp.json", dir.path().display()),
        );
        refused(&files, "/home/other/.cursor/mcp.json");
        let detail = refused(&files, "/tmp/x/.bashrc.json");
        assert!(detail.contains("serve --allow-path PREFIX"), "{detail}");
        assert!(
            detail.contains(&root.join("home").display().to_string()),
            "{detail}"
        );
        let detail = refused(&files, "~/.bashrc");
        assert!(detail.contains("is not a json file"), "{detail}");
        refused(&files, "~/mcp.txt");
        assert_eq!(
            fs::read_to_string(root.join("home/.bashrc")).unwrap(),
            "alias ll='ls -l'\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn confinement_refuses_symlinks_out_of_home() {
        use std::os::unix::fs::symlink;
        let (_dir, root, files) = machine(&[]);
        symlink(root.join("outside"), root.join("home/out")).unwrap();
        symlink(root.join("other"), root.join("home/.cursor")).unwrap();
        fs::write(root.join("outside/target.json"), "{}").unwrap();
        symlink(
            root.join("outside/target.json"),
            root.join("home/evil.json"),
        )
        .unwrap();
        fs::create_dir(root.join("home/dotfiles")).unwrap();
        symlink(root.join("home/dotfiles"), root.join("home/linked")).unwrap();

        let detail = refused(&files, "~/out/mcp.json");
        assert!(
            detail.contains(&format!(
                "(really '{}')",
                root.join("outside/mcp.json").display()
            )),
            "{detail}"
        );
        refused(&files, "~/evil.json");
        let default = mcp_orchestration_core::client::client("cursor")
            .unwrap()
            .confined_path(None, &files)
            .unwrap_err();
        assert_eq!(
            default.code, "PATH_NOT_ALLOWED",
            "the default path is confined too"
        );
        assert_eq!(
            confined(&files, "~/linked/cursor.json").unwrap(),
            root.join("home/dotfiles/cursor.json").display().to_string(),
            "a link that stays home is followed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn allowed_folders_are_resolved_and_compared_whole() {
        use std::os::unix::fs::symlink;
        let (dir, root, files) = machine(&["shared-link"]);
        symlink(root.join("shared"), root.join("shared-link")).unwrap();
        fs::create_dir(root.join("shared-not")).unwrap();
        assert_eq!(
            files.allowed_roots(),
            [
                root.join("home").display().to_string(),
                root.join("shared").display().to_string()
            ]
        );
        let base = dir.path().display();
        assert_eq!(
            confined(&files, &format!("{base}/shared/proj/.cursor/mcp.json")).unwrap(),
            root.join("shared/proj/.cursor/mcp.json")
                .display()
                .to_string()
        );
        confined(&files, &format!("{base}/shared-link/mcp.json")).unwrap();
        refused(&files, &format!("{base}/shared-not/mcp.json"));
        refused(&files, &format!("{base}/outside/mcp.json"));
        refused(&files, &format!("{base}/shared/mcp.txt"));
    }

    #[test]
    fn os_and_environment_come_from_this_process() {
        if cfg!(target_os = "linux") {
            assert_eq!(files().os(), Os::Linux);
        }
        assert_eq!(files().var("PATH"), std::env::var("PATH").ok());
        assert_eq!(files().var("MCP_ORCHESTRATION_SURELY_UNSET_VAR"), None);
    }
}
