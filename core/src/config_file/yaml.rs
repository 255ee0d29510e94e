//! YAML files (Continue, Goose): the servers key's lines are replaced, everything else stays.
//!
//! No maintained YAML crate edits a document in place, so the block is found textually: from
//! its top-level `key:` line to the next top-level line, leaving the blank and comment lines
//! just before that line to what follows. `serde_yaml_ng` checks the file before, and the
//! result after: unless every other top-level key reads back unchanged and the block reads
//! back as rendered, the edit is refused.

use serde_json::{Map, Value};
use serde_yaml_ng::{Mapping, Value as Yaml};

use super::{line_col, not_a_map, unparseable, unsafe_edit, unwritable, wrong_block};
use crate::client::{Client, Layout};
use crate::error::Result;
use crate::render::{is_foreign, ordered_fields};

/// A new file: the client's starting keys, then the block.
pub(super) fn create(client: &Client, block: &Value) -> Result<String> {
    let mut root = Mapping::new();
    for (key, value) in client.new_file_keys() {
        root.insert(key.as_str().into(), yaml_of(value)?);
    }
    root.insert(client.servers_key().into(), block_yaml(client, block)?);
    serde_yaml_ng::to_string(&root).map_err(unwritable)
}

fn yaml_of(value: &Value) -> Result<Yaml> {
    serde_yaml_ng::to_value(value).map_err(unwritable)
}

/// The block as YAML, each entry's fields in the usual order.
fn block_yaml(client: &Client, block: &Value) -> Result<Yaml> {
    Ok(match block {
        Value::Object(entries) => Yaml::Mapping(
            entries
                .iter()
                .map(|(name, entry)| Ok((name.as_str().into(), entry_yaml(client, entry)?)))
                .collect::<Result<_>>()?,
        ),
        Value::Array(items) => Yaml::Sequence(
            items
                .iter()
                .map(|entry| entry_yaml(client, entry))
                .collect::<Result<_>>()?,
        ),
        other => yaml_of(other)?,
    })
}

fn entry_yaml(client: &Client, entry: &Value) -> Result<Yaml> {
    Ok(match entry {
        Value::Object(fields) => Yaml::Mapping(
            ordered_fields(client, fields)
                .into_iter()
                .map(|(key, value)| Ok((key.as_str().into(), yaml_of(value)?)))
                .collect::<Result<_>>()?,
        ),
        other => yaml_of(other)?,
    })
}

/// Deepest run of unclosed flow brackets let through to the parser: libyaml (under
/// `serde_yaml_ng`) takes quadratic time on deep flow nesting, and its own recursion limit (128)
/// refuses such files anyway.
const MAX_FLOW_DEPTH: usize = 1000;

/// Parses one YAML document, refusing absurd flow nesting before it can cost seconds.
fn load(text: &str) -> std::result::Result<Yaml, String> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_FLOW_DEPTH {
            let (line, col) = line_col(text, i);
            return Err(format!(
                "brackets nested deeper than {MAX_FLOW_DEPTH} levels at line {line} column {col}"
            ));
        }
    }
    serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
}

/// The root mapping of `text` (empty for a document of only comments).
fn parse(client: &Client, text: &str) -> Result<Mapping> {
    match load(text).map_err(|e| unparseable(client, e))? {
        Yaml::Mapping(root) => Ok(root),
        Yaml::Null => Ok(Mapping::new()),
        Yaml::Bool(_) => Err(not_a_map(client, "a boolean")),
        Yaml::Number(_) => Err(not_a_map(client, "a number")),
        Yaml::String(_) => Err(not_a_map(client, "a string")),
        Yaml::Sequence(_) => Err(not_a_map(client, "a list")),
        Yaml::Tagged(_) => Err(not_a_map(client, "a tagged value")),
    }
}

/// A YAML value as JSON; fails for what JSON cannot hold (non-string keys).
fn json_of(client: &Client, value: &Yaml) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|e| wrong_block(client, &format!("data JSON cannot hold ({e})")))
}

