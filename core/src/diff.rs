//! Diff of two `{"mcpServers": {...}}` configs: which servers were added, removed or modified,
//! and the field-level changes, for `POST /v1/config/diff`.
//!
//! `config1` is the local (current) config, `config2` the remote (new) one: a server only in
//! `config2` is *added*, one only in `config1` is *removed*.
//!
//! # Change paths
//! A [`Change`] names a place inside one server entry:
//! - `""` is the whole entry: used for added servers (`old_value` null), removed servers
//!   (`new_value` null) and entries whose JSON type changed (e.g. an object became a string);
//! - object keys are joined with `.` (`command`, `env.TOKEN`, `headers.Authorization`); a key that
//!   is empty or holds anything but ASCII letters, digits, `_` and `-` is written as a JSON
//!   string in brackets (`env["A.B"]`);
//! - array elements are `[i]` (`args[1]`). Arrays are compared element by element, so an
//!   element present on one side only has a null `old_value` or `new_value`.
//!
//! A value that is absent on one side is null in the change. Within an entry, changes come in
//! key order; servers come in name order.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::payload::Payload;

/// How config1 stands relative to config2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No differences.
    UpToDate,
    /// config2 only adds or modifies servers: config1 is behind.
    Outdated,
    /// config2 lacks servers config1 has: the two have diverged.
    Diverged,
}

/// One field-level difference inside a server entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Change {
    /// The entry name.
    pub server: String,
    /// Where in the entry (see the module docs); `""` is the whole entry.
    pub path: String,
    /// The value in config1; null when absent there.
    pub old_value: Option<Value>,
    /// The value in config2; null when absent there.
    pub new_value: Option<Value>,
}

/// The answer of `POST /v1/config/diff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Diff {
    /// Servers in config2 but not config1, by name.
    pub added: Vec<String>,
    /// Servers in config1 but not config2, by name.
    pub removed: Vec<String>,
    /// Servers in both whose entries differ, by name.
    pub modified: Vec<String>,
    /// Servers in both with equal entries, by name.
    pub unchanged: Vec<String>,
    /// Overall standing: `up-to-date`, `outdated` or `diverged`.
    pub status: Status,
    /// Number of added, removed and modified servers.
    pub total_changes: usize,
    /// Field-level changes, by server name then path.
    pub changes: Vec<Change>,
    /// Human-readable summary, one line per change: `+ name: {entry}`, `- name: {entry}`,
    /// `~ name.path: old -> new` (`(absent)` for a missing side); empty when up to date.
    pub diff: String,
}

/// Compares `config1` (local) with `config2` (remote); a bad shape is a 400 naming the config.
pub fn diff(config1: &Value, config2: &Value) -> Result<Diff> {
    let old = parse("config1", config1)?;
    let new = parse("config2", config2)?;
    let names: BTreeSet<&String> = old.servers.keys().chain(new.servers.keys()).collect();

    let (mut added, mut removed, mut modified, mut unchanged) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut changes = Vec::new();
    for name in names {
        match (old.servers.get(name), new.servers.get(name)) {
            (None, Some(entry)) => {
                added.push(name.clone());
                changes.push(change(name, String::new(), None, Some(entry)));
            }
            (Some(entry), None) => {
                removed.push(name.clone());
                changes.push(change(name, String::new(), Some(entry), None));
            }
            (Some(a), Some(b)) if a == b => unchanged.push(name.clone()),
            (Some(a), Some(b)) => {
                modified.push(name.clone());
                compare(name, "", a, b, &mut changes);
            }
            (None, None) => {}
        }
    }

    let status = if !removed.is_empty() {
        Status::Diverged
    } else if added.is_empty() && modified.is_empty() {
        Status::UpToDate
    } else {
        Status::Outdated
    };
    let diff = changes.iter().map(line).collect();
    Ok(Diff {
        total_changes: added.len() + removed.len() + modified.len(),
        added,
        removed,
        modified,
        unchanged,
        status,
        changes,
        diff,
    })
}

/// Reads one side, prefixing any shape error with the side's name.
fn parse(which: &str, config: &Value) -> Result<Payload> {
    Payload::from_value(config).map_err(|e| Error::new(e.code, format!("{which}: {}", e.detail)))
}

