//! The npm package's surface, as plain Rust: the option objects its functions take, the list of
//! its exports, and the TypeScript declarations generated from both.
//!
//! The package itself is `mcp-orchestration-core` on npm: this crate compiled to wasm with the
//! `wasm` feature, whose [`crate::wasm`] module translates JS values onto the functions named
//! here. Nothing in this module knows about JavaScript values; it only describes the exports, so
//! that [`declarations`] can write `core/npm/index.d.ts` from the same Rust types (and the same
//! `schemars` schemas) as `/openapi.json`. A test fails when the committed file differs from the
//! generated one; regenerate it with
//! `UPDATE_GENERATED=1 cargo test -p mcp-orchestration-core npm`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::artifact::Artifact;
use crate::catalog::{Server, Transport};
use crate::diff::Diff;
use crate::ops::clients::ClientList;
use crate::ops::servers::ServerList;
use crate::payload::{Payload, ServerEntry};
use crate::validate::Report;

/// The options of `searchServers(query, options)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchOptions {
    /// Only servers of this transport (`stdio`, `http` or `sse`).
    #[serde(default)]
    #[schemars(with = "Option<Transport>")]
    pub transport: Option<String>,
}

/// The options of `renderEntry(serverId, options)`: what a draft add takes besides the server.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryOptions {
    /// Parameter values by name (see the server's `parameters`); null counts as not given.
    #[serde(default)]
    pub params: Map<String, Value>,
    /// Environment variables by name: text, or `{"secret": "NAME"}` to keep only the secret's
    /// name; null counts as not given.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Option<crate::secret::Setting>>")]
    pub env: Map<String, Value>,
    /// HTTP headers of a remote server by name: text, or `{"secret": "NAME"}`; null counts as
    /// not given.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Option<crate::secret::Setting>>")]
    pub headers: Map<String, Value>,
    /// The entry's name; defaults to the server id.
    #[serde(default)]
    #[schemars(with = "Option<crate::id::IdSchema>")]
    pub name: Option<String>,
}

/// The schema of a type, as the generator makes it.
type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

/// One argument of an export.
#[derive(Clone, Copy)]
pub struct Arg {
    /// Its JS name.
    pub name: &'static str,
    /// Whether it may be left out.
    pub optional: bool,
    /// Its type.
    pub schema: SchemaFn,
    /// What it is.
    pub doc: &'static str,
}

/// One function of the package.
#[derive(Clone, Copy)]
pub struct Export {
    /// Its JS name (camelCase).
    pub name: &'static str,
    /// What it does, for its doc comment.
    pub doc: &'static str,
    /// Its arguments, in order.
    pub args: &'static [Arg],
    /// What it returns.
    pub returns: SchemaFn,
}

const fn arg(name: &'static str, schema: SchemaFn, doc: &'static str) -> Arg {
    Arg {
        name,
        optional: false,
        schema,
        doc,
    }
}

const fn optional(name: &'static str, schema: SchemaFn, doc: &'static str) -> Arg {
    Arg {
        name,
        optional: true,
        schema,
        doc,
    }
}

