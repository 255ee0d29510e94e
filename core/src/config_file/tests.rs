use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::client::{client, clients};

fn payload(servers: Value) -> Payload {
    Payload::from_value(&json!({ "mcpServers": servers })).unwrap()
}

fn stdio_payload() -> Payload {
    payload(json!({
        "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]},
        "github": {"command": "docker", "args": ["run", "-i", "ghcr.io/github/github-mcp-server"], "env": {"GITHUB_TOKEN": "t0k"}},
    }))
}

fn mixed_payload() -> Payload {
    let mut p = stdio_payload();
    p.servers.insert(
        "api".into(),
        json!({"type": "http", "url": "https://mcp.example.com/mcp"}),
    );
    p
}

/// The entries earlier deploys wrote into the fixtures: the merges below own them.
fn ours() -> BTreeSet<String> {
    ["old", "stale", "fs", "github", "api"]
        .map(String::from)
        .into()
}

/// The names of a payload's entries.
fn names(p: &Payload) -> BTreeSet<String> {
    p.servers.keys().cloned().collect()
}

/// `merge` owning [`ours`], without adopting: the new text.
fn merge_ours(c: &Client, existing: Option<&str>, p: &Payload) -> Result<String> {
    merge(c, existing, p, &ours(), false).map(|m| m.text)
}

fn merged(id: &str, existing: Option<&str>, p: &Payload) -> String {
    merge_ours(client(id).unwrap(), existing, p).unwrap()
}

fn refused(id: &str, existing: &str) -> Error {
    merge_ours(client(id).unwrap(), Some(existing), &stdio_payload()).unwrap_err()
}

/// A realistic existing file per client: other settings, comments, servers to replace, and
/// (for Zed and Goose) entries that are not ours.
fn fixture(id: &str) -> &'static str {
    match id {
        "vscode" => {
            "// User MCP servers\n{\n\t\"servers\": {\n\t\t/* old one */\n\t\t\"old\": {\"type\": \"stdio\", \"command\": \"old-server\"}\n\t},\n\t\"inputs\": [{\"id\": \"key\", \"type\": \"promptString\"}],\n}\n"
        }
        "zed" => {
            "// Zed settings\n{\n  \"theme\": \"One Dark\", // dark\n  \"context_servers\": {\n    \"postgres-ext\": {\"source\": \"extension\", \"settings\": {\"url\": \"pg://x\"}},\n    \"old\": {\"source\": \"custom\", \"command\": \"old\", \"args\": []},\n  },\n  \"vim_mode\": true,\n}\n"
        }
        "opencode" => {
            "{\n  // opencode\n  \"$schema\": \"https://opencode.ai/config.json\",\n  \"theme\": \"tokyonight\"\n}\n"
        }
        "continue" => {
            "# Continue config\nname: My Assistant\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: old\n    command: old-server\n\n# models I use\nmodels:\n  - name: gpt\n    provider: openai\n"
        }
        "goose" => {
            "# goose\nGOOSE_PROVIDER: anthropic\nextensions:\n  developer:\n    bundled: true\n    enabled: true\n    name: developer\n    timeout: 300\n    type: builtin\n  old:\n    cmd: old-server\n    enabled: true\n    name: old\n    type: stdio\nGOOSE_MODEL: claude # the model\n"
        }
        "codex" => {
            "# Codex settings\nmodel = \"o3\"  # favourite\n\n[mcp_servers.old]\ncommand = \"old-server\"\n\n[profiles.fast]\nmodel = \"o4-mini\"\n"
        }
        _ => {
            "{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n    \"old\": {\"command\": \"old-server\", \"args\": []}\n  },\n  \"theme\": {\"dark\": true}\n}\n"
        }
    }
}

