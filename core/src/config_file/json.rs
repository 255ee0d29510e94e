//! JSON and JSONC files, edited in place through `jsonc-parser`'s concrete syntax tree.

use jsonc_parser::ParseOptions;
use jsonc_parser::cst::{CstInputValue, CstObject, CstObjectProp, CstRootNode};
use serde_json::Value;

use super::plan::{Changes, Claim, Fate, Walk, plan};
use super::{not_a_map, unparseable, unwritable, wrong_block};
use crate::client::{Client, Layout};
use crate::error::Result;
use crate::render::{kind, ordered_fields};

/// A new file: the client's starting keys and the block, with a 2-space indent.
pub(super) fn create(client: &Client, block: &Value) -> Result<String> {
    let root = CstRootNode::parse("{}\n", &ParseOptions::default()).map_err(unwritable)?;
    let object = root.object_value_or_set();
    for (key, value) in client.new_file_keys() {
        object.append(key, input(value));
    }
    object.append(client.servers_key(), block_input(client, block));
    Ok(root.to_string())
}

/// Parses `text`; the root node must outlive every node taken from it.
fn parse(client: &Client, text: &str) -> Result<(CstRootNode, CstObject)> {
    let root =
        CstRootNode::parse(text, &ParseOptions::default()).map_err(|e| unparseable(client, e))?;
    let object = match root.value() {
        // Only comments: the object starts after them.
        None => root.object_value_or_set(),
        Some(value) => value.as_object().ok_or_else(|| {
            not_a_map(
                client,
                value
                    .to_serde_value()
                    .as_ref()
                    .map_or("something else", kind),
            )
        })?,
    };
    Ok((root, object))
}

/// `existing` with `block` merged into its servers block, entry by entry: entries not written
/// (and their comments) stay byte for byte, written ones are replaced in place, owned ones the
/// block no longer has are removed, new ones are appended.
pub(super) fn merge(
    client: &Client,
    existing: &str,
    block: &Value,
    claim: Claim<'_>,
) -> Result<(String, Changes)> {
    let (root, object) = parse(client, existing)?;
    let key = client.servers_key();
    let named = |p: &CstObjectProp| {
        p.name()
            .and_then(|n| n.decoded_value().ok())
            .is_some_and(|n| n == key)
    };
    if object.properties().iter().filter(|p| named(p)).count() > 1 {
        // Clients read the last one, this parser the first: neither choice is safe.
        return Err(wrong_block(client, "two blocks (the key appears twice)"));
    }
    let Some(prop) = object.get(key) else {
        let plan = plan(client, None, block, claim)?;
        object.append(key, block_input(client, block));
        return Ok((root.to_string(), plan.changes));
    };
    let plan = match (
        client.layout(),
        prop.value().and_then(|v| v.to_serde_value()),
    ) {
        (_, Some(Value::Null)) => {
            let plan = plan(client, None, block, claim)?;
            prop.set_value(block_input(client, block));
            plan
        }
        (Layout::Map, Some(current @ Value::Object(_))) => {
            let plan = plan(client, Some(&current), block, claim)?;
            if let Some(servers) = prop.object_value() {
                merge_entries(client, &servers, plan.walk(client, block));
            }
            plan
        }
        (Layout::List, Some(current @ Value::Array(_))) => {
            let plan = plan(client, Some(&current), block, claim)?;
            let wanted = plan.merged(client, &current, block);
            if wanted != current {
                prop.set_value(block_input(client, &wanted));
            }
            plan
        }
        (_, current) => {
            return Err(wrong_block(
                client,
                current.as_ref().map_or("a value that cannot be read", kind),
            ));
        }
    };
    Ok((root.to_string(), plan.changes))
}

/// Walks the entries of `servers`, writing, removing and keeping each as `walk` decides, then
/// appends the entries it did not place.
fn merge_entries(client: &Client, servers: &CstObject, mut walk: Walk<'_>) {
    for prop in servers.properties() {
        let name = prop.name().and_then(|n| n.decoded_value().ok());
        let current = prop
            .value()
            .and_then(|v| v.to_serde_value())
            .unwrap_or(Value::Null);
        match walk.fate(name.as_deref(), &current) {
            Fate::Keep => {}
            Fate::Write(entry) if *entry == current => {}
            Fate::Write(entry) => prop.set_value(entry_input(client, entry)),
            Fate::Drop => prop.remove(),
        }
    }
    for (name, entry) in walk.missing() {
        servers.append(name, entry_input(client, entry));
    }
}

/// The block as the syntax tree's input, each entry's fields in the usual order.
fn block_input(client: &Client, block: &Value) -> CstInputValue {
    match block {
        Value::Object(entries) => CstInputValue::Object(
            entries
                .iter()
                .map(|(name, e)| (name.clone(), entry_input(client, e)))
                .collect(),
        ),
        Value::Array(items) => {
            CstInputValue::Array(items.iter().map(|e| entry_input(client, e)).collect())
        }
        other => input(other),
    }
}

/// One entry as the syntax tree's input, its fields in the usual order.
fn entry_input(client: &Client, entry: &Value) -> CstInputValue {
    match entry {
        Value::Object(fields) => CstInputValue::Object(
            ordered_fields(client, fields)
                .into_iter()
                .map(|(k, v)| (k.clone(), input(v)))
                .collect(),
        ),
        other => input(other),
    }
}

/// A JSON value as the syntax tree's input.
fn input(value: &Value) -> CstInputValue {
    match value {
        Value::Null => CstInputValue::Null,
        Value::Bool(b) => CstInputValue::Bool(*b),
        Value::Number(n) => CstInputValue::Number(n.to_string()),
        Value::String(s) => CstInputValue::String(s.clone()),
        Value::Array(items) => CstInputValue::Array(items.iter().map(input).collect()),
        Value::Object(map) => {
            CstInputValue::Object(map.iter().map(|(k, v)| (k.clone(), input(v))).collect())
        }
    }
}

/// The value under the servers key, if any.
pub(super) fn servers(client: &Client, text: &str) -> Result<Option<Value>> {
    let (_root, object) = parse(client, text)?;
    match object.get(client.servers_key()) {
        None => Ok(None),
        Some(prop) => match prop.value().and_then(|v| v.to_serde_value()) {
            Some(value) => Ok(Some(value)),
            None => Err(wrong_block(client, "a value that cannot be read")),
        },
    }
}

/// `text` with a `promptString` input (`password: true`) in its top-level list `field` for each
/// secret in `names` that has none yet (VS Code's `inputs`, which `${input:NAME}` refers to);
/// inputs already there, whoever wrote them, stay as they are. A `field` that is not a list is
/// left alone.
pub(super) fn with_inputs(
    client: &Client,
    text: &str,
    field: &str,
    names: &std::collections::BTreeSet<String>,
) -> Result<String> {
    let (root, object) = parse(client, text)?;
    let Some(inputs) = object.array_value_or_create(field) else {
        return Ok(text.to_owned());
    };
    let have: std::collections::BTreeSet<String> = inputs
        .elements()
        .iter()
        .filter_map(|e| e.to_serde_value())
        .filter_map(|e| e.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    for name in names.iter().filter(|n| !have.contains(*n)) {
        inputs.append(CstInputValue::Object(vec![
            ("type".into(), CstInputValue::String("promptString".into())),
            ("id".into(), CstInputValue::String(name.clone())),
            (
                "description".into(),
                CstInputValue::String(format!(
                    "{name} (a secret mcp-orchestration does not store)"
                )),
            ),
            ("password".into(), CstInputValue::Bool(true)),
        ]));
    }
    Ok(root.to_string())
}
