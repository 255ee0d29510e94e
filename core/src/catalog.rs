//! The server catalog: the MCP servers people add to their clients, with how to run each one.
//!
//! The catalog is data, `core/data/catalog.json`, embedded in the binary and parsed once by
//! [`catalog()`]. Every entry is checked when it is read ([`Catalog::from_json`]): well-formed ids,
//! each `{placeholder}` in `args` or `url` backed by a declared parameter and each parameter used,
//! a command for local (stdio) servers and a URL for remote (`http`, `sse`) ones.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Code, Error, Result};
use crate::id;

/// The catalog shipped with the product.
const EMBEDDED: &str = include_str!("../data/catalog.json");

/// How a client talks to a server.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// A local process spoken to over stdin/stdout.
    Stdio,
    /// A remote server over streamable HTTP.
    Http,
    /// A remote server over HTTP with server-sent events (the older remote transport).
    Sse,
}

impl Transport {
    /// Every transport, in the order they are listed to users.
    pub const ALL: [Self; 3] = [Self::Stdio, Self::Http, Self::Sse];

    /// The transport's name as it appears in JSON and query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stdio => "stdio",
            Self::Http => "http",
            Self::Sse => "sse",
        }
    }

    /// Whether servers of this transport are reached by URL rather than started as a process.
    pub fn is_remote(self) -> bool {
        !matches!(self, Self::Stdio)
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Transport {
    type Err = Error;

    /// Parses `stdio`, `http` or `sse` (any case); anything else is 400 `INVALID_TRANSPORT`.
    fn from_str(s: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                Error::new(
                    Code::InvalidTransport,
                    format!("Invalid transport '{s}': must be one of stdio, http, sse"),
                )
            })
    }
}

/// The type of a server parameter, which decides which JSON values it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParamType {
    /// A non-empty JSON string.
    String,
    /// A JSON number without a fractional part.
    Int,
    /// `true` or `false`.
    Bool,
    /// A filesystem path, given as a non-empty JSON string.
    Path,
}

