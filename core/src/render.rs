//! Rendering a payload into a client's own servers block, and reading a block back.
//!
//! The payload is always the canonical `{"mcpServers": {name: entry}}` form (stdio entries
//! `{command, args, env?, cwd?}`, remote ones `{type: "http"|"sse", url, headers?}`). Each
//! client spells entries its own way (see `core/data/clients.json`); a remote server the client
//! cannot reach natively runs through `npx -y mcp-remote <url>`, which reads back as the remote
//! entry it came from.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::client::{Client, EntryShape, Layout};
use crate::error::{Code, Error, Result};
use crate::payload::{Payload, Remote, ServerEntry};
use crate::secret::{self, SecretRef, Setting};

/// The executable and leading arguments of the stdio bridge to a remote server.
const MCP_REMOTE: [&str; 3] = ["npx", "-y", "mcp-remote"];

/// The stdio bridge to a remote server: `npx -y mcp-remote <url>`, then
/// `--transport sse-only` for SSE and `--header Name:value` per header.
fn via_mcp_remote(
    transport: Remote,
    url: &str,
    headers: &BTreeMap<String, Setting>,
    shape: &EntryShape,
) -> Result<ServerEntry> {
    let mut args: Vec<String> = MCP_REMOTE[1..].iter().map(|s| (*s).to_owned()).collect();
    args.push(url.to_owned());
    if transport == Remote::Sse {
        args.extend(["--transport".to_owned(), "sse-only".to_owned()]);
    }
    for (name, value) in headers {
        let value = text_of(shape, name, value)?;
        args.extend(["--header".to_owned(), format!("{name}:{value}")]);
    }
    Ok(ServerEntry::Stdio {
        command: MCP_REMOTE[0].to_owned(),
        args,
        env: BTreeMap::new(),
        cwd: None,
    })
}

/// A setting as text in the client's file: the text, or the client's reference to the secret;
/// 409 `SECRET_UNRESOLVED` for a secret the client cannot refer to (the deploy fills those in
/// first, see [`fill_secrets`]).
fn text_of(shape: &EntryShape, entry: &str, setting: &Setting) -> Result<String> {
    match (setting, &shape.secret) {
        (Setting::Text(text), _) => Ok(text.clone()),
        (Setting::Secret(r), Some(template)) => Ok(secret::reference(template, r)),
        (Setting::Secret(r), None) => {
            Err(secret::unresolved(entry, std::slice::from_ref(&r.secret)))
        }
    }
}

/// Whether the client's file can refer to the secret `r` given for env var (`is_env`) or
/// header `key` of an entry; `bridged` when a remote entry runs through mcp-remote, whose
/// headers are arguments.
fn can_refer(shape: &EntryShape, key: &str, r: &SecretRef, is_env: bool, bridged: bool) -> bool {
    if shape.secret.is_some() {
        return true;
    }
    if is_env {
        shape.secret_env_list.is_some() && r.secret == key && r.prefix.is_empty()
    } else {
        !bridged
            && ((shape.secret_bearer.is_some()
                && key.eq_ignore_ascii_case("authorization")
                && r.prefix == "Bearer ")
                || (shape.secret_header_env.is_some() && r.prefix.is_empty()))
    }
}

/// Whether `client` writes this remote entry through mcp-remote.
fn bridged(shape: &EntryShape, transport: Remote, headers: &BTreeMap<String, Setting>) -> bool {
    shape.urls.get(transport).is_none() || (!headers.is_empty() && shape.headers.is_none())
}

