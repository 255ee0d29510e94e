//! Drafts: the payload a profile is building before it is published, changed one server at a time.
//!
//! [`add`] turns a catalog entry plus the user's parameters and env vars into a payload entry
//! (stdio `{"command", "args", "env"?}` or remote `{"type", "url"}`); [`remove`] takes one out.
//! Both are pure functions on a draft's [`Entries`]; the API layer loads and stores the draft.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::catalog::{
    Catalog, Parameter, Piece, Server, Transport, is_header_name, is_identifier, pieces,
    placeholders,
};
use crate::error::{Code, Error, Result};
use crate::id;
use crate::payload::{Entries, Remote, ServerEntry};
use crate::secret::{SecretRef, Setting, is_secret_name};
use crate::validate::is_http_url;

/// The body of `POST /v1/config/{c}/{p}/draft/add`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddServer {
    /// Catalog id of the server to add.
    pub server_id: String,
    /// Parameter values by name; `null` counts as not given.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Environment variables by name; values must be strings, `null` counts as not given.
    #[serde(default)]
    pub env: Map<String, Value>,
    /// HTTP headers of a remote server by name; values must be strings, `null` counts as not
    /// given.
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// Entry name in the draft; defaults to `server_id`.
    #[serde(default)]
    pub name: Option<String>,
}

/// Adds the server `req` asks for to `draft` and returns its entry name.
///
/// Parameter values are checked against their types (string and path: non-empty strings; int:
/// integer numbers; bool: `true`/`false`) and substituted verbatim for `{name}` in the args or
/// URL; an absent optional parameter takes its default, or, having none, drops every argument
/// that mentions it. Env vars may include names the catalog does not declare. Errors, checked in
/// this order, each naming exactly what is wrong: 400 `INVALID_ID` (`server_id`, `name`), 404
/// `SERVER_NOT_FOUND`, 400 `UNKNOWN_PARAMETER`, `INVALID_PARAMETER`, `MISSING_PARAMETERS`,
/// `INVALID_ENV_VAR`, `MISSING_ENV_VARS`, then 409 `DUPLICATE_ENTRY`. On error the draft is
/// unchanged.
pub fn add(draft: &mut Entries, catalog: &Catalog, req: &AddServer) -> Result<String> {
    id::check("server_id", &req.server_id)?;
    let name = match &req.name {
        Some(name) => id::check("name", name)?,
        None => req.server_id.as_str(),
    };
    let server = catalog.require(&req.server_id)?;
    let values = param_values(server, &req.params)?;
    let entry = if server.transport.is_remote() {
        remote_entry(server, &values, &req.env, &req.headers)?
    } else {
        stdio_entry(server, &values, &req.env, &req.headers)?
    };
    if draft.contains(name) {
        return Err(Error::new(
            Code::DuplicateEntry,
            format!(
                "Entry '{name}' is already in the draft; remove it first or add this server under another \"name\""
            ),
        ));
    }
    draft.insert(name.to_owned(), &entry.to_value())?;
    Ok(name.to_owned())
}

/// Removes the entry `name` from `draft`; 404 `ENTRY_NOT_FOUND` names it when it is not there.
pub fn remove(draft: &mut Entries, name: &str) -> Result<()> {
    if draft.remove(name) {
        Ok(())
    } else {
        Err(Error::new(
            Code::EntryNotFound,
            format!("Entry '{name}' is not in the draft"),
        ))
    }
}

