//! Validation of a payload against a client's limits, with stable codes and severities.
//!
//! [`validate`] reads entries as raw JSON (a payload may come from anywhere) and reports what a
//! real client would trip on. It never fails and never panics: every problem becomes an
//! [`Issue`]. Issues come in a fixed order: payload-wide ones first, then per server by entry
//! name, and within a server in the order of the table below.
//!
//! | code | severity | when |
//! |---|---|---|
//! | `EMPTY_CONFIG` | error | the payload has no servers |
//! | `TOO_MANY_SERVERS` | error | more servers than [`Rules::max_servers`] |
//! | `INVALID_SERVER_NAME` | error | an entry name is not a valid id ([`crate::id::is_valid`]) |
//! | `INVALID_ENTRY` | error | an entry is not a JSON object |
//! | `INVALID_TRANSPORT` | error | `type` is not `"stdio"`, `"http"` or `"sse"` |
//! | `CONFLICTING_TRANSPORT` | error | both `command` and `url`, or a `type` contradicting them |
//! | `MISSING_COMMAND` | error | a local entry without a non-empty string `command` |
//! | `INVALID_URL` | error | a remote entry whose `url` is missing or not `http(s)://host…` |
//! | `REMOTE_NOT_SUPPORTED` | warning | a remote entry for a client without native remote support (the deploy runs it through `npx -y mcp-remote <url>`) |
//! | `INVALID_HEADERS_TYPE` | error | `headers` is not an object of strings |
//! | `INVALID_ARGS_TYPE` | error | `args` is not an array of strings |
//! | `ARGS_NOT_SUPPORTED` | error | non-empty `args` for a client without args |
//! | `INVALID_ENV_TYPE` | error | `env` is not an object of strings |
//! | `INVALID_ENV_NAME` | error | an env var name is empty or holds `=` or NUL |
//! | `TOO_MANY_ENV_VARS` | error | more env vars than [`Rules::max_env_vars`] |
//! | `ENV_NOT_SUPPORTED` | error | non-empty `env` for a client without env |
//! | `EMPTY_ENV_VAR` | warning | an env var whose value is the empty string |
//! | `INVALID_CWD` | error | `cwd` is not a non-empty string |
//! | `CWD_NOT_SUPPORTED` | error | `cwd` for a client without a working directory setting |
//! | `PLACEHOLDER_LEFT` | warning | `{param}`, `<...>` or `${...}` left in command, args, url, cwd, env or headers |
//! | `SECRET_IN_ARGS` | warning | an argument that looks like a known token (GitHub, GitLab, Slack, OpenAI/Anthropic, Google, AWS) |
//! | `UNKNOWN_FIELD` | warning | a field other than `command`, `args`, `env`, `cwd`, `type`, `url`, `headers` |
//!
//! An empty `args` array or `env` object is never reported as unsupported: it asks for nothing.

use std::sync::LazyLock;

use regex::Regex;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::Code;
use crate::id;
use crate::payload::Payload;

/// What a client accepts: the limits a payload is validated against.
/// Built by [`crate::client::Client::rules`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rules {
    /// Most servers the client loads, if limited.
    pub max_servers: Option<usize>,
    /// Most env vars per server, if limited.
    pub max_env_vars: Option<usize>,
    /// Whether entries may carry `env`.
    pub supports_env: bool,
    /// Whether entries may carry `args`.
    pub supports_args: bool,
    /// Whether entries may carry a working directory (`cwd`).
    pub supports_cwd: bool,
    /// Whether the client connects to Streamable HTTP (`url`) servers natively.
    pub supports_http: bool,
    /// Whether the client connects to SSE (`url`) servers natively.
    pub supports_sse: bool,
}

impl Rules {
    /// Whether the client connects natively to remote servers of any transport.
    pub fn supports_remote(&self) -> bool {
        self.supports_http || self.supports_sse
    }
}

/// How bad an [`Issue`] is: errors make a payload invalid, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The client would reject or mis-run the config; publishing is refused.
    Error,
    /// Likely a mistake, but the config can be published.
    Warning,
}

/// One finding: a stable code, a sentence naming the server and the exact problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Issue {
    /// Stable machine code, e.g. `MISSING_COMMAND` (see the module table).
    pub code: Code,
    /// Human sentence naming the server and what is wrong.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
    /// The entry name the issue is about; absent for payload-wide issues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
}