#[test]
fn new_json_file_is_pretty_with_a_trailing_newline() {
    let p = payload(json!({"fs": {"command": "npx", "args": ["-y", "fs"], "env": {"A": "1"}}}));
    let want = "{\n  \"mcpServers\": {\n    \"fs\": {\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"fs\"],\n      \"env\": {\n        \"A\": \"1\"\n      }\n    }\n  }\n}\n";
    assert_eq!(merged("claude-desktop", None, &p), want);
    assert_eq!(merged("claude-desktop", Some(""), &p), want);
    assert_eq!(merged("claude-desktop", Some(" \n\t\n"), &p), want);
}

#[test]
fn new_files_start_with_the_client_keys() {
    let p = stdio_payload();
    let cont = merged("continue", None, &p);
    assert!(cont.starts_with("name: Local Assistant\n"), "{cont}");
    assert!(
        cont.contains("schema: v1\n") && cont.contains("mcpServers:\n- name: fs\n"),
        "{cont}"
    );
    let oc: Value = serde_json::from_str(&merged("opencode", None, &p)).unwrap();
    assert_eq!(oc["$schema"], "https://opencode.ai/config.json");
    let codex = merged("codex", None, &p);
    assert!(
        codex.starts_with("[mcp_servers.fs]\ncommand = \"npx\"\n"),
        "{codex}"
    );
    assert!(
        codex.contains("env = { GITHUB_TOKEN = \"t0k\" }"),
        "{codex}"
    );
}

#[test]
fn claude_desktop_keeps_unmanaged_keys_verbatim() {
    let existing = fixture("claude-desktop");
    let out = merged("claude-desktop", Some(existing), &stdio_payload());
    assert!(
        out.starts_with("{\n  \"globalShortcut\": \"Ctrl+Space\",\n  \"mcpServers\": {\n"),
        "{out}"
    );
    assert!(
        out.ends_with("  },\n  \"theme\": {\"dark\": true}\n}\n"),
        "{out}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["globalShortcut"], "Ctrl+Space");
    assert_eq!(v["theme"], json!({"dark": true}));
    assert_eq!(
        v["mcpServers"].as_object().unwrap().len(),
        2,
        "the stale entry is gone"
    );
}

#[test]
fn claude_desktop_runs_remote_servers_through_mcp_remote() {
    let p = payload(
        json!({"api": {"type": "http", "url": "https://mcp.example.com/mcp", "headers": {"Authorization": "Bearer x"}}}),
    );
    let out = merged("claude-desktop", Some(fixture("claude-desktop")), &p);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["mcpServers"]["api"],
        json!({"command": "npx", "args": ["-y", "mcp-remote", "https://mcp.example.com/mcp", "--header", "Authorization:Bearer x"]})
    );
    assert_eq!(
        read_servers(client("claude-desktop").unwrap(), &out).unwrap(),
        p,
        "reads back as the remote server"
    );
}

#[test]
fn claude_code_touches_nothing_but_its_servers() {
    let existing = r#"{
  "numStartups": 42,
  "projects": {"/src/app": {"allowedTools": [], "mcpServers": {"local": {"command": "x"}}}},
  "mcpServers": {},
  "oauthAccount": {"emailAddress": "ada@example.com"}
}
"#;
    let out = merged("claude-code", Some(existing), &mixed_payload());
    let (before, after): (Value, Value) = (
        serde_json::from_str(existing).unwrap(),
        serde_json::from_str(&out).unwrap(),
    );
    for key in ["numStartups", "projects", "oauthAccount"] {
        assert_eq!(before[key], after[key], "{key}");
    }
    assert_eq!(after["mcpServers"]["fs"]["type"], "stdio");
    assert_eq!(
        after["mcpServers"]["api"],
        json!({"type": "http", "url": "https://mcp.example.com/mcp"})
    );
}

