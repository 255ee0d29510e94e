//! Drafts: add, remove, get, clear; required params and env; conflicts; concurrency.

use std::collections::BTreeSet;

use mcp_orchestration_blackbox::*;
use serde_json::{Value, json};

fn entry_names(draft: &Value) -> BTreeSet<String> {
    draft["mcpServers"]
        .as_object()
        .unwrap_or_else(|| panic!("draft lacks mcpServers: {draft}"))
        .keys()
        .cloned()
        .collect()
}

/// Adds catalog server `id` to a fresh profile without giving `required` (its required env vars
/// or params): asserts a 400 whose detail names each of them and a draft left empty. Returns
/// the profile.
fn assert_add_needs(client: &Client, id: &str, required: &[String], tag: &str) -> String {
    let profile = unique_id(tag);
    let r = client.post(
        &config_path(CLIENT, &profile, "/draft/add"),
        &json!({ "server_id": id }),
    );
    r.expect_error(400);
    for name in required {
        assert!(
            r.detail().contains(name.as_str()),
            "detail must name {name}: {}",
            r.detail()
        );
    }
    assert_eq!(
        draft(client, CLIENT, &profile)["server_count"],
        json!(0),
        "a rejected add must change nothing"
    );
    profile
}

#[test]
fn a_new_profile_has_an_empty_draft() {
    let body = draft(&target().client(), CLIENT, &unique_id("empty"));
    assert_eq!(body["mcpServers"], json!({}), "{body}");
    assert_eq!(body["server_count"], json!(0), "{body}");
}

#[test]
fn add_puts_the_catalog_entry_in_the_draft() {
    let client = target().client();
    let profile = unique_id("add");
    let server = &simple_servers(&client)[0];
    let id = server["server_id"].as_str().expect("server_id");

    let body = add_entry(&client, CLIENT, &profile, id, None);
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("added"), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert_eq!(body["server_count"], json!(1), "{body}");
    let entry = &body["draft"]["mcpServers"][id];
    assert_eq!(
        entry["command"], server["command"],
        "entry command must come from the catalog: {body}"
    );
    assert_eq!(
        entry["args"], server["args"],
        "entry args must come from the catalog: {body}"
    );

    let got = draft(&client, CLIENT, &profile);
    assert_eq!(got["server_count"], json!(1));
    assert_eq!(
        got["mcpServers"], body["draft"]["mcpServers"],
        "GET draft must equal the draft the add returned"
    );
}

#[test]
fn add_with_name_and_env() {
    let client = target().client();
    let profile = unique_id("named");
    let id = simple_server_id(&client, 0);
    let body = client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({"server_id": id, "name": "my-entry", "env": {"EXTRA_SETTING": "on"}}),
        )
        .expect(200);
    let entry = &body["draft"]["mcpServers"]["my-entry"];
    assert!(
        entry.is_object(),
        "entry must be under its given name: {body}"
    );
    assert_eq!(
        entry["env"]["EXTRA_SETTING"],
        json!("on"),
        "env must reach the entry: {body}"
    );
    assert_eq!(
        entry_names(&draft(&client, CLIENT, &profile)),
        BTreeSet::from(["my-entry".to_owned()])
    );
}

#[test]
fn a_duplicate_entry_name_is_409() {
    let client = target().client();
    let profile = unique_id("dup");
    let (a, b) = (simple_server_id(&client, 0), simple_server_id(&client, 1));
    add_entry(&client, CLIENT, &profile, &a, None);
    client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({ "server_id": a }),
        )
        .expect_error(409);
    add_entry(&client, CLIENT, &profile, &b, Some("taken"));
    client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({ "server_id": a, "name": "taken" }),
        )
        .expect_error(409);
    assert_eq!(
        draft(&client, CLIENT, &profile)["server_count"],
        json!(2),
        "conflicting adds must change nothing"
    );
}

#[test]
fn remove_takes_the_entry_out() {
    let client = target().client();
    let profile = unique_id("remove");
    let (a, b) = (simple_server_id(&client, 0), simple_server_id(&client, 1));
    add_entry(&client, CLIENT, &profile, &a, None);
    add_entry(&client, CLIENT, &profile, &b, Some("second"));

    let body = client
        .post(
            &config_path(CLIENT, &profile, "/draft/remove"),
            &json!({ "server_id": a }),
        )
        .expect(200);
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("removed"), "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert_eq!(body["server_count"], json!(1), "{body}");
    assert_eq!(
        entry_names(&body["draft"]),
        BTreeSet::from(["second".to_owned()]),
        "{body}"
    );
    assert_eq!(
        entry_names(&draft(&client, CLIENT, &profile)),
        BTreeSet::from(["second".to_owned()])
    );

    client
        .post(
            &config_path(CLIENT, &profile, "/draft/remove"),
            &json!({ "server_id": a }),
        )
        .expect_error(404);
}

#[test]
fn delete_clears_the_draft() {
    let client = target().client();
    let profile = profile_with(&client, CLIENT, "clear", 1);
    let body = client
        .delete(&config_path(CLIENT, &profile, "/draft"))
        .expect(200);
    assert_eq!(body["success"], json!(true), "{body}");
    assert_eq!(body["status"], json!("cleared"), "{body}");
    assert!(body["message"].is_string(), "{body}");
    let after = draft(&client, CLIENT, &profile);
    assert_eq!(after["mcpServers"], json!({}));
    assert_eq!(after["server_count"], json!(0));
}