/// The rendered text of every parameter that has a value (given or default), by name.
fn param_values(server: &Server, params: &Map<String, Value>) -> Result<BTreeMap<String, String>> {
    let given: Vec<(&String, &Value)> = params.iter().filter(|(_, v)| !v.is_null()).collect();

    let unknown: Vec<&str> = given
        .iter()
        .filter(|(k, _)| server.parameter(k).is_none())
        .map(|(k, _)| k.as_str())
        .collect();
    if !unknown.is_empty() {
        let accepted = if server.parameters.is_empty() {
            "it takes none".to_owned()
        } else {
            format!(
                "accepted: {}",
                list(server.parameters.iter().map(|p| p.name.as_str()))
            )
        };
        return Err(Error::new(
            Code::UnknownParameter,
            format!(
                "Server '{}' has no parameter {} ({accepted})",
                server.server_id,
                list(unknown)
            ),
        ));
    }

    let mut values = BTreeMap::new();
    let mut invalid = Vec::new();
    for (key, value) in given {
        let Some(param) = server.parameter(key) else {
            continue;
        };
        match param.kind.render(value) {
            Some(text) => {
                values.insert(key.clone(), text);
            }
            None => invalid.push(format!(
                "'{key}' must be {} (got {})",
                param.kind.expectation(),
                json_kind(value)
            )),
        }
    }
    if !invalid.is_empty() {
        return Err(Error::new(
            Code::InvalidParameter,
            format!(
                "Invalid parameter for server '{}': {}",
                server.server_id,
                invalid.join("; ")
            ),
        ));
    }

    let missing: Vec<&str> = server
        .parameters
        .iter()
        .filter(|p| p.required && !values.contains_key(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(
            Code::MissingParameters,
            format!(
                "Server '{}' needs parameter {}",
                server.server_id,
                list(missing)
            ),
        ));
    }

    for param in &server.parameters {
        if let Some(text) = default_text(param).filter(|_| !values.contains_key(&param.name)) {
            values.insert(param.name.clone(), text);
        }
    }
    Ok(values)
}

/// The rendered default of `param`, if it has one of its own type.
fn default_text(param: &Parameter) -> Option<String> {
    param.default.as_ref().and_then(|d| param.kind.render(d))
}

/// `template` with every placeholder replaced, or `None` when one of them has no value.
fn fill(template: &str, values: &BTreeMap<String, String>) -> Option<String> {
    pieces(template)
        .into_iter()
        .try_fold(String::new(), |mut out, piece| {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Param(name) => out.push_str(values.get(name)?),
            }
            Some(out)
        })
}

/// `{"command", "args", "env"?}` for a local server.
fn stdio_entry(
    server: &Server,
    values: &BTreeMap<String, String>,
    env: &Map<String, Value>,
    headers: &Map<String, Value>,
) -> Result<ServerEntry> {
    let given_headers = given(headers);
    if !given_headers.is_empty() {
        return Err(Error::new(
            Code::InvalidHeader,
            format!(
                "Server '{}' is a local (stdio) server and takes no headers, but got {}",
                server.server_id,
                list(given_headers)
            ),
        ));
    }
    let env = env_values(server, env)?;
    Ok(ServerEntry::Stdio {
        command: server.command.clone().unwrap_or_default(),
        args: server
            .args
            .iter()
            .filter_map(|arg| fill(arg, values))
            .collect(),
        env,
        cwd: None,
    })
}

/// The names of the entries of `map` that are not null.
fn given(map: &Map<String, Value>) -> Vec<&str> {
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k.as_str())
        .collect()
}

/// `{"type", "url", "headers"?}` for a remote server; remote servers take no env vars.
fn remote_entry(
    server: &Server,
    values: &BTreeMap<String, String>,
    env: &Map<String, Value>,
    headers: &Map<String, Value>,
) -> Result<ServerEntry> {
    let given_env = given(env);
    if !given_env.is_empty() {
        return Err(Error::new(
            Code::InvalidEnvVar,
            format!(
                "Server '{}' is a remote ({}) server and takes no env vars, but got {}",
                server.server_id,
                server.transport,
                list(given_env)
            ),
        ));
    }
    let template = server.url.as_deref().unwrap_or_default();
    let url = fill(template, values).ok_or_else(|| {
        Error::new(
            Code::CatalogInvalid,
            format!(
                "Catalog server '{}' has a url it cannot fill",
                server.server_id
            ),
        )
    })?;
    if !is_http_url(&url) {
        let used: Vec<&str> = placeholders(template).collect();
        return Err(Error::new(
            Code::InvalidParameter,
            format!(
                "Invalid parameter for server '{}': {} must make an http(s) URL with a host and no spaces (got '{url}')",
                server.server_id,
                list(used)
            ),
        ));
    }
    let transport = match server.transport {
        Transport::Sse => Remote::Sse,
        _ => Remote::Http,
    };
    Ok(ServerEntry::Remote {
        transport,
        url,
        headers: header_values(server, headers)?,
    })
}

