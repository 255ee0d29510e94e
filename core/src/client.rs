//! The registry of client apps: where each keeps its MCP servers, in which format and shape,
//! what it supports, and how its config path resolves on a machine.
//!
//! The facts live in `core/data/clients.json`, embedded at build time and parsed once; a unit
//! test proves the data parses, so [`clients`] never comes back empty in a released build.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::confine;
use crate::error::{Code, Error, Result};
use crate::payload::Remote;
use crate::ports::{ClientFiles, Os};
use crate::validate::Rules;

/// The embedded client data.
const DATA: &str = include_str!("../data/clients.json");

/// The format of a client's config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Strict JSON.
    Json,
    /// JSON with comments and trailing commas.
    Jsonc,
    /// YAML.
    Yaml,
    /// TOML.
    Toml,
}

impl Format {
    /// The format's name as the API reports it (`json`, `jsonc`, `yaml`, `toml`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Jsonc => "jsonc",
            Self::Yaml => "yaml",
            Self::Toml => "toml",
        }
    }

    /// The extensions a config file of this format may have: `json`; `json` or `jsonc`;
    /// `yaml` or `yml`; `toml`.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Json => &["json"],
            Self::Jsonc => &["json", "jsonc"],
            Self::Yaml => &["yaml", "yml"],
            Self::Toml => &["toml"],
        }
    }

    /// Whether the file name `name` is one of this format's: a stem, a dot and one of
    /// [`Self::extensions`], in any case.
    pub fn accepts_file_name(self, name: &str) -> bool {
        name.rsplit_once('.').is_some_and(|(stem, ext)| {
            !stem.is_empty()
                && self
                    .extensions()
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(ext))
        })
    }
}

/// How the servers block holds its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// An object (map) from entry name to entry.
    #[default]
    Map,
    /// A list of entries, each naming itself in the shape's name field (Continue).
    List,
}

/// The value of the type field for each transport, where the client writes one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Types {
    pub(crate) stdio: Option<String>,
    pub(crate) http: Option<String>,
    pub(crate) sse: Option<String>,
}

impl Types {
    /// The type value for a remote transport.
    pub(crate) fn remote(&self, remote: Remote) -> Option<&str> {
        match remote {
            Remote::Http => self.http.as_deref(),
            Remote::Sse => self.sse.as_deref(),
        }
    }
}

/// The field holding the URL for each remote transport the client connects to natively.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Urls {
    pub(crate) http: Option<String>,
    pub(crate) sse: Option<String>,
}

impl Urls {
    /// The URL field for `remote`, if the client speaks it natively.
    pub(crate) fn get(&self, remote: Remote) -> Option<&str> {
        match remote {
            Remote::Http => self.http.as_deref(),
            Remote::Sse => self.sse.as_deref(),
        }
    }
}

/// Entries whose `field` holds a value outside `managed` are not MCP servers we manage (Zed
/// extensions, Goose built-ins): reading skips them and merging keeps them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Foreign {
    pub(crate) field: String,
    pub(crate) managed: Vec<String>,
}

/// The shape of one entry in a client's servers block.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EntryShape {
    /// Field repeating the entry's name inside the entry (Goose; the key of a list item).
    #[serde(default)]
    pub(crate) name_field: Option<String>,
    /// Field naming the transport, if entries carry one.
    #[serde(default)]
    pub(crate) type_field: Option<String>,
    /// Values of the type field per transport.
    #[serde(default)]
    pub(crate) types: Types,
    /// Field of the executable.
    #[serde(default = "default_command")]
    pub(crate) command: String,
    /// Field of the arguments; `None` when the command field holds the program and its
    /// arguments as one array (OpenCode).
    #[serde(default = "default_args")]
    pub(crate) args: Option<String>,
    /// Field of the environment variables.
    #[serde(default = "default_env")]
    pub(crate) env: String,
    /// Field of the working directory, if the client supports one.
    #[serde(default)]
    pub(crate) cwd: Option<String>,
    /// URL fields of the remote transports spoken natively.
    pub(crate) urls: Urls,
    /// Field of the HTTP headers of a remote entry, if the client supports them.
    #[serde(default)]
    pub(crate) headers: Option<String>,
    /// How the client's file refers to a secret in an env var or header value, `{name}` standing
    /// for its name (e.g. `${env:{name}}`); without one, a secret is filled in where the file
    /// is written.
    #[serde(default)]
    pub(crate) secret: Option<String>,
    /// Field listing env vars passed through from the client's environment (Codex `env_vars`):
    /// an env var that is the secret of its own name is listed there.
    #[serde(default)]
    pub(crate) secret_env_list: Option<String>,
    /// Field naming the env var of a bearer token (Codex `bearer_token_env_var`): an
    /// `Authorization: Bearer` secret goes there.
    #[serde(default)]
    pub(crate) secret_bearer: Option<String>,
    /// Field mapping headers to the env vars holding them (Codex `env_http_headers`).
    #[serde(default)]
    pub(crate) secret_header_env: Option<String>,
    /// Top-level list declaring each secret the file refers to as an input that prompts for
    /// it (VS Code `inputs`: `promptString` with `password: true`).
    #[serde(default)]
    pub(crate) secret_inputs: Option<String>,
    /// Constant fields every entry we write carries.
    #[serde(default)]
    pub(crate) fixed: Map<String, Value>,
    /// Which existing entries are not ours to manage.
    #[serde(default)]
    pub(crate) foreign: Option<Foreign>,
}

