//! Where a client config file may be written: a path whose file name is of the client's format
//! and which really lies inside one of the host's allowed folders (the home directory, and the
//! prefixes given to `serve --allow-path`).
//!
//! The rules are pure functions over path strings. Resolving symlinks is the host's
//! ([`crate::ports::ClientFiles::real_path`]); [`crate::client::Client::confined_path`] puts
//! the two together.

use crate::client::Client;
use crate::error::{Code, Error, Result};
use crate::ports::Os;

/// The file name of `path`: what follows its last `/` or `\`.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// Checks that `path` names a file of `client`'s format (`mcp.json`, not `.bashrc`); 400
/// `PATH_NOT_ALLOWED` otherwise.
pub fn check_file_name(client: &Client, path: &str) -> Result<()> {
    let format = client.config_format();
    if format.accepts_file_name(file_name(path)) {
        return Ok(());
    }
    let names: Vec<String> = format
        .extensions()
        .iter()
        .map(|ext| format!("*.{ext}"))
        .collect();
    Err(Error::new(
        Code::PathNotAllowed,
        format!(
            "The config path '{path}' is not a {} file: {} keeps its servers in a file named {}",
            format.as_str(),
            client.display_name(),
            names.join(" or ")
        ),
    ))
}

/// Checks that `real`, what config path `path` really is, lies inside one of the folders
/// `roots`; 400 `PATH_NOT_ALLOWED` naming the path and how to allow another folder otherwise.
pub fn check_within(path: &str, real: &str, roots: &[String], os: Os) -> Result<()> {
    if roots.iter().any(|root| is_within(real, root, os)) {
        return Ok(());
    }
    let really = if real == path {
        String::new()
    } else {
        format!(" (really '{real}')")
    };
    let allowed = if roots.is_empty() {
        "none".to_owned()
    } else {
        roots.join(", ")
    };
    Err(Error::new(
        Code::PathNotAllowed,
        format!(
            "The config path '{path}'{really} is outside the folders this host writes client files in ({allowed}); to allow another folder, start the server with `serve --allow-path PREFIX`"
        ),
    ))
}

/// Whether `path` lies strictly inside the folder `root`, comparing whole components (ignoring
/// case on Windows). Both must be absolute and real: a `.` or `..` in either makes it false.
pub fn is_within(path: &str, root: &str, os: Os) -> bool {
    match (components(path, os), components(root, os)) {
        (Some(path), Some(root)) => {
            path.len() > root.len() && path.iter().zip(&root).all(|(p, r)| same(p, r, os))
        }
        _ => false,
    }
}

/// The components of an absolute path, led by its kind of root (`/`; on Windows `\\` for UNC
/// and verbatim paths, or nothing before a drive letter); `None` for a relative path or one
/// with a `.` or `..` component.
fn components(path: &str, os: Os) -> Option<Vec<&str>> {
    let (root, rest, separators): (&str, &str, &[char]) = match os {
        Os::Windows => {
            let separators: &[char] = &['\\', '/'];
            if let Some(rest) = path
                .strip_prefix("\\\\")
                .or_else(|| path.strip_prefix("//"))
            {
                ("\\\\", rest, separators)
            } else if matches!(path.as_bytes(), [d, b':', b'\\' | b'/', ..] if d.is_ascii_alphabetic())
            {
                ("", path, separators)
            } else {
                return None;
            }
        }
        Os::Macos | Os::Linux => ("/", path.strip_prefix('/')?, &['/']),
    };
    let mut parts = vec![root];
    for part in rest.split(separators).filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            return None;
        }
        parts.push(part);
    }
    Some(parts)
}