/// The headers of a remote entry, checked: header names, string values, required ones present;
/// a declared header's prefix goes before the value given, its default stands in for none.
fn header_values(
    server: &Server,
    headers: &Map<String, Value>,
) -> Result<BTreeMap<String, Setting>> {
    let mut out = BTreeMap::new();
    let mut invalid = Vec::new();
    for (key, value) in headers {
        if !is_header_name(key) {
            invalid.push(format!("'{}' is not a header name", key.escape_debug()));
            continue;
        }
        let declared = server
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(key));
        let prefix = declared.and_then(|h| h.prefix.as_deref()).unwrap_or("");
        match setting(value, prefix) {
            Ok(None) => {}
            Ok(Some(setting)) => {
                let name = declared.map_or(key, |h| &h.name);
                out.insert(name.clone(), setting);
            }
            Err(problem) => invalid.push(format!("'{key}' {problem}")),
        }
    }
    if !invalid.is_empty() {
        return Err(Error::new(
            Code::InvalidHeader,
            format!(
                "Invalid header for server '{}': {}",
                server.server_id,
                invalid.join("; ")
            ),
        ));
    }
    for header in &server.headers {
        if let Some(default) = header
            .default
            .as_ref()
            .filter(|_| !out.contains_key(&header.name))
        {
            out.insert(header.name.clone(), Setting::Text(default.clone()));
        }
    }
    let missing: Vec<&str> = server
        .headers
        .iter()
        .filter(|h| h.required && !out.contains_key(&h.name))
        .map(|h| h.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(
            Code::MissingHeaders,
            format!(
                "Server '{}' needs header {}",
                server.server_id,
                list(missing)
            ),
        ));
    }
    Ok(out)
}

/// The env vars of a stdio entry, checked: sane names, string values, required ones present.
fn env_values(server: &Server, env: &Map<String, Value>) -> Result<BTreeMap<String, Setting>> {
    let mut out = BTreeMap::new();
    let mut invalid = Vec::new();
    for (key, value) in env {
        if !is_identifier(key) {
            invalid.push(format!("name '{key}' must match ^[A-Za-z_][A-Za-z0-9_]*$"));
            continue;
        }
        match setting(value, "") {
            Ok(None) => {}
            Ok(Some(setting)) => {
                out.insert(key.clone(), setting);
            }
            Err(problem) => invalid.push(format!("'{key}' {problem}")),
        }
    }
    if !invalid.is_empty() {
        return Err(Error::new(
            Code::InvalidEnvVar,
            format!(
                "Invalid env var for server '{}': {}",
                server.server_id,
                invalid.join("; ")
            ),
        ));
    }
    for var in &server.env {
        if let Some(default) = var
            .default
            .as_ref()
            .filter(|_| !out.contains_key(&var.name))
        {
            out.insert(var.name.clone(), Setting::Text(default.clone()));
        }
    }
    let missing: Vec<&str> = server
        .env
        .iter()
        .filter(|var| {
            var.required
                && out
                    .get(&var.name)
                    .is_none_or(|v| *v == Setting::Text(String::new()))
        })
        .map(|var| var.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::new(
            Code::MissingEnvVars,
            format!(
                "Server '{}' needs env var {}",
                server.server_id,
                list(missing)
            ),
        ));
    }
    Ok(out)
}

/// The setting `value` gives (`None` for null): a string is text after `prefix`,
/// `{"secret": "NAME"}` a reference; else what is wrong, as the end of a sentence.
fn setting(value: &Value, prefix: &str) -> std::result::Result<Option<Setting>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(Setting::Text(format!("{prefix}{s}")))),
        Value::Object(obj) => match (obj.len(), obj.get("secret")) {
            (1, Some(Value::String(name))) if is_secret_name(name) => {
                Ok(Some(Setting::Secret(SecretRef {
                    secret: name.clone(),
                    prefix: prefix.to_owned(),
                })))
            }
            (1, Some(Value::String(name))) => Err(format!(
                "names the secret '{}', which is not an environment variable name",
                name.escape_debug()
            )),
            _ => Err("must be a string or {\"secret\": \"NAME\"}".to_owned()),
        },
        other => Err(format!(
            "must be a string or {{\"secret\": \"NAME\"}} (got {})",
            json_kind(other)
        )),
    }
}

