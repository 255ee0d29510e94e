//! `POST /v1/config/diff`: added, removed, modified, unchanged, status and field changes.
//!
//! `config1` is the local config, `config2` the new one (as `/openapi.json` documents):
//! `up-to-date` when equal, `outdated` when config2 only adds or modifies, `diverged` when
//! config2 lacks servers config1 has.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

fn entry(command: &str, args: &[&str]) -> Value {
    json!({ "command": command, "args": args })
}

fn diff(config1: &Value, config2: &Value) -> Value {
    let body = target()
        .client()
        .post(
            "/v1/config/diff",
            &json!({ "config1": config1, "config2": config2 }),
        )
        .expect(200);
    for field in [
        "added",
        "removed",
        "modified",
        "unchanged",
        "status",
        "total_changes",
        "changes",
        "diff",
    ] {
        assert!(body.get(field).is_some(), "diff lacks {field}: {body}");
    }
    body
}

#[test]
fn equal_configs_are_up_to_date() {
    let config =
        json!({ "mcpServers": { "a": entry("npx", &["-y", "a"]), "b": entry("uvx", &["b"]) } });
    let body = diff(&config, &config);
    assert_eq!(body["status"], json!("up-to-date"), "{body}");
    assert_eq!(body["total_changes"], json!(0));
    assert_eq!(body["changes"], json!([]));
    assert_eq!(body["added"], json!([]));
    assert_eq!(body["removed"], json!([]));
    assert_eq!(body["modified"], json!([]));
    assert_eq!(body["unchanged"], json!(["a", "b"]));
}

#[test]
fn additions_and_modifications_are_outdated() {
    let config1 =
        json!({ "mcpServers": { "a": entry("npx", &["-y", "a"]), "same": entry("x", &[]) } });
    let config2 = json!({ "mcpServers": {
        "a": entry("npx", &["-y", "a@2"]),
        "same": entry("x", &[]),
        "new": entry("uvx", &["new"]),
    } });
    let body = diff(&config1, &config2);
    assert_eq!(body["status"], json!("outdated"), "{body}");
    assert_eq!(body["added"], json!(["new"]));
    assert_eq!(body["modified"], json!(["a"]));
    assert_eq!(body["removed"], json!([]));
    assert_eq!(body["unchanged"], json!(["same"]));
    assert_eq!(body["total_changes"], json!(2));
    let changes = body["changes"].as_array().expect("changes");
    let arg = changes
        .iter()
        .find(|c| c["server"] == json!("a"))
        .unwrap_or_else(|| panic!("no change for a: {body}"));
    assert_eq!(arg["path"], json!("args[1]"), "{arg}");
    assert_eq!(arg["old_value"], json!("a"), "{arg}");
    assert_eq!(arg["new_value"], json!("a@2"), "{arg}");
    let added = changes
        .iter()
        .find(|c| c["server"] == json!("new"))
        .unwrap_or_else(|| panic!("no change for new: {body}"));
    assert_eq!(added["old_value"], Value::Null, "{added}");
    assert_eq!(added["new_value"], entry("uvx", &["new"]), "{added}");
    assert!(
        body["diff"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
}

#[test]
fn a_removal_is_diverged() {
    let config1 =
        json!({ "mcpServers": { "a": entry("npx", &["a"]), "gone": entry("npx", &["gone"]) } });
    let config2 =
        json!({ "mcpServers": { "a": entry("npx", &["a"]), "new": entry("npx", &["new"]) } });
    let body = diff(&config1, &config2);
    assert_eq!(body["status"], json!("diverged"), "{body}");
    assert_eq!(body["removed"], json!(["gone"]));
    assert_eq!(body["added"], json!(["new"]));
    assert_eq!(body["total_changes"], json!(2));
    let removed = body["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["server"] == json!("gone"))
        .cloned();
    let removed = removed.unwrap_or_else(|| panic!("no change for gone: {body}"));
    assert_eq!(removed["old_value"], entry("npx", &["gone"]));
    assert_eq!(removed["new_value"], Value::Null);
}

#[test]
fn a_published_artifact_diffs_up_to_date_against_its_own_payload() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "diff-artifact", 1);
    publish(&client, CLIENT, &profile);
    let artifact = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    let body = diff(&artifact["payload"], &artifact["payload"]);
    assert_eq!(body["status"], json!("up-to-date"));
    let body = diff(&json!({ "mcpServers": {} }), &artifact["payload"]);
    assert_eq!(body["status"], json!("outdated"));
    assert_eq!(body["added"], json!([format!("{profile}-e0")]));
}

#[test]
fn bad_diff_bodies_are_400_naming_the_config() {
    let client = target().client();
    let good = json!({ "mcpServers": {} });
    let cases = [
        (json!({ "config1": good }), "config2"),
        (json!({ "config2": good }), "config1"),
        (
            json!({ "config1": good, "config2": { "servers": {} } }),
            "config2",
        ),
        (json!({ "config1": [1, 2], "config2": good }), "config1"),
        (
            json!({ "config1": { "mcpServers": "x" }, "config2": good }),
            "config1",
        ),
    ];
    assert_400_naming(
        &client,
        cases.map(|(body, field)| ("/v1/config/diff".to_owned(), body, field)),
    );
}