/// The answer of `POST /v1/config/{c}/{p}/validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Report {
    /// Whether there are no errors (warnings allowed).
    pub valid: bool,
    /// Issues of severity error, in deterministic order.
    pub errors: Vec<Issue>,
    /// Issues of severity warning, in deterministic order.
    pub warnings: Vec<Issue>,
    /// Number of server entries in the payload.
    pub server_count: usize,
}

/// Fields an entry may carry; anything else is `UNKNOWN_FIELD`.
const KNOWN_FIELDS: [&str; 7] = ["command", "args", "env", "cwd", "type", "url", "headers"];

/// `${...}`, `{identifier}` or `<word ...>`: a template token nobody filled in.
#[allow(
    clippy::expect_used,
    reason = "a constant pattern, compiled by every validation test"
)]
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{[^{}]{0,128}\}|\{[A-Za-z_][A-Za-z0-9_.-]{0,63}\}|<[A-Za-z][^<>\n]{0,80}>")
        .expect("constant placeholder pattern compiles")
});

/// A well-known token prefix at a word start, followed by at least 16 token characters.
#[allow(
    clippy::expect_used,
    reason = "a constant pattern, compiled by every validation test"
)]
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^A-Za-z0-9_-])(github_pat_|gh[pousr]_|glpat-|xox[abprs]-|sk-|AIza|AKIA)[A-Za-z0-9_-]{16,}",
    )
    .expect("constant secret pattern compiles")
});

/// Validates `payload` against `rules`; see the module docs for every code.
pub fn validate(payload: &Payload, rules: &Rules) -> Report {
    let mut out = Findings::default();
    let count = payload.len();
    if count == 0 {
        out.error(
            Code::EmptyConfig,
            None,
            "The config has no servers: add at least one server to \"mcpServers\"".to_owned(),
        );
    }
    if let Some(max) = rules.max_servers.filter(|max| count > *max) {
        out.error(
            Code::TooManyServers,
            None,
            format!("The config has {count} servers; the client loads at most {max}"),
        );
    }
    let mut entries: Vec<(&String, &Value)> = payload.servers.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (name, entry) in entries {
        EntryCheck {
            name,
            label: label(name),
            rules,
            out: &mut out,
        }
        .run(entry);
    }
    Report {
        valid: out.errors.is_empty(),
        errors: out.errors,
        warnings: out.warnings,
        server_count: count,
    }
}

/// Issues collected so far, split by severity.
#[derive(Default)]
struct Findings {
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

impl Findings {
    fn error(&mut self, code: Code, server: Option<&str>, message: String) {
        self.errors.push(Issue {
            code,
            message,
            severity: Severity::Error,
            server: server.map(str::to_owned),
        });
    }

    fn warning(&mut self, code: Code, server: Option<&str>, message: String) {
        self.warnings.push(Issue {
            code,
            message,
            severity: Severity::Warning,
            server: server.map(str::to_owned),
        });
    }
}

/// How a message names a server: quoted, with control characters escaped.
fn label(name: &str) -> String {
    format!("Server '{}'", name.escape_debug())
}

/// The JSON type of `v`, for messages.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `url` is an absolute `http://` or `https://` URL with a host.
pub(crate) fn is_http_url(url: &str) -> bool {
    match url.parse::<http::Uri>() {
        Ok(uri) => {
            matches!(uri.scheme_str(), Some(s) if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
                && uri.host().is_some_and(|h| !h.is_empty())
        }
        Err(_) => false,
    }
}

/// What kind of token `prefix` (a capture of [`SECRET`]) starts.
fn secret_kind(prefix: &str) -> &'static str {
    match prefix {
        "github_pat_" | "ghp_" | "gho_" | "ghu_" | "ghs_" | "ghr_" => "a GitHub token",
        "glpat-" => "a GitLab token",
        "AIza" => "a Google API key",
        "AKIA" => "an AWS access key",
        "sk-" => "an OpenAI or Anthropic API key",
        _ => "a Slack token",
    }
}

/// The checks of one entry.
struct EntryCheck<'a> {
    name: &'a str,
    label: String,
    rules: &'a Rules,
    out: &'a mut Findings,
}