/// Every function the package exports, in the order its declarations list them.
pub const EXPORTS: &[Export] = &[
    Export {
        name: "catalog",
        doc: "The whole server catalog, as `GET /v1/servers` lists it.",
        args: &[],
        returns: schema::<ServerList>,
    },
    Export {
        name: "searchServers",
        doc: "Searches the catalog: `query` is matched (case-insensitive) against id, name, description and tags, and a blank or absent one matches everything. An unknown `transport` throws `INVALID_TRANSPORT`.",
        args: &[
            optional("query", schema::<Option<String>>, "Free text to look for."),
            optional("options", schema::<SearchOptions>, "Filters."),
        ],
        returns: schema::<ServerList>,
    },
    Export {
        name: "getServer",
        doc: "One catalog server; throws `INVALID_ID` for a malformed id and `SERVER_NOT_FOUND` for an unknown one.",
        args: &[arg(
            "id",
            schema::<crate::id::IdSchema>,
            "The catalog id, e.g. `filesystem`.",
        )],
        returns: schema::<Server>,
    },
    Export {
        name: "clients",
        doc: "Every client app the product knows, as `GET /v1/clients` lists them. No OS is known here, so each `config_path` is null; `config_paths` has the path per OS.",
        args: &[],
        returns: schema::<ClientList>,
    },
    Export {
        name: "renderEntry",
        doc: "The entry a draft would hold after adding catalog server `serverId` with these parameters and env vars: every check of a draft add applies, and throws with its code (`UNKNOWN_PARAMETER`, `MISSING_PARAMETERS`, `MISSING_ENV_VARS`, ...).",
        args: &[
            arg(
                "serverId",
                schema::<crate::id::IdSchema>,
                "The catalog id, e.g. `filesystem`.",
            ),
            optional(
                "options",
                schema::<EntryOptions>,
                "Parameter values, env vars and the entry's name.",
            ),
        ],
        returns: schema::<ServerEntry>,
    },
    Export {
        name: "serverFromJson",
        doc: "The catalog entry a server described in the MCP Registry's `server.json` format maps to (as `POST /v1/servers` maps it): throws `SERVER_JSON_INVALID` naming the field it cannot honour, `UNKNOWN_FIELD` for a field the schema does not have.",
        args: &[
            arg(
                "serverJson",
                schema::<crate::registry::ServerJson>,
                "The `server.json` document.",
            ),
            optional(
                "id",
                schema::<Option<String>>,
                "The catalog id (default: the part of `name` after its `/`).",
            ),
        ],
        returns: schema::<Server>,
    },
    Export {
        name: "importClientFile",
        doc: "The draft a client file's text makes, as `POST /v1/config/{client}/{profile}/import` makes it: the entries, which built-in catalog server each runs, and the literal values that look like credentials.",
        args: &[
            arg(
                "clientId",
                schema::<crate::id::IdSchema>,
                "The client app whose format the text is in.",
            ),
            arg("text", schema::<String>, "The file's content."),
        ],
        returns: schema::<crate::ops::drafts::DraftImported>,
    },
    Export {
        name: "validateConfig",
        doc: "Validates a payload against a client's limits. An invalid payload is a report with `valid: false` and its `errors` and `warnings` (each with a stable code), not a throw; a value that is not `{\"mcpServers\": {...}}` throws `INVALID_PAYLOAD`.",
        args: &[
            arg(
                "clientId",
                schema::<crate::id::IdSchema>,
                "The client app, e.g. `claude-desktop`.",
            ),
            arg("payload", schema::<Payload>, "The config to check."),
        ],
        returns: schema::<Report>,
    },
    Export {
        name: "diffConfigs",
        doc: "Compares two payloads server by server and field by field: how `a` (e.g. what a client has) stands relative to `b` (e.g. a published artifact's payload).",
        args: &[
            arg("a", schema::<Payload>, "The local config."),
            arg("b", schema::<Payload>, "The remote config."),
        ],
        returns: schema::<Diff>,
    },
    Export {
        name: "canonicalize",
        doc: "The canonical JSON (RFC 8785) text of any JSON value: what artifact ids hash and signatures sign.",
        args: &[arg("value", schema::<Value>, "Any JSON value.")],
        returns: schema::<String>,
    },
    Export {
        name: "artifactId",
        doc: "The content address of a payload: the lowercase hex SHA-256 of its canonical JSON.",
        args: &[arg("payload", schema::<Payload>, "The payload.")],
        returns: schema::<String>,
    },
    Export {
        name: "verifyArtifact",
        doc: "Whether the artifact's id is the hash of its payload and its Ed25519 signature verifies with the key. A tampered payload or another key is `false`; a key that is not an Ed25519 SPKI PEM throws `INVALID_PUBLIC_KEY`, and a value that is not an artifact throws.",
        args: &[
            arg(
                "artifact",
                schema::<Artifact>,
                "The artifact, as `GET /v1/artifacts/{id}` answers it.",
            ),
            arg(
                "publicKeyPem",
                schema::<String>,
                "The signer's public key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`), as `GET /v1/keys/public` answers it.",
            ),
        ],
        returns: schema::<bool>,
    },
    Export {
        name: "renderClientConfig",
        doc: "The text of the client's config file with the payload's servers merged in: what a deploy of this payload writes for the entries it owns, every payload entry counted as owned (and so added or replaced). Every other entry, key, comment and format detail of `existingText` is kept; without it (or when blank) a new file. Unparseable existing text throws `CONFIG_UNPARSEABLE`, a servers key of the wrong type `CONFIG_CONFLICT`.",
        args: &[
            arg(
                "clientId",
                schema::<crate::id::IdSchema>,
                "The client app, e.g. `claude-desktop`.",
            ),
            arg("payload", schema::<Payload>, "The servers to write."),
            optional(
                "existingText",
                schema::<Option<String>>,
                "The client's current config file, if there is one.",
            ),
        ],
        returns: schema::<String>,
    },
    Export {
        name: "readClientConfig",
        doc: "The servers a client's config file holds, as a payload (empty for an empty file or one without a servers block). Unparseable text throws `CONFIG_UNPARSEABLE`; an entry that is not a server the client could run throws `CONFIG_CONFLICT`.",
        args: &[
            arg(
                "clientId",
                schema::<crate::id::IdSchema>,
                "The client app, e.g. `claude-desktop`.",
            ),
            arg("text", schema::<String>, "The config file's text."),
        ],
        returns: schema::<Payload>,
    },
    Export {
        name: "version",
        doc: "The version of the core this package was built from.",
        args: &[],
        returns: schema::<String>,
    },
];