/// `payload` with every secret `client`'s file cannot refer to filled in by `lookup` (the
/// machine's environment or secrets file): what a deploy writes. 409 `SECRET_UNRESOLVED` names
/// the secrets the machine lacks.
pub fn fill_secrets(
    client: &Client,
    payload: &Payload,
    lookup: &dyn Fn(&str) -> Result<Option<String>>,
) -> Result<Payload> {
    let shape = client.entry_shape();
    let mut out = Payload::default();
    for (name, value) in &payload.servers {
        let mut entry = ServerEntry::from_value(name, value)?;
        let (map, is_env, bridged) = match &mut entry {
            ServerEntry::Stdio { env, .. } => (env, true, false),
            ServerEntry::Remote {
                transport, headers, ..
            } => {
                let bridged = bridged(shape, *transport, headers);
                (headers, false, bridged)
            }
        };
        let mut unreferable: BTreeMap<String, Setting> = map
            .iter()
            .filter(|(k, v)| {
                v.secret()
                    .is_some_and(|r| !can_refer(shape, k, r, is_env, bridged))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if unreferable.is_empty() {
            out.servers.insert(name.clone(), value.clone());
            continue;
        }
        secret::fill(&mut unreferable, lookup, name)?;
        map.extend(unreferable);
        out.servers.insert(name.clone(), entry.to_value());
    }
    Ok(out)
}

/// A map of settings in the client's syntax; secrets it refers to through other fields
/// (Codex) go into `aside` as `(field, key, secret)`.
fn settings_in(
    shape: &EntryShape,
    entry: &str,
    map: &BTreeMap<String, Setting>,
    is_env: bool,
    aside: &mut Vec<(String, String, String)>,
) -> Result<Value> {
    let mut obj = Map::new();
    for (key, setting) in map {
        match (setting, &shape.secret) {
            (Setting::Secret(r), None) if can_refer(shape, key, r, is_env, false) => {
                let field = if is_env {
                    shape.secret_env_list.clone()
                } else if key.eq_ignore_ascii_case("authorization") && r.prefix == "Bearer " {
                    shape.secret_bearer.clone()
                } else {
                    shape.secret_header_env.clone()
                };
                if let Some(field) = field {
                    aside.push((field, key.clone(), r.secret.clone()));
                }
            }
            _ => {
                obj.insert(key.clone(), text_of(shape, entry, setting)?.into());
            }
        }
    }
    Ok(Value::Object(obj))
}

/// Puts the secrets set aside by [`settings_in`] into their fields of `obj`.
fn put_aside(
    obj: &mut Map<String, Value>,
    shape: &EntryShape,
    aside: Vec<(String, String, String)>,
) {
    for (field, key, name) in aside {
        if Some(&field) == shape.secret_env_list.as_ref() {
            let list = obj.entry(field).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = list {
                items.push(name.into());
            }
        } else if Some(&field) == shape.secret_bearer.as_ref() {
            obj.insert(field, name.into());
        } else {
            let map = obj
                .entry(field)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = map {
                map.insert(key, name.into());
            }
        }
    }
}

/// The remote server behind a stdio bridge written by [`via_mcp_remote`], if `entry` is one.
fn unbridge(entry: &ServerEntry, shape: &EntryShape) -> Option<ServerEntry> {
    let ServerEntry::Stdio {
        command,
        args,
        env,
        cwd: None,
    } = entry
    else {
        return None;
    };
    if command != MCP_REMOTE[0] || !env.is_empty() {
        return None;
    }
    let (lead, rest) = (args.get(..2)?, args.get(2..)?);
    if lead != &MCP_REMOTE[1..] {
        return None;
    }
    let (url, mut options) = rest.split_first()?;
    let (mut transport, mut headers) = (Remote::Http, BTreeMap::new());
    while let [flag, value, more @ ..] = options {
        match flag.as_str() {
            "--transport" if value == "sse-only" && transport == Remote::Http => {
                transport = Remote::Sse
            }
            "--header" => {
                let (name, value) = value.split_once(':')?;
                headers.insert(name.to_owned(), setting_of(shape, value));
            }
            _ => return None,
        }
        options = more;
    }
    options.is_empty().then(|| ServerEntry::Remote {
        transport,
        url: url.clone(),
        headers,
    })
}

/// The payload rendered as `client`'s servers block (the value under its servers key): an
/// object by entry name, or for a list layout an array of entries carrying their names.
///
/// 400 `INVALID_SERVER_ENTRY` for an entry that is neither a stdio nor a remote server, and
/// 400 `CWD_NOT_SUPPORTED` for a working directory the client cannot take.
pub fn servers_block(client: &Client, payload: &Payload) -> Result<Value> {
    let mut entries = Vec::with_capacity(payload.len());
    for (name, entry) in &payload.servers {
        let server = ServerEntry::from_value(name, entry)?;
        entries.push((name, render_entry(client, name, &server)?));
    }
    Ok(match client.layout() {
        Layout::Map => Value::Object(entries.into_iter().map(|(n, e)| (n.clone(), e)).collect()),
        Layout::List => Value::Array(entries.into_iter().map(|(_, e)| e).collect()),
    })
}

/// One entry in the client's shape.
fn render_entry(client: &Client, name: &str, server: &ServerEntry) -> Result<Value> {
    let shape = client.entry_shape();
    let mut obj = shape.fixed.clone();
    if let Some(field) = &shape.name_field {
        obj.insert(field.clone(), name.into());
    }
    match server {
        ServerEntry::Remote {
            transport,
            url,
            headers,
        } if !bridged(shape, *transport, headers) => {
            if let (Some(field), Some(value)) = (&shape.type_field, shape.types.remote(*transport))
            {
                obj.insert(field.clone(), value.into());
            }
            if let Some(field) = shape.urls.get(*transport) {
                obj.insert(field.to_owned(), url.as_str().into());
            }
            let mut aside = Vec::new();
            let block = settings_in(shape, name, headers, false, &mut aside)?;
            if let Some(field) = shape
                .headers
                .as_ref()
                .filter(|_| block.as_object().is_some_and(|b| !b.is_empty()))
            {
                obj.insert(field.clone(), block);
            }
            put_aside(&mut obj, shape, aside);
        }
        ServerEntry::Remote {
            transport,
            url,
            headers,
        } => {
            return render_entry(
                client,
                name,
                &via_mcp_remote(*transport, url, headers, shape)?,
            );
        }
        ServerEntry::Stdio {
            command,
            args,
            env,
            cwd,
        } => {
            if let (Some(field), Some(value)) = (&shape.type_field, &shape.types.stdio) {
                obj.insert(field.clone(), value.as_str().into());
            }
            match &shape.args {
                Some(field) => {
                    obj.insert(shape.command.clone(), command.as_str().into());
                    obj.insert(field.clone(), args.clone().into());
                }
                None => {
                    let line: Vec<Value> = std::iter::once(command)
                        .chain(args)
                        .map(|s| Value::from(s.as_str()))
                        .collect();
                    obj.insert(shape.command.clone(), Value::Array(line));
                }
            }
            let mut aside = Vec::new();
            let block = settings_in(shape, name, env, true, &mut aside)?;
            if block.as_object().is_some_and(|b| !b.is_empty()) {
                obj.insert(shape.env.clone(), block);
            }
            put_aside(&mut obj, shape, aside);
            if let Some(cwd) = cwd {
                let field = shape.cwd.as_ref().ok_or_else(|| {
                    Error::new(
                        Code::CwdNotSupported,
                        format!(
                            "Server '{}' sets a working directory (cwd), which {} does not support",
                            name.escape_debug(),
                            client.display_name()
                        ),
                    )
                })?;
                obj.insert(field.clone(), cwd.as_str().into());
            }
        }
    }
    Ok(Value::Object(obj))
}

/// The fields of an entry in the order people write them: name, type, constant fields,
/// command, args, env, cwd, URL, headers; any other field after those, by name.
pub(crate) fn ordered_fields<'a>(
    client: &Client,
    entry: &'a Map<String, Value>,
) -> Vec<(&'a String, &'a Value)> {
    let shape = client.entry_shape();
    let order: Vec<&str> = shape
        .name_field
        .iter()
        .chain(&shape.type_field)
        .chain(shape.fixed.keys())
        .chain([&shape.command])
        .chain(&shape.args)
        .chain([&shape.env])
        .chain(&shape.cwd)
        .chain(&shape.urls.http)
        .chain(&shape.urls.sse)
        .chain(&shape.headers)
        .map(String::as_str)
        .collect();
    let rank = |key: &str| order.iter().position(|o| *o == key).unwrap_or(order.len());
    let mut fields: Vec<_> = entry.iter().collect();
    fields.sort_by_key(|(key, _)| rank(key));
    fields
}

/// Whether an existing entry of the client's block is not an MCP server we manage (a Zed
/// extension, a Goose built-in): reading skips it and merging keeps it.
pub(crate) fn is_foreign(client: &Client, entry: &Value) -> bool {
    client
        .entry_shape()
        .foreign
        .as_ref()
        .is_some_and(|foreign| match entry.get(&foreign.field) {
            Some(Value::String(kind)) => !foreign.managed.contains(kind),
            Some(_) => true,
            None => false,
        })
}

/// Reads a client's servers block (the value under its servers key) back into the canonical
/// payload; foreign entries are skipped and mcp-remote bridges read back as remote servers.
///
/// 409 `CONFIG_CONFLICT` when the block or an entry has a shape the client's file should not
/// have; the detail names the entry and the field.
pub fn payload_from_block(client: &Client, block: &Value) -> Result<Payload> {
    let where_ = format!("{}'s {}", client.display_name(), client.servers_key());
    let conflict =
        |problem: String| Error::new(Code::ConfigConflict, format!("{where_} {problem}"));
    let mut payload = Payload::default();
    let mut add = |name: &str, entry: &Value| -> Result<()> {
        if is_foreign(client, entry) {
            return Ok(());
        }
        let server = read_entry(client.entry_shape(), entry)
            .map_err(|problem| conflict(format!("entry '{}': {problem}", name.escape_debug())))?;
        if payload
            .servers
            .insert(name.to_owned(), server.to_value())
            .is_some()
        {
            return Err(conflict(format!(
                "lists '{}' more than once",
                name.escape_debug()
            )));
        }
        Ok(())
    };
    match (client.layout(), block) {
        (Layout::Map, Value::Object(entries)) => {
            for (name, entry) in entries {
                add(name, entry)?;
            }
        }
        (Layout::List, Value::Array(items)) => {
            let field = client.entry_shape().name_field.as_deref().unwrap_or("name");
            for (i, item) in items.iter().enumerate() {
                let name = item
                    .get(field)
                    .and_then(Value::as_str)
                    .ok_or_else(|| conflict(format!("item {i} has no string \"{field}\"")))?;
                add(name, item)?;
            }
        }
        (Layout::Map, other) => {
            return Err(conflict(format!("must be an object, not {}", kind(other))));
        }
        (Layout::List, other) => {
            return Err(conflict(format!("must be a list, not {}", kind(other))));
        }
    }
    Ok(payload)
}

/// Whether two entries of `client`'s block describe the same server (an omitted `args` and an
/// empty one, say): a file entry written by hand that a deploy would write the same way.
pub(crate) fn same_server(client: &Client, a: &Value, b: &Value) -> bool {
    let shape = client.entry_shape();
    match (read_entry(shape, a), read_entry(shape, b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The JSON type of `v`, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// One entry in the client's shape to a canonical server; the error says what is wrong.
fn read_entry(shape: &EntryShape, entry: &Value) -> std::result::Result<ServerEntry, String> {
    let obj = entry
        .as_object()
        .ok_or_else(|| format!("must be an object, not {}", kind(entry)))?;
    let declared = shape
        .type_field
        .as_ref()
        .and_then(|f| obj.get(f))
        .and_then(Value::as_str)
        .and_then(|t| {
            if shape.types.stdio.as_deref() == Some(t) {
                Some(None)
            } else {
                [Remote::Http, Remote::Sse]
                    .into_iter()
                    .find(|r| shape.types.remote(*r) == Some(t))
                    .map(Some)
            }
        });
    let by_fields = || {
        if obj.contains_key(&shape.command) {
            Some(None)
        } else {
            [Remote::Http, Remote::Sse]
                .into_iter()
                .find(|r| shape.urls.get(*r).is_some_and(|f| obj.contains_key(f)))
                .map(Some)
        }
    };
    match declared.or_else(by_fields) {
        Some(None) => {
            let server = read_stdio(shape, obj)?;
            Ok(unbridge(&server, shape).unwrap_or(server))
        }
        Some(Some(transport)) => {
            let field = shape
                .urls
                .get(transport)
                .ok_or_else(|| format!("{} servers are not supported", transport.as_str()))?;
            let url = match obj.get(field) {
                Some(Value::String(url)) => url.clone(),
                Some(other) => {
                    return Err(format!("\"{field}\" must be a string, not {}", kind(other)));
                }
                None => return Err(format!("has no \"{field}\"")),
            };
            let mut headers = match &shape.headers {
                Some(field) => settings_map(shape, obj, field)?,
                None => BTreeMap::new(),
            };
            if let Some(Value::String(name)) = shape.secret_bearer.as_ref().and_then(|f| obj.get(f))
            {
                headers.insert(
                    "Authorization".to_owned(),
                    Setting::Secret(SecretRef {
                        secret: name.clone(),
                        prefix: "Bearer ".to_owned(),
                    }),
                );
            }
            if let Some(field) = &shape.secret_header_env {
                for (key, name) in strings_map(obj, field)? {
                    headers.insert(
                        key,
                        Setting::Secret(SecretRef {
                            secret: name,
                            prefix: String::new(),
                        }),
                    );
                }
            }
            Ok(ServerEntry::Remote {
                transport,
                url,
                headers,
            })
        }
        None => Err(format!("has neither \"{}\" nor a URL field", shape.command)),
    }
}

fn read_stdio(
    shape: &EntryShape,
    obj: &Map<String, Value>,
) -> std::result::Result<ServerEntry, String> {
    let field = &shape.command;
    let (command, args) = match (&shape.args, obj.get(field)) {
        (Some(args_field), Some(Value::String(command))) => {
            let args = match obj.get(args_field) {
                None => Vec::new(),
                Some(v) => strings(v)
                    .ok_or_else(|| format!("\"{args_field}\" must be a list of strings"))?,
            };
            (command.clone(), args)
        }
        (None, Some(v)) => {
            let mut line =
                strings(v).ok_or_else(|| format!("\"{field}\" must be a list of strings"))?;
            if line.is_empty() {
                return Err(format!("\"{field}\" is empty"));
            }
            let command = line.remove(0);
            (command, line)
        }
        (Some(_), Some(other)) => {
            return Err(format!("\"{field}\" must be a string, not {}", kind(other)));
        }
        (_, None) => return Err(format!("has no \"{field}\"")),
    };
    let mut env = settings_map(shape, obj, &shape.env)?;
    if let Some(Value::Array(names)) = shape.secret_env_list.as_ref().and_then(|f| obj.get(f)) {
        for name in names.iter().filter_map(Value::as_str) {
            env.insert(
                name.to_owned(),
                Setting::Secret(SecretRef {
                    secret: name.to_owned(),
                    prefix: String::new(),
                }),
            );
        }
    }
    let cwd = match shape.cwd.as_ref().and_then(|f| obj.get(f).map(|v| (f, v))) {
        None => None,
        Some((_, Value::String(cwd))) => Some(cwd.clone()),
        Some((f, other)) => return Err(format!("\"{f}\" must be a string, not {}", kind(other))),
    };
    Ok(ServerEntry::Stdio {
        command,
        args,
        env,
        cwd,
    })
}

/// Text from a client's file as a setting: a reference in the client's syntax reads back as
/// the secret it names.
fn setting_of(shape: &EntryShape, text: &str) -> Setting {
    shape
        .secret
        .as_deref()
        .and_then(|template| secret::read_reference(template, text))
        .map_or_else(|| Setting::Text(text.to_owned()), Setting::Secret)
}

/// The settings under `field` (see [`strings_map`]), references read back as secrets.
fn settings_map(
    shape: &EntryShape,
    obj: &Map<String, Value>,
    field: &str,
) -> std::result::Result<BTreeMap<String, Setting>, String> {
    Ok(strings_map(obj, field)?
        .into_iter()
        .map(|(k, v)| {
            let setting = setting_of(shape, &v);
            (k, setting)
        })
        .collect())
}

/// A list of strings, or `None`.
fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// The map of strings under `field` (empty when absent); numbers and booleans are read as
/// their text, as YAML files often hold them.
fn strings_map(
    obj: &Map<String, Value>,
    field: &str,
) -> std::result::Result<BTreeMap<String, String>, String> {
    let map = match obj.get(field) {
        None | Some(Value::Null) => return Ok(BTreeMap::new()),
        Some(Value::Object(map)) => map,
        Some(other) => {
            return Err(format!(
                "\"{field}\" must be an object, not {}",
                kind(other)
            ));
        }
    };
    map.iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k.clone(), s.clone())),
            Value::Number(_) | Value::Bool(_) => Ok((k.clone(), v.to_string())),
            other => Err(format!(
                "\"{field}.{k}\" must be a string, not {}",
                kind(other)
            )),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::client::{client, clients};

    fn payload(v: Value) -> Payload {
        Payload::from_value(&json!({ "mcpServers": v })).unwrap()
    }

    fn block(id: &str, servers: Value) -> Value {
        servers_block(client(id).unwrap(), &payload(servers)).unwrap()
    }

    fn stdio() -> Value {
        json!({"fs": {"command": "npx", "args": ["-y", "@mcp/fs", "/tmp"], "env": {"TOKEN": "t"}}})
    }

    fn remote(transport: &str) -> Value {
        json!({"api": {"type": transport, "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer x"}}})
    }

    #[test]
    fn claude_desktop_writes_stdio_as_is() {
        assert_eq!(block("claude-desktop", stdio()), stdio());
    }

    #[test]
    fn claude_desktop_bridges_remote_servers_through_mcp_remote() {
        assert_eq!(
            block("claude-desktop", remote("http")),
            json!({"api": {"command": "npx", "args": [
                "-y", "mcp-remote", "https://mcp.example.com/mcp", "--header", "Authorization:Bearer x"
            ]}})
        );
        let sse = block(
            "claude-desktop",
            json!({"s": {"type": "sse", "url": "https://e.com/sse"}}),
        );
        assert_eq!(
            sse["s"]["args"],
            json!([
                "-y",
                "mcp-remote",
                "https://e.com/sse",
                "--transport",
                "sse-only"
            ])
        );
    }

    #[test]
    fn vscode_entries_always_carry_a_type() {
        let b = block("vscode", stdio());
        assert_eq!(b["fs"]["type"], "stdio");
        assert_eq!(block("vscode", remote("sse"))["api"]["type"], "sse");
        assert_eq!(
            block("vscode", remote("http"))["api"]["url"],
            "https://mcp.example.com/mcp"
        );
    }

    #[test]
    fn remote_url_fields_per_client() {
        assert_eq!(
            block("windsurf", remote("http"))["api"]["serverUrl"],
            "https://mcp.example.com/mcp"
        );
        assert_eq!(
            block("gemini-cli", remote("http"))["api"]["httpUrl"],
            "https://mcp.example.com/mcp"
        );
        assert_eq!(
            block("gemini-cli", remote("sse"))["api"]["url"],
            "https://mcp.example.com/mcp"
        );
        assert_eq!(
            block("cursor", remote("http")),
            json!({"api": {"url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer x"}}})
        );
        assert_eq!(
            block("cline", remote("http"))["api"]["type"],
            "streamableHttp"
        );
    }

    #[test]
    fn zed_entries_are_custom_sources() {
        assert_eq!(
            block("zed", stdio()),
            json!({"fs": {"source": "custom", "command": "npx", "args": ["-y", "@mcp/fs", "/tmp"], "env": {"TOKEN": "t"}}})
        );
        assert_eq!(block("zed", remote("http"))["api"]["command"], "npx");
    }

    #[test]
    fn opencode_joins_command_and_args() {
        assert_eq!(
            block("opencode", stdio()),
            json!({"fs": {"type": "local", "command": ["npx", "-y", "@mcp/fs", "/tmp"], "environment": {"TOKEN": "t"}}})
        );
        assert_eq!(
            block("opencode", remote("http")),
            json!({"api": {"type": "remote", "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer x"}}})
        );
    }

    #[test]
    fn goose_extensions_shape() {
        assert_eq!(
            block("goose", stdio()),
            json!({"fs": {"name": "fs", "cmd": "npx", "args": ["-y", "@mcp/fs", "/tmp"], "envs": {"TOKEN": "t"},
                          "enabled": true, "type": "stdio", "timeout": 300}})
        );
        assert_eq!(
            block("goose", remote("http"))["api"]["uri"],
            "https://mcp.example.com/mcp"
        );
        assert_eq!(
            block("goose", remote("http"))["api"]["type"],
            "streamable_http"
        );
    }

    #[test]
    fn continue_is_a_list_of_named_items() {
        let b = block(
            "continue",
            json!({"b": {"command": "x", "args": []}, "a": {"command": "y", "args": [], "cwd": "/w"}}),
        );
        assert_eq!(
            b,
            json!([{"name": "a", "command": "y", "args": [], "cwd": "/w"}, {"name": "b", "command": "x", "args": []}])
        );
        // Continue takes no plain headers: a remote server with headers goes through mcp-remote.
        assert_eq!(block("continue", remote("http"))[0]["command"], "npx");
        let plain = block(
            "continue",
            json!({"r": {"type": "http", "url": "https://e.com/mcp"}}),
        );
        assert_eq!(
            plain,
            json!([{"name": "r", "type": "streamable-http", "url": "https://e.com/mcp"}])
        );
    }

    #[test]
    fn codex_speaks_http_but_bridges_sse() {
        assert_eq!(
            block("codex", remote("http")),
            json!({"api": {"url": "https://mcp.example.com/mcp", "http_headers": {"Authorization": "Bearer x"}}})
        );
        assert_eq!(block("codex", remote("sse"))["api"]["command"], "npx");
    }

    #[test]
    fn cwd_is_refused_where_the_client_has_none() {
        let p = payload(json!({"w": {"command": "x", "args": [], "cwd": "/src"}}));
        let err = servers_block(client("cursor").unwrap(), &p).unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.status()),
            ("CWD_NOT_SUPPORTED", 400)
        );
        assert!(
            err.detail.contains("'w'") && err.detail.contains("Cursor"),
            "{}",
            err.detail
        );
        assert_eq!(
            servers_block(client("codex").unwrap(), &p).unwrap()["w"]["cwd"],
            "/src"
        );
    }

    #[test]
    fn malformed_payload_entries_are_named() {
        for (entry, says) in [
            (json!({"command": "x", "url": "https://e"}), "both"),
            (json!({"args": []}), "neither"),
            (json!({"command": 3}), "not a valid server entry"),
            (
                json!({"type": "ws", "url": "wss://e"}),
                "unknown remote type",
            ),
            (json!({"type": "http", "command": "x"}), "type"),
            (json!("npx"), "not a valid server entry"),
        ] {
            let err = servers_block(client("cursor").unwrap(), &payload(json!({ "bad": entry })))
                .unwrap_err();
            assert_eq!(err.code, "INVALID_SERVER_ENTRY");
            assert!(
                err.detail.contains("'bad'") && err.detail.contains(says),
                "{}",
                err.detail
            );
        }
    }

    #[test]
    fn every_client_reads_back_what_it_renders() {
        let servers = json!({
            "fs": {"command": "npx", "args": ["-y", "@mcp/fs"], "env": {"A": "1"}},
            "bare": {"command": "server", "args": []},
            "api": {"type": "http", "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer x"}},
            "events": {"type": "sse", "url": "https://mcp.example.com/sse"},
        });
        let p = payload(servers);
        for c in clients() {
            let b = servers_block(c, &p).unwrap();
            let back = payload_from_block(c, &b).unwrap();
            let mut want = p.clone();
            if matches!(
                c.client_id(),
                "cursor" | "windsurf" | "lm-studio" | "opencode"
            ) {
                // These spell no transport: remote servers read back as streamable HTTP.
                want.servers["events"]["type"] = json!("http");
            }
            assert_eq!(back, want, "{}", c.client_id());
        }
    }

    #[test]
    fn foreign_entries_are_skipped_when_reading() {
        let goose = json!({
            "developer": {"type": "builtin", "name": "developer", "enabled": true},
            "fs": {"type": "stdio", "name": "fs", "cmd": "fs-server", "args": [], "envs": {"PORT": 8080}},
        });
        let p = payload_from_block(client("goose").unwrap(), &goose).unwrap();
        assert_eq!(
            p.to_value(),
            json!({"mcpServers": {"fs": {"command": "fs-server", "args": [], "env": {"PORT": "8080"}}}})
        );
        let zed = json!({"ext": {"source": "extension", "settings": {}}});
        assert!(
            payload_from_block(client("zed").unwrap(), &zed)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn hand_written_mcp_remote_lines_that_we_do_not_write_stay_stdio() {
        let b = json!({"r": {"command": "npx", "args": ["-y", "mcp-remote", "https://e.com", "--debug"]}});
        let p = payload_from_block(client("claude-desktop").unwrap(), &b).unwrap();
        assert_eq!(p.servers["r"]["command"], "npx");
    }

    #[test]
    fn odd_blocks_are_conflicts_naming_the_entry() {
        let cursor = client("cursor").unwrap();
        for (b, says) in [
            (json!([]), "must be an object"),
            (
                json!({"x": {"command": "a", "args": "b"}}),
                "entry 'x': \"args\"",
            ),
            (json!({"x": {"disabled": true}}), "entry 'x': has neither"),
            (
                json!({"x": {"command": "a", "env": {"K": []}}}),
                "\"env.K\"",
            ),
            (json!({"x": {"url": 5}}), "\"url\" must be a string"),
        ] {
            let err = payload_from_block(cursor, &b).unwrap_err();
            assert_eq!((err.code.as_str(), err.status()), ("CONFIG_CONFLICT", 409));
            assert!(err.detail.contains(says), "{}", err.detail);
            assert!(
                err.detail.starts_with("Cursor's mcpServers"),
                "{}",
                err.detail
            );
        }
        let dup = json!([{"name": "a", "command": "x"}, {"name": "a", "command": "y"}]);
        let err = payload_from_block(client("continue").unwrap(), &dup).unwrap_err();
        assert!(err.detail.contains("more than once"), "{}", err.detail);
        let err = payload_from_block(client("continue").unwrap(), &json!([{"command": "x"}]))
            .unwrap_err();
        assert!(
            err.detail.contains("item 0 has no string \"name\""),
            "{}",
            err.detail
        );
    }
}