fn default_command() -> String {
    "command".to_owned()
}

fn default_args() -> Option<String> {
    Some("args".to_owned())
}

fn default_env() -> String {
    "env".to_owned()
}

/// The config file path template per OS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigPaths {
    macos: Option<String>,
    windows: Option<String>,
    linux: Option<String>,
}

/// Limits a client puts on a config.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Limitations {
    max_servers: Option<usize>,
    max_env_vars: Option<usize>,
}

/// One client app: where and how it keeps its MCP servers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    client_id: String,
    display_name: String,
    config_paths: ConfigPaths,
    config_format: Format,
    servers_key: String,
    #[serde(default)]
    layout: Layout,
    entry: EntryShape,
    #[serde(default)]
    limitations: Limitations,
    default_profiles: Vec<String>,
    #[serde(default)]
    new_file: Map<String, Value>,
    notes: String,
}

/// The OSes in the order the API lists them.
const ALL_OS: [Os; 3] = [Os::Macos, Os::Windows, Os::Linux];

fn os_name(os: Os) -> &'static str {
    match os {
        Os::Macos => "macos",
        Os::Windows => "windows",
        Os::Linux => "linux",
    }
}

impl Client {
    /// The client's id, e.g. `claude-desktop`.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The client's human name, e.g. `Claude Desktop`.
    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    /// The config file's format.
    pub fn config_format(&self) -> Format {
        self.config_format
    }

    /// The top-level key holding the servers block (`mcpServers`, `servers`, ...).
    pub fn servers_key(&self) -> &str {
        &self.servers_key
    }

    /// Whether the servers block is a map or a list.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The profiles every client starts with.
    pub fn default_profiles(&self) -> &[String] {
        &self.default_profiles
    }

    /// Top-level keys a config file we create starts with, besides the servers block.
    pub fn new_file_keys(&self) -> &Map<String, Value> {
        &self.new_file
    }

    /// Where the sources disagree, and other facts worth knowing about the client.
    pub fn notes(&self) -> &str {
        &self.notes
    }

    /// The shape of one entry.
    pub(crate) fn entry_shape(&self) -> &EntryShape {
        &self.entry
    }

    /// Whether the client connects to remote servers natively over `remote`.
    pub fn supports_remote(&self, remote: Remote) -> bool {
        self.entry.urls.get(remote).is_some()
    }

    /// The limits a payload for this client is validated against.
    pub fn rules(&self) -> Rules {
        Rules {
            max_servers: self.limitations.max_servers,
            max_env_vars: self.limitations.max_env_vars,
            supports_env: true,
            supports_args: true,
            supports_cwd: self.entry.cwd.is_some(),
            supports_http: self.supports_remote(Remote::Http),
            supports_sse: self.supports_remote(Remote::Sse),
        }
    }

    /// The config path template for `os` (`~`, `%VAR%`, `$VAR`, `${VAR:-default}` unexpanded).
    pub fn path_template(&self, os: Os) -> Option<&str> {
        match os {
            Os::Macos => self.config_paths.macos.as_deref(),
            Os::Windows => self.config_paths.windows.as_deref(),
            Os::Linux => self.config_paths.linux.as_deref(),
        }
    }