#[test]
fn vscode_comments_and_inputs_survive() {
    let out = merged("vscode", Some(fixture("vscode")), &stdio_payload());
    assert!(
        out.starts_with("// User MCP servers\n{\n\t\"servers\": {\n"),
        "{out}"
    );
    assert!(
        out.contains("\t\"inputs\": [{\"id\": \"key\", \"type\": \"promptString\"}],\n}\n"),
        "{out}"
    );
    assert!(!out.contains("old-server"), "{out}");
    let back = read_servers(client("vscode").unwrap(), &out).unwrap();
    assert_eq!(back, stdio_payload());
}

#[test]
fn unchanged_entries_keep_their_comments_and_layout() {
    let existing = "{\n  \"servers\": {\n    // the filesystem\n    \"fs\": {\"type\": \"stdio\", \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp\"]}, // inline\n    \"stale\": {\"type\": \"stdio\", \"command\": \"x\"}\n  }\n}\n";
    let p = payload(
        json!({"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}}),
    );
    let out = merged("vscode", Some(existing), &p);
    assert!(
        out.contains("    // the filesystem\n    \"fs\": {\"type\": \"stdio\", \"command\": \"npx\", \"args\": [\"-y\", \"@modelcontextprotocol/server-filesystem\", \"/tmp\"]}"),
        "{out}"
    );
    assert!(!out.contains("stale"), "{out}");
}

#[test]
fn zed_keeps_comments_and_extension_servers() {
    let out = merged("zed", Some(fixture("zed")), &mixed_payload());
    assert!(
        out.starts_with("// Zed settings\n{\n  \"theme\": \"One Dark\", // dark\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "\"postgres-ext\": {\"source\": \"extension\", \"settings\": {\"url\": \"pg://x\"}}"
        ),
        "{out}"
    );
    assert!(out.contains("  \"vim_mode\": true,\n}\n"), "{out}");
    assert!(!out.contains("\"old\""), "{out}");
    let servers = read_servers(client("zed").unwrap(), &out).unwrap();
    assert_eq!(
        servers,
        mixed_payload(),
        "the extension server is not one of ours"
    );
}

#[test]
fn comment_only_jsonc_file_gets_an_object_after_its_comment() {
    let out = merged("vscode", Some("// nothing yet\n"), &stdio_payload());
    assert!(out.starts_with("// nothing yet\n{"), "{out}");
    assert_eq!(
        read_servers(client("vscode").unwrap(), &out).unwrap(),
        stdio_payload()
    );
}

#[test]
fn null_servers_value_is_replaced_and_duplicates_collapse() {
    let out = merged(
        "cursor",
        Some("{\"mcpServers\": null, \"x\": 1}"),
        &stdio_payload(),
    );
    assert_eq!(
        read_servers(client("cursor").unwrap(), &out).unwrap(),
        stdio_payload()
    );
    let dup = "{\"mcpServers\": {\"fs\": {\"command\": \"a\"}, \"fs\": {\"command\": \"b\"}}}";
    let out = merged("cursor", Some(dup), &stdio_payload());
    assert_eq!(out.matches("\"fs\"").count(), 1, "{out}");
}

#[test]
fn toml_keeps_comments_and_other_tables() {
    let out = merged("codex", Some(fixture("codex")), &mixed_payload());
    assert!(
        out.starts_with("# Codex settings\nmodel = \"o3\"  # favourite\n"),
        "{out}"
    );
    assert!(
        out.contains("[profiles.fast]\nmodel = \"o4-mini\"\n"),
        "{out}"
    );
    assert!(
        out.contains("[mcp_servers.api]\nurl = \"https://mcp.example.com/mcp\"\n"),
        "{out}"
    );
    assert!(!out.contains("old-server"), "{out}");
    assert_eq!(
        read_servers(client("codex").unwrap(), &out).unwrap(),
        mixed_payload()
    );
}

#[test]
fn toml_changed_entry_keeps_its_place_and_comment() {
    let existing = "[mcp_servers.fs]\ncommand = \"old\"\n\n# production only\n[mcp_servers.github]\ncommand = \"older\"\n\n[tui]\nnotifications = true\n";
    let out = merged("codex", Some(existing), &stdio_payload());
    let github = out
        .find("# production only\n[mcp_servers.github]\ncommand = \"docker\"")
        .expect(&out);
    assert!(
        out.find("[mcp_servers.fs]").unwrap() < github && github < out.find("[tui]").unwrap(),
        "{out}"
    );
}

#[test]
fn toml_inline_servers_table_is_rewritten_as_tables() {
    let out = merged(
        "codex",
        Some("mcp_servers = { old = { command = \"x\" } }\nmodel = \"o3\"\n"),
        &stdio_payload(),
    );
    assert_eq!(
        read_servers(client("codex").unwrap(), &out).unwrap(),
        stdio_payload()
    );
    assert!(out.contains("model = \"o3\""), "{out}");
}

#[test]
fn yaml_comments_and_other_keys_survive_in_goose() {
    let out = merged("goose", Some(fixture("goose")), &mixed_payload());
    assert!(
        out.starts_with("# goose\nGOOSE_PROVIDER: anthropic\nextensions:\n"),
        "{out}"
    );
    assert!(out.ends_with("GOOSE_MODEL: claude # the model\n"), "{out}");
    assert!(!out.contains("old-server"), "{out}");
    let root: serde_yaml_ng::Value = serde_yaml_ng::from_str(&out).unwrap();
    assert_eq!(
        root["extensions"]["developer"]["type"], "builtin",
        "built-in extensions stay"
    );
    assert_eq!(root["extensions"]["fs"]["cmd"], "npx");
    assert_eq!(
        read_servers(client("goose").unwrap(), &out).unwrap(),
        mixed_payload()
    );
}

#[test]
fn yaml_list_block_replaced_in_continue() {
    let out = merged("continue", Some(fixture("continue")), &stdio_payload());
    assert!(out.starts_with("# Continue config\nname: My Assistant\nversion: 1.0.0\nschema: v1\nmcpServers:\n  - name: fs\n"), "{out}");
    assert!(
        out.ends_with("\n\n# models I use\nmodels:\n  - name: gpt\n    provider: openai\n"),
        "{out}"
    );
    assert_eq!(
        read_servers(client("continue").unwrap(), &out).unwrap(),
        stdio_payload()
    );
}

#[test]
fn yaml_block_is_appended_when_absent() {
    let existing = "name: x\nversion: 1.0.0\nschema: v1\nmodels: [] # none";
    let out = merged("continue", Some(existing), &stdio_payload());
    assert!(
        out.starts_with("name: x\nversion: 1.0.0\nschema: v1\nmodels: [] # none\nmcpServers:\n"),
        "{out}"
    );
}

#[test]
fn yaml_block_found_when_quoted_commented_or_last() {
    let p = stdio_payload();
    for existing in [
        "\"mcpServers\": # managed elsewhere\n  - name: old\n    command: old-server\nmodels: []\n",
        "models: []\nmcpServers:\n- name: old\n  # a note inside the block\n  command: old-server",
        "---\nmcpServers:\n- name: old\n  command: old-server\n...\n",
    ] {
        let out = merged("continue", Some(existing), &p);
        assert!(!out.contains("old-server"), "{out}");
        assert_eq!(
            read_servers(client("continue").unwrap(), &out).unwrap(),
            p,
            "{out}"
        );
    }
}

#[test]
fn yaml_block_left_byte_for_byte_when_it_already_matches() {
    let existing = "# mine\nmcpServers:\n  - {name: fs, command: npx, args: [\"-y\", \"@modelcontextprotocol/server-filesystem\", /tmp]}\n";
    let p = payload(
        json!({"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}}),
    );
    assert_eq!(merged("continue", Some(existing), &p), existing);
}

#[test]
fn yaml_that_cannot_be_spliced_safely_is_refused() {
    // A flow-style root has no `mcpServers:` line to replace.
    let err = refused("continue", "{name: x, mcpServers: []}\n");
    assert_eq!((err.code.as_str(), err.status()), ("CONFIG_CONFLICT", 409));
    assert!(err.detail.contains("left untouched"), "{}", err.detail);
    // An anchor defined in the block and used elsewhere would dangle.
    let err = refused(
        "goose",
        "extensions:\n  old: &base\n    type: stdio\n    cmd: x\nbackup: *base\n",
    );
    assert_eq!(err.code, "CONFIG_CONFLICT");
}

#[test]
fn unparseable_files_are_refused_with_the_line() {
    for (id, text, format) in [
        (
            "claude-desktop",
            "{\n  \"mcpServers\": {\n    \"a\": {,}\n",
            "JSON",
        ),
        ("vscode", "{\n  \"servers\": {}\n  \"inputs\": [\n", "JSONC"),
        ("codex", "model = \"o3\"\n[mcp_servers\n", "TOML"),
        ("goose", "extensions:\n  a: [\n", "YAML"),
    ] {
        let err = refused(id, text);
        assert_eq!(
            (err.code.as_str(), err.status()),
            ("CONFIG_UNPARSEABLE", 409),
            "{id}"
        );
        let name = client(id).unwrap().display_name();
        assert!(
            err.detail.contains(name) && err.detail.contains(format),
            "{}",
            err.detail
        );
        assert!(err.detail.contains("line"), "{}", err.detail);
        assert_eq!(
            read_servers(client(id).unwrap(), text).unwrap_err().code,
            "CONFIG_UNPARSEABLE"
        );
    }
    let err = refused("goose", "extensions: {}\nextensions: {}\n");
    assert_eq!(err.code, "CONFIG_UNPARSEABLE");
    assert!(err.detail.contains("duplicate entry"), "{}", err.detail);
}

#[test]
fn a_root_that_is_not_a_map_is_refused() {
    for (id, text) in [
        ("cursor", "[1, 2]"),
        ("zed", "\"settings\""),
        ("goose", "- a\n- b\n"),
        ("continue", "just text\n"),
    ] {
        let err = refused(id, text);
        assert_eq!(err.code, "CONFIG_UNPARSEABLE", "{id}");
        assert!(err.detail.contains("top level"), "{}", err.detail);
    }
}

#[test]
fn a_servers_key_of_the_wrong_type_is_a_conflict() {
    for (id, text, found) in [
        ("cursor", "{\"mcpServers\": [\"fs\"]}", "a list"),
        ("vscode", "{\"servers\": \"none\"}", "a string"),
        (
            "continue",
            "mcpServers:\n  fs: {command: npx}\n",
            "an object",
        ),
        ("goose", "extensions: 3\n", "a number"),
        ("codex", "mcp_servers = 3\n", "integer"),
        (
            "cursor",
            "{\"mcpServers\": {}, \"mcpServers\": {}}",
            "appears twice",
        ),
    ] {
        let err = refused(id, text);
        assert_eq!(
            (err.code.as_str(), err.status()),
            ("CONFIG_CONFLICT", 409),
            "{id}"
        );
        assert!(
            err.detail.contains(found) && err.detail.contains(client(id).unwrap().servers_key()),
            "{}",
            err.detail
        );
    }
}

#[test]
fn crlf_files_stay_crlf() {
    for (id, text) in [
        (
            "claude-desktop",
            "{\r\n  \"globalShortcut\": \"\",\r\n  \"mcpServers\": {}\r\n}\r\n",
        ),
        (
            "codex",
            "model = \"o3\"\r\n\r\n[mcp_servers.old]\r\ncommand = \"x\"\r\n",
        ),
        (
            "goose",
            "GOOSE_MODEL: x\r\nextensions:\r\n  old:\r\n    cmd: x\r\n    type: stdio\r\nGOOSE_PROVIDER: y\r\n",
        ),
    ] {
        let out = merged(id, Some(text), &stdio_payload());
        assert_eq!(
            out.matches('\n').count(),
            out.matches("\r\n").count(),
            "{id}: {out:?}"
        );
        assert_eq!(
            read_servers(client(id).unwrap(), &out).unwrap(),
            stdio_payload(),
            "{id}"
        );
    }
}

#[test]
fn a_byte_order_mark_is_kept() {
    let out = merged(
        "claude-desktop",
        Some("\u{feff}{\"globalShortcut\": \"\"}\n"),
        &stdio_payload(),
    );
    assert!(out.starts_with("\u{feff}{"), "{out:?}");
    assert_eq!(
        read_servers(client("claude-desktop").unwrap(), &out).unwrap(),
        stdio_payload()
    );
}

#[test]
fn reading_a_file_without_servers_gives_an_empty_payload() {
    for (id, text) in [
        ("cursor", "{\"x\": 1}"),
        ("cursor", "  "),
        ("codex", "model = \"o3\""),
        ("goose", "# nothing\n"),
        ("continue", "mcpServers:\n"),
    ] {
        assert!(
            read_servers(client(id).unwrap(), text).unwrap().is_empty(),
            "{id}: {text:?}"
        );
    }
}

#[test]
fn merge_is_idempotent_and_reads_back_for_every_client() {
    for c in clients() {
        let id = c.client_id();
        for existing in [None, Some(fixture(id))] {
            let once = merged(id, existing, &mixed_payload());
            let twice = merged(id, Some(&once), &mixed_payload());
            assert_eq!(once, twice, "{id}");
            assert_eq!(
                read_servers(c, &once).unwrap(),
                read_servers(c, &twice).unwrap(),
                "{id}"
            );
            assert_eq!(read_servers(c, &once).unwrap(), mixed_payload(), "{id}");
        }
    }
}

#[test]
fn an_empty_payload_empties_the_block_but_keeps_the_rest() {
    for c in clients() {
        let out = merge_ours(c, Some(fixture(c.client_id())), &Payload::default()).unwrap();
        assert!(
            read_servers(c, &out).unwrap().is_empty(),
            "{}",
            c.client_id()
        );
        assert!(!out.contains("old-server"), "{}: {out}", c.client_id());
    }
}

/// Any text at all, control characters and line separators included.
fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..40).prop_map(String::from_iter)
}

fn arb_stdio_payload() -> impl Strategy<Value = Payload> {
    let name = "[a-zA-Z0-9][a-zA-Z0-9._-]{0,12}";
    // Env values without `$`: in a client with a reference syntax (`$NAME`, `${NAME}`,
    // `${env:NAME}`, `${input:NAME}`) a value ending in one is that client's reference to a
    // secret, and reads back as one (`render::setting_of`); those are tested in secret.rs and
    // team_catalog.rs.
    let text = arb_text().prop_map(|t| t.replace('$', ""));
    let entry = (
        "[a-z][a-z0-9/._-]{0,16}",
        prop::collection::vec(arb_text(), 0..4),
        prop::collection::btree_map("[A-Z_][A-Z0-9_]{0,8}", text, 0..3),
    )
        .prop_map(|(command, args, env)| {
            let mut e = json!({"command": command, "args": args});
            if !env.is_empty() {
                e["env"] = json!(env);
            }
            e
        });
    prop::collection::btree_map(name, entry, 0..4).prop_map(|servers| Payload {
        servers: servers.into_iter().collect(),
    })
}

#[test]
fn a_file_whose_only_line_ends_in_a_bare_cr_settles_at_once() {
    // Found by `config_like_text_never_panics`: the first merge adds a CRLF line, and the second
    // merge must not then turn the rest to CRLF.
    for id in ["continue", "claude-desktop", "codex"] {
        let c = client(id).unwrap();
        let once = merge_ours(c, Some("#\r"), &stdio_payload()).unwrap_or_default();
        if once.is_empty() {
            continue;
        }
        assert_eq!(
            merge_ours(c, Some(&once), &stdio_payload()).unwrap(),
            once,
            "{id}"
        );
    }
}

/// The entries of the servers block of `text`, by name, as the file holds them.
fn block_entries(c: &Client, text: &str) -> BTreeMap<String, Value> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let block = match c.config_format() {
        Format::Json | Format::Jsonc => json::servers(c, text),
        Format::Toml => toml::servers(c, text),
        Format::Yaml => yaml::servers(c, text),
    }
    .unwrap()
    .unwrap_or(Value::Null);
    plan::entries(c, &block)
        .into_iter()
        .map(|(n, e)| (n.to_owned(), e.clone()))
        .collect()
}

/// If a merge (adopting) into arbitrary `text` succeeds, the file holds every entry as
/// rendered, and deploying the same payload again changes nothing.
fn settles(c: &Client, text: &str) -> std::result::Result<(), TestCaseError> {
    let p = stdio_payload();
    let Ok(once) = merge(c, Some(text), &p, &ours(), true) else {
        return Ok(());
    };
    let held = block_entries(c, &once.text);
    for (name, entry) in plan::entries(c, &render::servers_block(c, &p).unwrap()) {
        prop_assert_eq!(held.get(name), Some(entry), "{}", &once.text);
    }
    let twice = merge(c, Some(&once.text), &p, &names(&p), false).unwrap();
    prop_assert_eq!(&twice.text, &once.text);
    prop_assert_eq!(
        twice.changes.unchanged,
        names(&p).into_iter().collect::<Vec<_>>()
    );
    Ok(())
}

proptest! {
    #[test]
    fn stdio_payloads_read_back_exactly(p in arb_stdio_payload(), client_index in 0usize..13, from_fixture: bool) {
        let c = &clients()[client_index % clients().len()];
        let existing = from_fixture.then(|| fixture(c.client_id()));
        let out = merge_ours(c, existing, &p).unwrap();
        prop_assert_eq!(read_servers(c, &out).unwrap(), p.clone());
        prop_assert_eq!(merge_ours(c, Some(&out), &p).unwrap(), out);
    }

    #[test]
    fn arbitrary_existing_text_never_panics(text in prop::collection::vec(any::<char>(), 0..300).prop_map(String::from_iter), client_index in 0usize..13) {
        let c = &clients()[client_index % clients().len()];
        settles(c, &text)?;
        let _ = read_servers(c, &text);
    }

    #[test]
    fn config_like_text_never_panics(text in "[{}\\[\\]\":,a-z0-9 \\n\\r\\t/*#'-]{0,120}", client_index in 0usize..13) {
        let c = &clients()[client_index % clients().len()];
        let key = c.servers_key();
        for existing in [text.clone(), format!("{{\"{key}\": {text}"), format!("{key}:\n{text}"), format!("[{key}]\n{text}")] {
            settles(c, &existing)?;
            let _ = read_servers(c, &existing);
        }
    }
}

#[test]
fn deeply_nested_files_are_refused_quickly() {
    let depth = 100_000;
    let started = std::time::Instant::now();
    for (id, text) in [
        ("cursor", format!("{{\"mcpServers\": {}", "[".repeat(depth))),
        (
            "vscode",
            format!("{}{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
        ),
        ("codex", format!("x = {}", "[".repeat(depth))),
        ("codex", format!("x = {}", "{a = ".repeat(depth))),
        ("goose", format!("extensions: {}", "[".repeat(depth))),
        ("goose", "- ".repeat(depth)),
    ] {
        let t = std::time::Instant::now();
        let err = merge_ours(client(id).unwrap(), Some(&text), &stdio_payload()).unwrap_err();
        println!(
            "{id} {:?} {}",
            t.elapsed(),
            err.detail.chars().take(200).collect::<String>()
        );
        assert_eq!(err.code, "CONFIG_UNPARSEABLE", "{id}");
    }
    // Unguarded, libyaml alone spends over a minute on the flow-nested YAML.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

mod ownership;
