//! YAML files (Continue, Goose): the servers block's lines are edited, everything else stays.
//!
//! No maintained YAML crate edits a document in place, so the block is found textually: from
//! its top-level `key:` line to the next top-level line, leaving the blank and comment lines
//! just before that line to what follows. Within it, each entry is the group of lines that
//! starts at the block's indentation (with the comment lines above it): entries not written
//! keep their lines, written ones are rendered in their place. When the block's lines cannot
//! be split that way (flow style, a value on the key line), the whole block is rendered anew.
//! `serde_yaml_ng` checks the file before, and the result after: unless every other top-level
//! key reads back unchanged and the block reads back as wanted, the edit is refused.

use serde_json::Value;
use serde_yaml_ng::{Mapping, Value as Yaml};

use super::plan::{Changes, Claim, Fate, Walk, plan};
use super::{line_col, not_a_map, unparseable, unsafe_edit, unwritable, wrong_block};
use crate::client::{Client, Layout};
use crate::error::Result;
use crate::render::{kind, ordered_fields};

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

/// `existing` with `block` merged into its servers block: entry by entry where the block's
/// lines allow it (see [`splice_entries`]), else by rewriting the whole block as equal YAML.
pub(super) fn merge(
    client: &Client,
    existing: &str,
    block: &Value,
    claim: Claim<'_>,
) -> Result<(String, Changes)> {
    let root = parse(client, existing)?;
    let key = client.servers_key();
    let current_yaml = root.get(key).filter(|v| !v.is_null());
    let current = current_yaml.map(|v| json_of(client, v)).transpose()?;
    match (client.layout(), current.as_ref()) {
        (_, None)
        | (Layout::List, Some(Value::Array(_)))
        | (Layout::Map, Some(Value::Object(_))) => {}
        (_, Some(other)) => return Err(wrong_block(client, kind(other))),
    }
    let plan = plan(client, current.as_ref(), block, claim)?;
    let wanted = current
        .as_ref()
        .map_or_else(|| block.clone(), |c| plan.merged(client, c, block));
    if current.as_ref() == Some(&wanted) {
        return Ok((existing.to_owned(), plan.changes));
    }
    if let Some(yaml) = current_yaml {
        let entrywise = splice_entries(client, existing, yaml, plan.walk(client, block))?;
        if let Some(text) = entrywise.filter(|t| reads_back(client, &root, t, &wanted)) {
            return Ok((text, plan.changes));
        }
    }
    let mut section = Mapping::new();
    section.insert(key.into(), block_yaml(client, &wanted)?);
    let rendered = serde_yaml_ng::to_string(&section).map_err(unwritable)?;
    let text = splice(existing, key, &rendered);
    if reads_back(client, &root, &text, &wanted) {
        Ok((text, plan.changes))
    } else {
        Err(unsafe_edit(client))
    }
}

/// Whether `text` parses to `before` with the servers block holding exactly `wanted`.
fn reads_back(client: &Client, before: &Mapping, text: &str, wanted: &Value) -> bool {
    let key = client.servers_key();
    match load(text) {
        Ok(Yaml::Mapping(after)) => {
            keeps_the_rest(before, &after, key)
                && after
                    .get(key)
                    .and_then(|v| json_of(client, v).ok())
                    .as_ref()
                    == Some(wanted)
        }
        _ => false,
    }
}

/// `existing` with the entries of its servers block (`current`, as parsed) rewritten one by
/// one as `walk` decides: an entry kept keeps its lines and the comment lines above it, one
/// written is rendered in its place at the block's indentation, new ones go at the end.
///
/// `None` when the block is not laid out as one group of indented lines per entry (a flow
/// block, a value on the key line, entries the lines do not match).
fn splice_entries(
    client: &Client,
    existing: &str,
    current: &Yaml,
    mut walk: Walk<'_>,
) -> Result<Option<String>> {
    let key = client.servers_key();
    let lines: Vec<&str> = existing.split_inclusive('\n').collect();
    let Some((start, end)) = block_range(&lines, key) else {
        return Ok(None);
    };
    let opens_block = lines
        .get(start)
        .and_then(|l| after_key(l, key))
        .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with('#'));
    let body = lines.get(start + 1..end).unwrap_or_default();
    let (Some((indent, heads)), Some(items)) = (
        opens_block
            .then(|| entry_heads(body, client.layout()))
            .flatten(),
        named_items(client, current),
    ) else {
        return Ok(None);
    };
    if heads.len() != items.len() {
        return Ok(None);
    }
    let mut out = String::with_capacity(existing.len());
    lines.iter().take(start + 1).for_each(|l| out.push_str(l));
    let leads = leads(body, &heads);
    for (i, (name, yaml)) in items.into_iter().enumerate() {
        let (lead, head) = (leads[i], heads[i]);
        let stop = leads.get(i + 1).copied().unwrap_or(body.len());
        let now = json_of(client, yaml)?;
        match walk.fate(name, &now) {
            Fate::Keep => push_lines(&mut out, &body[lead..stop]),
            Fate::Write(entry) if *entry == now => push_lines(&mut out, &body[lead..stop]),
            Fate::Write(entry) => {
                push_lines(&mut out, &body[lead..head]);
                push_text(
                    &mut out,
                    &entry_text(client, name.unwrap_or_default(), entry, indent)?,
                );
            }
            Fate::Drop => {}
        }
    }
    for (name, entry) in walk.missing() {
        push_text(&mut out, &entry_text(client, name, entry, indent)?);
    }
    push_lines(&mut out, lines.get(end..).unwrap_or_default());
    Ok(Some(out))
}