    /// The OSes the client has a known config path on.
    pub fn platforms(&self) -> Vec<Os> {
        ALL_OS
            .into_iter()
            .filter(|os| self.path_template(*os).is_some())
            .collect()
    }

    /// The real config path on the host behind `files`: `override_path` (a profile's own path)
    /// if given, else the template for the host's OS, with `~` and variables expanded.
    ///
    /// Fails with 409 `PATH_UNRESOLVED` when the client has no path for that OS, or the home
    /// directory or a needed variable is unknown.
    pub fn resolve_path(
        &self,
        override_path: Option<&str>,
        files: &dyn ClientFiles,
    ) -> Result<String> {
        let os = files.os();
        let template = match override_path {
            Some(path) if path.trim().is_empty() => {
                return Err(Error::new(
                    Code::PathUnresolved,
                    format!("The config path given for {} is empty", self.display_name),
                ));
            }
            Some(path) => path,
            None => self.path_template(os).ok_or_else(|| {
                Error::new(
                    Code::PathUnresolved,
                    format!(
                        "{} has no known config path on {}; give the path in the profile",
                        self.display_name,
                        os_name(os)
                    ),
                )
            })?,
        };
        expand(template, files).map_err(|missing| {
            Error::new(
                Code::PathUnresolved,
                format!(
                    "Cannot resolve the config path {template:?} of {}: {missing}",
                    self.display_name
                ),
            )
        })
    }

    /// [`Self::resolve_path`], confined: the path must name a file of the client's format, and
    /// what it really is (symlinks and `..` resolved by the host) must lie inside one of the
    /// host's allowed folders; else 400 `PATH_NOT_ALLOWED`. Returns that real path, the one to
    /// read and write.
    pub fn confined_path(
        &self,
        override_path: Option<&str>,
        files: &dyn ClientFiles,
    ) -> Result<String> {
        let path = self.resolve_path(override_path, files)?;
        confine::check_file_name(self, &path)?;
        let real = files.real_path(&path)?;
        confine::check_file_name(self, &real)?;
        confine::check_within(&path, &real, &files.allowed_roots(), files.os())?;
        Ok(real)
    }

    /// The client as the API shows it; `config_path` is the template for `os`, or null when
    /// the OS is unknown or has no path.
    pub fn summary(&self, os: Option<Os>) -> ClientSummary<'_> {
        let rules = self.rules();
        ClientSummary {
            client_id: &self.client_id,
            display_name: &self.display_name,
            config_path: os.and_then(|o| self.path_template(o)),
            config_paths: ALL_OS
                .into_iter()
                .map(|o| (os_name(o), self.path_template(o)))
                .collect(),
            platform: self.platforms().into_iter().map(os_name).collect(),
            config_format: self.config_format,
            servers_key: &self.servers_key,
            capabilities: Capabilities {
                env: rules.supports_env,
                args: rules.supports_args,
                cwd: rules.supports_cwd,
                remote: rules.supports_remote(),
                remote_url_field: self.entry.urls.http.as_deref().or(self
                    .entry
                    .urls
                    .sse
                    .as_deref()),
                remote_transports: [Remote::Http, Remote::Sse]
                    .into_iter()
                    .filter(|r| self.supports_remote(*r))
                    .collect(),
                headers: rules.supports_remote() && self.entry.headers.is_some(),
            },
            limitations: Limits {
                max_servers: self.limitations.max_servers,
                max_env_vars: self.limitations.max_env_vars,
            },
            default_profiles: &self.default_profiles,
            notes: &self.notes,
        }
    }

    /// Checks the invariants the code relies on; the error names the client and the fault.
    fn check(&self) -> std::result::Result<(), String> {
        let id = &self.client_id;
        if !crate::id::is_valid(id) {
            return Err(format!("client id {id:?} is not a valid id"));
        }
        if self.layout == Layout::List
            && (self.entry.name_field.is_none()
                || self.entry.foreign.is_some()
                || self.config_format == Format::Toml)
        {
            return Err(format!(
                "{id}: a list layout needs entry.name_field, no foreign rule and no TOML"
            ));
        }
        if self.default_profiles.is_empty()
            || !self.default_profiles.iter().all(|p| crate::id::is_valid(p))
        {
            return Err(format!(
                "{id}: default_profiles must be non-empty valid ids"
            ));
        }
        if self.platforms().is_empty() {
            return Err(format!("{id}: no config path on any OS"));
        }
        let has_types = self.entry.types != Types::default();
        if has_types != self.entry.type_field.is_some() {
            return Err(format!(
                "{id}: entry.types and entry.type_field go together"
            ));
        }
        Ok(())
    }
}

