//! The exports of the npm package `mcp-orchestration-core`, through wasm-bindgen.
//!
//! Translation only: each export reads its JS arguments into the core's serde types (JSON
//! arguments with `JSON.stringify`'s meaning), calls the core function or operation that does the
//! work, and writes the answer back with `serde-wasm-bindgen` as plain JS values (objects,
//! arrays, strings, numbers, booleans and null; never `Map`s or `undefined`). A core
//! [`Error`] becomes a thrown JS `Error` whose `message` is the error's detail, with a `code`
//! property holding its code and one property for each of its structured fields. [`crate::npm`]
//! lists the exports and generates their TypeScript declarations; JS types appear only here.
//!
//! Nothing here draws random bytes or reads a clock: operations that need a store get an empty
//! in-memory one, and ports whose entropy always fails.

use std::collections::BTreeSet;

use js_sys::{Error as JsError, JSON, Reflect};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

use crate::api::input::from_fields;
use crate::artifact::{self, Artifact};
use crate::error::{Code, Error, Result};
use crate::npm::{EntryOptions, SearchOptions};
use crate::ops::{self, configs, servers};
use crate::payload::{Entries, Payload};
use crate::ports::{Fixed, NoEntropy, Ports};
use crate::signing::PublicKey;
use crate::store::MemoryStore;
use crate::timestamp::Timestamp;
use crate::{canonical, catalog, client, config_file, draft, id, validate};

/// What an export returns to JS: a value, or a thrown `Error`.
type JsResult<T = JsValue> = std::result::Result<T, JsValue>;

/// The whole server catalog: `{servers, count}`, as `GET /v1/servers` answers.
#[wasm_bindgen(js_name = catalog)]
pub fn catalog_listing() -> JsResult {
    answer(Ok(servers::builtin()))
}

/// Searches the catalog by free text and, optionally, transport.
#[wasm_bindgen(js_name = searchServers)]
pub fn search_servers(query: JsValue, options: JsValue) -> JsResult {
    answer(search(query, options))
}

fn search(query: JsValue, options: JsValue) -> Result<servers::ServerList> {
    let q = optional_string("query", query)?;
    let SearchOptions { transport } = read_options(options)?;
    run(servers::search, servers::SearchServers { q, transport })
}

/// One catalog server, by id.
#[wasm_bindgen(js_name = getServer)]
pub fn get_server(id: JsValue) -> JsResult {
    answer(
        string("id", id)
            .and_then(|server_id| run(servers::describe, servers::ServerRef { server_id })),
    )
}

/// Every client app: `{clients}`, as `GET /v1/clients` answers.
#[wasm_bindgen(js_name = clients)]
pub fn client_list() -> JsResult {
    answer(run(ops::clients::list, ops::Nothing {}))
}

/// The entry a draft would hold after adding a catalog server with these options.
#[wasm_bindgen(js_name = renderEntry)]
pub fn render_entry(server_id: JsValue, options: JsValue) -> JsResult {
    answer(entry(server_id, options))
}

fn entry(server_id: JsValue, options: JsValue) -> Result<Value> {
    let server_id = string("serverId", server_id)?;
    let EntryOptions {
        params,
        env,
        headers,
        name,
    } = read_options(options)?;
    let request = draft::AddServer {
        server_id,
        params,
        env,
        headers,
        name,
    };
    let mut draft = Entries::default();
    let name = draft::add(&mut draft, catalog::catalog(), &request)?;
    Ok(draft
        .to_payload()?
        .servers
        .remove(&name)
        .unwrap_or_default())
}

/// The catalog entry a `server.json` maps to.
#[wasm_bindgen(js_name = serverFromJson)]
pub fn server_from_json(server_json: JsValue, id: JsValue) -> JsResult {
    answer(mapped(server_json, id))
}

fn mapped(server_json: JsValue, id: JsValue) -> Result<catalog::Server> {
    let server: crate::registry::ServerJson = object("serverJson", server_json)?;
    let id = optional_string("id", id)?;
    crate::registry::map(&server, id.as_deref())
}