impl ParamType {
    /// The type's name as it appears in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::Bool => "bool",
            Self::Path => "path",
        }
    }

    /// What a value of this type must be, as said to a user ("must be ...").
    pub fn expectation(self) -> &'static str {
        match self {
            Self::String => "a non-empty string",
            Self::Int => "an integer",
            Self::Bool => "true or false",
            Self::Path => "a non-empty path string",
        }
    }

    /// The text that `value` puts into a command argument or URL, or `None` when `value` is not
    /// of this type.
    pub fn render(self, value: &Value) -> Option<String> {
        match (self, value) {
            (Self::String | Self::Path, Value::String(s)) if !s.is_empty() => Some(s.clone()),
            (Self::Int, Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
            (Self::Bool, Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A value the user supplies when adding a server, substituted for `{name}` in its args or URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Name, as used in `{name}` placeholders and in the `params` of an add request.
    pub name: String,
    /// Accepted type.
    #[serde(rename = "type")]
    pub kind: ParamType,
    /// Whether the user must supply it.
    #[serde(default)]
    pub required: bool,
    /// Value used when an optional parameter is not supplied.
    #[serde(default)]
    pub default: Option<Value>,
    /// An example value, for forms and docs.
    #[serde(default)]
    pub example: Option<Value>,
    /// What the parameter is for.
    pub description: String,
}

/// An environment variable a local server reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Whether the server needs it to work.
    #[serde(default)]
    pub required: bool,
    /// Whether it holds a credential (to be masked in UIs and kept out of logs).
    #[serde(default)]
    pub secret: bool,
    /// An example value.
    #[serde(default)]
    pub example: Option<String>,
    /// The value a draft gets when none is given (team entries from a `server.json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// An HTTP header a remote server reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Header name, e.g. `Authorization`.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Whether the server needs it to work.
    #[serde(default)]
    pub required: bool,
    /// Whether it holds a credential: give it to `draft/add` as `{"secret": "NAME"}`.
    #[serde(default)]
    pub secret: bool,
    /// Text written before the value given, e.g. `Bearer `.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The value a draft gets when none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

/// Where a catalog entry comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// Shipped with the product; read-only.
    #[default]
    Builtin,
    /// The deployment's own, added from a `server.json` (`POST /v1/servers`).
    Team,
}

/// One catalog entry: what a server is and how a client runs or reaches it.
///
/// Serializes with the `/v1/servers` field names; `required_env` and `optional_env` list the
/// names of the required and optional entries of `env`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Server {
    /// Catalog id, e.g. `filesystem`.
    pub server_id: String,
    /// Human name.
    pub display_name: String,
    /// One or two sentences on what it does.
    pub description: String,
    /// How clients talk to it.
    pub transport: Transport,
    /// The npm package started with `npx -y`, if it is one.
    pub npm_package: Option<String>,
    /// The PyPI package started with `uvx`, if it is one.
    pub pypi_package: Option<String>,
    /// Executable of a stdio server.
    pub command: Option<String>,
    /// Arguments of a stdio server; may hold `{param}` placeholders.
    pub args: Vec<String>,
    /// Endpoint of a remote server; may hold `{param}` placeholders.
    pub url: Option<String>,
    /// Environment variables a stdio server reads.
    pub env: Vec<EnvVar>,
    /// HTTP headers a remote server reads.
    pub headers: Vec<Header>,
    /// Values the user supplies when adding it.
    pub parameters: Vec<Parameter>,
    /// Names of the env vars that must be given.
    pub required_env: Vec<String>,
    /// Names of the env vars that may be given.
    pub optional_env: Vec<String>,
    /// Search keywords.
    pub tags: Vec<String>,
    /// Where to read more.
    pub documentation_url: String,
    /// `builtin` (shipped, read-only) or `team` (the deployment's own).
    pub origin: Origin,
}

impl Server {
    /// The parameter called `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Whether any searchable text (id, display name, description, tags) contains `needle`,
    /// which must already be lowercase.
    fn matches(&self, needle: &str) -> bool {
        [&self.server_id, &self.display_name, &self.description]
            .into_iter()
            .chain(&self.tags)
            .any(|text| text.to_lowercase().contains(needle))
    }
}

/// A catalog entry as written in `catalog.json` (and stored for team entries): [`Server`] minus
/// the derived env name lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ServerSpec {
    pub(crate) server_id: String,
    pub(crate) display_name: String,
    pub(crate) description: String,
    pub(crate) transport: Transport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) npm_package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pypi_package: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) command: Option<String>,
    #[serde(default)]
    pub(crate) args: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) url: Option<String>,
    #[serde(default)]
    pub(crate) env: Vec<EnvVar>,
    #[serde(default)]
    pub(crate) headers: Vec<Header>,
    #[serde(default)]
    pub(crate) parameters: Vec<Parameter>,
    #[serde(default)]
    pub(crate) tags: Vec<String>,
    pub(crate) documentation_url: String,
    #[serde(default)]
    pub(crate) origin: Origin,
}

impl From<ServerSpec> for Server {
    fn from(s: ServerSpec) -> Self {
        let names = |required: bool| {
            s.env
                .iter()
                .filter(|e| e.required == required)
                .map(|e| e.name.clone())
                .collect()
        };
        Self {
            required_env: names(true),
            optional_env: names(false),
            server_id: s.server_id,
            display_name: s.display_name,
            description: s.description,
            transport: s.transport,
            npm_package: s.npm_package,
            pypi_package: s.pypi_package,
            command: s.command,
            args: s.args,
            url: s.url,
            env: s.env,
            headers: s.headers,
            parameters: s.parameters,
            tags: s.tags,
            documentation_url: s.documentation_url,
            origin: s.origin,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    servers: Vec<ServerSpec>,
}

/// The set of known servers, sorted by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    servers: Vec<Server>,
}

impl Catalog {
    /// Reads and checks a catalog document `{"servers": [...]}`.
    ///
    /// The error (500 `CATALOG_INVALID`, since catalogs are ours, not user input) names the entry
    /// and what is wrong with it.
    pub fn from_json(json: &str) -> Result<Self> {
        let file: CatalogFile = serde_json::from_str(json)
            .map_err(|e| Error::new(Code::CatalogInvalid, format!("Catalog is not valid: {e}")))?;
        let mut servers: Vec<Server> = file.servers.into_iter().map(Server::from).collect();
        servers.sort_by(|a, b| a.server_id.cmp(&b.server_id));
        for pair in servers.windows(2) {
            if let [a, b] = pair
                && a.server_id == b.server_id
            {
                return Err(Error::new(
                    Code::CatalogInvalid,
                    format!("Catalog lists server '{}' twice", a.server_id),
                ));
            }
        }
        for server in &servers {
            check_server(server).map_err(|problem| {
                Error::new(
                    Code::CatalogInvalid,
                    format!("Catalog server '{}' {problem}", server.server_id),
                )
            })?;
        }
        Ok(Self { servers })
    }

