//! Validate, publish, latest config, history, artifacts by id, deploy (latest and rollback),
//! and what was deployed.

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

#[test]
fn validating_an_empty_draft_reports_empty_config_with_200() {
    let client = target().client();
    let profile = unique_id("validate-empty");
    let body = client
        .post(&config_path(CLIENT, &profile, "/validate"), &json!({}))
        .expect(200);
    assert_eq!(body["valid"], json!(false), "{body}");
    assert_eq!(body["server_count"], json!(0), "{body}");
    assert!(body["warnings"].is_array(), "{body}");
    let errors = body["errors"].as_array().expect("errors array");
    let empty = errors
        .iter()
        .find(|e| e["code"] == json!("EMPTY_CONFIG"))
        .unwrap_or_else(|| panic!("no EMPTY_CONFIG: {body}"));
    assert!(
        empty["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{empty}"
    );
    assert!(empty["severity"].is_string(), "{empty}");
}

#[test]
fn validating_a_good_draft_is_valid() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "validate-ok", 2);
    let body = client
        .post(&config_path(CLIENT, &profile, "/validate"), &json!({}))
        .expect(200);
    assert_eq!(body["valid"], json!(true), "{body}");
    assert_eq!(body["errors"], json!([]), "{body}");
    assert!(body["warnings"].is_array(), "{body}");
    assert_eq!(body["server_count"], json!(2), "{body}");
}

#[test]
fn publishing_an_empty_draft_is_400() {
    let client = target().client();
    ensure_keys(&client);
    let profile = unique_id("publish-empty");
    client
        .post(&config_path(CLIENT, &profile, "/publish"), &json!({}))
        .expect_error(400);
    client
        .get(&config_path(CLIENT, &profile, ""))
        .expect_error(404);
}

#[test]
fn publish_signs_a_content_addressed_artifact() {
    let client = target().client();
    ensure_keys(&client);
    let profile = profile_with(&client, CLIENT, "publish", 2);
    let draft = draft(&client, CLIENT, &profile);

    let body = client
        .post(
            &config_path(CLIENT, &profile, "/publish"),
            &json!({ "changelog": "first" }),
        )
        .expect(200);
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("published"), "{body}");
    assert_eq!(body["server_count"], json!(2), "{body}");
    assert!(body["message"].is_string(), "{body}");
    let id = body["artifact_id"].as_str().expect("artifact_id");
    assert!(
        is_sha256_hex(id),
        "artifact_id must be 64 lowercase hex: {id}"
    );
    rfc3339("created_at", &body["created_at"]);

    let latest = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    for field in [
        "artifact_id",
        "client_id",
        "profile_id",
        "created_at",
        "payload",
        "signature",
        "signing_key_id",
        "metadata",
    ] {
        assert!(
            latest.get(field).is_some(),
            "artifact lacks {field}: {latest}"
        );
    }
    assert_eq!(latest["artifact_id"], json!(id));
    assert_eq!(latest["client_id"], json!(CLIENT));
    assert_eq!(latest["profile_id"], json!(profile));
    assert_eq!(latest["created_at"], body["created_at"]);
    assert_eq!(
        latest["payload"],
        json!({ "mcpServers": draft["mcpServers"] }),
        "the payload is the draft"
    );

    let key = client.get("/v1/keys/public").expect(200);
    assert_eq!(
        latest["signing_key_id"], key["key_id"],
        "signed with the current key"
    );
    verify_artifact(&latest, key["public_key"].as_str().expect("public_key"));

    let by_id = client.get(&format!("/v1/artifacts/{id}")).expect(200);
    assert_eq!(
        by_id, latest,
        "GET /v1/artifacts/{{id}} must equal the latest config"
    );
}

#[test]
fn publishing_the_same_payload_twice_gives_the_same_id() {
    let client = target().client();
    ensure_keys(&client);
    let profile = profile_with(&client, CLIENT, "same", 1);
    let first = publish(&client, CLIENT, &profile);
    let second = publish(&client, CLIENT, &profile);
    assert_eq!(first, second);

    // The same entries under another profile are the same content, hence the same artifact.
    let other = unique_id("same-other");
    add_entry(
        &client,
        CLIENT,
        &other,
        &simple_server_id(&client, 0),
        Some(&format!("{profile}-e0")),
    );
    assert_eq!(publish(&client, CLIENT, &other), first);
}

#[test]
fn history_lists_artifacts_newest_first() {
    let client = target().client();
    let profile = unique_id("history");
    let empty = client
        .get(&config_path(CLIENT, &profile, "/history"))
        .expect(200);
    assert_eq!(
        empty["artifacts"],
        json!([]),
        "no publishes, no history: {empty}"
    );

    let mut published = Vec::new();
    for i in 0..3 {
        add_entry(
            &client,
            CLIENT,
            &profile,
            &simple_server_id(&client, i),
            Some(&format!("{profile}-e{i}")),
        );
        published.push(publish(&client, CLIENT, &profile));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let body = client
        .get(&config_path(CLIENT, &profile, "/history"))
        .expect(200);
    let artifacts = body["artifacts"].as_array().expect("artifacts array");
    let ids: Vec<&str> = artifacts
        .iter()
        .filter_map(|a| a["artifact_id"].as_str())
        .collect();
    let newest_first: Vec<&str> = published.iter().rev().map(String::as_str).collect();
    assert_eq!(
        ids, newest_first,
        "history must list every publish, newest first"
    );
    let times: Vec<_> = artifacts
        .iter()
        .map(|a| rfc3339("created_at", &a["created_at"]))
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "created_at must not increase down the history"
    );

    let latest = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    assert_eq!(
        latest["artifact_id"],
        json!(published[2]),
        "latest is the last publish"
    );
}