/// A client app as `GET /v1/clients` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ClientSummary<'a> {
    /// Id, e.g. `claude-desktop`.
    pub client_id: &'a str,
    /// Human name.
    pub display_name: &'a str,
    /// The config path template on the host's OS; null when unknown there.
    pub config_path: Option<&'a str>,
    /// The config path template per OS (`macos`, `windows`, `linux`); null where unknown.
    pub config_paths: BTreeMap<&'static str, Option<&'a str>>,
    /// The OSes the client has a known config path on.
    pub platform: Vec<&'static str>,
    /// The config file's format.
    pub config_format: Format,
    /// The top-level key holding the servers.
    pub servers_key: &'a str,
    /// What entries may carry.
    pub capabilities: Capabilities<'a>,
    /// Limits, where the client has them.
    pub limitations: Limits,
    /// The profiles every client starts with.
    pub default_profiles: &'a [String],
    /// Facts worth knowing about the client.
    pub notes: &'a str,
}

/// What a client's entries may carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Capabilities<'a> {
    /// Env vars.
    pub env: bool,
    /// Arguments.
    pub args: bool,
    /// A working directory.
    pub cwd: bool,
    /// Remote servers, natively.
    pub remote: bool,
    /// The field that holds a remote server's URL.
    pub remote_url_field: Option<&'a str>,
    /// The remote transports reached natively.
    pub remote_transports: Vec<Remote>,
    /// HTTP headers for remote servers.
    pub headers: bool,
}

/// A client's limits; null where it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Limits {
    /// Most servers loaded.
    pub max_servers: Option<usize>,
    /// Most env vars per server.
    pub max_env_vars: Option<usize>,
}

/// Parses and checks the embedded data.
fn load() -> std::result::Result<Vec<Client>, String> {
    let clients: Vec<Client> =
        serde_json::from_str(DATA).map_err(|e| format!("clients.json: {e}"))?;
    let mut seen = BTreeMap::new();
    for c in &clients {
        c.check()?;
        if seen.insert(c.client_id.as_str(), ()).is_some() {
            return Err(format!("client id {:?} appears twice", c.client_id));
        }
    }
    Ok(clients)
}

fn registry() -> &'static std::result::Result<Vec<Client>, String> {
    static REGISTRY: OnceLock<std::result::Result<Vec<Client>, String>> = OnceLock::new();
    REGISTRY.get_or_init(load)
}

/// Every known client, in registry order (empty only if the embedded data were broken, which
/// a unit test rules out).
pub fn clients() -> &'static [Client] {
    match registry() {
        Ok(clients) => clients,
        Err(_) => &[],
    }
}

/// The client with id `id`; 404 `CLIENT_NOT_FOUND` (detail `Client '<id>' not found`).
pub fn client(id: &str) -> Result<&'static Client> {
    clients()
        .iter()
        .find(|c| c.client_id == id)
        .ok_or_else(|| Error::new(Code::ClientNotFound, format!("Client '{id}' not found")))
}