fn same(a: &str, b: &str, os: Os) -> bool {
    match os {
        Os::Windows => a.to_lowercase() == b.to_lowercase(),
        Os::Macos | Os::Linux => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::client;

    #[test]
    fn file_names_follow_the_format() {
        let ok = |id: &str, path: &str| check_file_name(client(id).unwrap(), path).is_ok();
        assert!(ok("cursor", "/home/u/.cursor/mcp.json"));
        assert!(
            ok("cursor", "/tmp/x/.bashrc.json"),
            "a .json name, whatever its stem"
        );
        assert!(ok("cursor", "C:\\Users\\Me\\MCP.JSON"));
        assert!(ok("vscode", "~/Code/User/mcp.jsonc"));
        assert!(ok("vscode", "~/Code/User/mcp.json"));
        assert!(ok("continue", "~/.continue/config.yaml"));
        assert!(ok("continue", "~/.continue/config.yml"));
        assert!(ok("codex", "~/.codex/config.toml"));
        for (id, bad) in [
            ("cursor", "/home/u/.bashrc"),
            ("cursor", "/home/u/mcp.txt"),
            ("cursor", "/home/u/.json"),
            ("cursor", "/home/u/.cursor/"),
            ("cursor", "/home/u/mcp.jsonc"),
            ("cursor", "/home/u/mcp.json.bak"),
            ("continue", "~/.continue/config.json"),
            ("codex", "~/.codex/config.tml"),
        ] {
            let err = check_file_name(client(id).unwrap(), bad).unwrap_err();
            assert_eq!((err.status(), err.code.as_str()), (400, "PATH_NOT_ALLOWED"));
            assert!(err.detail.contains(bad), "{}", err.detail);
        }
        let err = check_file_name(client("vscode").unwrap(), "~/x.txt").unwrap_err();
        assert!(
            err.detail.ends_with("in a file named *.json or *.jsonc"),
            "{}",
            err.detail
        );
    }

    #[test]
    fn within_compares_whole_components() {
        let linux = |path, root| is_within(path, root, Os::Linux);
        assert!(linux("/home/u/.cursor/mcp.json", "/home/u"));
        assert!(linux("/home/u/.cursor/mcp.json", "/home/u/"));
        assert!(linux("/home/u//x.json", "/home/u"));
        assert!(linux("/anything.json", "/"));
        assert!(
            !linux("/home/u", "/home/u"),
            "the root itself is no file in it"
        );
        assert!(!linux("/home/u2/x.json", "/home/u"));
        assert!(!linux("/home/other/x.json", "/home/u"));
        assert!(!linux("/tmp/x/.bashrc.json", "/home/u"));
        assert!(!linux("/home/u/../other/x.json", "/home/u"));
        assert!(!linux("/home/u/./x.json", "/home/u"));
        assert!(!linux("home/u/x.json", "/home/u"), "relative");
        assert!(!linux("/home/u/x.json", "home/u"), "relative root");
        assert!(
            !linux("/home/u\\x.json", "/home/u"),
            "a backslash is a name character"
        );
        assert!(!is_within("/home/U/x.json", "/home/u", Os::Macos));
    }

    #[test]
    fn windows_paths_ignore_case_and_take_either_separator() {
        let win = |path, root| is_within(path, root, Os::Windows);
        assert!(win("C:\\Users\\Me\\.cursor\\mcp.json", "c:\\users\\me"));
        assert!(win("C:/Users/Me/mcp.json", "C:\\Users\\Me"));
        assert!(win("\\\\nas\\share\\mcp.json", "\\\\NAS\\share"));
        assert!(!win("\\\\nas\\share\\mcp.json", "C:\\"));
        assert!(!win("D:\\Users\\Me\\mcp.json", "C:\\Users\\Me"));
        assert!(!win("C:\\Users\\Me\\..\\You\\mcp.json", "C:\\Users\\Me"));
        assert!(!win("Users\\Me\\mcp.json", "C:\\Users\\Me"));
        assert!(!win("C:mcp.json", "C:\\"), "drive-relative");
    }

    #[test]
    fn outside_is_400_naming_the_path_the_real_one_and_the_flag() {
        let roots = ["/home/u".to_owned(), "/mnt/c/Users/me".to_owned()];
        assert!(
            check_within(
                "/mnt/c/Users/me/mcp.json",
                "/mnt/c/Users/me/mcp.json",
                &roots,
                Os::Linux
            )
            .is_ok()
        );
        let err = check_within(
            "/tmp/x/.bashrc.json",
            "/tmp/x/.bashrc.json",
            &roots,
            Os::Linux,
        )
        .unwrap_err();
        assert_eq!((err.status(), err.code.as_str()), (400, "PATH_NOT_ALLOWED"));
        assert!(
            err.detail
                .starts_with("The config path '/tmp/x/.bashrc.json' is outside"),
            "{}",
            err.detail
        );
        assert!(
            err.detail.contains("(/home/u, /mnt/c/Users/me)"),
            "{}",
            err.detail
        );
        assert!(
            err.detail.contains("serve --allow-path PREFIX"),
            "{}",
            err.detail
        );
        let err =
            check_within("/home/u/link/mcp.json", "/etc/mcp.json", &roots, Os::Linux).unwrap_err();
        assert!(
            err.detail.starts_with(
                "The config path '/home/u/link/mcp.json' (really '/etc/mcp.json') is outside"
            ),
            "{}",
            err.detail
        );
        let err = check_within("/home/u/mcp.json", "/home/u/mcp.json", &[], Os::Linux).unwrap_err();
        assert!(err.detail.contains("(none)"), "{}", err.detail);
    }
}