#[test]
fn nothing_published_is_404() {
    let client = target().client();
    let profile = unique_id("unpublished");
    client
        .get(&config_path(CLIENT, &profile, ""))
        .expect_error(404);
    client
        .post(&config_path(CLIENT, &profile, "/deploy"), &json!({}))
        .expect_error(404);
    client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect_error(404);
}

#[test]
fn unknown_artifacts_are_404() {
    let client = target().client();
    client
        .get(&format!("/v1/artifacts/{}", "0".repeat(64)))
        .expect_error(404);
    let profile = profile_with(&client, CLIENT, "deploy-unknown", 1);
    publish(&client, CLIENT, &profile);
    let r = client.post(
        &config_path(CLIENT, &profile, "/deploy"),
        &json!({ "artifact_id": "f".repeat(64) }),
    );
    r.expect_error(404);
    client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect_error(404);
}

fn deploy(client: &Client, profile: &str, body: &Value) -> Value {
    let r = client.post(&config_path(CLIENT, profile, "/deploy"), body);
    let body = r.expect(200);
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("deployed"), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert!(
        body.get("deployed")
            .is_some_and(|d| d != &json!(false) && !d.is_null()),
        "deployed: {body}"
    );
    rfc3339("deployed_at", &body["deployed_at"]);
    if target().writes_client_files() {
        assert!(
            body["config_path"].as_str().is_some_and(|p| !p.is_empty()),
            "config_path: {body}"
        );
    } else {
        assert_eq!(
            body["config_path"],
            Value::Null,
            "the edge host writes no file: {body}"
        );
    }
    body
}

#[test]
fn deploy_defaults_to_latest_and_rolls_back_by_id() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "deploy", 1);
    let old = publish(&client, CLIENT, &profile);
    add_entry(
        &client,
        CLIENT,
        &profile,
        &simple_server_id(&client, 1),
        Some(&format!("{profile}-e1")),
    );
    let new = publish(&client, CLIENT, &profile);
    assert_ne!(old, new);

    let body = deploy(&client, &profile, &json!({}));
    assert_eq!(
        body["artifact_id"],
        json!(new),
        "deploy defaults to the latest artifact"
    );
    let deployed = client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect(200);
    assert_eq!(deployed["artifact_id"], json!(new), "{deployed}");
    assert_eq!(deployed["deployed_at"], body["deployed_at"], "{deployed}");
    assert_eq!(
        deployed["payload"]["mcpServers"]
            .as_object()
            .map(|m| m.len()),
        Some(2),
        "{deployed}"
    );

    // A sync agent's poll: the ETag is the artifact id; naming it is a 304 with no body.
    let path = config_path(CLIENT, &profile, "/deployed");
    let first = client.get(&path);
    let etag = format!("\"{new}\"");
    assert_eq!(first.header("etag"), Some(etag.as_str()));
    let same = target()
        .client()
        .with_header("If-None-Match", &etag)
        .get(&path);
    assert_eq!(same.status, 304, "{}", same.text());
    assert!(same.body.is_empty(), "{}", same.text());

    let body = deploy(&client, &profile, &json!({ "artifact_id": old }));
    assert_eq!(
        body["artifact_id"],
        json!(old),
        "rollback deploys the older artifact"
    );
    let deployed = client
        .get(&config_path(CLIENT, &profile, "/deployed"))
        .expect(200);
    assert_eq!(deployed["artifact_id"], json!(old), "{deployed}");
    assert_eq!(
        deployed["payload"]["mcpServers"]
            .as_object()
            .map(|m| m.len()),
        Some(1),
        "{deployed}"
    );
    rfc3339("deployed_at", &deployed["deployed_at"]);

    let latest = client.get(&config_path(CLIENT, &profile, "")).expect(200);
    assert_eq!(
        latest["artifact_id"],
        json!(new),
        "a rollback does not change what was published last"
    );
}

#[test]
fn a_dry_run_deploy_answers_and_records_nothing() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "dry-run", 1);
    let first = publish(&client, CLIENT, &profile);
    let deploy_path = config_path(CLIENT, &profile, "/deploy");
    let deployed_path = config_path(CLIENT, &profile, "/deployed");
    let e0 = format!("{profile}-e0");

    let dry = client
        .post(&deploy_path, &json!({ "dry_run": true }))
        .expect(200);
    assert_eq!(dry["dry_run"], json!(true), "{dry}");
    assert_eq!(dry["deployed"], json!(false), "{dry}");
    assert_eq!(dry["artifact_id"], json!(first), "{dry}");
    assert_eq!(dry["backup_path"], Value::Null, "{dry}");
    assert_eq!(dry["added"], json!([e0]), "{dry}");
    client.get(&deployed_path).expect_error(404);

    let real = deploy(&client, &profile, &json!({}));
    assert_eq!(real["dry_run"], json!(false), "{real}");
    assert_eq!(real["added"], json!([e0]), "{real}");

    add_entry(
        &client,
        CLIENT,
        &profile,
        &simple_server_id(&client, 1),
        Some(&format!("{profile}-e1")),
    );
    publish(&client, CLIENT, &profile);
    let dry = client
        .post(&deploy_path, &json!({ "dry_run": true }))
        .expect(200);
    assert_eq!(dry["added"], json!([format!("{profile}-e1")]), "{dry}");
    assert_eq!(dry["unchanged"], json!([e0]), "{dry}");
    assert_eq!(
        client.get(&deployed_path).expect(200)["artifact_id"],
        json!(first),
        "a dry run leaves the last deploy recorded"
    );
}