/// The draft a client file's text makes, with the entries linked to the catalog.
#[wasm_bindgen(js_name = importClientFile)]
pub fn import_client_file(client_id: JsValue, text: JsValue) -> JsResult {
    answer(imported(client_id, text))
}

fn imported(client_id: JsValue, text: JsValue) -> Result<ops::drafts::DraftImported> {
    let client_id = string("clientId", client_id)?;
    let text = string("text", text)?;
    run(
        ops::drafts::import,
        ops::drafts::ImportFile {
            client_id,
            profile_id: "default".to_owned(),
            text: Some(text),
        },
    )
}

/// Validates a payload against a client's limits: a report, not a throw, when it is invalid.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(client_id: JsValue, payload: JsValue) -> JsResult {
    answer(validation(client_id, payload))
}

fn validation(client_id: JsValue, payload: JsValue) -> Result<validate::Report> {
    let client = client_named(client_id)?;
    let payload = Payload::from_value(&json("payload", payload)?)?;
    Ok(validate::validate(&payload, &client.rules()))
}

/// Compares two payloads: how `a` stands relative to `b`.
#[wasm_bindgen(js_name = diffConfigs)]
pub fn diff_configs(a: JsValue, b: JsValue) -> JsResult {
    answer(diff(a, b))
}

fn diff(a: JsValue, b: JsValue) -> Result<crate::diff::Diff> {
    let input = configs::Compare {
        config1: json("a", a)?,
        config2: json("b", b)?,
    };
    run(configs::diff, input)
}

/// The canonical JSON (RFC 8785) text of a JSON value.
#[wasm_bindgen(js_name = canonicalize)]
pub fn canonicalize(value: JsValue) -> JsResult<String> {
    json("value", value)
        .map(|v| canonical::to_string(&v))
        .map_err(thrown)
}

/// The content address of a payload: hex SHA-256 of its canonical JSON.
#[wasm_bindgen(js_name = artifactId)]
pub fn artifact_id(payload: JsValue) -> JsResult<String> {
    json("payload", payload)
        .map(|v| artifact::artifact_id(&v))
        .map_err(thrown)
}

/// Whether an artifact's id matches its payload and its signature verifies with the key.
#[wasm_bindgen(js_name = verifyArtifact)]
pub fn verify_artifact(artifact: JsValue, public_key_pem: JsValue) -> JsResult<bool> {
    verify(artifact, public_key_pem).map_err(thrown)
}

fn verify(artifact: JsValue, public_key_pem: JsValue) -> Result<bool> {
    let artifact: Artifact = object("artifact", artifact)?;
    let key = PublicKey::from_spki_pem(&string("publicKeyPem", public_key_pem)?)?;
    // A tampered payload and a signature that does not verify are the answer `false`.
    Ok(artifact::verify(&artifact, &key).is_ok())
}

/// The client's config file text with the payload's servers merged in, every one owned.
#[wasm_bindgen(js_name = renderClientConfig)]
pub fn render_client_config(
    client_id: JsValue,
    payload: JsValue,
    existing_text: JsValue,
) -> JsResult<String> {
    render(client_id, payload, existing_text).map_err(thrown)
}

fn render(client_id: JsValue, payload: JsValue, existing_text: JsValue) -> Result<String> {
    let client = client_named(client_id)?;
    let payload = Payload::from_value(&json("payload", payload)?)?;
    let existing = optional_string("existingText", existing_text)?;
    let owned: BTreeSet<String> = payload.servers.keys().cloned().collect();
    let merged = config_file::merge(client, existing.as_deref(), &payload, &owned, true)?;
    Ok(merged.text)
}

/// The servers a client's config file holds, as a payload.
#[wasm_bindgen(js_name = readClientConfig)]
pub fn read_client_config(client_id: JsValue, text: JsValue) -> JsResult {
    answer(
        client_named(client_id)
            .and_then(|client| config_file::read_servers(client, &string("text", text)?)),
    )
}