/// Where definitions go in the generator.
const DEFS: &str = "/$defs";

/// The package's TypeScript declarations (`core/npm/index.d.ts`): a declaration for every type
/// the exports take or return, from its JSON Schema, then the exports themselves.
pub fn declarations() -> String {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| DEFS.clone_into(s.definitions_path.to_mut()))
        .into_generator();
    let signatures: Vec<(Export, Vec<Value>, Value)> = EXPORTS
        .iter()
        .map(|e| {
            let args = e
                .args
                .iter()
                .map(|a| (a.schema)(&mut g).to_value())
                .collect();
            (*e, args, (e.returns)(&mut g).to_value())
        })
        .collect();
    let defs: BTreeMap<String, Value> = g.take_definitions(true).into_iter().collect();

    let mut out = String::from(HEADER);
    for (name, def) in &defs {
        out.push('\n');
        out.push_str(&declaration(name, def));
    }
    for (export, args, returns) in signatures {
        out.push('\n');
        out.push_str(&function(&export, &args, &returns));
    }
    out
}

const HEADER: &str = "\
// The declarations of mcp-orchestration-core, generated from the core's Rust types (the same
// schemas as /openapi.json) by `core/src/npm.rs`. Do not edit: regenerate with
// `UPDATE_GENERATED=1 cargo test -p mcp-orchestration-core npm`.

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What every function throws on bad input: a JS `Error` whose `message` is the core's message,
 * with the stable `code` of the error registry, and any structured fields the core adds (e.g.
 * `conflicts`).
 */
export interface CoreError extends Error {
  /** The machine code, e.g. `SERVER_NOT_FOUND`. */
  code: Code;
  /** Structured fields of some errors, by name. */
  [field: string]: unknown;
}
";

/// The declaration of definition `name`, as a type alias (so that object types, unlike
/// interfaces, are assignable to `JsonValue`).
fn declaration(name: &str, def: &Value) -> String {
    let mut out = doc_comment(&describe(def), "");
    let ty = ts(def, "");
    let sep = if ty.starts_with('\n') { "" } else { " " };
    let _ = writeln!(out, "export type {name} ={sep}{ty};");
    out
}

/// A definition's description (or, lacking one, its string format), with the meaning of each
/// listed value when it has them.
fn describe(def: &Value) -> String {
    let mut text = description(def);
    if let (true, Some(format)) = (text.is_empty(), def.get("format").and_then(Value::as_str)) {
        text = format!("A string in `{format}` format.");
    }
    if let Some(Value::Array(options)) = def.get("oneOf") {
        let listed: Vec<String> = options
            .iter()
            .filter_map(|o| {
                Some(format!(
                    "- `{}`: {}",
                    o.get("const")?.as_str()?,
                    description(o)
                ))
            })
            .collect();
        if !listed.is_empty() {
            text = format!("{text}\n\n{}", listed.join("\n"));
        }
    }
    text
}