    /// This catalog with `team` entries added (ids the catalog already has are skipped: built-in
    /// ids are read-only), sorted by id.
    pub fn extended(&self, team: impl IntoIterator<Item = Server>) -> Self {
        let mut servers = self.servers.clone();
        servers.extend(
            team.into_iter()
                .filter(|s| self.get(&s.server_id).is_none()),
        );
        servers.sort_by(|a, b| a.server_id.cmp(&b.server_id));
        servers.dedup_by(|a, b| a.server_id == b.server_id);
        Self { servers }
    }

    /// Every server, sorted by id.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Number of servers.
    pub fn len(&self) -> usize {
        self.servers.len()
    }

    /// Whether the catalog has no servers.
    pub fn is_empty(&self) -> bool {
        self.servers.is_empty()
    }

    /// The server with id `server_id`.
    pub fn get(&self, server_id: &str) -> Option<&Server> {
        self.servers
            .binary_search_by(|s| s.server_id.as_str().cmp(server_id))
            .ok()
            .and_then(|i| self.servers.get(i))
    }

    /// The server with id `server_id`, or the API's error: 400 `INVALID_ID` for a malformed id,
    /// 404 `SERVER_NOT_FOUND` (`Server '<id>' not found`) for an unknown one.
    pub fn require(&self, server_id: &str) -> Result<&Server> {
        id::check("server_id", server_id)?;
        self.get(server_id).ok_or_else(|| {
            Error::new(
                Code::ServerNotFound,
                format!("Server '{server_id}' not found"),
            )
        })
    }

    /// Servers whose id, display name, description or a tag contains `q` (case-insensitive,
    /// surrounding whitespace ignored; no or blank `q` matches all), of `transport` if given,
    /// sorted by id.
    pub fn search(&self, q: Option<&str>, transport: Option<Transport>) -> Vec<&Server> {
        let needle = q.map(|q| q.trim().to_lowercase()).unwrap_or_default();
        self.servers
            .iter()
            .filter(|s| transport.is_none_or(|t| s.transport == t))
            .filter(|s| needle.is_empty() || s.matches(&needle))
            .collect()
    }
}

/// The catalog shipped with the product, parsed on first use.
///
/// The embedded file is checked by this module's tests, so it always parses in a released build;
/// should it ever not, this answers an empty catalog rather than panicking.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::from_json(EMBEDDED).unwrap_or_default())
}

/// A team entry checked like a built-in one: `None` when it passes, else what is wrong with it,
/// as the end of a sentence starting with its id.
pub(crate) fn problem(spec: &ServerSpec) -> Option<String> {
    check_server(&Server::from(spec.clone())).err()
}