impl EntryCheck<'_> {
    fn error(&mut self, code: Code, problem: String) {
        let message = format!("{}: {problem}", self.label);
        self.out.error(code, Some(self.name), message);
    }

    fn warning(&mut self, code: Code, problem: String) {
        let message = format!("{}: {problem}", self.label);
        self.out.warning(code, Some(self.name), message);
    }

    fn run(mut self, entry: &Value) {
        if !id::is_valid(self.name) {
            self.error(
                Code::InvalidServerName,
                "the name must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit".to_owned(),
            );
        }
        let Value::Object(obj) = entry else {
            self.error(
                Code::InvalidEntry,
                format!("the entry must be a JSON object, got {}", type_name(entry)),
            );
            return;
        };
        self.transport(obj);
        self.headers(obj);
        self.args(obj);
        self.env(obj);
        self.cwd(obj);
        self.placeholders(obj);
        self.secrets(obj);
        self.unknown_fields(obj);
    }

    /// `type`, `command` and `url`: a local entry needs a command, a remote one a URL.
    fn transport(&mut self, obj: &Map<String, Value>) {
        let declared = match obj.get("type") {
            None => None,
            Some(Value::String(t)) if matches!(t.as_str(), "stdio" | "http" | "sse") => {
                Some(t.as_str())
            }
            Some(other) => {
                self.error(
                    Code::InvalidTransport,
                    format!(
                        "\"type\" must be \"stdio\", \"http\" or \"sse\", got {}",
                        describe(other)
                    ),
                );
                None
            }
        };
        let command = obj.get("command");
        let url = obj.get("url");
        let conflict = match (command, url, declared) {
            (Some(_), Some(_), _) => Some(
                "has both \"command\" and \"url\"; a server is either local (command) or remote (url)"
                    .to_owned(),
            ),
            (None, Some(_), Some("stdio")) => Some(
                "declares \"type\": \"stdio\" but has a \"url\" instead of a \"command\"".to_owned(),
            ),
            (Some(_), None, Some(t @ ("http" | "sse"))) => Some(format!(
                "declares \"type\": \"{t}\" but has a \"command\" instead of a \"url\""
            )),
            _ => None,
        };
        if let Some(problem) = conflict {
            return self.error(Code::ConflictingTransport, problem);
        }
        let remote_type = matches!(declared, Some("http" | "sse"));
        if url.is_some() || remote_type {
            self.remote(url, declared == Some("sse"));
        } else {
            self.command(command);
        }
    }

    fn command(&mut self, command: Option<&Value>) {
        let problem = match command {
            None => "has no \"command\" (a local server needs \"command\", a remote one \"url\")"
                .to_owned(),
            Some(Value::String(c)) if c.trim().is_empty() => "\"command\" is empty".to_owned(),
            Some(Value::String(_)) => return,
            Some(other) => format!("\"command\" must be a string, got {}", type_name(other)),
        };
        self.error(Code::MissingCommand, problem);
    }

    fn remote(&mut self, url: Option<&Value>, sse: bool) {
        let problem = match url {
            None => Some("declares a remote \"type\" but has no \"url\"".to_owned()),
            Some(Value::String(u)) if is_http_url(u) => None,
            Some(Value::String(u)) => Some(format!(
                "\"url\" {} is not an http:// or https:// URL with a host",
                quote(u)
            )),
            Some(other) => Some(format!(
                "\"url\" must be a string, got {}",
                type_name(other)
            )),
        };
        if let Some(problem) = problem {
            self.error(Code::InvalidUrl, problem);
        }
        let (native, transport) = if sse {
            (self.rules.supports_sse, "SSE")
        } else {
            (self.rules.supports_http, "Streamable HTTP")
        };
        if !native {
            self.warning(
                Code::RemoteNotSupported,
                format!("the client cannot connect to {transport} servers natively; the deploy runs it through `npx -y mcp-remote <url>`"),
            );
        }
    }

    fn headers(&mut self, obj: &Map<String, Value>) {
        match obj.get("headers") {
            None => {}
            Some(Value::Object(headers)) => {
                for (key, value) in sorted(headers) {
                    if !is_setting(value) {
                        self.error(
                            Code::InvalidHeadersType,
                            format!(
                                "header {} must be a string or {{\"secret\": \"NAME\"}}, got {}",
                                quote(key),
                                type_name(value)
                            ),
                        );
                    }
                }
                self.plaintext("header", headers);
            }
            Some(other) => self.error(
                Code::InvalidHeadersType,
                format!(
                    "\"headers\" must be an object of strings, got {}",
                    type_name(other)
                ),
            ),
        }
    }

    fn args(&mut self, obj: &Map<String, Value>) {
        match obj.get("args") {
            None => {}
            Some(Value::Array(args)) => {
                let bad = args.iter().enumerate().find(|(_, a)| !a.is_string());
                if let Some((i, arg)) = bad {
                    self.error(
                        Code::InvalidArgsType,
                        format!(
                            "\"args\" must be an array of strings, but args[{i}] is {}",
                            type_name(arg)
                        ),
                    );
                } else if !args.is_empty() && !self.rules.supports_args {
                    self.error(
                        Code::ArgsNotSupported,
                        format!(
                            "has {} argument(s) but the client does not support \"args\"",
                            args.len()
                        ),
                    );
                }
            }
            Some(other) => self.error(
                Code::InvalidArgsType,
                format!(
                    "\"args\" must be an array of strings, got {}",
                    type_name(other)
                ),
            ),
        }
    }

    fn env(&mut self, obj: &Map<String, Value>) {
        let env = match obj.get("env") {
            None => return,
            Some(Value::Object(env)) => env,
            Some(other) => {
                return self.error(
                    Code::InvalidEnvType,
                    format!(
                        "\"env\" must be an object of strings, got {}",
                        type_name(other)
                    ),
                );
            }
        };
        for (key, value) in sorted(env) {
            let shown = quote(key);
            if key.is_empty() || key.contains(['=', '\0']) {
                self.error(
                    Code::InvalidEnvName,
                    format!("env var name {shown} must be non-empty without '=' or NUL"),
                );
            }
            if !is_setting(value) {
                self.error(
                    Code::InvalidEnvType,
                    format!(
                        "env var {shown} must be a string or {{\"secret\": \"NAME\"}}, got {}",
                        type_name(value)
                    ),
                );
            }
        }
        if let Some(max) = self.rules.max_env_vars.filter(|max| env.len() > *max) {
            self.error(
                Code::TooManyEnvVars,
                format!(
                    "has {} env vars; the client allows at most {max} per server",
                    env.len()
                ),
            );
        }
        if !env.is_empty() && !self.rules.supports_env {
            self.error(
                Code::EnvNotSupported,
                format!(
                    "has {} env var(s) but the client does not support \"env\"",
                    env.len()
                ),
            );
        }
        for (key, value) in sorted(env) {
            if value.as_str() == Some("") {
                self.warning(
                    Code::EmptyEnvVar,
                    format!("env var {} is empty", quote(key)),
                );
            }
        }
        self.plaintext("env var", env);
    }

    /// One `PLAINTEXT_SECRET` per env var or header whose name says it holds a credential but
    /// whose value is written out; the value is not repeated.
    fn plaintext(&mut self, what: &str, map: &Map<String, Value>) {
        for (key, value) in sorted(map) {
            if matches!(value, Value::String(v) if !v.is_empty())
                && crate::secret::looks_secret(key)
            {
                self.warning(
                    Code::PlaintextSecret,
                    format!(
                        "{what} {} holds its value as text; give it as {{\"secret\": \"NAME\"}} so the value stays on the machines that use it",
                        quote(key)
                    ),
                );
            }
        }
    }

    fn cwd(&mut self, obj: &Map<String, Value>) {
        match obj.get("cwd") {
            None => {}
            Some(Value::String(cwd)) if !cwd.is_empty() && !self.rules.supports_cwd => {
                self.error(
                    Code::CwdNotSupported,
                    "has a \"cwd\" but the client does not support a working directory".to_owned(),
                );
            }
            Some(Value::String(cwd)) if !cwd.is_empty() => {}
            Some(other) => self.error(
                Code::InvalidCwd,
                format!(
                    "\"cwd\" must be a non-empty string, got {}",
                    describe(other)
                ),
            ),
        }
    }

    /// One `PLACEHOLDER_LEFT` per string field holding an unfilled template token.
    fn placeholders(&mut self, obj: &Map<String, Value>) {
        let mut fields: Vec<(String, &str)> = Vec::new();
        for key in ["command", "url", "cwd"] {
            if let Some(Value::String(s)) = obj.get(key) {
                fields.push((key.to_owned(), s));
            }
        }
        if let Some(Value::Array(args)) = obj.get("args") {
            for (i, arg) in args.iter().enumerate() {
                if let Value::String(s) = arg {
                    fields.push((format!("args[{i}]"), s));
                }
            }
        }
        for map_key in ["env", "headers"] {
            if let Some(Value::Object(map)) = obj.get(map_key) {
                for (key, value) in sorted(map) {
                    if let Value::String(s) = value {
                        fields.push((format!("{map_key}.{key}"), s));
                    }
                }
            }
        }
        for (field, text) in fields {
            if let Some(found) = PLACEHOLDER.find(text) {
                self.warning(
                    Code::PlaceholderLeft,
                    format!(
                        "{field} still holds the placeholder {}; fill it in before deploying",
                        quote(found.as_str())
                    ),
                );
            }
        }
    }

    /// One `SECRET_IN_ARGS` per argument that looks like a token; the value is not repeated.
    fn secrets(&mut self, obj: &Map<String, Value>) {
        let Some(Value::Array(args)) = obj.get("args") else {
            return;
        };
        for (i, arg) in args.iter().enumerate() {
            let Some(text) = arg.as_str() else { continue };
            if let Some(prefix) = SECRET.captures(text).and_then(|c| c.get(1)) {
                self.warning(
                    Code::SecretInArgs,
                    format!(
                        "args[{i}] looks like {}; move it to \"env\" so the config can be shared without leaking it",
                        secret_kind(prefix.as_str())
                    ),
                );
            }
        }
    }

    fn unknown_fields(&mut self, obj: &Map<String, Value>) {
        for (key, _) in sorted(obj) {
            if !KNOWN_FIELDS.contains(&key.as_str()) {
                self.warning(
                    Code::UnknownField,
                    format!(
                        "unknown field {}; the client may ignore or reject it (known: {})",
                        quote(key),
                        KNOWN_FIELDS.join(", ")
                    ),
                );
            }
        }
    }
}