/// `existing` with its servers block replaced by `block` (foreign entries of a map block kept).
pub(super) fn merge(client: &Client, existing: &str, block: &Value) -> Result<String> {
    let root = parse(client, existing)?;
    let key = client.servers_key();
    let current = match root.get(key) {
        None | Some(Yaml::Null) => None,
        Some(value) => Some(json_of(client, value)?),
    };
    let wanted = match (client.layout(), current.as_ref(), block) {
        (_, None, _) | (Layout::List, Some(Value::Array(_)), _) => block.clone(),
        (Layout::Map, Some(Value::Object(entries)), Value::Object(rendered)) => {
            let mut merged: Map<String, Value> = entries
                .iter()
                .filter(|(name, entry)| !rendered.contains_key(*name) && is_foreign(client, entry))
                .map(|(name, entry)| (name.clone(), entry.clone()))
                .collect();
            merged.extend(rendered.iter().map(|(k, v)| (k.clone(), v.clone())));
            Value::Object(merged)
        }
        (_, Some(other), _) => return Err(wrong_block(client, crate::render::kind(other))),
    };
    if current.as_ref() == Some(&wanted) {
        return Ok(existing.to_owned());
    }
    let mut section = Mapping::new();
    section.insert(key.into(), block_yaml(client, &wanted)?);
    let rendered = serde_yaml_ng::to_string(&section).map_err(unwritable)?;
    let text = splice(existing, key, &rendered);
    match load(&text) {
        Ok(Yaml::Mapping(after))
            if keeps_the_rest(&root, &after, key) && after.get(key) == section.get(key) =>
        {
            Ok(text)
        }
        _ => Err(unsafe_edit(client)),
    }
}

/// Whether `after` holds exactly the keys and values of `before`, apart from `key`.
fn keeps_the_rest(before: &Mapping, after: &Mapping, key: &str) -> bool {
    let others = |m: &Mapping| m.iter().filter(|(k, _)| k.as_str() != Some(key)).count();
    others(before) == others(after)
        && before
            .iter()
            .filter(|(k, _)| k.as_str() != Some(key))
            .all(|(k, v)| after.get(k) == Some(v))
}

/// `text` with the top-level `key:` section replaced by `section` (appended if absent).
fn splice(text: &str, key: &str, section: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(start) = lines.iter().position(|l| is_key_line(l, key)) else {
        let gap = if text.ends_with('\n') { "" } else { "\n" };
        return format!("{text}{gap}{section}");
    };
    let mut end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| is_top_level(l))
        .map_or(lines.len(), |(i, _)| i);
    while end > start + 1 && lines.get(end - 1).is_some_and(|l| is_blank_or_comment(l)) {
        end -= 1;
    }
    let mut out = String::with_capacity(text.len() + section.len());
    lines.iter().take(start).for_each(|l| out.push_str(l));
    out.push_str(section);
    lines.iter().skip(end).for_each(|l| out.push_str(l));
    out
}

/// Whether `line` opens the top-level `key` (plain or quoted), e.g. `mcpServers:`.
fn is_key_line(line: &str, key: &str) -> bool {
    let single = format!("'{key}'");
    let double = format!("\"{key}\"");
    [key, single.as_str(), double.as_str()].iter().any(|k| {
        line.strip_prefix(k)
            .map(|rest| rest.trim_start_matches([' ', '\t']))
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
    })
}

/// Whether `line` starts something at the top level: a key or a document marker, not an
/// indented line, a comment, a blank line, a `- ` item of the block or a flow closer.
fn is_top_level(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        None | Some(' ' | '\t' | '\r' | '\n' | '#' | ']' | '}') => false,
        Some('-') => !matches!(chars.next(), None | Some(' ' | '\t' | '\r' | '\n')),
        Some(_) => true,
    }
}

fn is_blank_or_comment(line: &str) -> bool {
    line.trim().is_empty() || line.starts_with('#')
}

/// The value under the servers key, if any.
pub(super) fn servers(client: &Client, text: &str) -> Result<Option<Value>> {
    let root = parse(client, text)?;
    root.get(client.servers_key())
        .map(|v| json_of(client, v))
        .transpose()
}