fn function(export: &Export, args: &[Value], returns: &Value) -> String {
    let mut doc = tidy(export.doc);
    for (a, _) in export.args.iter().zip(args) {
        let _ = write!(doc, "\n@param {} {}", a.name, tidy(a.doc));
    }
    if !export.args.is_empty() {
        doc.push_str("\n@throws {CoreError} on bad input, with the core's message and code.");
    }
    let params: Vec<String> = export
        .args
        .iter()
        .zip(args)
        .map(|(a, s)| {
            let mark = if a.optional { "?" } else { "" };
            format!("{}{mark}: {}", a.name, ts(s, ""))
        })
        .collect();
    format!(
        "{}export declare function {}({}): {};\n",
        doc_comment(&doc, ""),
        export.name,
        params.join(", "),
        ts(returns, "")
    )
}

/// The TypeScript type of `schema`; `indent` is that of the line it starts on.
fn ts(schema: &Value, indent: &str) -> String {
    let obj = match schema {
        Value::Bool(true) => return "JsonValue".into(),
        Value::Bool(false) => return "never".into(),
        Value::Object(obj) => obj,
        _ => return "JsonValue".into(),
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(c) = obj.get("const") {
        return c.to_string();
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        let lines: Vec<String> = values.iter().map(Value::to_string).collect();
        return if lines.len() > 4 {
            format!("\n{indent}  | {}", lines.join(&format!("\n{indent}  | ")))
        } else {
            lines.join(" | ")
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(options)) = obj.get(key) {
            return union(options.iter().map(|o| ts(o, indent)));
        }
    }
    match obj.get("type") {
        Some(Value::String(t)) => of_type(t, obj, indent),
        Some(Value::Array(types)) => union(
            types
                .iter()
                .filter_map(Value::as_str)
                .map(|t| of_type(t, obj, indent)),
        ),
        // No type, no reference: any JSON value (a `serde_json::Value`).
        _ => "JsonValue".into(),
    }
}

fn union(members: impl Iterator<Item = String>) -> String {
    let mut seen = BTreeSet::new();
    let members: Vec<String> = members.filter(|m| seen.insert(m.clone())).collect();
    members.join(" | ")
}

fn of_type(t: &str, obj: &Map<String, Value>, indent: &str) -> String {
    match t {
        "string" => "string".into(),
        "integer" | "number" => "number".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "array" => {
            let item = obj
                .get("items")
                .map_or_else(|| "JsonValue".into(), |i| ts(i, indent));
            if item.contains(' ') {
                format!("({item})[]")
            } else {
                format!("{item}[]")
            }
        }
        "object" => object(&Value::Object(obj.clone()), indent),
        _ => "JsonValue".into(),
    }
}

/// An object type: its properties (optional unless required), then an index signature for
/// what else it may hold.
fn object(schema: &Value, indent: &str) -> String {
    let inner = format!("{indent}  ");
    let required: BTreeSet<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut lines = Vec::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            let mark = if required.contains(name.as_str()) {
                ""
            } else {
                "?"
            };
            lines.push(format!(
                "{}{inner}{}{mark}: {};",
                doc_comment(&description(prop), &inner),
                property_name(name),
                ts(prop, &inner)
            ));
        }
    }
    let rest = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => None,
        Some(extra) if extra != &Value::Bool(true) => Some(ts(extra, &inner)),
        // Absent or `true`: a map with values of any JSON type, unless it lists its properties.
        _ if lines.is_empty() => Some("JsonValue".to_owned()),
        _ => None,
    };
    if let Some(value) = rest {
        if lines.is_empty() {
            return format!("{{ [key: string]: {value} }}");
        }
        lines.push(format!("{inner}[key: string]: {value};"));
    }
    if lines.is_empty() {
        return "{}".into();
    }
    format!("{{\n{}\n{indent}}}", lines.join("\n"))
}

fn property_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if plain {
        name.to_owned()
    } else {
        Value::from(name).to_string()
    }
}

fn description(schema: &Value) -> String {
    schema
        .get("description")
        .and_then(Value::as_str)
        .map(tidy)
        .unwrap_or_default()
}