/// Expands `~` (at the start), `%VAR%`, `$VAR`, `${VAR}` and `${VAR:-default}`; an empty
/// variable counts as unset. The error names what is missing.
fn expand(template: &str, files: &dyn ClientFiles) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    if let Some(after) = rest.strip_prefix('~')
        && (after.is_empty() || after.starts_with(['/', '\\']))
    {
        let home = files
            .home()
            .filter(|h| !h.is_empty())
            .ok_or("the home directory is unknown")?;
        out.push_str(&home);
        rest = after;
    }
    let var = |name: &str| files.var(name).filter(|v| !v.is_empty());
    while let Some(pos) = rest.find(['%', '$']) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos..];
        if let Some(body) = tail.strip_prefix('%') {
            match body.find('%').map(|end| (&body[..end], &body[end + 1..])) {
                Some((name, after)) if is_windows_var(name) => {
                    out.push_str(
                        &var(name)
                            .ok_or_else(|| format!("environment variable {name} is not set"))?,
                    );
                    rest = after;
                }
                _ => {
                    out.push('%');
                    rest = body;
                }
            }
        } else if let Some(body) = tail.strip_prefix("${") {
            let end = body
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {template:?}"))?;
            let (inner, after) = (&body[..end], &body[end + 1..]);
            let (name, default) = match inner.split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (inner, None),
            };
            match (var(name), default) {
                (Some(value), _) => out.push_str(&value),
                (None, Some(default)) => out.push_str(&expand(default, files)?),
                (None, None) => return Err(format!("environment variable {name} is not set")),
            }
            rest = after;
        } else {
            let body = &tail[1..];
            let len = body
                .char_indices()
                .find(|&(i, c)| {
                    !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
                })
                .map_or(body.len(), |(i, _)| i);
            if len == 0 {
                out.push('$');
            } else {
                let name = &body[..len];
                out.push_str(
                    &var(name).ok_or_else(|| format!("environment variable {name} is not set"))?,
                );
            }
            rest = &body[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Whether `name` can be a Windows variable name such as `APPDATA` or `ProgramFiles(x86)`.
fn is_windows_var(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;

    /// Client files with a fixed OS, home and variables, symlinks (path to real path) and
    /// folders allowed besides the home; never reads or writes.
    struct Machine {
        os: Os,
        home: Option<&'static str>,
        vars: HashMap<&'static str, &'static str>,
        links: HashMap<&'static str, &'static str>,
        allowed: Vec<&'static str>,
    }

    impl Machine {
        fn new(os: Os, home: Option<&'static str>, vars: &[(&'static str, &'static str)]) -> Self {
            Self {
                os,
                home,
                vars: vars.iter().copied().collect(),
                links: HashMap::new(),
                allowed: Vec::new(),
            }
        }
    }

    impl ClientFiles for Machine {
        fn os(&self) -> Os {
            self.os
        }
        fn home(&self) -> Option<String> {
            self.home.map(str::to_owned)
        }
        fn var(&self, name: &str) -> Option<String> {
            self.vars.get(name).map(|v| (*v).to_owned())
        }
        fn real_path(&self, path: &str) -> Result<String> {
            Ok(self.links.get(path).copied().unwrap_or(path).to_owned())
        }
        fn allowed_roots(&self) -> Vec<String> {
            self.home
                .iter()
                .chain(&self.allowed)
                .map(|r| (*r).to_owned())
                .collect()
        }
        fn read(&self, _path: &str) -> Result<Option<String>> {
            Ok(None)
        }
        fn write(&self, _path: &str, _text: &str) -> Result<Option<String>> {
            Ok(None)
        }
        fn secret(&self, _name: &str) -> Result<Option<String>> {
            Ok(None)
        }
    }

    #[test]
    fn embedded_data_parses_and_holds_every_client() {
        let loaded = load();
        assert!(loaded.is_ok(), "{loaded:?}");
        let ids: Vec<&str> = clients().iter().map(Client::client_id).collect();
        for id in [
            "claude-desktop",
            "cursor",
            "vscode",
            "windsurf",
            "claude-code",
            "gemini-cli",
            "zed",
            "cline",
            "continue",
            "goose",
            "opencode",
            "lm-studio",
            "codex",
        ] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn unknown_client_is_a_404_naming_it() {
        let err = client("notepad").unwrap_err();
        assert_eq!(err.status(), 404);
        assert_eq!(err.code, "CLIENT_NOT_FOUND");
        assert_eq!(err.detail, "Client 'notepad' not found");
    }

    #[test]
    fn claude_desktop_facts() {
        let c = client("claude-desktop").unwrap();
        assert_eq!(c.default_profiles(), ["default", "dev"]);
        assert_eq!(
            c.path_template(Os::Macos),
            Some("~/Library/Application Support/Claude/claude_desktop_config.json")
        );
        assert_eq!(
            c.path_template(Os::Windows),
            Some("%APPDATA%\\Claude\\claude_desktop_config.json")
        );
        assert_eq!(
            c.path_template(Os::Linux),
            Some("~/.config/Claude/claude_desktop_config.json")
        );
        assert!(!c.rules().supports_remote());
        assert_eq!(c.servers_key(), "mcpServers");
    }

    #[test]
    fn cursor_limits_become_rules() {
        let rules = client("cursor").unwrap().rules();
        assert_eq!(rules.max_servers, Some(20));
        assert_eq!(rules.max_env_vars, Some(50));
        assert!(rules.supports_remote() && rules.supports_env && rules.supports_args);
        assert!(!rules.supports_cwd);
        assert_eq!(client("vscode").unwrap().rules().max_servers, None);
    }

    #[test]
    fn formats_and_keys_match_the_clients() {
        let facts = [
            ("vscode", Format::Jsonc, "servers"),
            ("zed", Format::Jsonc, "context_servers"),
            ("continue", Format::Yaml, "mcpServers"),
            ("goose", Format::Yaml, "extensions"),
            ("opencode", Format::Jsonc, "mcp"),
            ("codex", Format::Toml, "mcp_servers"),
        ];
        for (id, format, key) in facts {
            let c = client(id).unwrap();
            assert_eq!((c.config_format(), c.servers_key()), (format, key), "{id}");
        }
        assert_eq!(client("continue").unwrap().layout(), Layout::List);
    }

    #[test]
    fn summary_has_the_api_fields() {
        let summary = |id: &str, os| serde_json::to_value(client(id).unwrap().summary(os)).unwrap();
        let s = summary("windsurf", Some(Os::Linux));
        assert_eq!(s["client_id"], "windsurf");
        assert_eq!(s["display_name"], "Windsurf");
        assert_eq!(s["config_path"], "~/.codeium/windsurf/mcp_config.json");
        assert_eq!(
            s["config_paths"]["windows"],
            "%USERPROFILE%\\.codeium\\windsurf\\mcp_config.json"
        );
        assert_eq!(s["platform"], json!(["macos", "windows", "linux"]));
        assert_eq!(s["config_format"], "json");
        assert_eq!(s["servers_key"], "mcpServers");
        assert_eq!(s["capabilities"]["remote_url_field"], "serverUrl");
        assert_eq!(s["capabilities"]["remote"], true);
        assert_eq!(
            s["limitations"],
            json!({"max_servers": null, "max_env_vars": null})
        );
        assert_eq!(s["default_profiles"], json!(["default"]));
        assert_eq!(
            summary("gemini-cli", None)["capabilities"]["remote_url_field"],
            "httpUrl"
        );
        assert_eq!(summary("cursor", None)["config_path"], Value::Null);
    }

    #[test]
    fn resolves_home_and_windows_variables() {
        let mac = Machine::new(Os::Macos, Some("/Users/ada"), &[]);
        let c = client("claude-desktop").unwrap();
        assert_eq!(
            c.resolve_path(None, &mac).unwrap(),
            "/Users/ada/Library/Application Support/Claude/claude_desktop_config.json"
        );
        let win = Machine::new(
            Os::Windows,
            Some("C:\\Users\\ada"),
            &[("APPDATA", "C:\\Users\\ada\\AppData\\Roaming")],
        );
        assert_eq!(
            c.resolve_path(None, &win).unwrap(),
            "C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json"
        );
    }

    #[test]
    fn xdg_variable_wins_over_its_default() {
        let c = client("vscode").unwrap();
        let plain = Machine::new(Os::Linux, Some("/home/ada"), &[]);
        assert_eq!(
            c.resolve_path(None, &plain).unwrap(),
            "/home/ada/.config/Code/User/mcp.json"
        );
        let xdg = Machine::new(Os::Linux, Some("/home/ada"), &[("XDG_CONFIG_HOME", "/cfg")]);
        assert_eq!(
            c.resolve_path(None, &xdg).unwrap(),
            "/cfg/Code/User/mcp.json"
        );
        let empty = Machine::new(Os::Linux, Some("/home/ada"), &[("XDG_CONFIG_HOME", "")]);
        assert_eq!(
            c.resolve_path(None, &empty).unwrap(),
            "/home/ada/.config/Code/User/mcp.json"
        );
    }

    #[test]
    fn override_path_is_expanded_too() {
        let c = client("cursor").unwrap();
        let m = Machine::new(Os::Linux, Some("/home/ada"), &[("PROJ", "/src/app")]);
        assert_eq!(
            c.resolve_path(Some("$PROJ/.cursor/mcp.json"), &m).unwrap(),
            "/src/app/.cursor/mcp.json"
        );
        assert_eq!(
            c.resolve_path(Some("~/x.json"), &m).unwrap(),
            "/home/ada/x.json"
        );
        assert_eq!(
            c.resolve_path(Some("/a/100%/b$"), &m).unwrap(),
            "/a/100%/b$"
        );
        assert_eq!(
            c.resolve_path(Some("   "), &m).unwrap_err().code,
            "PATH_UNRESOLVED"
        );
    }

    #[test]
    fn unresolvable_paths_say_what_is_missing() {
        let c = client("claude-desktop").unwrap();
        let no_home = Machine::new(Os::Linux, None, &[]);
        let err = c.resolve_path(None, &no_home).unwrap_err();
        assert_eq!((err.code.as_str(), err.status()), ("PATH_UNRESOLVED", 409));
        assert!(err.detail.contains("home directory"), "{}", err.detail);
        let no_appdata = Machine::new(Os::Windows, Some("C:\\Users\\ada"), &[]);
        let err = c.resolve_path(None, &no_appdata).unwrap_err();
        assert!(err.detail.contains("APPDATA is not set"), "{}", err.detail);
        let err = c.resolve_path(Some("${UNCLOSED/x"), &no_home).unwrap_err();
        assert!(err.detail.contains("unclosed"), "{}", err.detail);
    }

    #[test]
    fn confined_paths_are_real_inside_an_allowed_folder_and_of_the_format() {
        let c = client("cursor").unwrap();
        let mut m = Machine::new(Os::Linux, Some("/home/ada"), &[("PROJ", "/srv/app")]);
        m.links.insert(
            "/home/ada/.cursor/mcp.json",
            "/home/ada/dotfiles/cursor.json",
        );
        m.links.insert("/home/ada/out/mcp.json", "/etc/mcp.json");
        m.links.insert("/home/ada/plain.json", "/home/ada/.bashrc");
        assert_eq!(
            c.confined_path(None, &m).unwrap(),
            "/home/ada/dotfiles/cursor.json",
            "the default path, through its symlink"
        );
        assert_eq!(
            c.confined_path(Some("~/work/.cursor/mcp.json"), &m)
                .unwrap(),
            "/home/ada/work/.cursor/mcp.json"
        );
        let refused = |m: &Machine, path: &str| {
            let err = c.confined_path(Some(path), m).unwrap_err();
            assert_eq!(
                (err.status(), err.code.as_str()),
                (400, "PATH_NOT_ALLOWED"),
                "{path}"
            );
            err.detail
        };
        let detail = refused(&m, "/tmp/x/.bashrc.json");
        assert!(
            detail.contains("'/tmp/x/.bashrc.json' is outside"),
            "{detail}"
        );
        assert!(detail.contains("serve --allow-path PREFIX"), "{detail}");
        let detail = refused(&m, "~/out/mcp.json");
        assert!(detail.contains("(really '/etc/mcp.json')"), "{detail}");
        refused(&m, "$PROJ/.cursor/mcp.json");
        refused(&m, "/home/ada2/.cursor/mcp.json");
        let detail = refused(&m, "~/.bashrc");
        assert!(detail.contains("is not a json file"), "{detail}");
        let detail = refused(&m, "~/plain.json");
        assert!(
            detail.contains("'/home/ada/.bashrc'"),
            "the real name counts: {detail}"
        );
        m.allowed.push("/srv");
        assert_eq!(
            c.confined_path(Some("$PROJ/.cursor/mcp.json"), &m).unwrap(),
            "/srv/app/.cursor/mcp.json"
        );
    }

    #[test]
    fn every_default_path_has_a_file_name_of_its_format() {
        for c in clients() {
            for os in c.platforms() {
                let template = c.path_template(os).unwrap();
                assert!(
                    confine::check_file_name(c, template).is_ok(),
                    "{} on {os:?}: {template}",
                    c.client_id()
                );
            }
        }
    }

    #[test]
    fn every_client_resolves_on_every_platform_it_lists() {
        for c in clients() {
            for os in c.platforms() {
                let m = Machine::new(
                    os,
                    Some("/h"),
                    &[
                        ("APPDATA", "/appdata"),
                        ("USERPROFILE", "/profile"),
                        ("LOCALAPPDATA", "/local"),
                    ],
                );
                let path = c.resolve_path(None, &m).unwrap();
                assert!(
                    !path.contains(['~', '%', '$']),
                    "{} on {os:?}: {path}",
                    c.client_id()
                );
            }
        }
    }
}