/// The entries of `map` in key order, whatever order the map keeps.
fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A string as its JSON literal, anything else by its type, for messages.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        other => type_name(other).to_owned(),
    }
}

/// `s` as a JSON string literal: quoted, with control characters escaped.
fn quote(s: &str) -> String {
    Value::from(s).to_string()
}

/// Whether `value` is an env var or header value: a string or a secret reference.
fn is_setting(value: &Value) -> bool {
    serde_json::from_value::<crate::secret::Setting>(value.clone()).is_ok()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;

    /// A client that accepts everything.
    fn open() -> Rules {
        Rules {
            max_servers: None,
            max_env_vars: None,
            supports_env: true,
            supports_args: true,
            supports_cwd: true,
            supports_http: true,
            supports_sse: true,
        }
    }

    fn check(servers: Value, rules: &Rules) -> Report {
        let payload = Payload::from_value(&json!({ "mcpServers": servers })).unwrap();
        validate(&payload, rules)
    }

    fn codes(issues: &[Issue]) -> Vec<&'static str> {
        issues.iter().map(|i| i.code.as_str()).collect()
    }

    #[test]
    fn a_clean_config_is_valid_with_nothing_to_say() {
        let r = check(
            json!({
                "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"],
                           "env": {"GITHUB_TOKEN": {"secret": "GITHUB_TOKEN"}, "LOG": "x"}, "cwd": "/srv"},
                "remote": {"type": "http", "url": "https://mcp.example.com/mcp",
                           "headers": {"Authorization": {"secret": "API_KEY", "prefix": "Bearer "}}},
                "local-sse": {"type": "sse", "url": "http://127.0.0.1:8080/sse"},
            }),
            &open(),
        );
        assert!(r.valid, "{r:?}");
        assert!(r.errors.is_empty() && r.warnings.is_empty(), "{r:?}");
        assert_eq!(r.server_count, 3);
    }

    #[test]
    fn empty_config_is_an_error_without_a_server_field() {
        let r = check(json!({}), &open());
        assert!(!r.valid);
        assert_eq!(codes(&r.errors), ["EMPTY_CONFIG"]);
        let body = serde_json::to_value(&r).unwrap();
        assert_eq!(body["errors"][0]["severity"], "error");
        assert!(body["errors"][0].get("server").is_none(), "{body}");
        assert_eq!(body["server_count"], 0);
        assert_eq!(body["warnings"], json!([]));
    }

    #[test]
    fn too_many_servers_names_count_and_limit() {
        let rules = Rules {
            max_servers: Some(1),
            ..open()
        };
        let r = check(
            json!({"a": {"command": "x"}, "b": {"command": "y"}}),
            &rules,
        );
        assert_eq!(codes(&r.errors), ["TOO_MANY_SERVERS"]);
        assert!(r.errors[0].message.contains('2') && r.errors[0].message.contains('1'));
        assert!(check(json!({"a": {"command": "x"}}), &rules).valid);
    }

    #[test]
    fn env_limits_and_support() {
        let rules = Rules {
            max_env_vars: Some(1),
            supports_env: false,
            ..open()
        };
        let r = check(
            json!({"s": {"command": "x", "env": {"A": "1", "B": "2"}}}),
            &rules,
        );
        assert_eq!(codes(&r.errors), ["TOO_MANY_ENV_VARS", "ENV_NOT_SUPPORTED"]);
        assert_eq!(r.errors[0].server.as_deref(), Some("s"));
        assert!(
            r.errors[0].message.starts_with("Server 's':"),
            "{}",
            r.errors[0].message
        );
        // An empty env asks for nothing, so it is fine even without env support.
        assert!(check(json!({"s": {"command": "x", "env": {}}}), &rules).valid);
    }

    #[test]
    fn missing_or_bad_command() {
        for entry in [
            json!({}),
            json!({"command": ""}),
            json!({"command": "  "}),
            json!({"command": 7}),
            json!({"args": ["x"]}),
        ] {
            let r = check(json!({ "s": entry }), &open());
            assert_eq!(codes(&r.errors), ["MISSING_COMMAND"], "{entry}");
        }
        let r = check(json!({"s": {"command": 7}}), &open());
        assert!(
            r.errors[0].message.contains("a number"),
            "{}",
            r.errors[0].message
        );
    }

    #[test]
    fn args_must_be_an_array_of_strings_and_the_message_names_the_index() {
        let r = check(json!({"s": {"command": "x", "args": ["a", 2]}}), &open());
        assert_eq!(codes(&r.errors), ["INVALID_ARGS_TYPE"]);
        assert!(
            r.errors[0].message.contains("args[1] is a number"),
            "{}",
            r.errors[0].message
        );
        for args in [json!("a b"), json!(null), json!({"0": "a"})] {
            let r = check(json!({"s": {"command": "x", "args": args}}), &open());
            assert_eq!(codes(&r.errors), ["INVALID_ARGS_TYPE"], "{args}");
        }
    }

    #[test]
    fn args_unsupported_only_when_there_are_some() {
        let rules = Rules {
            supports_args: false,
            ..open()
        };
        let r = check(json!({"s": {"command": "x", "args": ["a"]}}), &rules);
        assert_eq!(codes(&r.errors), ["ARGS_NOT_SUPPORTED"]);
        assert!(check(json!({"s": {"command": "x", "args": []}}), &rules).valid);
    }

    #[test]
    fn non_object_entries_and_bad_names_do_not_stop_the_other_servers() {
        let r = check(
            json!({"bad name": {"command": "x"}, "n": 3, "ok": {}}),
            &open(),
        );
        assert_eq!(
            codes(&r.errors),
            ["INVALID_SERVER_NAME", "INVALID_ENTRY", "MISSING_COMMAND"]
        );
        let servers: Vec<_> = r
            .errors
            .iter()
            .map(|i| i.server.as_deref().unwrap())
            .collect();
        assert_eq!(servers, ["bad name", "n", "ok"]);
        assert!(r.errors[1].message.contains("a number"));
    }

    #[test]
    fn env_must_be_an_object_of_strings_with_usable_names() {
        let r = check(json!({"s": {"command": "x", "env": ["A=1"]}}), &open());
        assert_eq!(codes(&r.errors), ["INVALID_ENV_TYPE"]);
        let r = check(
            json!({"s": {"command": "x", "env": {"A": 1, "B=C": "x", "": "y"}}}),
            &open(),
        );
        assert_eq!(
            codes(&r.errors),
            ["INVALID_ENV_NAME", "INVALID_ENV_TYPE", "INVALID_ENV_NAME"]
        );
        assert!(
            r.errors[1]
                .message
                .contains("\"A\" must be a string or {\"secret\": \"NAME\"}, got a number")
        );
    }

    #[test]
    fn an_sse_entry_warns_for_a_client_with_native_http_only() {
        let rules = Rules {
            supports_sse: false,
            ..open()
        };
        let http = check(
            json!({"r": {"type": "http", "url": "https://example.com/mcp"}}),
            &rules,
        );
        assert!(http.warnings.is_empty(), "{:?}", http.warnings);
        let sse = check(
            json!({"r": {"type": "sse", "url": "https://example.com/sse"}}),
            &rules,
        );
        assert_eq!(codes(&sse.warnings), ["REMOTE_NOT_SUPPORTED"]);
        assert!(sse.warnings[0].message.contains("SSE"));
    }

    #[test]
    fn remote_entries_warn_when_the_client_needs_mcp_remote() {
        let rules = Rules {
            supports_http: false,
            supports_sse: false,
            ..open()
        };
        let r = check(json!({"r": {"url": "https://example.com/mcp"}}), &rules);
        assert!(r.valid);
        assert_eq!(codes(&r.warnings), ["REMOTE_NOT_SUPPORTED"]);
        assert!(r.warnings[0].message.contains("mcp-remote"));
        assert_eq!(
            serde_json::to_value(&r.warnings[0]).unwrap()["severity"],
            "warning"
        );
    }

    #[test]
    fn urls_must_be_http_with_a_host() {
        for url in [
            json!("ftp://example.com"),
            json!("http://"),
            json!("example.com/mcp"),
            json!("/mcp"),
            json!("http://exa mple.com"),
            json!("http://:80/mcp"),
            json!("javascript:alert(1)"),
            json!(42),
        ] {
            let r = check(json!({"r": {"url": url}}), &open());
            assert_eq!(codes(&r.errors), ["INVALID_URL"], "{url}");
        }
        let r = check(json!({"r": {"type": "sse"}}), &open());
        assert_eq!(codes(&r.errors), ["INVALID_URL"]);
        assert!(r.errors[0].message.contains("no \"url\""));
        for url in [
            "HTTPS://Example.com",
            "http://[::1]:8080/mcp",
            "http://localhost:3000",
        ] {
            assert!(check(json!({"r": {"url": url}}), &open()).valid, "{url}");
        }
    }

    #[test]
    fn transports_must_agree() {
        for entry in [
            json!({"command": "x", "url": "https://a.b"}),
            json!({"type": "stdio", "url": "https://a.b"}),
            json!({"type": "http", "command": "x"}),
        ] {
            let r = check(json!({ "s": entry }), &open());
            assert_eq!(codes(&r.errors), ["CONFLICTING_TRANSPORT"], "{entry}");
        }
        let r = check(json!({"s": {"type": "websocket", "command": "x"}}), &open());
        assert_eq!(codes(&r.errors), ["INVALID_TRANSPORT"]);
        assert!(r.errors[0].message.contains("\"websocket\""));
    }

    #[test]
    fn headers_must_be_strings() {
        let r = check(
            json!({"r": {"url": "https://a.b", "headers": {"X": 1}}}),
            &open(),
        );
        assert_eq!(codes(&r.errors), ["INVALID_HEADERS_TYPE"]);
        let r = check(
            json!({"r": {"url": "https://a.b", "headers": "X: 1"}}),
            &open(),
        );
        assert_eq!(codes(&r.errors), ["INVALID_HEADERS_TYPE"]);
    }

    #[test]
    fn cwd_rules() {
        let no_cwd = Rules {
            supports_cwd: false,
            ..open()
        };
        let r = check(json!({"s": {"command": "x", "cwd": "/tmp"}}), &no_cwd);
        assert_eq!(codes(&r.errors), ["CWD_NOT_SUPPORTED"]);
        for cwd in [json!(""), json!(1)] {
            let r = check(json!({"s": {"command": "x", "cwd": cwd}}), &open());
            assert_eq!(codes(&r.errors), ["INVALID_CWD"], "{cwd}");
        }
    }

    #[test]
    fn empty_env_values_are_warnings() {
        let r = check(
            json!({"s": {"command": "x", "env": {"TOKEN": "", "OK": "1"}}}),
            &open(),
        );
        assert!(r.valid);
        assert_eq!(codes(&r.warnings), ["EMPTY_ENV_VAR"]);
        assert!(r.warnings[0].message.contains("\"TOKEN\""));
    }

    #[test]
    fn unresolved_placeholders_are_found_where_they_hide() {
        let r = check(
            json!({"s": {
                "command": "<path-to-binary>",
                "args": ["--root", "{path}", "--db=${DB_URL}"],
                "env": {"KEY": "<your api key>"},
            }, "r": {"url": "https://{host}/mcp", "headers": {"X-Auth": "Bearer ${TOKEN}"}}}),
            &open(),
        );
        let found: Vec<_> = r
            .warnings
            .iter()
            .map(|w| (w.server.as_deref().unwrap(), w.message.as_str()))
            .collect();
        assert!(
            r.warnings.iter().all(|w| w.code == "PLACEHOLDER_LEFT"),
            "{found:?}"
        );
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(
            found[0]
                .1
                .contains("url still holds the placeholder \"{host}\""),
            "{found:?}"
        );
        assert!(found[1].1.contains("headers.X-Auth"), "{found:?}");
        assert!(
            found[2]
                .1
                .contains("command still holds the placeholder \"<path-to-binary>\""),
            "{found:?}"
        );
        assert!(found[3].1.contains("args[1]"), "{found:?}");
        assert!(
            found[4]
                .1
                .contains("args[2] still holds the placeholder \"${DB_URL}\""),
            "{found:?}"
        );
        assert!(found[5].1.contains("env.KEY"), "{found:?}");
    }

    #[test]
    fn ordinary_values_are_not_placeholders() {
        let r = check(
            json!({"s": {"command": "node", "args": ["{\"a\":1}", "--x=1", "a < b", "{{.Name}}", "x>y"]}}),
            &open(),
        );
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn tokens_in_args_are_flagged_without_repeating_them() {
        let token = format!("ghp_{}", "a1B2".repeat(9));
        let r = check(
            json!({"s": {"command": "x", "args": [format!("--token={token}"), "sk-short", "mask-aaaaaaaaaaaaaaaaaaaaaaaa", "AKIAABCDEFGHIJKLMNOP"]}}),
            &open(),
        );
        assert_eq!(codes(&r.warnings), ["SECRET_IN_ARGS", "SECRET_IN_ARGS"]);
        assert!(
            r.warnings[0]
                .message
                .contains("args[0] looks like a GitHub token")
        );
        assert!(
            r.warnings[1]
                .message
                .contains("args[3] looks like an AWS access key")
        );
        assert!(!r.warnings[0].message.contains(&token));
        // The same token in env is no longer in the arguments, but still written out.
        let r = check(
            json!({"s": {"command": "x", "env": {"GITHUB_TOKEN": token}}}),
            &open(),
        );
        assert_eq!(codes(&r.warnings), ["PLAINTEXT_SECRET"]);
        assert!(!r.warnings[0].message.contains(&token));
        let r = check(
            json!({"s": {"command": "x", "env": {"GITHUB_TOKEN": {"secret": "GH"}}}}),
            &open(),
        );
        assert!(r.warnings.is_empty(), "{r:?}");
    }

    #[test]
    fn unknown_fields_are_warnings_naming_the_field() {
        let r = check(json!({"s": {"command": "x", "arg": ["typo"]}}), &open());
        assert!(r.valid);
        assert_eq!(codes(&r.warnings), ["UNKNOWN_FIELD"]);
        assert!(r.warnings[0].message.contains("\"arg\""));
    }

    #[test]
    fn issues_come_by_server_name_then_rule() {
        let rules = Rules {
            supports_env: false,
            max_servers: Some(1),
            ..open()
        };
        let r = check(
            json!({"zeta": {"env": {"A": "1"}}, "alpha": {"command": "", "env": {"B": "2"}}}),
            &rules,
        );
        let got: Vec<_> = r
            .errors
            .iter()
            .map(|i| (i.server.as_deref(), i.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (None, "TOO_MANY_SERVERS"),
                (Some("alpha"), "MISSING_COMMAND"),
                (Some("alpha"), "ENV_NOT_SUPPORTED"),
                (Some("zeta"), "MISSING_COMMAND"),
                (Some("zeta"), "ENV_NOT_SUPPORTED"),
            ]
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "(ghp_[a-z0-9]{16}|https?://[a-z]{0,4}|[{}<>$a-z ]{0,6}|)".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    "(command|args|env|cwd|type|url|headers|[a-z=]{0,3})",
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_payload_gets_a_consistent_report(
            servers in prop::collection::btree_map("[a-c ]{0,2}", arb_json(), 0..5),
            max_servers in proptest::option::of(0usize..4),
            max_env_vars in proptest::option::of(0usize..3),
            flags in any::<[bool; 5]>(),
        ) {
            let [supports_env, supports_args, supports_cwd, supports_http, supports_sse] = flags;
            let rules = Rules { max_servers, max_env_vars, supports_env, supports_args, supports_cwd, supports_http, supports_sse };
            let payload = Payload { servers: servers.into_iter().collect() };
            let r = validate(&payload, &rules);
            prop_assert_eq!(r.valid, r.errors.is_empty());
            prop_assert_eq!(r.server_count, payload.len());
            prop_assert!(r.errors.iter().all(|i| i.severity == Severity::Error));
            prop_assert!(r.warnings.iter().all(|i| i.severity == Severity::Warning));
            for list in [&r.errors, &r.warnings] {
                let order: Vec<_> = list.iter().map(|i| i.server.clone()).collect();
                let mut sorted = order.clone();
                sorted.sort();
                prop_assert_eq!(&order, &sorted);
                for issue in list {
                    if let Some(s) = &issue.server {
                        prop_assert!(payload.servers.contains_key(s));
                    }
                }
            }
            prop_assert_eq!(validate(&payload, &rules), r);
        }
    }
}
