//! TOML files (Codex), edited through `toml_edit`: only the servers table changes.

use serde_json::{Map, Value};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table};

use super::plan::{Changes, Claim, Fate, Walk, plan};
use super::{line_col, unparseable, unwritable, wrong_block};
use crate::client::Client;
use crate::error::Result;
use crate::render::ordered_fields;

/// A new file holding the client's starting keys and the servers tables.
pub(super) fn create(client: &Client, block: &Value) -> Result<String> {
    let mut doc = DocumentMut::new();
    for (key, value) in client.new_file_keys() {
        doc.insert(key, Item::Value(value_of(value)?));
    }
    doc.insert(
        client.servers_key(),
        Item::Table(servers_table(client, block)?),
    );
    Ok(doc.to_string())
}

fn parse(client: &Client, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>().map_err(|e| {
        let (line, col) = line_col(text, e.span().map_or(0, |s| s.start));
        unparseable(
            client,
            format!("{} (line {line}, column {col})", e.message().trim_end()),
        )
    })
}

/// `existing` with `block` merged into its servers table, table by table: entries not written
/// stay byte for byte, written ones keep their place and the comments above them, owned ones
/// the block no longer has are removed.
pub(super) fn merge(
    client: &Client,
    existing: &str,
    block: &Value,
    claim: Claim<'_>,
) -> Result<(String, Changes)> {
    let mut doc = parse(client, existing)?;
    let key = client.servers_key();
    let plan = match doc.get_mut(key) {
        None => {
            let plan = plan(client, None, block, claim)?;
            doc.insert(key, Item::Table(servers_table(client, block)?));
            plan
        }
        Some(Item::Table(servers)) => {
            let plan = plan(client, Some(&json_of_table(servers)), block, claim)?;
            merge_entries(client, servers, plan.walk(client, block))?;
            plan
        }
        Some(item @ Item::Value(toml_edit::Value::InlineTable(_))) => {
            let current = json_of(item);
            let plan = plan(client, Some(&current), block, claim)?;
            *item = Item::Table(servers_table(
                client,
                &plan.merged(client, &current, block),
            )?);
            plan
        }
        Some(other) => return Err(wrong_block(client, other.type_name())),
    };
    let merged = servers_json(&doc, key);
    let text = doc.to_string();
    // Dotted keys and inline tables can be written in ways that do not read back; refuse
    // rather than write such a file.
    match text.parse::<DocumentMut>() {
        Ok(again) if servers_json(&again, key) == merged => Ok((text, plan.changes)),
        _ => Err(super::unsafe_edit(client)),
    }
}

/// Walks the entries of `servers`, writing, removing and keeping each as `walk` decides, then
/// adds the entries it did not place.
fn merge_entries(client: &Client, servers: &mut Table, mut walk: Walk<'_>) -> Result<()> {
    let names: Vec<String> = servers.iter().map(|(k, _)| k.to_owned()).collect();
    for name in names {
        let current = servers.get(&name).map_or(Value::Null, json_of);
        match walk.fate(Some(&name), &current) {
            Fate::Keep => {}
            Fate::Write(entry) if *entry == current => {}
            Fate::Write(entry) => {
                let mut table = entry_table(client, entry)?;
                if let Some(Item::Table(old)) = servers.get(&name) {
                    table.set_position(old.position());
                    *table.decor_mut() = old.decor().clone();
                }
                servers.insert(&name, Item::Table(table));
            }
            Fate::Drop => {
                servers.remove(&name);
            }
        }
    }
    for (name, entry) in walk.missing() {
        servers.insert(name, Item::Table(entry_table(client, entry)?));
    }
    Ok(())
}

/// The servers table as JSON; an empty implicit table is not written, so absent counts as empty.
fn servers_json(doc: &DocumentMut, key: &str) -> Value {
    doc.get(key)
        .map_or_else(|| Value::Object(Map::new()), json_of)
}

/// The entries of a map block.
fn entries_of(block: &Value) -> Result<&Map<String, Value>> {
    block
        .as_object()
        .ok_or_else(|| unwritable("a TOML servers block must be a table of tables"))
}

/// `[servers.<name>]` tables under an implicit `[servers]` (an entry that is not a table, kept
/// from the file, as a plain value).
fn servers_table(client: &Client, block: &Value) -> Result<Table> {
    let mut table = Table::new();
    table.set_implicit(true);
    for (name, entry) in entries_of(block)? {
        let item = match entry {
            Value::Object(_) => Item::Table(entry_table(client, entry)?),
            other => Item::Value(value_of(other)?),
        };
        table.insert(name, item);
    }
    Ok(table)
}

/// One entry as a table; maps inside it (env, headers) as inline tables.
fn entry_table(client: &Client, entry: &Value) -> Result<Table> {
    let fields = entry
        .as_object()
        .ok_or_else(|| unwritable("a TOML server entry must be a table"))?;
    let mut table = Table::new();
    for (key, value) in ordered_fields(client, fields) {
        table.insert(key, Item::Value(value_of(value)?));
    }
    Ok(table)
}

/// A JSON value as a TOML value; null has no TOML form.
fn value_of(value: &Value) -> Result<toml_edit::Value> {
    Ok(match value {
        Value::Null => return Err(unwritable("TOML has no null")),
        Value::Bool(b) => (*b).into(),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => i.into(),
            (None, Some(f)) => f.into(),
            (None, None) => return Err(unwritable(format!("the number {n} does not fit TOML"))),
        },
        Value::String(s) => s.as_str().into(),
        Value::Array(items) => {
            let mut array = Array::new();
            for item in items {
                array.push(value_of(item)?);
            }
            array.into()
        }
        Value::Object(map) => {
            let mut table = InlineTable::new();
            for (key, value) in map {
                table.insert(key, value_of(value)?);
            }
            table.into()
        }
    })
}

/// A TOML item as JSON (dates as their text).
fn json_of(item: &Item) -> Value {
    match item {
        Item::None => Value::Null,
        Item::Value(value) => json_of_value(value),
        Item::Table(table) => json_of_table(table),
        Item::ArrayOfTables(tables) => Value::Array(
            tables
                .iter()
                .map(|t| Value::Object(t.iter().map(|(k, v)| (k.to_owned(), json_of(v))).collect()))
                .collect(),
        ),
    }
}

fn json_of_table(table: &Table) -> Value {
    Value::Object(
        table
            .iter()
            .map(|(k, v)| (k.to_owned(), json_of(v)))
            .collect(),
    )
}

fn json_of_value(value: &toml_edit::Value) -> Value {
    match value {
        toml_edit::Value::String(s) => Value::from(s.value().as_str()),
        toml_edit::Value::Integer(i) => Value::from(*i.value()),
        toml_edit::Value::Float(f) => {
            serde_json::Number::from_f64(*f.value()).map_or(Value::Null, Value::Number)
        }
        toml_edit::Value::Boolean(b) => Value::from(*b.value()),
        toml_edit::Value::Datetime(d) => Value::from(d.value().to_string()),
        toml_edit::Value::Array(a) => Value::Array(a.iter().map(json_of_value).collect()),
        toml_edit::Value::InlineTable(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.to_owned(), json_of_value(v)))
                .collect(),
        ),
    }
}

/// The servers table as JSON, if the file has one.
pub(super) fn servers(client: &Client, text: &str) -> Result<Option<Value>> {
    let doc = parse(client, text)?;
    Ok(doc.get(client.servers_key()).map(json_of))
}
