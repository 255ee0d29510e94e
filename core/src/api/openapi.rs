//! The OpenAPI 3.1 document of the API and the self-contained page that renders it.
//!
//! Both are hand-written files compiled into the binary; the tests below hold the document to
//! the route table, so a route cannot be added or removed without the document following.

/// The OpenAPI 3.1.0 document describing every route of [`super::route::ROUTES`], served as
/// `GET /openapi.json` (`application/json`).
pub const DOCUMENT: &str = include_str!("openapi.json");

/// The `GET /docs` page (`text/html; charset=utf-8`): one self-contained HTML file, with no
/// external resources, that fetches `/openapi.json`, renders every operation and can send
/// requests with a token or API key kept in the tab's `sessionStorage`.
pub const DOCS_HTML: &str = include_str!("docs.html");

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::Value;

    use super::*;
    use crate::api::route::ROUTES;

    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    fn doc() -> Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is valid JSON")
    }

    /// Every `(METHOD, path, operation, path item)` of the document.
    fn operations(doc: &Value) -> Vec<(String, String, Value, Value)> {
        let mut out = Vec::new();
        for (path, item) in doc["paths"].as_object().expect("paths is an object") {
            for m in METHODS {
                if let Some(op) = item.get(m) {
                    out.push((m.to_uppercase(), path.clone(), op.clone(), item.clone()));
                }
            }
        }
        out
    }

    /// Follows a local `$ref` if `v` is one.
    fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("unresolved $ref {r}")),
            None => v,
        }
    }

    fn collect_refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("$ref", Value::String(r)) => out.push(r.clone()),
                        _ => collect_refs(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn document_is_openapi_3_1_for_this_version() {
        let doc = doc();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "openapi = {}",
            doc["openapi"]
        );
        assert_eq!(doc["info"]["title"], "mcp-orchestration");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(!doc["info"]["description"].as_str().unwrap_or("").is_empty());
    }

    #[test]
    fn documents_exactly_the_routes_served() {
        let documented: BTreeSet<(String, String)> = operations(&doc())
            .into_iter()
            .map(|(m, p, _, _)| (m, p))
            .collect();
        let served: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.as_str().to_owned(), r.path.to_owned()))
            .collect();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let not_served: Vec<_> = documented.difference(&served).collect();
        assert!(
            undocumented.is_empty() && not_served.is_empty(),
            "served but not in openapi.json: {undocumented:?}; in openapi.json but not served: {not_served:?}"
        );
    }

    #[test]
    fn every_ref_resolves_to_a_component() {
        let doc = doc();
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(refs.len() > 50, "only {} $refs found", refs.len());
        for r in refs {
            assert!(
                r.starts_with("#/components/"),
                "$ref {r} is not a local component"
            );
            assert!(doc.pointer(&r[1..]).is_some(), "$ref {r} does not resolve");
        }
    }

    #[test]
    fn v1_needs_either_scheme_and_the_rest_none() {
        let doc = doc();
        let schemes = &doc["components"]["securitySchemes"];
        assert_eq!(schemes["bearerAuth"]["type"], "http");
        assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
        assert_eq!(schemes["apiKeyAuth"]["type"], "apiKey");
        assert_eq!(schemes["apiKeyAuth"]["in"], "header");
        assert_eq!(schemes["apiKeyAuth"]["name"], "X-API-Key");
        let either = serde_json::json!([{"bearerAuth": []}, {"apiKeyAuth": []}]);
        for (method, path, op, _) in operations(&doc) {
            if path.starts_with("/v1/") {
                assert_eq!(op["security"], either, "{method} {path}");
                assert!(
                    op["responses"].get("401").is_some(),
                    "{method} {path} lacks a 401 response"
                );
            } else {
                assert_eq!(op["security"], serde_json::json!([]), "{method} {path}");
            }
        }
    }

    #[test]
    fn every_path_parameter_is_declared_and_nothing_else() {
        let doc = doc();
        for (method, path, op, item) in operations(&doc) {
            let in_pattern: BTreeSet<&str> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let mut declared = BTreeSet::new();
            for p in [&item["parameters"], &op["parameters"]]
                .into_iter()
                .filter_map(Value::as_array)
                .flatten()
            {
                let p = deref(&doc, p);
                if p["in"] == "path" {
                    assert_eq!(
                        p["required"], true,
                        "{method} {path}: path parameter {} must be required",
                        p["name"]
                    );
                    let schema = deref(&doc, &p["schema"]);
                    assert!(
                        schema["pattern"].is_string(),
                        "{method} {path}: {} has no pattern",
                        p["name"]
                    );
                    declared.insert(p["name"].as_str().unwrap());
                }
            }
            assert_eq!(
                in_pattern, declared,
                "{method} {path}: path parameters declared differ from the pattern"
            );
        }
    }

    #[test]
    fn operations_are_named_tagged_and_answer_success() {
        let doc = doc();
        let tags: BTreeSet<&str> = doc["tags"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        let mut ids = BTreeSet::new();
        for (method, path, op, _) in operations(&doc) {
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "operationId {id} is used twice");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{method} {path} has no summary"
            );
            let op_tags = op["tags"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no tags"));
            assert!(!op_tags.is_empty(), "{method} {path} has no tags");
            for t in op_tags {
                assert!(
                    tags.contains(t.as_str().unwrap_or("")),
                    "{method} {path}: tag {t} is not declared"
                );
            }
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.keys().any(|c| c.starts_with('2')),
                "{method} {path} has no success response"
            );
            if op.get("requestBody").is_some() {
                assert!(
                    responses.contains_key("413"),
                    "{method} {path} takes a body but lacks a 413 response"
                );
            }
        }
    }

    #[test]
    fn errors_have_the_three_required_fields() {
        let doc = doc();
        let error = &doc["components"]["schemas"]["Error"];
        let required: BTreeSet<&str> = error["required"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(required, BTreeSet::from(["detail", "error_type", "code"]));
        for field in required {
            assert_eq!(error["properties"][field]["type"], "string", "{field}");
        }
    }

    /// Checks `value` against the document's schema `schema`: types, `const`, `enum`, required
    /// fields, and (stricter than JSON Schema, to keep the document complete) no field that the
    /// schema's `properties` do not name. Patterns and formats are not checked. Returns every
    /// mismatch with its JSON path.
    fn conformance(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
        let schema = deref(doc, schema);
        let mut errs = Vec::new();
        if let Some(parts) = schema["allOf"].as_array() {
            let mut named = BTreeSet::new();
            for part in parts {
                let part = deref(doc, part);
                named.extend(
                    part["properties"]
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(k, _)| k.clone()),
                );
                let mut loose = part.clone();
                loose["additionalProperties"] = Value::Bool(true);
                errs.extend(conformance(doc, &loose, value, at));
            }
            for key in value.as_object().into_iter().flatten().map(|(k, _)| k) {
                if !named.contains(key) {
                    errs.push(format!("{at}.{key}: not in the schema"));
                }
            }
            return errs;
        }
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let allowed: Vec<&str> = match &schema["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let fits = allowed.is_empty()
            || allowed.contains(&kind)
            || (kind == "integer" && allowed.contains(&"number"));
        if !fits {
            return vec![format!("{at}: {kind} where the schema says {allowed:?}")];
        }
        if schema.get("const").is_some_and(|c| c != value) {
            errs.push(format!(
                "{at}: {value} is not the const {}",
                schema["const"]
            ));
        }
        if let Some(options) = schema["enum"].as_array()
            && !options.contains(value)
        {
            errs.push(format!("{at}: {value} is not one of {options:?}"));
        }
        if let Value::Array(items) = value
            && let Some(item_schema) = schema.get("items")
        {
            for (i, item) in items.iter().enumerate() {
                errs.extend(conformance(doc, item_schema, item, &format!("{at}[{i}]")));
            }
        }
        if let Value::Object(obj) = value {
            for req in schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !obj.contains_key(req) {
                    errs.push(format!("{at}: missing required field {req}"));
                }
            }
            for (key, v) in obj {
                let path = format!("{at}.{key}");
                match (
                    schema["properties"].get(key),
                    &schema["additionalProperties"],
                ) {
                    (Some(prop), _) => errs.extend(conformance(doc, prop, v, &path)),
                    (None, extra @ Value::Object(_)) => {
                        errs.extend(conformance(doc, extra, v, &path))
                    }
                    (None, Value::Bool(true)) => {}
                    (None, _) if schema.get("properties").is_some() => {
                        errs.push(format!("{path}: not in the schema"))
                    }
                    (None, _) => {}
                }
            }
        }
        errs
    }

    fn assert_conforms(name: &str, value: &Value) {
        let doc = doc();
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
        let errs = conformance(&doc, &schema, value, name);
        assert!(
            errs.is_empty(),
            "{name} does not match openapi.json:\n{}\nvalue: {value}",
            errs.join("\n")
        );
    }

    #[test]
    fn the_conformance_check_catches_missing_extra_and_mistyped_fields() {
        let doc = doc();
        let schema = serde_json::json!({ "$ref": "#/components/schemas/Error" });
        let ok = serde_json::json!({ "detail": "x", "error_type": "NotFound", "code": "X" });
        assert!(conformance(&doc, &schema, &ok, "e").is_empty());
        for bad in [
            serde_json::json!({ "detail": "x", "error_type": "NotFound" }),
            serde_json::json!({ "detail": "x", "error_type": "NotFound", "code": "X", "extra": 1 }),
            serde_json::json!({ "detail": 3, "error_type": "NotFound", "code": "X" }),
            serde_json::json!({ "detail": "x", "error_type": "Teapot", "code": "X" }),
        ] {
            assert!(
                !conformance(&doc, &schema, &bad, "e").is_empty(),
                "{bad} passed"
            );
        }
    }

    #[test]
    fn catalog_servers_match_the_server_schema() {
        let servers = crate::catalog::catalog().servers();
        assert!(!servers.is_empty());
        for server in servers {
            assert_conforms("Server", &serde_json::to_value(server).unwrap());
        }
    }

    #[test]
    fn client_summaries_match_the_client_schema() {
        use crate::env::Os;
        for client in crate::client::clients() {
            for os in [None, Some(Os::Linux), Some(Os::Macos), Some(Os::Windows)] {
                assert_conforms("Client", &client.summary(os));
            }
        }
    }

    #[test]
    fn validation_reports_match_the_report_schema() {
        let payload = crate::Payload::from_value(&serde_json::json!({ "mcpServers": {
            "ok": { "command": "npx", "args": ["-y", "pkg"] },
            "broken": { "args": ["x"], "bogus": 1 },
            "remote": { "type": "http", "url": "not a url {TOKEN}" },
        }}))
        .unwrap();
        for client in crate::client::clients() {
            let report =
                serde_json::to_value(crate::validate::validate(&payload, &client.rules())).unwrap();
            assert!(!report["errors"].as_array().unwrap().is_empty(), "{report}");
            assert_conforms("ValidationReport", &report);
        }
    }

    #[test]
    fn diffs_match_the_diff_schema() {
        let old = serde_json::json!({ "mcpServers": {
            "a": { "command": "npx", "args": ["x"] }, "b": { "command": "uvx" }, "c": { "command": "y" } } });
        let new = serde_json::json!({ "mcpServers": {
            "a": { "command": "npx", "args": ["x", "y"] }, "c": { "command": "y" }, "d": { "url": "u" } } });
        let d = serde_json::to_value(crate::diff::diff(&old, &new).unwrap()).unwrap();
        assert_eq!(d["status"], "diverged");
        assert_conforms("Diff", &d);
    }

    #[test]
    fn sealed_artifacts_match_the_artifact_schema() {
        let env = crate::env::FixedEnv::new(crate::Timestamp(1_700_000_000_000), 7);
        let keys = crate::signing::SigningKeys::generate(&env).unwrap();
        let mut metadata = serde_json::Map::new();
        metadata.insert("changelog".into(), "first".into());
        let payload =
            serde_json::json!({ "mcpServers": { "memory": { "command": "npx", "args": [] } } });
        let art = crate::artifact::seal(
            payload,
            "cursor",
            "default",
            crate::Timestamp(1_700_000_000_000),
            &keys,
            metadata,
        );
        assert_conforms("Artifact", &serde_json::to_value(art).unwrap());
    }

    /// Sends requests through [`crate::api::handle`] and holds every answer to the document: its
    /// status must be documented for the operation, and its JSON body must match that
    /// response's schema.
    struct Api {
        doc: Value,
        store: crate::MemoryStore,
        fixed: crate::env::FixedEnv,
        usage: crate::usage::Usage,
        settings: crate::api::Settings,
        answered: BTreeSet<(String, String)>,
    }

    impl Api {
        fn new() -> Self {
            Self {
                doc: doc(),
                store: crate::MemoryStore::new(),
                fixed: crate::env::FixedEnv::new(crate::Timestamp(1_764_000_000_000), 11),
                usage: crate::usage::Usage::new(),
                settings: crate::api::Settings::from_vars(Some("the-key"), None),
                answered: BTreeSet::new(),
            }
        }

        fn send(
            &mut self,
            method: &str,
            uri: &str,
            auth: Option<(&str, &str)>,
            body: &str,
        ) -> (u16, Value) {
            let mut req = http::Request::builder().method(method).uri(uri);
            if let Some((name, value)) = auth {
                req = req.header(name, value);
            }
            let req = req.body(bytes::Bytes::from(body.to_owned())).unwrap();
            let env = crate::api::Env {
                clock: &self.fixed,
                entropy: &self.fixed,
                files: None,
                keyring: None,
                usage: &self.usage,
                settings: &self.settings,
            };
            let res = crate::api::handle(req, &mut self.store, &env);
            let status = res.status().as_u16();
            let path = uri.split('?').next().unwrap();
            let (pattern, documented) =
                match crate::api::route::resolve(&method.parse().unwrap(), path) {
                    Ok((spec, _)) => {
                        let op = &self.doc["paths"][spec.path][method.to_ascii_lowercase()];
                        (
                            spec.path,
                            deref(&self.doc, &op["responses"][status.to_string()]),
                        )
                    }
                    // A method the path does not serve has no operation: its answer is the shared one.
                    Err(e) => {
                        assert_eq!(e.status(), 405, "{method} {uri} is not routed: {e}");
                        (
                            path,
                            &self.doc["components"]["responses"]["MethodNotAllowed"],
                        )
                    }
                };
            assert!(
                documented.is_object(),
                "{method} {uri} answered {status}, which openapi.json does not list"
            );
            if status < 300 {
                self.answered
                    .insert((method.to_owned(), pattern.to_owned()));
            }
            let content_type = res
                .headers()
                .get(http::header::CONTENT_TYPE)
                .unwrap()
                .to_str()
                .unwrap();
            if content_type != "application/json" {
                assert!(
                    documented["content"]
                        .get(content_type.split(';').next().unwrap())
                        .is_some()
                );
                return (status, Value::Null);
            }
            let body: Value = serde_json::from_slice(res.body()).unwrap();
            let schema = &documented["content"]["application/json"]["schema"];
            let errs = conformance(
                &self.doc,
                schema,
                &body,
                &format!("{method} {pattern} {status}"),
            );
            let shown: String = body.to_string().chars().take(2000).collect();
            assert!(errs.is_empty(), "{}\nbody: {shown}", errs.join("\n"));
            (status, body)
        }

        fn call(&mut self, method: &str, uri: &str, body: &str) -> (u16, Value) {
            self.send(method, uri, Some(("X-API-Key", "the-key")), body)
        }
    }

    #[test]
    fn every_route_answers_as_documented() {
        let mut api = Api::new();
        let server = crate::catalog::catalog()
            .servers()
            .iter()
            .find(|s| s.required_env.is_empty() && s.parameters.iter().all(|p| !p.required))
            .expect("a catalog server that needs no input");
        let add = serde_json::json!({ "server_id": server.server_id }).to_string();
        let draft = "/v1/config/cursor/default";

        assert_eq!(api.send("GET", "/health", None, "").0, 200);
        assert_eq!(api.send("GET", "/openapi.json", None, "").0, 200);
        assert_eq!(api.send("GET", "/docs", None, "").0, 200);
        assert_eq!(api.send("GET", "/v1/clients", None, "").0, 401);
        assert_eq!(
            api.send(
                "GET",
                "/v1/clients",
                Some(("Authorization", "Bearer nope")),
                ""
            )
            .0,
            401
        );
        assert_eq!(api.call("GET", "/v1/clients", "").0, 200);
        assert_eq!(api.call("GET", "/v1/clients/nope/profiles", "").0, 404);
        assert_eq!(api.call("GET", "/v1/clients/..%2F/profiles", "").0, 400);
        let profile = r#"{"profile_id": "work", "config_path": "/home/u/.cursor/mcp.json"}"#;
        assert_eq!(
            api.call("POST", "/v1/clients/cursor/profiles", profile).0,
            201
        );
        assert_eq!(
            api.call("POST", "/v1/clients/cursor/profiles", "{not json")
                .0,
            400
        );
        assert_eq!(api.call("GET", "/v1/clients/cursor/profiles", "").0, 200);

        assert_eq!(api.call("GET", "/v1/keys/public", "").0, 404);
        assert_eq!(api.call("POST", &format!("{draft}/draft/add"), &add).0, 200);
        assert_eq!(api.call("POST", &format!("{draft}/publish"), "").0, 409);
        assert_eq!(api.call("POST", "/v1/keys/initialize", "").0, 200);
        assert_eq!(api.call("POST", "/v1/keys/initialize", "").0, 409);
        assert_eq!(
            api.call("POST", "/v1/keys/initialize", r#"{"regenerate": true}"#)
                .0,
            200
        );
        assert_eq!(api.call("GET", "/v1/keys/public", "").0, 200);

        assert_eq!(api.call("POST", &format!("{draft}/draft/add"), &add).0, 409);
        assert_eq!(
            api.call(
                "POST",
                &format!("{draft}/draft/add"),
                r#"{"server_id": "no-such"}"#
            )
            .0,
            404
        );
        assert_eq!(api.call("GET", &format!("{draft}/draft"), "").0, 200);
        assert_eq!(api.call("POST", &format!("{draft}/validate"), "").0, 200);
        assert_eq!(api.call("GET", draft, "").0, 404);
        assert_eq!(api.call("POST", &format!("{draft}/deploy"), "").0, 404);
        let (status, published) = api.call(
            "POST",
            &format!("{draft}/publish"),
            r#"{"changelog": "first"}"#,
        );
        assert_eq!(status, 200);
        let artifact_id = published["artifact_id"].as_str().unwrap().to_owned();
        assert_eq!(api.call("GET", draft, "").0, 200);
        assert_eq!(api.call("GET", &format!("{draft}/history"), "").0, 200);
        assert_eq!(
            api.call("GET", &format!("/v1/artifacts/{artifact_id}"), "")
                .0,
            200
        );
        assert_eq!(
            api.call("GET", &format!("/v1/artifacts/{}", "0".repeat(64)), "")
                .0,
            404
        );
        assert_eq!(api.call("GET", "/v1/artifacts/xyz", "").0, 400);
        assert_eq!(api.call("GET", &format!("{draft}/deployed"), "").0, 404);
        let deploy = serde_json::json!({ "artifact_id": artifact_id }).to_string();
        assert_eq!(api.call("POST", &format!("{draft}/deploy"), &deploy).0, 200);
        assert_eq!(api.call("GET", &format!("{draft}/deployed"), "").0, 200);
        let remove = serde_json::json!({ "server_id": server.server_id }).to_string();
        assert_eq!(
            api.call("POST", &format!("{draft}/draft/remove"), &remove)
                .0,
            200
        );
        assert_eq!(
            api.call("POST", &format!("{draft}/draft/remove"), &remove)
                .0,
            404
        );
        assert_eq!(api.call("DELETE", &format!("{draft}/draft"), "").0, 200);

        let diff = r#"{"config1": {"mcpServers": {"a": {"command": "x"}}}, "config2": {"mcpServers": {}}}"#;
        assert_eq!(api.call("POST", "/v1/config/diff", diff).0, 200);
        assert_eq!(api.call("POST", "/v1/config/diff", "{}").0, 400);
        assert_eq!(
            api.call("GET", "/v1/servers?q=a&transport=stdio", "").0,
            200
        );
        assert_eq!(
            api.call("GET", "/v1/servers?transport=carrier-pigeon", "")
                .0,
            400
        );
        assert_eq!(
            api.call("GET", &format!("/v1/servers/{}", server.server_id), "")
                .0,
            200
        );
        assert_eq!(api.call("GET", "/v1/servers/no-such", "").0, 404);

        let (status, created) = api.call(
            "POST",
            "/v1/tokens",
            r#"{"name": "ci", "expires_in_days": 30}"#,
        );
        assert_eq!(status, 201);
        let token = format!("Bearer {}", created["token"].as_str().unwrap());
        assert_eq!(
            api.send("GET", "/v1/tokens", Some(("Authorization", &token)), "")
                .0,
            200
        );
        let revoke = format!("/v1/tokens/{}", created["token_id"].as_str().unwrap());
        assert_eq!(api.call("DELETE", &revoke, "").0, 200);
        assert_eq!(api.call("DELETE", &revoke, "").0, 404);
        assert_eq!(api.call("DELETE", "/v1/clients", "").0, 405);
        let big = format!(
            "{{\"name\": \"{}\"}}",
            "x".repeat(crate::api::MAX_BODY_BYTES)
        );
        assert_eq!(api.call("POST", "/v1/tokens", &big).0, 413);

        let all: BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.method.as_str().to_owned(), r.path.to_owned()))
            .collect();
        let missed: Vec<_> = all.difference(&api.answered).collect();
        assert!(
            missed.is_empty(),
            "routes never answered with success here: {missed:?}"
        );
    }

    #[test]
    fn docs_page_is_self_contained_and_loads_the_document() {
        let html = DOCS_HTML.to_ascii_lowercase();
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "docs.html references an absolute URL"
        );
        assert!(
            !html.contains("//cdn") && !html.contains("src=\"//") && !html.contains("href=\"//")
        );
        assert!(!html.contains("<script src") && !html.contains("<img"));
        // The one link is the inline (empty) icon that spares the browser a /favicon.ico 404.
        let links: Vec<&str> = html
            .match_indices("<link")
            .map(|(i, _)| &html[i..])
            .collect();
        assert!(
            links
                .iter()
                .all(|l| l.starts_with("<link rel=\"icon\" href=\"data:,\">")),
            "docs.html links a resource"
        );
        assert!(
            !html.contains("innerhtml"),
            "docs.html must build the DOM from text, not HTML"
        );
        assert!(DOCS_HTML.contains("'/openapi.json'") && DOCS_HTML.contains("fetch(SPEC_URL"));
        assert!(DOCS_HTML.contains("sessionStorage"));
    }
}