/// `'a', 'b'` — names quoted and joined, for error details.
fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The JSON kind of `value`, for "got ..." in error details.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a fractional number",
        Value::Number(_) => "a number",
        Value::String(s) if s.is_empty() => "an empty string",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::catalog::catalog;

    /// A catalog with one server of every parameter type, for the type rules.
    fn typed_catalog() -> Catalog {
        Catalog::from_json(
            &json!({"servers": [{
                "server_id": "typed",
                "display_name": "Typed",
                "description": "Takes one parameter of each type.",
                "transport": "stdio",
                "command": "typed-mcp",
                "args": ["--root={root}", "--port={port}", "--verbose={verbose}", "--label={label}"],
                "parameters": [
                    {"name": "root", "type": "path", "required": true, "description": "Root."},
                    {"name": "port", "type": "int", "required": true, "description": "Port."},
                    {"name": "verbose", "type": "bool", "default": false, "description": "Verbose."},
                    {"name": "label", "type": "string", "description": "Label."}
                ],
                "env": [
                    {"name": "TYPED_A", "description": "A.", "required": true},
                    {"name": "TYPED_B", "description": "B.", "required": true, "secret": true}
                ],
                "tags": ["test"],
                "documentation_url": "https://example.com"
            }]})
            .to_string(),
        )
        .unwrap()
    }

    fn req(body: Value) -> AddServer {
        serde_json::from_value(body).unwrap()
    }

    fn add_to(draft: &mut Entries, body: Value) -> Result<String> {
        add(draft, catalog(), &req(body))
    }

    fn add_typed(body: Value) -> Result<Value> {
        let mut draft = Entries::default();
        let name = add(&mut draft, &typed_catalog(), &req(body))?;
        Ok(draft.to_payload().unwrap().servers[&name].clone())
    }

    fn typed_env() -> Value {
        json!({"TYPED_A": "a", "TYPED_B": "b"})
    }

    fn err(result: Result<impl std::fmt::Debug>) -> (u16, &'static str, String) {
        let e = result.unwrap_err();
        (e.status(), e.code.as_str(), e.detail)
    }

    #[test]
    fn filesystem_entry_matches_what_the_python_system_signed() {
        let mut draft = Entries::default();
        let name = add_to(
            &mut draft,
            json!({"server_id": "filesystem", "params": {"path": "/Users/me/Documents"}}),
        );
        assert_eq!(name.unwrap(), "filesystem");
        assert_eq!(
            draft.to_payload().unwrap().to_value(),
            json!({"mcpServers": {"filesystem": {
                "command": "npx",
                "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Documents"]
            }}})
        );
    }

    #[test]
    fn optional_parameter_given_is_substituted() {
        let mut draft = Entries::default();
        add_to(
            &mut draft,
            json!({"server_id": "filesystem", "params": {"path": "/a", "extra_path": "/b"}}),
        )
        .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["filesystem"]["args"],
            json!(["-y", "@modelcontextprotocol/server-filesystem", "/a", "/b"])
        );
    }

    #[test]
    fn default_fills_an_absent_optional_parameter() {
        let mut draft = Entries::default();
        add_to(
            &mut draft,
            json!({"server_id": "postgres", "env": {"DATABASE_URI": "postgresql://localhost/db"}}),
        )
        .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["postgres"],
            json!({"command": "uvx", "args": ["postgres-mcp", "--access-mode=restricted"],
                   "env": {"DATABASE_URI": "postgresql://localhost/db"}})
        );
    }

    #[test]
    fn absent_optional_parameter_without_default_drops_its_args() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "git"})).unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["git"],
            json!({"command": "uvx", "args": ["mcp-server-git"]})
        );
        add_to(
            &mut draft,
            json!({"server_id": "git", "name": "git-2", "params": {"repository": "/src/x"}}),
        )
        .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["git-2"]["args"],
            json!(["mcp-server-git", "--repository=/src/x"])
        );
    }

    #[test]
    fn null_parameter_counts_as_not_given() {
        let entry = add_typed(json!({"server_id": "typed", "params": {"root": "/r", "port": 1, "label": null}, "env": typed_env()}))
            .unwrap();
        assert_eq!(
            entry["args"],
            json!(["--root=/r", "--port=1", "--verbose=false"])
        );
    }

    #[test]
    fn int_and_bool_values_render_as_text() {
        let entry = add_typed(json!({
            "server_id": "typed",
            "params": {"root": "/r", "port": 8080, "verbose": true, "label": "x y"},
            "env": typed_env()
        }))
        .unwrap();
        assert_eq!(
            entry["args"],
            json!(["--root=/r", "--port=8080", "--verbose=true", "--label=x y"])
        );
    }

    #[test]
    fn name_defaults_to_server_id_and_can_be_chosen() {
        let mut draft = Entries::default();
        assert_eq!(
            add_to(&mut draft, json!({"server_id": "memory"})).unwrap(),
            "memory"
        );
        assert_eq!(
            add_to(
                &mut draft,
                json!({"server_id": "memory", "name": "work-memory"})
            )
            .unwrap(),
            "work-memory"
        );
        assert_eq!(draft.len(), 2);
    }

    #[test]
    fn malformed_server_id_or_name_is_a_400_naming_the_field() {
        let mut draft = Entries::default();
        let (status, code, detail) = err(add_to(&mut draft, json!({"server_id": "../etc"})));
        assert_eq!((status, code), (400, "INVALID_ID"));
        assert!(detail.contains("server_id"), "{detail}");
        let (status, _, detail) = err(add_to(
            &mut draft,
            json!({"server_id": "memory", "name": "a b"}),
        ));
        assert_eq!(status, 400);
        assert!(detail.contains("Invalid name"), "{detail}");
        assert!(draft.is_empty());
    }

    #[test]
    fn unknown_server_is_a_404() {
        let (status, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "nope"}),
        ));
        assert_eq!(
            (status, code, detail.as_str()),
            (404, "SERVER_NOT_FOUND", "Server 'nope' not found")
        );
    }

    #[test]
    fn missing_required_parameters_are_all_named() {
        let (status, code, detail) =
            err(add_typed(json!({"server_id": "typed", "env": typed_env()})));
        assert_eq!((status, code), (400, "MISSING_PARAMETERS"));
        assert!(
            detail.contains("'root'") && detail.contains("'port'") && !detail.contains("'label'"),
            "{detail}"
        );
    }

    #[test]
    fn wrong_parameter_types_name_the_parameter_and_the_type() {
        let cases = [
            (
                json!({"root": "/r", "port": "80"}),
                "'port' must be an integer (got a string)",
            ),
            (
                json!({"root": "/r", "port": 1.5}),
                "'port' must be an integer (got a fractional number)",
            ),
            (
                json!({"root": "/r", "port": 1, "verbose": 1}),
                "'verbose' must be true or false (got a number)",
            ),
            (
                json!({"root": 7, "port": 1}),
                "'root' must be a non-empty path string (got a number)",
            ),
            (
                json!({"root": "", "port": 1}),
                "'root' must be a non-empty path string (got an empty string)",
            ),
            (
                json!({"root": "/r", "port": 1, "label": ["x"]}),
                "'label' must be a non-empty string (got an array)",
            ),
        ];
        for (params, expected) in cases {
            let (status, code, detail) = err(add_typed(
                json!({"server_id": "typed", "params": params, "env": typed_env()}),
            ));
            assert_eq!((status, code), (400, "INVALID_PARAMETER"));
            assert!(detail.contains(expected), "{detail} lacks {expected}");
        }
    }

    #[test]
    fn unknown_parameter_is_named_with_the_accepted_ones() {
        let (status, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "filesystem", "params": {"pth": "/x"}}),
        ));
        assert_eq!((status, code), (400, "UNKNOWN_PARAMETER"));
        assert!(
            detail.contains("'pth'") && detail.contains("accepted: 'path', 'extra_path'"),
            "{detail}"
        );
        let (_, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "memory", "params": {"x": 1}}),
        ));
        assert_eq!(code, "UNKNOWN_PARAMETER");
        assert!(detail.contains("it takes none"), "{detail}");
    }

    #[test]
    fn missing_required_env_vars_are_all_named() {
        let (status, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "slack"}),
        ));
        assert_eq!((status, code), (400, "MISSING_ENV_VARS"));
        assert!(
            detail.contains("'SLACK_BOT_TOKEN'") && detail.contains("'SLACK_TEAM_ID'"),
            "{detail}"
        );
        assert!(
            !detail.contains("SLACK_CHANNEL_IDS"),
            "optional ones are not demanded: {detail}"
        );
    }

    #[test]
    fn empty_required_env_var_counts_as_missing() {
        let (_, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "brave-search", "env": {"BRAVE_API_KEY": ""}}),
        ));
        assert_eq!(code, "MISSING_ENV_VARS");
        assert!(detail.contains("'BRAVE_API_KEY'"), "{detail}");
    }

    #[test]
    fn env_values_must_be_strings_and_names_sane() {
        let (status, code, detail) = err(add_typed(
            json!({"server_id": "typed", "params": {"root": "/r", "port": 1}, "env": {"TYPED_A": 1, "TYPED_B": "b"}}),
        ));
        assert_eq!((status, code), (400, "INVALID_ENV_VAR"));
        assert!(
            detail.contains("'TYPED_A' must be a string or {\"secret\": \"NAME\"} (got a number)"),
            "{detail}"
        );
        for bad in ["1ABC", "A-B", "A B", ""] {
            let mut env = typed_env();
            env[bad] = json!("x");
            let (_, code, detail) = err(add_typed(
                json!({"server_id": "typed", "params": {"root": "/r", "port": 1}, "env": env}),
            ));
            assert_eq!(code, "INVALID_ENV_VAR");
            assert!(detail.contains(&format!("name '{bad}'")), "{detail}");
        }
    }

    #[test]
    fn undeclared_env_vars_are_kept() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "brave-search", "env": {"BRAVE_API_KEY": "k", "HTTPS_PROXY": "http://p:1"}}))
            .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["brave-search"],
            json!({"command": "npx", "args": ["-y", "@brave/brave-search-mcp-server", "--transport", "stdio"],
                   "env": {"BRAVE_API_KEY": "k", "HTTPS_PROXY": "http://p:1"}})
        );
    }

    #[test]
    fn duplicate_entry_name_is_a_409_and_leaves_the_draft_alone() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "memory"})).unwrap();
        let before = draft.clone();
        let (status, code, detail) = err(add_to(
            &mut draft,
            json!({"server_id": "everything", "name": "memory"}),
        ));
        assert_eq!((status, code), (409, "DUPLICATE_ENTRY"));
        assert!(detail.contains("'memory'"), "{detail}");
        assert_eq!(draft, before);
    }

    #[test]
    fn remote_entries_carry_type_and_filled_url() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "atlassian"})).unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["atlassian"],
            json!({"type": "sse", "url": "https://mcp.atlassian.com/v1/sse"})
        );
        add_to(
            &mut draft,
            json!({"server_id": "exa", "params": {"exa_api_key": "k1"}}),
        )
        .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["exa"],
            json!({"type": "http", "url": "https://mcp.exa.ai/mcp?tools=web_search_exa,web_fetch_exa&exaApiKey=k1"})
        );
        add_to(
            &mut draft,
            json!({"server_id": "figma-dev-mode", "params": {"port": 4000}}),
        )
        .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["figma-dev-mode"]["url"],
            "http://127.0.0.1:4000/mcp"
        );
    }

    #[test]
    fn remote_servers_take_no_env_vars() {
        let (status, code, detail) = err(add_to(
            &mut Entries::default(),
            json!({"server_id": "linear", "env": {"TOKEN": "x"}}),
        ));
        assert_eq!((status, code), (400, "INVALID_ENV_VAR"));
        assert!(
            detail.contains("remote (http)") && detail.contains("'TOKEN'"),
            "{detail}"
        );
    }

    #[test]
    fn custom_api_needs_an_http_url() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "custom-api", "name": "mine", "params": {"url": "https://mcp.example.com/mcp"}}))
            .unwrap();
        assert_eq!(
            draft.to_payload().unwrap().servers["mine"],
            json!({"type": "http", "url": "https://mcp.example.com/mcp"})
        );
        for bad in [
            "ftp://x",
            "https://a b",
            "javascript:alert(1)",
            "https://",
            "http:///path",
        ] {
            let (_, code, detail) = err(add_to(
                &mut draft,
                json!({"server_id": "custom-api", "params": {"url": bad}}),
            ));
            assert_eq!(code, "INVALID_PARAMETER");
            assert!(detail.contains("'url'"), "{detail}");
        }
    }

    #[test]
    fn remove_takes_the_entry_out_or_names_what_is_missing() {
        let mut draft = Entries::default();
        add_to(&mut draft, json!({"server_id": "memory"})).unwrap();
        remove(&mut draft, "memory").unwrap();
        assert!(draft.is_empty());
        let (status, code, detail) = err(remove(&mut draft, "memory"));
        assert_eq!(
            (status, code, detail.as_str()),
            (404, "ENTRY_NOT_FOUND", "Entry 'memory' is not in the draft")
        );
    }

    #[test]
    fn add_body_needs_only_a_server_id() {
        let body: AddServer = serde_json::from_str(r#"{"server_id": "memory"}"#).unwrap();
        assert!(body.params.is_empty() && body.env.is_empty() && body.name.is_none());
        assert!(serde_json::from_str::<AddServer>("{}").is_err());
    }

    #[test]
    fn every_catalog_server_can_be_added_with_its_examples() {
        for server in catalog().servers() {
            let params: Map<String, Value> = server
                .parameters
                .iter()
                .filter(|p| p.required)
                .map(|p| (p.name.clone(), p.example.clone().unwrap_or(json!("x"))))
                .collect();
            let env: Map<String, Value> = server
                .required_env
                .iter()
                .map(|n| (n.clone(), json!("value")))
                .collect();
            let body = AddServer {
                server_id: server.server_id.clone(),
                params,
                env,
                headers: Map::new(),
                name: None,
            };
            let mut draft = Entries::default();
            add(&mut draft, catalog(), &body)
                .unwrap_or_else(|e| panic!("{}: {e}", server.server_id));
            let filled = match ServerEntry::from_value(
                "e",
                &draft.to_payload().unwrap().servers[&server.server_id],
            )
            .unwrap()
            {
                ServerEntry::Stdio { args, .. } => args,
                ServerEntry::Remote { url, .. } => vec![url],
            };
            for text in filled {
                let unfilled = pieces(&text).iter().any(|p| matches!(p, Piece::Param(_)));
                assert!(
                    !unfilled,
                    "{}: unfilled placeholder in {text}",
                    server.server_id
                );
            }
        }
    }

    fn arbitrary_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn key() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "path",
                "extra_path",
                "port",
                "url",
                "exa_api_key",
                "BRAVE_API_KEY",
                "SLACK_TEAM_ID"
            ])
            .prop_map(str::to_owned),
            ".{0,10}",
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_params_and_env_never_panic(
            server_id in prop_oneof![
                prop::sample::select(catalog().servers().iter().map(|s| s.server_id.clone()).collect::<Vec<_>>()),
                ".{0,70}",
            ],
            params in prop::collection::btree_map(key(), arbitrary_json(), 0..5),
            env in prop::collection::btree_map(key(), arbitrary_json(), 0..5),
            name in prop::option::of(".{0,70}"),
        ) {
            let body = AddServer {
                server_id,
                params: params.into_iter().collect(),
                env: env.into_iter().collect(),
                headers: Map::new(),
                name,
            };
            let mut draft = Entries::default();
            match add(&mut draft, catalog(), &body) {
                Ok(name) => {
                    prop_assert_eq!(draft.len(), 1);
                    let entry = draft.to_payload().unwrap().servers.get(&name).cloned().unwrap_or_default();
                    prop_assert!(ServerEntry::from_value(&name, &entry).is_ok());
                }
                Err(e) => {
                    prop_assert!(matches!(e.status(), 400 | 404), "{e}");
                    prop_assert!(draft.is_empty());
                }
            }
        }
    }
}
