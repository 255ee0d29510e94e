//! `diff A B`: `ops::configs::diff` on two configs of a profile, each read from the store (the
//! draft, an artifact) or from a JSON file.

use std::process::ExitCode;

use mcp_orchestration_core::artifact::is_artifact_id;
use mcp_orchestration_core::diff::{Diff, Status};
use mcp_orchestration_core::ops::artifacts::{self, ArtifactRef};
use mcp_orchestration_core::ops::configs::{self, Compare};
use mcp_orchestration_core::ops::drafts;
use mcp_orchestration_core::{Code, Error, Ports, Result, Store};
use serde_json::{Value, json};

use super::{profile_ref, run_op};
use crate::cli::Scope;

/// `diff`: how `a` stands relative to `b` (servers only in `b` are added).
pub(super) fn diff(a: &str, b: &str, scope: Scope) -> ExitCode {
    run_op(
        scope.output,
        |local| {
            local.read(|s, p| {
                let input = Compare {
                    config1: config(s, p, &scope, a)?,
                    config2: config(s, p, &scope, b)?,
                };
                configs::diff(s, p, input)
            })
        },
        |diff, _| summary(diff),
    )
}

/// The config `which` names: `draft`, `latest`, `deployed`, an artifact id, or a JSON file.
fn config(store: &mut dyn Store, ports: &Ports<'_>, scope: &Scope, which: &str) -> Result<Value> {
    let profile = profile_ref(scope);
    match which {
        "draft" => {
            let draft = drafts::view(store, ports, profile)?;
            Ok(json!({ "mcpServers": draft.servers }))
        }
        "latest" => Ok(artifacts::latest(store, ports, profile)?.payload),
        "deployed" => Ok(artifacts::deployed(store, ports, profile)?.artifact.payload),
        id if is_artifact_id(id) => {
            let artifact_id = id.to_owned();
            Ok(artifacts::get(store, ports, ArtifactRef { artifact_id })?.payload)
        }
        path => read_json(path),
    }
}

/// The JSON in the file at `path`.
fn read_json(path: &str) -> Result<Value> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            Code::FileRead,
            format!("Could not read {path} (not draft, latest, deployed or an artifact id): {e}"),
        )
    })?;
    serde_json::from_str(&text)
        .map_err(|e| Error::new(Code::InvalidJson, format!("Invalid JSON in {path}: {e}")))
}

/// The diff as text: one line per change, then the totals.
fn summary(diff: &Diff) -> String {
    if diff.status == Status::UpToDate {
        return "No differences.\n".to_owned();
    }
    format!(
        "{}{} added, {} removed, {} modified, {} unchanged\n",
        diff.diff,
        diff.added.len(),
        diff.removed.len(),
        diff.modified.len(),
        diff.unchanged.len()
    )
}
