//! Which entries of a servers block a merge writes, removes and leaves alone.
//!
//! The entries a deploy owns in a file are the ones it may add, update and remove; every other
//! entry stays as it is. A payload entry whose name an unowned entry already holds, with other
//! content, is a conflict unless the deploy adopts it; one that already holds exactly what would
//! be written is taken over quietly. Entries the client marks foreign are never touched.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::client::{Client, Layout};
use crate::error::{Code, Error, Result};
use crate::render::{self, is_foreign};

/// What a merge did (or would do) to the entries of the servers block, by name, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Changes {
    /// Entries written that the file did not have.
    pub added: Vec<String>,
    /// Entries rewritten: owned ones that differed, and unowned ones taken over with `adopt`.
    pub updated: Vec<String>,
    /// Owned entries the payload no longer has, taken out of the file.
    pub removed: Vec<String>,
    /// Entries of the payload the file already held exactly as they would be written.
    pub unchanged: Vec<String>,
    /// Entries mcp-orchestration does not own (or the client's own), kept as they are; none
    /// on a host without client files.
    pub left_alone: Vec<String>,
}

/// The entry names a merge owns in the file, and whether it takes over unowned ones.
#[derive(Debug, Clone, Copy)]
pub(super) struct Claim<'a> {
    pub(super) owned: &'a BTreeSet<String>,
    pub(super) adopt: bool,
}

/// What a merge does: the owned entries it removes, and the changes it reports.
#[derive(Debug)]
pub(super) struct Plan {
    remove: BTreeSet<String>,
    pub(super) changes: Changes,
}

/// The named entries of a block, in order: a map's properties, or a list's items that carry
/// a string name. Anything else yields nothing (and so is never touched).
pub(super) fn entries<'a>(client: &Client, block: &'a Value) -> Vec<(&'a str, &'a Value)> {
    match block {
        Value::Object(map) => map.iter().map(|(n, e)| (n.as_str(), e)).collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| Some((item.get(name_field(client))?.as_str()?, item)))
            .collect(),
        _ => Vec::new(),
    }
}

/// The field naming the items of a list layout.
fn name_field(client: &Client) -> &str {
    client.entry_shape().name_field.as_deref().unwrap_or("name")
}

/// Plans bringing `current` (the file's block; `None` when it has none) in line with `block`
/// (the payload's rendering). 409 `ENTRY_CONFLICT` naming every clash.
pub(super) fn plan(
    client: &Client,
    current: Option<&Value>,
    block: &Value,
    claim: Claim<'_>,
) -> Result<Plan> {
    let now: BTreeMap<&str, &Value> = current
        .map(|c| entries(client, c).into_iter().collect())
        .unwrap_or_default();
    let payload = entries(client, block);
    // Both sides are sorted by name, so the lists come out sorted.
    let mut changes = Changes::default();
    let (mut unowned, mut foreign) = (BTreeSet::new(), BTreeSet::new());
    for &(name, entry) in &payload {
        let list = match now.get(name) {
            None => &mut changes.added,
            Some(old) if is_foreign(client, old) => {
                foreign.insert(name);
                continue;
            }
            Some(old) if *old == entry || render::same_server(client, old, entry) => {
                &mut changes.unchanged
            }
            Some(_) if claim.adopt || claim.owned.contains(name) => &mut changes.updated,
            Some(_) => {
                unowned.insert(name);
                continue;
            }
        };
        list.push(name.to_owned());
    }
    if !unowned.is_empty() || !foreign.is_empty() {
        return Err(conflict(client, &unowned, &foreign));
    }
    let wanted: BTreeSet<&str> = payload.iter().map(|(n, _)| *n).collect();
    for (name, old) in now.into_iter().filter(|(n, _)| !wanted.contains(n)) {
        if claim.owned.contains(name) && !is_foreign(client, old) {
            changes.removed.push(name.to_owned());
        } else {
            changes.left_alone.push(name.to_owned());
        }
    }
    Ok(Plan {
        remove: changes.removed.iter().cloned().collect(),
        changes,
    })
}