/// Whether `s` is a sane environment variable or parameter name: `^[A-Za-z_][A-Za-z0-9_]*$`.
pub fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// One piece of an `args` or `url` template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text taken as it is.
    Text(&'a str),
    /// A `{name}` placeholder, by parameter name.
    Param(&'a str),
}

/// Splits a template into text and `{name}` placeholders; braces around anything that is not an
/// identifier are plain text.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        if !before.is_empty() {
            out.push(Piece::Text(before));
        }
        match after.split_once('}') {
            Some((name, tail)) if is_identifier(name) => {
                out.push(Piece::Param(name));
                rest = tail;
            }
            _ => {
                out.push(Piece::Text("{"));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// Names of the placeholders in `template`.
pub(crate) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    pieces(template).into_iter().filter_map(|p| match p {
        Piece::Param(name) => Some(name),
        Piece::Text(_) => None,
    })
}

/// What is wrong with one catalog entry, as the end of a sentence starting with its id.
fn check_server(s: &Server) -> std::result::Result<(), String> {
    if !id::is_valid(&s.server_id) {
        return Err("has an invalid id".into());
    }
    for (field, value) in [
        ("display_name", &s.display_name),
        ("description", &s.description),
        ("documentation_url", &s.documentation_url),
    ] {
        if value.trim().is_empty() {
            return Err(format!("has an empty {field}"));
        }
    }
    if !s.documentation_url.starts_with("https://") {
        return Err("has a documentation_url that is not https".into());
    }
    if s.tags.is_empty() || s.tags.iter().any(|t| t.trim().is_empty()) {
        return Err("needs non-empty tags".into());
    }
    check_launch(s)?;
    check_packages(s)?;
    check_parameters(s)?;
    let mut env_names = BTreeSet::new();
    for var in &s.env {
        if !is_identifier(&var.name) {
            return Err(format!("has an invalid env var name '{}'", var.name));
        }
        if !env_names.insert(var.name.as_str()) {
            return Err(format!("declares env var '{}' twice", var.name));
        }
    }
    let mut header_names = BTreeSet::new();
    for header in &s.headers {
        if !is_header_name(&header.name) {
            return Err(format!("has an invalid header name '{}'", header.name));
        }
        if !header_names.insert(header.name.to_ascii_lowercase()) {
            return Err(format!("declares header '{}' twice", header.name));
        }
    }
    Ok(())
}

/// Whether `s` is an HTTP header name (an RFC 9110 token).
pub fn is_header_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Stdio entries have a command and no URL; remote entries a URL and no command, args or env.
fn check_launch(s: &Server) -> std::result::Result<(), String> {
    if s.transport.is_remote() {
        let url = s.url.as_deref().unwrap_or_default();
        let scheme_ok =
            url.starts_with("https://") || url.starts_with("http://") || url.starts_with('{');
        if !scheme_ok {
            return Err(format!("is {} but has no http(s) url", s.transport));
        }
        if s.command.is_some() || !s.args.is_empty() || !s.env.is_empty() {
            return Err(format!("is {} but has a command, args or env", s.transport));
        }
    } else {
        if !s.headers.is_empty() {
            return Err("is stdio but has headers".into());
        }
        if s.command.as_deref().is_none_or(|c| c.trim().is_empty()) {
            return Err("is stdio but has no command".into());
        }
        if s.url.is_some() {
            return Err("is stdio but has a url".into());
        }
    }
    Ok(())
}

/// Whether the argument `arg` is the package `package`, maybe pinned (`package@1.2.3`).
pub(crate) fn runs_package(arg: &str, package: &str) -> bool {
    arg.strip_prefix(package)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('@'))
}

/// `npx` runs exactly the `npm_package` (maybe pinned), `uvx` the `pypi_package`.
fn check_packages(s: &Server) -> std::result::Result<(), String> {
    for (runner, field, package) in [
        ("npx", "npm_package", &s.npm_package),
        ("uvx", "pypi_package", &s.pypi_package),
    ] {
        let runs = s.command.as_deref() == Some(runner);
        match package {
            Some(_) if !runs => return Err(format!("has a {field} but does not run {runner}")),
            Some(p) if !s.args.iter().any(|a| runs_package(a, p)) => {
                return Err(format!("runs {runner} without its {field} '{p}' in args"));
            }
            None if runs => return Err(format!("runs {runner} but has no {field}")),
            _ => {}
        }
    }
    Ok(())
}