/// The version of the core.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Runs an operation that needs no state: an empty store, a clock at the epoch and no entropy.
fn run<I, O>(op: fn(&mut MemoryStore, &Ports<'_>, I) -> Result<O>, input: I) -> Result<O> {
    let clock = Fixed::new(Timestamp(0), 0);
    let ports = Ports::new(&clock, &NoEntropy, "npm");
    op(&mut MemoryStore::new(), &ports, input)
}

/// The client named by the argument `clientId`.
fn client_named(value: JsValue) -> Result<&'static client::Client> {
    let client_id = string("clientId", value)?;
    client::client(id::check("client_id", &client_id)?)
}

/// An answer as plain JS values, or the error thrown.
fn answer<T: Serialize>(result: Result<T>) -> JsResult {
    result.and_then(|v| to_js(&v)).map_err(thrown)
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue> {
    // Through a JSON value: a draft's entries are JSON text only `serde_json` can write out.
    serde_json::to_value(value)
        .map_err(|e| e.to_string())
        .and_then(|value| {
            value
                .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                .map_err(|e| e.to_string())
        })
        .map_err(|e| {
            Error::new(
                Code::EncodeFailed,
                format!("The answer could not be encoded: {e}"),
            )
        })
}

/// A core error as the JS `Error` thrown: its detail, its code and its fields.
fn thrown(error: Error) -> JsValue {
    let js = JsError::new(&error.detail);
    set(&js, "code", &JsValue::from_str(error.code.as_str()));
    for (name, value) in &error.fields {
        if let Ok(value) = to_js(value) {
            set(&js, name, &value);
        }
    }
    js.into()
}

fn set(target: &JsError, name: &str, value: &JsValue) {
    // Setting a property on a fresh `Error` cannot fail; if it somehow did, the error is
    // still thrown, only without that property.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// The JSON value of argument `name`, with `JSON.stringify`'s meaning (properties holding
/// `undefined` are left out, `toJSON` is honoured), so that it is the value the same object sent
/// to `/v1` would be; `undefined` is a missing argument.
fn json(name: &str, value: JsValue) -> Result<Value> {
    if value.is_undefined() {
        return Err(Error::new(
            Code::MissingField,
            format!("Missing required argument '{name}'"),
        ));
    }
    let text = JSON::stringify(&value).map_err(|e| {
        let reason = e.dyn_ref::<JsError>().map_or_else(
            || "not serializable as JSON".to_owned(),
            |e| e.message().into(),
        );
        invalid(name, reason)
    })?;
    let text = text
        .as_string()
        .ok_or_else(|| invalid(name, "not a JSON value"))?;
    serde_json::from_str(&text).map_err(|e| invalid(name, e))
}

/// The string argument `name`.
fn string(name: &str, value: JsValue) -> Result<String> {
    optional_string(name, value)?.ok_or_else(|| {
        Error::new(
            Code::MissingField,
            format!("Missing required argument '{name}'"),
        )
    })
}

/// The string argument `name`, which may be `undefined` or `null`.
fn optional_string(name: &str, value: JsValue) -> Result<Option<String>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| invalid(name, "expected a string"))
}

/// The object argument `name` as `T`, its fields checked as a request body's are.
fn object<T: DeserializeOwned>(name: &str, value: JsValue) -> Result<T> {
    match json(name, value)? {
        Value::Object(fields) => from_fields(fields),
        _ => Err(invalid(name, "expected an object")),
    }
}

/// An options argument as `T`: an object, or `undefined`/`null` for none.
fn read_options<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    if value.is_undefined() || value.is_null() {
        return from_fields(Map::new());
    }
    object("options", value)
}

fn invalid(name: &str, reason: impl std::fmt::Display) -> Error {
    Error::new(
        Code::InvalidField,
        format!("Invalid argument '{name}': {reason}"),
    )
}