/// Rustdoc link brackets go, wrapped lines join (as in `/openapi.json`).
fn tidy(text: &str) -> String {
    text.replace("[`", "`")
        .replace("`]", "`")
        .split("\n\n")
        .map(|para| para.split('\n').collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `text` as a JSDoc comment at `indent`, wrapped at 100 columns; empty for empty text.
fn doc_comment(text: &str, indent: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let text = text.replace("*/", "*\\/");
    let width = 100usize.saturating_sub(indent.len() + 3).max(40);
    let mut lines = Vec::new();
    for (i, para) in text.split("\n\n").enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        for source in para.split('\n') {
            let mut line = String::new();
            for word in source.split(' ') {
                if !line.is_empty() && line.len() + 1 + word.len() > width {
                    lines.push(std::mem::take(&mut line));
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            lines.push(line);
        }
    }
    if let [only] = lines.as_slice()
        && only.len() + indent.len() + 7 <= 100
    {
        return format!("{indent}/** {only} */\n");
    }
    let mut out = format!("{indent}/**\n");
    for line in lines {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {line}");
        }
    }
    let _ = writeln!(out, "{indent} */");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMITTED: &str = include_str!("../npm/index.d.ts");

    #[test]
    fn the_committed_declarations_are_the_generated_ones() {
        let generated = declarations();
        if generated != COMMITTED {
            if std::env::var_os("UPDATE_GENERATED").is_some() {
                let path = concat!(env!("CARGO_MANIFEST_DIR"), "/npm/index.d.ts");
                std::fs::write(path, &generated).unwrap();
            } else {
                panic!(
                    "core/npm/index.d.ts is not what the types generate; \
                     run `UPDATE_GENERATED=1 cargo test -p mcp-orchestration-core npm` and commit it"
                );
            }
        }
    }

    #[test]
    fn the_declarations_never_fall_back_to_any() {
        let text = declarations();
        for (i, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if ["//", "/**", "*"].iter().any(|c| code.starts_with(c)) {
                continue;
            }
            let words: Vec<&str> = code
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .collect();
            assert!(!words.contains(&"any"), "line {}: {line}", i + 1);
        }
    }

    #[test]
    fn every_export_and_every_type_it_names_is_declared() {
        let text = declarations();
        for e in EXPORTS {
            assert!(
                text.contains(&format!("export declare function {}(", e.name)),
                "{}",
                e.name
            );
        }
        for name in [
            "Server",
            "ServerList",
            "ClientSummary",
            "ClientList",
            "Payload",
            "ServerEntry",
            "StdioEntry",
            "RemoteEntry",
            "Report",
            "Issue",
            "Code",
            "Diff",
            "Change",
            "Artifact",
            "SearchOptions",
            "EntryOptions",
            "ServerJson",
            "DraftImported",
            "Setting",
            "SecretRef",
        ] {
            assert!(
                text.contains(&format!("export type {name} =")),
                "{name} is not declared"
            );
        }
    }

    #[test]
    fn schemas_become_typescript_types() {
        let t = |v: Value| ts(&v, "");
        assert_eq!(t(serde_json::json!(true)), "JsonValue");
        assert_eq!(t(serde_json::json!({"description": "x"})), "JsonValue");
        assert_eq!(
            t(serde_json::json!({"type": ["string", "null"]})),
            "string | null"
        );
        assert_eq!(
            t(serde_json::json!({"anyOf": [{"$ref": "#/$defs/Transport"}, {"type": "null"}]})),
            "Transport | null"
        );
        assert_eq!(
            t(serde_json::json!({"type": "array", "items": {"type": ["string", "null"]}})),
            "(string | null)[]"
        );
        assert_eq!(
            t(serde_json::json!({"type": "object", "additionalProperties": {"type": "string"}})),
            "{ [key: string]: string }"
        );
        assert_eq!(
            t(
                serde_json::json!({"type": "object", "properties": {"a-b": {"type": "integer"}}, "required": ["a-b"]})
            ),
            "{\n  \"a-b\": number;\n}"
        );
        assert_eq!(
            t(serde_json::json!({"oneOf": [{"const": "a"}, {"const": "b"}]})),
            "\"a\" | \"b\""
        );
    }
}
