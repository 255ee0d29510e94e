//! Ownership: a merge adds, updates and removes only the entries it owns, per client format.

use serde_json::json;

use super::*;

/// A client file holding an entry added by hand (`mine`), entries in the client's own shape
/// (another tool's, an extension's, a hub block's), an entry an earlier deploy wrote (`old`),
/// other settings and comments.
struct Case {
    id: &'static str,
    file: &'static str,
    /// Text of entries mcp-orchestration does not own, which every deploy keeps byte for byte.
    kept: &'static [&'static str],
    /// The named entries it does not own.
    left_alone: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        id: "claude-desktop",
        file: r#"{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "mine": {
      "command": "node",
      "args": ["/opt/mine.js"],
      "env": {"DEBUG": "1"}
    },
    "old": {"command": "old-server", "args": []},
    "time": {"command":"uvx","args":["mcp-server-time","--local-timezone=Europe/Paris"]}
  },
  "theme": {"dark": true}
}
"#,
        kept: &[
            "    \"mine\": {\n      \"command\": \"node\",\n      \"args\": [\"/opt/mine.js\"],\n      \"env\": {\"DEBUG\": \"1\"}\n    }",
            "\"time\": {\"command\":\"uvx\",\"args\":[\"mcp-server-time\",\"--local-timezone=Europe/Paris\"]}",
            "  \"theme\": {\"dark\": true}\n}\n",
        ],
        left_alone: &["mine", "time"],
    },
    Case {
        id: "vscode",
        file: "// User MCP servers\n{\n\t\"servers\": {\n\t\t// my own server, keep it\n\t\t\"mine\": {\"type\": \"stdio\", \"command\": \"node\", \"args\": [\"/opt/mine.js\"]}, // by hand\n\t\t\"old\": {\"type\": \"stdio\", \"command\": \"old-server\"},\n\t\t/* installed from the gallery */\n\t\t\"gh-copilot\": {\n\t\t\t\"type\": \"http\",\n\t\t\t\"url\": \"https://api.githubcopilot.com/mcp/\",\n\t\t\t\"gallery\": \"https://api.mcp.github.com\",\n\t\t\t\"version\": \"0.13.0\"\n\t\t},\n\t},\n\t\"inputs\": [{\"id\": \"key\", \"type\": \"promptString\"}],\n}\n",
        kept: &[
            "\t\t// my own server, keep it\n\t\t\"mine\": {\"type\": \"stdio\", \"command\": \"node\", \"args\": [\"/opt/mine.js\"]}, // by hand\n",
            "\t\t/* installed from the gallery */\n\t\t\"gh-copilot\": {\n\t\t\t\"type\": \"http\",\n\t\t\t\"url\": \"https://api.githubcopilot.com/mcp/\",\n\t\t\t\"gallery\": \"https://api.mcp.github.com\",\n\t\t\t\"version\": \"0.13.0\"\n\t\t}",
            "\t\"inputs\": [{\"id\": \"key\", \"type\": \"promptString\"}],\n}\n",
        ],
        left_alone: &["gh-copilot", "mine"],
    },
    Case {
        id: "zed",
        file: "// Zed settings\n{\n  \"theme\": \"One Dark\", // dark\n  \"context_servers\": {\n    \"postgres-ext\": {\"source\": \"extension\", \"settings\": {\"url\": \"pg://x\"}},\n    // added by hand\n    \"mine\": {\"source\": \"custom\", \"command\": \"node\", \"args\": [\"/opt/mine.js\"], \"env\": {}},\n    \"old\": {\"source\": \"custom\", \"command\": \"old\", \"args\": []},\n  },\n  \"vim_mode\": true,\n}\n",
        kept: &[
            "\"postgres-ext\": {\"source\": \"extension\", \"settings\": {\"url\": \"pg://x\"}},\n",
            "    // added by hand\n    \"mine\": {\"source\": \"custom\", \"command\": \"node\", \"args\": [\"/opt/mine.js\"], \"env\": {}},\n",
            "  \"vim_mode\": true,\n}\n",
        ],
        left_alone: &["mine", "postgres-ext"],
    },
    Case {
        id: "continue",
        file: "# Continue config\nname: My Assistant\nversion: 1.0.0\nschema: v1\nmcpServers:\n  # from the hub\n  - uses: anthropic/memory-mcp\n  # mine, by hand\n  - name: mine\n    command: node\n    args: [/opt/mine.js]   # flow args\n  - name: old\n    command: old-server\n\n# models I use\nmodels:\n  - name: gpt\n    provider: openai\n",
        kept: &[
            "mcpServers:\n  # from the hub\n  - uses: anthropic/memory-mcp\n",
            "  # mine, by hand\n  - name: mine\n    command: node\n    args: [/opt/mine.js]   # flow args\n",
            "\n# models I use\nmodels:\n  - name: gpt\n    provider: openai\n",
        ],
        left_alone: &["mine"],
    },
    Case {
        id: "goose",
        file: "# goose\nGOOSE_PROVIDER: anthropic\nextensions:\n  developer:\n    bundled: true\n    display_name: Developer\n    enabled: true\n    name: developer\n    timeout: 300\n    type: builtin\n  # fetch pages\n  fetch:\n    args:\n    - mcp-server-fetch\n    bundled: null\n    cmd: uvx\n    description: null\n    enabled: true\n    env_keys: []\n    envs: {}\n    name: fetch\n    timeout: 300\n    type: stdio\n  mine: {type: stdio, cmd: node, args: [/opt/mine.js], enabled: true}  # by hand\n  old:\n    cmd: old-server\n    enabled: true\n    name: old\n    type: stdio\nGOOSE_MODEL: claude # the model\n",
        kept: &[
            "extensions:\n  developer:\n    bundled: true\n    display_name: Developer\n    enabled: true\n    name: developer\n    timeout: 300\n    type: builtin\n",
            "  # fetch pages\n  fetch:\n    args:\n    - mcp-server-fetch\n    bundled: null\n    cmd: uvx\n    description: null\n    enabled: true\n    env_keys: []\n    envs: {}\n    name: fetch\n    timeout: 300\n    type: stdio\n",
            "  mine: {type: stdio, cmd: node, args: [/opt/mine.js], enabled: true}  # by hand\n",
            "GOOSE_MODEL: claude # the model\n",
        ],
        left_alone: &["developer", "fetch", "mine"],
    },
    Case {
        id: "codex",
        file: "# Codex settings\nmodel = \"o3\"  # favourite\n\n# by hand\n[mcp_servers.mine]\ncommand = \"node\"\nargs = [\"/opt/mine.js\"]\n\n[mcp_servers.mine.env]\nDEBUG = \"1\"\n\n[mcp_servers.old]\ncommand = \"old-server\"\n\n[mcp_servers.docs]  # added with `codex mcp add`\nurl = \"https://developers.openai.com/mcp\"\n\n[profiles.fast]\nmodel = \"o4-mini\"\n",
        kept: &[
            "# by hand\n[mcp_servers.mine]\ncommand = \"node\"\nargs = [\"/opt/mine.js\"]\n\n[mcp_servers.mine.env]\nDEBUG = \"1\"\n",
            "[mcp_servers.docs]  # added with `codex mcp add`\nurl = \"https://developers.openai.com/mcp\"\n",
            "[profiles.fast]\nmodel = \"o4-mini\"\n",
        ],
        left_alone: &["docs", "mine"],
    },
];

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn list(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

/// Asserts `text` holds every kept snippet of `case`, and the entries left alone as before.
fn keeps_the_unowned(case: &Case, text: &str) {
    for snippet in case.kept {
        assert!(
            text.contains(snippet),
            "{}: lost {snippet:?} in\n{text}",
            case.id
        );
    }
    let (before, after) = (
        block_entries(client(case.id).unwrap(), case.file),
        block_entries(client(case.id).unwrap(), text),
    );
    for name in case.left_alone {
        assert_eq!(after.get(*name), before.get(*name), "{}: {name}", case.id);
    }
}

#[test]
fn a_deploy_leaves_entries_it_does_not_own_as_they_are() {
    for case in CASES {
        let c = client(case.id).unwrap();
        let out = merge(c, Some(case.file), &stdio_payload(), &set(&["old"]), false).unwrap();
        assert_eq!(
            out.changes,
            Changes {
                added: list(&["fs", "github"]),
                removed: list(&["old"]),
                left_alone: list(case.left_alone),
                ..Changes::default()
            },
            "{}",
            case.id
        );
        keeps_the_unowned(case, &out.text);
        let entries = block_entries(c, &out.text);
        assert!(!entries.contains_key("old"), "{}: {}", case.id, out.text);
        for (name, entry) in plan::entries(c, &render::servers_block(c, &stdio_payload()).unwrap())
        {
            assert_eq!(entries.get(name), Some(entry), "{}: {}", case.id, out.text);
        }
    }
}

#[test]
fn a_smaller_redeploy_removes_only_owned_entries() {
    let smaller = payload(
        json!({"fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}}),
    );
    for case in CASES {
        let c = client(case.id).unwrap();
        let first = merge(c, Some(case.file), &stdio_payload(), &set(&["old"]), false).unwrap();
        let second = merge(
            c,
            Some(&first.text),
            &smaller,
            &names(&stdio_payload()),
            false,
        )
        .unwrap();
        assert_eq!(
            second.changes,
            Changes {
                removed: list(&["github"]),
                unchanged: list(&["fs"]),
                left_alone: list(case.left_alone),
                ..Changes::default()
            },
            "{}",
            case.id
        );
        keeps_the_unowned(case, &second.text);
        let entries = block_entries(c, &second.text);
        assert!(
            !entries.contains_key("github") && entries.contains_key("fs"),
            "{}",
            case.id
        );
    }
}

#[test]
fn a_name_clash_is_a_conflict_until_adopted() {
    let clash = payload(json!({
        "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]},
        "mine": {"command": "other", "args": ["--flag"]},
    }));
    for case in CASES {
        let c = client(case.id).unwrap();
        let err = merge(c, Some(case.file), &clash, &set(&["old"]), false).unwrap_err();
        assert_eq!(
            (err.code, err.status()),
            (Code::EntryConflict, 409),
            "{}",
            case.id
        );
        assert_eq!(err.fields["conflicts"], json!(["mine"]), "{}", case.id);
        assert!(
            err.detail.contains("'mine'") && err.detail.contains("\"adopt\": true"),
            "{}",
            err.detail
        );
        let adopted = merge(c, Some(case.file), &clash, &set(&["old"]), true).unwrap();
        assert_eq!(adopted.changes.updated, list(&["mine"]), "{}", case.id);
        assert_eq!(adopted.changes.added, list(&["fs"]), "{}", case.id);
        let rendered = render::servers_block(c, &clash).unwrap();
        let want = plan::entries(c, &rendered)
            .into_iter()
            .find(|(n, _)| *n == "mine")
            .map(|(_, e)| e.clone());
        assert_eq!(
            block_entries(c, &adopted.text).get("mine"),
            want.as_ref(),
            "{}",
            case.id
        );
        for name in case.left_alone.iter().filter(|n| **n != "mine") {
            assert_eq!(
                block_entries(c, &adopted.text).get(*name),
                block_entries(c, case.file).get(*name),
                "{}: {name}",
                case.id
            );
        }
    }
}

#[test]
fn an_unowned_entry_already_as_it_would_be_written_is_taken_over_quietly() {
    // What a retried deploy finds when the first attempt wrote the file but not its record.
    let p = payload(
        json!({"mine": {"command": "node", "args": ["/opt/mine.js"], "env": {"DEBUG": "1"}}}),
    );
    for id in ["claude-desktop", "codex"] {
        let file = CASES.iter().find(|c| c.id == id).unwrap().file;
        let out = merge(client(id).unwrap(), Some(file), &p, &BTreeSet::new(), false).unwrap();
        assert_eq!(out.text, file, "{id}");
        assert_eq!(out.changes.unchanged, list(&["mine"]), "{id}");
    }
}

#[test]
fn the_clients_own_entries_are_never_taken_over() {
    for (id, name) in [("zed", "postgres-ext"), ("goose", "developer")] {
        let case = CASES.iter().find(|c| c.id == id).unwrap();
        let p = payload(json!({ name: {"command": "npx", "args": []} }));
        for adopt in [false, true] {
            let err = merge(
                client(id).unwrap(),
                Some(case.file),
                &p,
                &set(&[name]),
                adopt,
            )
            .unwrap_err();
            assert_eq!(err.code, Code::EntryConflict, "{id}");
            assert_eq!(err.fields["conflicts"], json!([name]), "{id}");
            assert!(
                err.detail.contains("cannot be taken over"),
                "{}",
                err.detail
            );
        }
        // Owned or not, a deploy without it leaves it alone.
        let out = merge(
            client(id).unwrap(),
            Some(case.file),
            &stdio_payload(),
            &set(&[name]),
            false,
        )
        .unwrap();
        assert!(out.changes.left_alone.contains(&name.to_owned()), "{id}");
        keeps_the_unowned(case, &out.text);
    }
}

#[test]
fn a_new_file_reports_every_entry_added() {
    for c in clients() {
        let out = merge(c, None, &stdio_payload(), &BTreeSet::new(), false).unwrap();
        assert_eq!(
            out.changes.added,
            list(&["fs", "github"]),
            "{}",
            c.client_id()
        );
    }
}

#[test]
fn yaml_flow_blocks_are_rewritten_whole_and_keep_unowned_entries() {
    let existing = "extensions: {mine: {type: stdio, cmd: node, args: []}, old: {type: stdio, cmd: x}}\nGOOSE_MODEL: m\n";
    let out = merge(
        client("goose").unwrap(),
        Some(existing),
        &stdio_payload(),
        &set(&["old"]),
        false,
    )
    .unwrap();
    let entries = block_entries(client("goose").unwrap(), &out.text);
    assert_eq!(
        entries["mine"],
        json!({"type": "stdio", "cmd": "node", "args": []})
    );
    assert!(!entries.contains_key("old"), "{}", out.text);
    assert!(out.text.ends_with("GOOSE_MODEL: m\n"), "{}", out.text);
}