/// The items of a parsed block with their names (a map's keys, a list item's name field).
fn named_items<'a>(client: &Client, block: &'a Yaml) -> Option<Vec<(Option<&'a str>, &'a Yaml)>> {
    match block {
        Yaml::Mapping(map) => Some(map.iter().map(|(k, v)| (k.as_str(), v)).collect()),
        Yaml::Sequence(items) => {
            let field = client.entry_shape().name_field.as_deref().unwrap_or("name");
            Some(
                items
                    .iter()
                    .map(|item| (item.get(field).and_then(Yaml::as_str), item))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// The indentation of the block's entries and the index of each entry's first line in `body`:
/// every line at that indentation starts an entry (a `- ` item for a list, a key for a map).
fn entry_heads(body: &[&str], layout: Layout) -> Option<(usize, Vec<usize>)> {
    let depth = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let content = |l: &str| !is_blank_or_comment(l.trim_start_matches(' '));
    let indent = depth(body.iter().find(|l| content(l))?);
    let mut heads = Vec::new();
    for (i, line) in body.iter().enumerate().filter(|(_, l)| content(l)) {
        let rest = line.get(depth(line)..).unwrap_or_default();
        let item = rest
            .strip_prefix('-')
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t', '\r', '\n']));
        match depth(line).cmp(&indent) {
            std::cmp::Ordering::Greater => {}
            std::cmp::Ordering::Less => return None,
            std::cmp::Ordering::Equal if rest.starts_with('\t') => return None,
            std::cmp::Ordering::Equal if item == (layout == Layout::List) => heads.push(i),
            std::cmp::Ordering::Equal => return None,
        }
    }
    Some((indent, heads))
}

/// Where each entry's lines start: its first line, preceded by the blank and comment lines
/// just above it.
fn leads(body: &[&str], heads: &[usize]) -> Vec<usize> {
    let mut floor = 0;
    heads
        .iter()
        .map(|&head| {
            let mut lead = head;
            while lead > floor
                && body
                    .get(lead - 1)
                    .is_some_and(|l| is_blank_or_comment(l.trim_start_matches(' ')))
            {
                lead -= 1;
            }
            floor = head + 1;
            lead
        })
        .collect()
}

/// One entry as YAML lines at `indent`: `name:` and its fields, or a `- ` item.
fn entry_text(client: &Client, name: &str, entry: &Value, indent: usize) -> Result<String> {
    let yaml = match client.layout() {
        Layout::Map => {
            let mut one = Mapping::new();
            one.insert(name.into(), entry_yaml(client, entry)?);
            Yaml::Mapping(one)
        }
        Layout::List => Yaml::Sequence(vec![entry_yaml(client, entry)?]),
    };
    let text = serde_yaml_ng::to_string(&yaml).map_err(unwritable)?;
    let pad = " ".repeat(indent);
    Ok(text
        .split_inclusive('\n')
        .map(|line| format!("{pad}{line}"))
        .collect())
}

/// Appends `text`, first ending the last line if it has no line break.
fn push_text(out: &mut String, text: &str) {
    if !text.is_empty() && !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(text);
}

fn push_lines(out: &mut String, lines: &[&str]) {
    lines.iter().for_each(|l| push_text(out, l));
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
    let Some((start, end)) = block_range(&lines, key) else {
        let gap = if text.ends_with('\n') { "" } else { "\n" };
        return format!("{text}{gap}{section}");
    };
    let mut out = String::with_capacity(text.len() + section.len());
    lines.iter().take(start).for_each(|l| out.push_str(l));
    out.push_str(section);
    lines.iter().skip(end).for_each(|l| out.push_str(l));
    out
}

/// The lines of the top-level `key:` section: from its key line to the next top-level line,
/// leaving the blank and comment lines just before that line to what follows.
fn block_range(lines: &[&str], key: &str) -> Option<(usize, usize)> {
    let start = lines.iter().position(|l| after_key(l, key).is_some())?;
    let mut end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| is_top_level(l))
        .map_or(lines.len(), |(i, _)| i);
    while end > start + 1 && lines.get(end - 1).is_some_and(|l| is_blank_or_comment(l)) {
        end -= 1;
    }
    Some((start, end))
}

/// What follows the colon when `line` opens the top-level `key` (plain or quoted), e.g.
/// `mcpServers:`; `None` for any other line.
fn after_key<'l>(line: &'l str, key: &str) -> Option<&'l str> {
    let single = format!("'{key}'");
    let double = format!("\"{key}\"");
    [key, single.as_str(), double.as_str()]
        .iter()
        .find_map(|k| {
            line.strip_prefix(k)
                .map(|rest| rest.trim_start_matches([' ', '\t']))
                .and_then(|rest| rest.strip_prefix(':'))
                .filter(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
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