/// Parameters are unique identifiers used by a placeholder, placeholders name parameters,
/// defaults and examples fit the type, and required parameters have no default.
fn check_parameters(s: &Server) -> std::result::Result<(), String> {
    let mut names = BTreeSet::new();
    for p in &s.parameters {
        if !is_identifier(&p.name) {
            return Err(format!("has an invalid parameter name '{}'", p.name));
        }
        if !names.insert(p.name.as_str()) {
            return Err(format!("declares parameter '{}' twice", p.name));
        }
        if p.required && p.default.is_some() {
            return Err(format!(
                "has required parameter '{}' with a default",
                p.name
            ));
        }
        for (what, value) in [("default", &p.default), ("example", &p.example)] {
            if value.as_ref().is_some_and(|v| p.kind.render(v).is_none()) {
                return Err(format!(
                    "has parameter '{}' whose {what} is not {}",
                    p.name,
                    p.kind.expectation()
                ));
            }
        }
    }
    let in_args: BTreeSet<&str> = s.args.iter().flat_map(|a| placeholders(a)).collect();
    let in_url: BTreeSet<&str> = s.url.iter().flat_map(|u| placeholders(u)).collect();
    if let Some(name) = in_args.union(&in_url).find(|n| !names.contains(*n)) {
        return Err(format!(
            "uses placeholder '{{{name}}}' but declares no such parameter"
        ));
    }
    if let Some(name) = names
        .iter()
        .find(|n| !in_args.contains(*n) && !in_url.contains(*n))
    {
        return Err(format!(
            "declares parameter '{name}' but no placeholder uses it"
        ));
    }
    if let Some(name) = in_url.iter().find(|n| {
        s.parameter(n)
            .is_some_and(|p| !p.required && p.default.is_none())
    }) {
        return Err(format!(
            "has optional parameter '{name}' in its url without a default"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A minimal well-formed stdio entry, to mutate in tests of the checks.
    fn spec() -> Value {
        json!({
            "server_id": "demo",
            "display_name": "Demo",
            "description": "A demo server.",
            "transport": "stdio",
            "command": "npx",
            "args": ["-y", "demo-mcp", "{root}"],
            "npm_package": "demo-mcp",
            "parameters": [{"name": "root", "type": "path", "required": true, "description": "Root."}],
            "env": [{"name": "DEMO_KEY", "description": "Key.", "required": true, "secret": true}],
            "tags": ["demo"],
            "documentation_url": "https://example.com/demo"
        })
    }

    fn parse(servers: Vec<Value>) -> Result<Catalog> {
        Catalog::from_json(&json!({ "servers": servers }).to_string())
    }

    /// The detail of the error `from_json` gives for a single entry changed by `change`.
    fn rejection(change: impl FnOnce(&mut Value)) -> String {
        let mut s = spec();
        change(&mut s);
        let err = parse(vec![s]).expect_err("the changed entry should be rejected");
        assert_eq!((err.status(), err.code.as_str()), (500, "CATALOG_INVALID"));
        err.detail
    }

    #[test]
    fn embedded_catalog_parses_and_is_what_catalog_serves() {
        let parsed = Catalog::from_json(EMBEDDED).unwrap();
        assert!(parsed.len() >= 30, "only {} servers", parsed.len());
        assert_eq!(catalog(), &parsed);
    }

    #[test]
    fn embedded_catalog_keeps_the_python_systems_servers() {
        for id in [
            "filesystem",
            "brave-search",
            "github",
            "memory",
            "fetch",
            "postgres",
            "sqlite",
            "slack",
            "puppeteer",
            "google-maps",
            "n8n",
            "custom-api",
            "everything",
            "sequential-thinking",
            "sentry",
        ] {
            assert!(catalog().get(id).is_some(), "{id} missing");
        }
    }

    #[test]
    fn embedded_catalog_avoids_archived_reference_packages() {
        let archived = [
            "@modelcontextprotocol/server-github",
            "@modelcontextprotocol/server-brave-search",
            "@modelcontextprotocol/server-slack",
            "@modelcontextprotocol/server-postgres",
            "@modelcontextprotocol/server-puppeteer",
            "@modelcontextprotocol/server-google-maps",
            "@modelcontextprotocol/server-sentry",
            "mcp-server-sqlite",
        ];
        for s in catalog().servers() {
            for p in s.npm_package.iter().chain(&s.pypi_package) {
                assert!(
                    !archived.contains(&p.as_str()),
                    "{} uses archived {p}",
                    s.server_id
                );
            }
        }
    }

    #[test]
    fn embedded_entries_are_runnable_as_written() {
        for s in catalog().servers() {
            match s.transport {
                Transport::Stdio => {
                    let cmd = s.command.as_deref().unwrap();
                    assert!(!cmd.is_empty() && s.url.is_none(), "{}", s.server_id);
                    if cmd == "npx" {
                        assert_eq!(
                            s.args.first().map(String::as_str),
                            Some("-y"),
                            "{}",
                            s.server_id
                        );
                    }
                }
                Transport::Http | Transport::Sse => {
                    assert!(
                        s.url.is_some() && s.command.is_none() && s.env.is_empty(),
                        "{}",
                        s.server_id
                    )
                }
            }
            for p in &s.parameters {
                assert!(
                    !(p.required && p.default.is_some()),
                    "{}.{}",
                    s.server_id,
                    p.name
                );
            }
        }
        let transports: BTreeSet<Transport> =
            catalog().servers().iter().map(|s| s.transport).collect();
        assert_eq!(transports.len(), 3, "every transport is represented");
    }

    #[test]
    fn well_formed_entry_is_accepted_with_derived_env_lists() {
        let mut s = spec();
        s["env"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "DEMO_LOG", "description": "Log."}));
        let c = parse(vec![s]).unwrap();
        let demo = c.get("demo").unwrap();
        assert_eq!(demo.required_env, ["DEMO_KEY"]);
        assert_eq!(demo.optional_env, ["DEMO_LOG"]);
    }

    #[test]
    fn placeholder_without_parameter_is_rejected() {
        let d = rejection(|s| s["args"] = json!(["-y", "demo-mcp", "{root}", "--port={port}"]));
        assert!(d.contains("'demo'") && d.contains("{port}"), "{d}");
    }

    #[test]
    fn parameter_without_placeholder_is_rejected() {
        let d = rejection(|s| s["args"] = json!(["-y", "demo-mcp"]));
        assert!(
            d.contains("parameter 'root'") && d.contains("no placeholder"),
            "{d}"
        );
    }

    #[test]
    fn required_parameter_with_default_is_rejected() {
        let d = rejection(|s| s["parameters"][0]["default"] = json!("/tmp"));
        assert!(
            d.contains("required parameter 'root' with a default"),
            "{d}"
        );
    }

    #[test]
    fn default_of_the_wrong_type_is_rejected() {
        let d = rejection(|s| {
            s["parameters"][0] =
                json!({"name": "root", "type": "int", "default": "x", "description": "Root."})
        });
        assert!(
            d.contains("'root'") && d.contains("default is not an integer"),
            "{d}"
        );
    }

    #[test]
    fn optional_url_parameter_needs_a_default() {
        let d = rejection(|s| {
            *s = json!({
                "server_id": "demo", "display_name": "Demo", "description": "Remote.",
                "transport": "http", "url": "https://x.example/mcp?key={key}",
                "parameters": [{"name": "key", "type": "string", "description": "Key."}],
                "tags": ["demo"], "documentation_url": "https://example.com"
            })
        });
        assert!(d.contains("optional parameter 'key' in its url"), "{d}");
    }

    #[test]
    fn stdio_without_command_and_remote_without_url_are_rejected() {
        let d = rejection(|s| {
            s.as_object_mut().unwrap().remove("command");
            s.as_object_mut().unwrap().remove("npm_package");
        });
        assert!(d.contains("no command"), "{d}");
        let d = rejection(|s| s["transport"] = json!("sse"));
        assert!(d.contains("no http(s) url"), "{d}");
    }

    #[test]
    fn remote_with_env_is_rejected() {
        let d = rejection(|s| {
            let o = s.as_object_mut().unwrap();
            for k in ["command", "args", "npm_package", "parameters"] {
                o.remove(k);
            }
            o.insert("transport".into(), json!("http"));
            o.insert("url".into(), json!("https://x.example/mcp"));
        });
        assert!(d.contains("command, args or env"), "{d}");
    }

    #[test]
    fn npx_must_run_its_npm_package() {
        let d = rejection(|s| s["npm_package"] = json!("other-mcp"));
        assert!(d.contains("'other-mcp'"), "{d}");
        let d = rejection(|s| {
            s.as_object_mut().unwrap().remove("npm_package");
        });
        assert!(d.contains("runs npx but has no npm_package"), "{d}");
    }

    #[test]
    fn bad_ids_names_duplicates_and_typos_are_rejected() {
        assert!(rejection(|s| s["server_id"] = json!("../x")).contains("invalid id"));
        assert!(rejection(|s| s["env"][0]["name"] = json!("BAD-NAME")).contains("'BAD-NAME'"));
        let err = parse(vec![spec(), spec()]).unwrap_err();
        assert!(err.detail.contains("'demo' twice"), "{}", err.detail);
        let d = rejection(|s| s["tag"] = json!(["oops"]));
        assert!(d.contains("unknown field `tag`"), "{d}");
    }

    #[test]
    fn search_is_case_insensitive_over_id_name_description_and_tags() {
        let c = catalog();
        let ids = |q: &str| {
            c.search(Some(q), None)
                .iter()
                .map(|s| s.server_id.clone())
                .collect::<Vec<_>>()
        };
        assert!(ids("FILESYSTEM").contains(&"filesystem".to_string()));
        assert!(ids("jira").contains(&"atlassian".to_string()), "tag match");
        assert!(
            ids("knowledge graph").contains(&"memory".to_string()),
            "description match"
        );
        assert!(
            ids("Brave Search").contains(&"brave-search".to_string()),
            "display name match"
        );
        assert!(ids("no-such-thing-anywhere").is_empty());
    }

    #[test]
    fn search_without_query_lists_all_sorted_and_filters_by_transport() {
        let c = catalog();
        let all = c.search(None, None);
        assert_eq!(all.len(), c.len());
        assert_eq!(
            c.search(Some("   "), None).len(),
            c.len(),
            "blank query matches all"
        );
        assert!(
            all.windows(2).all(|w| w[0].server_id < w[1].server_id),
            "sorted by id"
        );
        let sse = c.search(None, Some(Transport::Sse));
        assert!(!sse.is_empty() && sse.iter().all(|s| s.transport == Transport::Sse));
        let remote_docs = c.search(Some("documentation"), Some(Transport::Http));
        assert!(remote_docs.iter().any(|s| s.server_id == "microsoft-learn"));
        assert!(remote_docs.iter().all(|s| s.transport == Transport::Http));
        assert!(
            !remote_docs
                .iter()
                .any(|s| s.server_id == "aws-documentation"),
            "stdio filtered out"
        );
    }

    #[test]
    fn transport_parses_and_names_the_valid_ones_when_unknown() {
        assert_eq!("stdio".parse::<Transport>().unwrap(), Transport::Stdio);
        assert_eq!("HTTP".parse::<Transport>().unwrap(), Transport::Http);
        assert_eq!("sse".parse::<Transport>().unwrap(), Transport::Sse);
        let err = "websocket".parse::<Transport>().unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (400, "INVALID_TRANSPORT")
        );
        assert!(err.detail.contains("'websocket'") && err.detail.contains("stdio, http, sse"));
    }

    #[test]
    fn require_gives_the_api_errors() {
        assert_eq!(catalog().require("memory").unwrap().server_id, "memory");
        let err = catalog().require("nope").unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str(), err.detail.as_str()),
            (404, "SERVER_NOT_FOUND", "Server 'nope' not found")
        );
        let err = catalog().require("../etc").unwrap_err();
        assert_eq!(err.status(), 400);
        assert!(err.detail.contains("server_id"));
    }

    #[test]
    fn server_serializes_with_the_api_field_names() {
        let v = serde_json::to_value(catalog().get("brave-search").unwrap()).unwrap();
        for field in [
            "server_id",
            "display_name",
            "description",
            "transport",
            "npm_package",
            "command",
            "args",
            "env",
            "parameters",
            "required_env",
            "tags",
            "documentation_url",
        ] {
            assert!(v.get(field).is_some(), "{field} missing");
        }
        assert_eq!(v["transport"], "stdio");
        assert_eq!(v["npm_package"], "@brave/brave-search-mcp-server");
        assert_eq!(v["required_env"], json!(["BRAVE_API_KEY"]));
        assert_eq!(v["env"][0]["secret"], true);
    }

    #[test]
    fn templates_split_into_text_and_placeholders() {
        assert_eq!(
            pieces("--a={x}/{ y }{}{z}"),
            [
                Piece::Text("--a="),
                Piece::Param("x"),
                Piece::Text("/"),
                Piece::Text("{"),
                Piece::Text(" y }"),
                Piece::Text("{"),
                Piece::Text("}"),
                Piece::Param("z"),
            ]
        );
        assert_eq!(
            pieces("{json: 1"),
            [Piece::Text("{"), Piece::Text("json: 1")]
        );
        assert!(pieces("").is_empty());
    }
}