fn change(server: &str, path: String, old: Option<&Value>, new: Option<&Value>) -> Change {
    Change {
        server: server.to_owned(),
        path,
        old_value: old.cloned(),
        new_value: new.cloned(),
    }
}

/// Pushes the differences between `old` and `new` found at `path` and below.
fn compare(server: &str, path: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = key_path(path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => compare(server, &child, x, y, out),
                    (x, y) => out.push(change(server, child, x, y)),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let child = format!("{path}[{i}]");
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => compare(server, &child, x, y, out),
                    (x, y) => out.push(change(server, child, x, y)),
                }
            }
        }
        _ => out.push(change(server, path.to_owned(), Some(old), Some(new))),
    }
}

/// `parent.key`, or `parent["key"]` when the key is not a plain word.
fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if !plain {
        format!("{parent}[{}]", Value::from(key))
    } else if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// One line of the text summary, newline included; the server name has control characters
/// escaped so that a crafted name cannot forge lines.
fn line(c: &Change) -> String {
    let server = c.server.escape_debug();
    let show = |v: &Option<Value>| {
        v.as_ref()
            .map_or_else(|| "(absent)".to_owned(), Value::to_string)
    };
    match (&c.old_value, &c.new_value) {
        (None, Some(entry)) if c.path.is_empty() => format!("+ {server}: {entry}\n"),
        (Some(entry), None) if c.path.is_empty() => format!("- {server}: {entry}\n"),
        _ => {
            let sep = if c.path.is_empty() || c.path.starts_with('[') {
                ""
            } else {
                "."
            };
            format!(
                "~ {server}{sep}{}: {} -> {}\n",
                c.path,
                show(&c.old_value),
                show(&c.new_value)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Map, json};

    use super::*;

    fn cfg(servers: Value) -> Value {
        json!({ "mcpServers": servers })
    }

    fn paths(d: &Diff) -> Vec<(&str, &str)> {
        d.changes
            .iter()
            .map(|c| (c.server.as_str(), c.path.as_str()))
            .collect()
    }

    #[test]
    fn identical_configs_are_up_to_date() {
        let a = cfg(json!({"gh": {"command": "npx", "args": ["-y", "x"]}}));
        let d = diff(&a, &a).unwrap();
        assert_eq!(d.status, Status::UpToDate);
        assert_eq!(d.unchanged, ["gh"]);
        assert_eq!(d.total_changes, 0);
        assert!(d.changes.is_empty() && d.diff.is_empty());
        let body = serde_json::to_value(&d).unwrap();
        assert_eq!(body["status"], "up-to-date");
    }

    #[test]
    fn only_additions_and_modifications_are_outdated() {
        let local = cfg(json!({"a": {"command": "x"}}));
        let remote = cfg(json!({"a": {"command": "y"}, "b": {"command": "z"}}));
        let d = diff(&local, &remote).unwrap();
        assert_eq!(d.status, Status::Outdated);
        assert_eq!(
            (d.added.clone(), d.modified.clone()),
            (vec!["b".to_owned()], vec!["a".to_owned()])
        );
        assert!(d.removed.is_empty() && d.unchanged.is_empty());
        assert_eq!(d.total_changes, 2);
        assert_eq!(serde_json::to_value(&d).unwrap()["status"], "outdated");
        assert_eq!(
            d.diff,
            "~ a.command: \"x\" -> \"y\"\n+ b: {\"command\":\"z\"}\n"
        );
    }

    #[test]
    fn a_removal_means_diverged() {
        let local = cfg(json!({"a": {"command": "x"}, "old": {"url": "https://o"}}));
        let remote = cfg(json!({"a": {"command": "x"}, "new": {"command": "n"}}));
        let d = diff(&local, &remote).unwrap();
        assert_eq!(d.status, Status::Diverged);
        assert_eq!(serde_json::to_value(&d).unwrap()["status"], "diverged");
        assert_eq!(
            (
                d.added.len(),
                d.removed.len(),
                d.unchanged.len(),
                d.total_changes
            ),
            (1, 1, 1, 2)
        );
        let removed = d.changes.iter().find(|c| c.server == "old").unwrap();
        assert_eq!(removed.path, "");
        assert_eq!(removed.old_value, Some(json!({"url": "https://o"})));
        assert_eq!(removed.new_value, None);
        assert!(
            d.diff.contains("- old: {\"url\":\"https://o\"}\n"),
            "{}",
            d.diff
        );
        let body = serde_json::to_value(&d).unwrap();
        let added = body["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["server"] == "new")
            .unwrap();
        assert_eq!(added["old_value"], Value::Null);
        assert_eq!(added["new_value"], json!({"command": "n"}));
    }

    #[test]
    fn nested_paths_name_the_exact_field() {
        let local = cfg(
            json!({"s": {"command": "x", "args": ["a", "b"], "env": {"TOKEN": "1", "KEEP": "k"}, "headers": {"X.Y": "1"}}}),
        );
        let remote = cfg(
            json!({"s": {"command": "x", "args": ["a", "c"], "env": {"TOKEN": "2", "KEEP": "k", "NEW": "n"}, "headers": {"X.Y": "2"}}}),
        );
        let d = diff(&local, &remote).unwrap();
        assert_eq!(d.modified, ["s"]);
        assert_eq!(
            paths(&d),
            [
                ("s", "args[1]"),
                ("s", "env.NEW"),
                ("s", "env.TOKEN"),
                ("s", "headers[\"X.Y\"]")
            ]
        );
        assert_eq!(d.changes[1].old_value, None);
        assert_eq!(d.changes[1].new_value, Some(json!("n")));
        assert_eq!(
            d.diff,
            "~ s.args[1]: \"b\" -> \"c\"\n~ s.env.NEW: (absent) -> \"n\"\n~ s.env.TOKEN: \"1\" -> \"2\"\n~ s.headers[\"X.Y\"]: \"1\" -> \"2\"\n"
        );
    }

    #[test]
    fn arrays_of_different_length_show_each_extra_element() {
        let d = diff(
            &cfg(json!({"s": {"args": ["a"]}})),
            &cfg(json!({"s": {"args": ["a", "b", "c"]}})),
        )
        .unwrap();
        assert_eq!(paths(&d), [("s", "args[1]"), ("s", "args[2]")]);
        assert!(d.changes.iter().all(|c| c.old_value.is_none()));
        let back = diff(
            &cfg(json!({"s": {"args": ["a", "b", "c"]}})),
            &cfg(json!({"s": {"args": ["a"]}})),
        )
        .unwrap();
        assert_eq!(paths(&back), [("s", "args[1]"), ("s", "args[2]")]);
        assert_eq!(back.changes[1].old_value, Some(json!("c")));
        assert_eq!(back.changes[1].new_value, None);
        assert_eq!(
            back.status,
            Status::Outdated,
            "a shorter array is a modification, not a removed server"
        );
    }

    #[test]
    fn a_field_that_changes_type_is_one_change() {
        let d = diff(
            &cfg(json!({"s": {"env": {"A": "1"}}})),
            &cfg(json!({"s": {"env": ["A=1"]}})),
        )
        .unwrap();
        assert_eq!(paths(&d), [("s", "env")]);
        assert_eq!(d.changes[0].old_value, Some(json!({"A": "1"})));
        assert_eq!(d.changes[0].new_value, Some(json!(["A=1"])));
    }

    #[test]
    fn non_object_entries_compare_as_whole_values() {
        let d = diff(
            &cfg(json!({"s": 3, "t": null})),
            &cfg(json!({"s": "three", "t": {"command": "x"}})),
        )
        .unwrap();
        assert_eq!(d.modified, ["s", "t"]);
        assert_eq!(paths(&d), [("s", ""), ("t", "")]);
        assert_eq!(
            d.diff,
            "~ s: 3 -> \"three\"\n~ t: null -> {\"command\":\"x\"}\n"
        );
        let same = diff(&cfg(json!({"s": [1, 2]})), &cfg(json!({"s": [1, 3]}))).unwrap();
        assert_eq!(paths(&same), [("s", "[1]")]);
        assert_eq!(same.diff, "~ s[1]: 2 -> 3\n");
    }

    #[test]
    fn a_bad_shape_names_which_config() {
        let good = cfg(json!({}));
        let e = diff(&json!([]), &good).unwrap_err();
        assert_eq!((e.status(), e.code.as_str()), (400, "INVALID_PAYLOAD"));
        assert!(e.detail.starts_with("config1: "), "{}", e.detail);
        let e = diff(&good, &json!({"mcpServers": []})).unwrap_err();
        assert!(
            e.detail.starts_with("config2: ") && e.detail.contains("mcpServers"),
            "{}",
            e.detail
        );
        let e = diff(&good, &json!({"servers": {}})).unwrap_err();
        assert!(e.detail.starts_with("config2: "), "{}", e.detail);
    }

    #[test]
    fn a_server_name_cannot_forge_summary_lines() {
        let d = diff(&cfg(json!({})), &cfg(json!({"x\n- github": {}}))).unwrap();
        assert_eq!(d.added, ["x\n- github"]);
        assert_eq!(d.diff, "+ x\\n- github: {}\n");
    }

    #[test]
    fn two_empty_configs_are_up_to_date() {
        let d = diff(&cfg(json!({})), &cfg(json!({}))).unwrap();
        assert_eq!(d.status, Status::UpToDate);
        assert!(d.added.is_empty() && d.unchanged.is_empty());
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            (-3i64..3).prop_map(Value::from),
            "[ab.]{0,2}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map("[ab.\\[]{0,2}", inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_config() -> impl Strategy<Value = Value> {
        prop::collection::btree_map("[a-d]", arb_json(), 0..4)
            .prop_map(|m| cfg(Value::Object(m.into_iter().collect::<Map<_, _>>())))
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    proptest! {
        #[test]
        fn a_config_against_itself_is_empty(a in arb_config()) {
            let d = diff(&a, &a).unwrap();
            prop_assert_eq!(d.status, Status::UpToDate);
            prop_assert!(d.changes.is_empty() && d.diff.is_empty());
            prop_assert_eq!(d.total_changes, 0);
            prop_assert!(d.added.is_empty() && d.removed.is_empty() && d.modified.is_empty());
        }

        #[test]
        fn swapping_the_sides_mirrors_the_diff(a in arb_config(), b in arb_config()) {
            let ab = diff(&a, &b).unwrap();
            let ba = diff(&b, &a).unwrap();
            prop_assert_eq!(&ab.added, &ba.removed);
            prop_assert_eq!(&ab.removed, &ba.added);
            prop_assert_eq!(&ab.modified, &ba.modified);
            prop_assert_eq!(&ab.unchanged, &ba.unchanged);
            prop_assert_eq!(ab.total_changes, ba.total_changes);
            let mirrored: Vec<Change> = ba.changes.into_iter().map(|c| Change {
                old_value: c.new_value,
                new_value: c.old_value,
                ..c
            }).collect();
            prop_assert_eq!(ab.changes, mirrored);
        }

        #[test]
        fn status_and_counts_follow_the_lists(a in arb_config(), b in arb_config()) {
            let d = diff(&a, &b).unwrap();
            prop_assert_eq!(d.status == Status::Diverged, !d.removed.is_empty());
            prop_assert_eq!(d.status == Status::UpToDate, d.total_changes == 0);
            prop_assert_eq!(d.total_changes, d.added.len() + d.removed.len() + d.modified.len());
            let mut all = [d.added.clone(), d.removed.clone(), d.modified.clone(), d.unchanged.clone()].concat();
            all.sort();
            let n = all.len();
            all.dedup();
            prop_assert_eq!(all.len(), n, "a server is in exactly one list");
            let both: std::collections::BTreeSet<String> = [&a, &b].iter()
                .flat_map(|c| c["mcpServers"].as_object().unwrap().keys().cloned()).collect();
            prop_assert_eq!(all, both.into_iter().collect::<Vec<_>>());
            for name in &d.modified {
                prop_assert!(d.changes.iter().any(|c| &c.server == name));
            }
            prop_assert!(d.changes.iter().all(|c| c.old_value != c.new_value));
            prop_assert_eq!(d.diff.lines().count(), d.changes.len());
            prop_assert_eq!(sorted(d.added.clone()), d.added);
        }

        #[test]
        fn arbitrary_json_never_panics(a in arb_json(), b in arb_json()) {
            // Non-config shapes are a 400; config shapes diff.
            for (x, y) in [(&a, &b), (&cfg(a.clone()), &cfg(b.clone()))] {
                match diff(x, y) {
                    Ok(d) => prop_assert!(x.is_object() && y.is_object() && d.total_changes <= d.changes.len()),
                    Err(e) => prop_assert_eq!(e.status(), 400),
                }
            }
        }
    }
}