/// 409 `ENTRY_CONFLICT`: entries of the payload's names that are not ours to write.
fn conflict(client: &Client, unowned: &BTreeSet<&str>, foreign: &BTreeSet<&str>) -> Error {
    let quoted = |set: &BTreeSet<&str>| {
        set.iter()
            .map(|n| format!("'{}'", n.escape_debug()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let them = |set: &BTreeSet<&str>| if set.len() == 1 { "it" } else { "them" };
    let mut reasons = Vec::new();
    if !unowned.is_empty() {
        reasons.push(format!(
            "{} already has {}, not written by this profile's deploys, with other content; deploy with \"adopt\": true to take {} over, or rename {2} in the draft",
            file_of(client),
            quoted(unowned),
            them(unowned)
        ));
    }
    if !foreign.is_empty() {
        reasons.push(format!(
            "{} in {} {} managed by {} itself and cannot be taken over; rename {} in the draft",
            quoted(foreign),
            file_of(client),
            if foreign.len() == 1 { "is" } else { "are" },
            client.display_name(),
            them(foreign)
        ));
    }
    let all: BTreeSet<&str> = unowned.union(foreign).copied().collect();
    Error::new(
        Code::EntryConflict,
        format!("{}; the file was left untouched", reasons.join("; ")),
    )
    .with_field("conflicts", json!(all))
}

fn file_of(client: &Client) -> String {
    format!("{}'s config file", client.display_name())
}

/// What happens to one entry of the file.
#[derive(Debug, PartialEq)]
pub(super) enum Fate<'a> {
    /// It stays exactly as it is.
    Keep,
    /// It becomes this entry (which may equal what it holds).
    Write(&'a Value),
    /// It goes: an owned entry the payload no longer has, or a second entry of a written name.
    Drop,
}

/// A walk over the file's entries, in order, deciding each one's [`Fate`].
pub(super) struct Walk<'a> {
    client: &'a Client,
    block: Vec<(&'a str, &'a Value)>,
    remove: &'a BTreeSet<String>,
    placed: BTreeSet<&'a str>,
}

impl Plan {
    /// A walk writing `block` (the block the plan was made for) over the file's entries.
    pub(super) fn walk<'a>(&'a self, client: &'a Client, block: &'a Value) -> Walk<'a> {
        Walk {
            client,
            block: entries(client, block),
            remove: &self.remove,
            placed: BTreeSet::new(),
        }
    }

    /// `current` brought in line with `block`: entries written in place, owned ones removed,
    /// the others kept, new ones appended. A value that is no block becomes `block`.
    pub(super) fn merged(&self, client: &Client, current: &Value, block: &Value) -> Value {
        let mut walk = self.walk(client, block);
        match (client.layout(), current) {
            (Layout::Map, Value::Object(map)) => {
                let mut out: Map<String, Value> = Map::new();
                for (name, entry) in map {
                    match walk.fate(Some(name), entry) {
                        Fate::Keep => out.insert(name.clone(), entry.clone()),
                        Fate::Write(new) => out.insert(name.clone(), new.clone()),
                        Fate::Drop => None,
                    };
                }
                out.extend(walk.missing().map(|(n, e)| (n.to_owned(), e.clone())));
                Value::Object(out)
            }
            (Layout::List, Value::Array(items)) => {
                let field = name_field(client);
                let mut out: Vec<Value> = items
                    .iter()
                    .filter_map(|item| {
                        match walk.fate(item.get(field).and_then(Value::as_str), item) {
                            Fate::Keep => Some(item.clone()),
                            Fate::Write(new) => Some(new.clone()),
                            Fate::Drop => None,
                        }
                    })
                    .collect();
                out.extend(walk.missing().map(|(_, e)| e.clone()));
                Value::Array(out)
            }
            _ => block.clone(),
        }
    }
}

impl<'a> Walk<'a> {
    /// The fate of the next entry of the file: `name` (if it has one) holding `current`.
    pub(super) fn fate(&mut self, name: Option<&str>, current: &Value) -> Fate<'a> {
        let Some(name) = name else {
            return Fate::Keep;
        };
        if is_foreign(self.client, current) {
            return Fate::Keep;
        }
        match self.block.iter().find(|(n, _)| *n == name) {
            // An entry that already runs the same server (written by hand, say) stays as it is.
            Some(&(n, entry)) if self.placed.insert(n) => {
                if current != entry && render::same_server(self.client, current, entry) {
                    Fate::Keep
                } else {
                    Fate::Write(entry)
                }
            }
            Some(_) => Fate::Drop,
            None if self.remove.contains(name) => Fate::Drop,
            None => Fate::Keep,
        }
    }

    /// The entries of the block no entry of the file took, in the block's order.
    pub(super) fn missing(&self) -> impl Iterator<Item = (&'a str, &'a Value)> + '_ {
        self.block
            .iter()
            .copied()
            .filter(|(n, _)| !self.placed.contains(n))
    }
}