#[test]
fn unknown_client_is_404_everywhere() {
    let client = target().client();
    let server = simple_server_id(&client, 0);
    let cases = [
        client.get("/v1/config/no-such-client/default/draft"),
        client.post(
            "/v1/config/no-such-client/default/draft/add",
            &json!({ "server_id": server }),
        ),
        client.post(
            "/v1/config/no-such-client/default/draft/remove",
            &json!({ "server_id": server }),
        ),
        client.delete("/v1/config/no-such-client/default/draft"),
        client.post("/v1/config/no-such-client/default/validate", &json!({})),
        client.post("/v1/config/no-such-client/default/publish", &json!({})),
        client.post("/v1/config/no-such-client/default/deploy", &json!({})),
        client.get("/v1/config/no-such-client/default"),
        client.get("/v1/config/no-such-client/default/history"),
        client.get("/v1/config/no-such-client/default/deployed"),
    ];
    for r in cases {
        r.expect_error(404);
        assert_eq!(
            r.detail(),
            "Client 'no-such-client' not found",
            "{}",
            r.what
        );
    }
}

#[test]
fn adding_an_unknown_server_is_404() {
    let client = target().client();
    let profile = unique_id("unknown-server");
    client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({ "server_id": "no-such-server-zz" }),
        )
        .expect_error(404);
    assert_eq!(draft(&client, CLIENT, &profile)["server_count"], json!(0));
}

#[test]
fn missing_server_id_is_400_naming_it() {
    let client = target().client();
    let profile = unique_id("missing");
    assert_400_naming(
        &client,
        [
            ("/draft/add", json!({ "name": "x" })),
            ("/draft/remove", json!({})),
        ]
        .map(|(op, body)| (config_path(CLIENT, &profile, op), body, "server_id")),
    );
}

#[test]
fn required_env_vars_must_be_given() {
    let client = target().client();
    let server = catalog(&client)
        .into_iter()
        .find(|s| !required_env(s).is_empty() && required_params(s).is_empty())
        .expect("the catalog has a server with required env vars (and no required params)");
    let id = server["server_id"].as_str().expect("server_id");
    let vars = required_env(&server);
    let profile = assert_add_needs(&client, id, &vars, "env");

    let env: serde_json::Map<String, Value> = vars
        .iter()
        .map(|v| (v.clone(), json!(format!("value-of-{v}"))))
        .collect();
    let body = client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({ "server_id": id, "env": env }),
        )
        .expect(200);
    for var in &vars {
        assert_eq!(
            body["draft"]["mcpServers"][id]["env"][var.as_str()],
            json!(format!("value-of-{var}")),
            "{body}"
        );
    }
}

#[test]
fn required_params_must_be_given() {
    let client = target().client();
    let mut candidates: Vec<Value> = catalog(&client)
        .into_iter()
        .filter(|s| !required_params(s).is_empty() && required_env(s).is_empty())
        .collect();
    candidates.sort_by_key(|s| s["transport"] != json!("stdio"));
    let server = candidates
        .into_iter()
        .next()
        .expect("the catalog has a server with required params (and no required env)");
    let id = server["server_id"].as_str().expect("server_id");
    let profile = assert_add_needs(&client, id, &required_params(&server), "params");

    // Each required parameter gets the example value its catalog entry documents.
    let values: serde_json::Map<String, Value> = server["parameters"]
        .as_array()
        .expect("parameters list")
        .iter()
        .filter(|p| p["required"] == json!(true))
        .map(|p| {
            let name = p["name"].as_str().expect("parameter name").to_owned();
            let example = p["example"]
                .as_str()
                .unwrap_or("/tmp/blackbox-param")
                .to_owned();
            (name, json!(example))
        })
        .collect();
    let body = client
        .post(
            &config_path(CLIENT, &profile, "/draft/add"),
            &json!({ "server_id": id, "params": values }),
        )
        .expect(200);
    let entry = body["draft"]["mcpServers"][id].to_string();
    for value in values.values() {
        let value = value.as_str().expect("string");
        assert!(
            entry.contains(value),
            "the param value {value} must reach the entry: {entry}"
        );
    }
}

#[test]
fn sixty_concurrent_adds_all_land() {
    let client = target().client();
    let profile = unique_id("concurrent");
    let servers: Vec<String> = simple_servers(&client)
        .iter()
        .map(|s| s["server_id"].as_str().expect("id").to_owned())
        .collect();
    let handles: Vec<_> = (0..60)
        .map(|i| {
            let (client, profile, server) = (
                client.clone(),
                profile.clone(),
                servers[i % servers.len()].clone(),
            );
            std::thread::spawn(move || {
                let r = client.post(
                    &config_path(CLIENT, &profile, "/draft/add"),
                    &json!({ "server_id": server, "name": format!("entry-{i:02}") }),
                );
                (r.status, r.text())
            })
        })
        .collect();
    for h in handles {
        let (status, text) = h.join().expect("thread");
        assert_eq!(status, 200, "a concurrent add failed: {text}");
    }
    let body = draft(&client, CLIENT, &profile);
    assert_eq!(body["server_count"], json!(60), "all 60 adds must land");
    let expected: BTreeSet<String> = (0..60).map(|i| format!("entry-{i:02}")).collect();
    assert_eq!(entry_names(&body), expected);
}
