//! `publish`, `deploy` and `history`: `ops::artifacts`.

use std::process::ExitCode;

use mcp_orchestration_core::config_file::Changes;
use mcp_orchestration_core::ops::artifacts::{self, Deploy, History, Publish};
use serde_json::Value;

use super::output::{issues, table};
use super::{profile_ref, run_op};
use crate::cli::Scope;

/// `publish`: validates, signs and stores the draft as the profile's latest artifact.
pub(super) fn publish(changelog: Option<String>, scope: Scope) -> ExitCode {
    let input = Publish {
        client_id: scope.client_id,
        profile_id: scope.profile_id,
        changelog,
    };
    run_op(
        scope.output,
        |local| local.write(|s, p| artifacts::publish(s, p, input)),
        |published, _| {
            format!(
                "{}\nArtifact: {}\n{}",
                published.message,
                published.artifact_id,
                issues("warning", &published.warnings)
            )
        },
    )
}

/// `deploy`: writes an artifact into the client's config file (or, on a dry run, says what it
/// would change).
pub(super) fn deploy(
    artifact_id: Option<String>,
    adopt: bool,
    dry_run: bool,
    scope: Scope,
) -> ExitCode {
    let input = Deploy {
        client_id: scope.client_id,
        profile_id: scope.profile_id,
        artifact_id,
        adopt,
        dry_run,
    };
    run_op(
        scope.output,
        |local| local.write(|s, p| artifacts::deploy(s, p, input)),
        |deployed, _| {
            let backup = deployed
                .backup_path
                .as_ref()
                .map_or_else(String::new, |b| format!("Backup: {b}\n"));
            format!(
                "{}\nArtifact: {}\n{backup}{}",
                deployed.message,
                deployed.artifact_id,
                entry_lines(&deployed.changes)
            )
        },
    )
}

/// One line per non-empty list of entries, e.g. `Left alone: mine, theirs`.
fn entry_lines(changes: &Changes) -> String {
    [
        ("Added", &changes.added),
        ("Updated", &changes.updated),
        ("Removed", &changes.removed),
        ("Left alone", &changes.left_alone),
    ]
    .into_iter()
    .filter(|(_, names)| !names.is_empty())
    .map(|(what, names)| format!("{what}: {}\n", names.join(", ")))
    .collect()
}

/// `history`: the artifacts published for the profile, newest first.
pub(super) fn history(scope: Scope) -> ExitCode {
    let profile = profile_ref(&scope);
    run_op(
        scope.output,
        |local| local.read(|s, p| artifacts::history(s, p, profile)),
        |history, _| history_table(history),
    )
}

/// The history as a table: id, time, size, who published it and the changelog.
fn history_table(history: &History) -> String {
    if history.artifacts.is_empty() {
        return format!(
            "Nothing has been published for {}/{} yet.\n",
            history.client_id, history.profile_id
        );
    }
    table(
        ["ARTIFACT ID", "PUBLISHED", "SERVERS", "BY", "CHANGELOG"],
        history.artifacts.iter().map(|a| {
            let meta = |key: &str| match a.metadata.get(key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => "-".to_owned(),
                Some(other) => other.to_string(),
            };
            [
                a.artifact_id.clone(),
                a.created_at.to_rfc3339(),
                meta("server_count"),
                meta("published_by"),
                meta("changelog"),
            ]
        }),
    )
}
