//! `sync` and `status`: pull the deployed artifact from a server and apply it here
//! (`ops::sync::apply`), or compare the client file with it (`ops::sync::status`). The
//! network and the pin file are this host's; every rule is the core's.

use std::fmt;
use std::process::ExitCode;
use std::time::Duration;

use mcp_orchestration_core::artifact::Artifact;
use mcp_orchestration_core::diff::Status;
use mcp_orchestration_core::ops::keys::KeyEntry;
use mcp_orchestration_core::ops::sync::{self, Applied, Apply};
use mcp_orchestration_core::{Code, Error};

use super::Local;
use crate::cli::{Remote, StatusArgs, SyncArgs};
use crate::home::Home;
use crate::pins;
use crate::remote::{Failure, Server};

/// The environment variable a token may come from.
pub const TOKEN_VAR: &str = "MCP_ORCHESTRATION_TOKEN";
/// The longest wait between polls while the server is down.
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// Who applies pulled artifacts, as the local store records it.
const ACTOR: &str = "sync";

/// Why a sync failed: the server, or a rule of the core (a refused artifact, a file that
/// cannot be merged).
enum Problem {
    Remote(Failure),
    Local(Error),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Remote(failure) => write!(f, "{failure}"),
            Self::Local(err) if is_refusal(err.code) => {
                write!(f, "artifact refused: {} ({})", err.detail, err.code)
            }
            Self::Local(err) => write!(f, "{err}"),
        }
    }
}

impl From<Failure> for Problem {
    fn from(f: Failure) -> Self {
        Self::Remote(f)
    }
}

impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        Self::Local(e)
    }
}

/// Whether `code` says the artifact itself was not to be trusted.
fn is_refusal(code: Code) -> bool {
    matches!(
        code,
        Code::ArtifactTampered
            | Code::SignatureInvalid
            | Code::KeyNotPinned
            | Code::InvalidPublicKey
    )
}

/// The token: `--token`, else `$MCP_ORCHESTRATION_TOKEN`.
fn token(remote: &Remote) -> Option<String> {
    remote
        .token
        .clone()
        .or_else(|| std::env::var(TOKEN_VAR).ok())
}

/// `sync`: once, or with `--watch` until stopped. Exit 1 on an error (with `--watch`: only when
/// the server refuses the credentials, 401 or 403).
pub fn run(args: SyncArgs) -> ExitCode {
    let server = Server::new(&args.server, token(&args.remote));
    let home = match Home::from_env() {
        Ok(home) => home,
        Err(e) => return fail(&Problem::Local(e)),
    };
    if !args.watch {
        return match once(&args, &server, &home, None) {
            Ok(_) => ExitCode::SUCCESS,
            Err(p) => fail(&p),
        };
    }
    let mut known: Option<String> = None;
    let mut wait = args.interval;
    loop {
        match once(&args, &server, &home, known.as_deref()) {
            Ok(id) => {
                known = id.or(known);
                wait = args.interval;
            }
            Err(Problem::Remote(f @ Failure::Unreachable(_))) => {
                wait = (wait * 2).min(MAX_BACKOFF);
                eprintln!("error: {f}; retrying in {}s", wait.as_secs());
            }
            Err(Problem::Remote(f @ Failure::Denied(_))) => return fail(&Problem::Remote(f)),
            Err(p) => {
                // Nothing deployed yet, a refused artifact, a file that cannot be merged: say
                // so, and keep watching for the next artifact.
                eprintln!("error: {p}");
                wait = args.interval;
            }
        }
        std::thread::sleep(wait);
    }
}

/// One pull: `Ok(None)` when the artifact is still `known`, else the id of the artifact
/// applied (or that would be, on a dry run).
fn once(
    args: &SyncArgs,
    server: &Server,
    home: &Home,
    known: Option<&str>,
) -> Result<Option<String>, Problem> {
    let Some(artifact) = server.deployed(&args.client_id, &args.profile_id, known)? else {
        return Ok(None);
    };
    let pin_file = pins::path(home, server.base());
    let mut pinned = pins::load(&pin_file, server.base())?;
    let signer = artifact.signing_key_id.clone();
    // A signer already pinned needs nothing from the server; otherwise its keys decide.
    let trust = match pinned.keys.iter().find(|k| k.key_id == signer) {
        Some(key) => sync::trust(&pinned.keys, key, &[], &signer, false)?,
        None => {
            let keys = server.public_keys()?;
            sync::trust(
                &pinned.keys,
                &keys.current(),
                &keys.keys,
                &signer,
                args.accept_new_key,
            )?
        }
    };
    let id = artifact.artifact_id.clone();
    let applied = apply(args, artifact, &trust.pinned)?;
    for key in &trust.added {
        eprintln!(
            "{} the key of {} with fingerprint {} (its `keys show` prints the same key id)",
            if args.dry_run { "Would pin" } else { "Pinned" },
            server.base(),
            key.key_id
        );
    }
    if !trust.added.is_empty() && !args.dry_run {
        pinned.keys = trust.pinned;
        pins::save(&pin_file, &pinned)?;
    }
    println!("{}", applied.message);
    if !applied.diff.diff.is_empty() {
        println!("{}", applied.diff.diff.trim_end());
    }
    if let Some(backup) = &applied.backup_path {
        println!("Backup: {backup}");
    }
    Ok(Some(id))
}

/// Applies `artifact` to the local client file and store, trusting `keys`.
fn apply(args: &SyncArgs, artifact: Artifact, keys: &[KeyEntry]) -> Result<Applied, Error> {
    let input = Apply {
        client_id: args.client_id.clone(),
        profile_id: args.profile_id.clone(),
        artifact,
        trusted_keys: keys.iter().map(|k| k.public_key.clone()).collect(),
        dry_run: args.dry_run,
    };
    let local = Local::open()?;
    local.write_as(ACTOR, |s, p| sync::apply(s, p, input))
}

/// `status`: 0 up to date, 2 outdated or diverged, 1 an error.
pub fn status(args: StatusArgs) -> ExitCode {
    match standing(&args) {
        Ok(standing) => {
            let word = match standing.status {
                Status::UpToDate => "up-to-date",
                Status::Outdated => "outdated",
                Status::Diverged => "diverged",
            };
            println!(
                "{word}: {} against artifact {}",
                standing.config_path, standing.artifact_id
            );
            if !standing.diff.diff.is_empty() {
                println!("{}", standing.diff.diff.trim_end());
            }
            if standing.status == Status::UpToDate {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(p) => fail(&p),
    }
}

/// The standing of the client file against the server's artifact (verified with the pinned
/// keys) or the local one.
fn standing(args: &StatusArgs) -> Result<sync::Standing, Problem> {
    let artifact = match &args.server {
        Some(url) => {
            let server = Server::new(url, token(&args.remote));
            let home = Home::from_env()?;
            let pinned = pins::load(&pins::path(&home, server.base()), server.base())?;
            let artifact = server
                .deployed(&args.client_id, &args.profile_id, None)?
                .ok_or_else(|| Failure::Refused(format!("{url} answered 304 to a plain GET")))?;
            if pinned.keys.is_empty() {
                return Err(Problem::Local(Error::new(
                    Code::KeyNotPinned,
                    format!("no key is pinned for {url}: run `mcp-orchestration sync` first"),
                )));
            }
            let keys: Vec<String> = pinned.keys.into_iter().map(|k| k.public_key).collect();
            sync::verify_trusted(&artifact, &keys)?;
            Some(artifact)
        }
        None => None,
    };
    let input = sync::Status {
        client_id: args.client_id.clone(),
        profile_id: args.profile_id.clone(),
        artifact,
    };
    let local = Local::open()?;
    Ok(local.read(|s, p| sync::status(s, p, input))?)
}

/// Prints `problem` as one line and returns exit status 1.
fn fail(problem: &Problem) -> ExitCode {
    eprintln!("error: {problem}");
    ExitCode::FAILURE
}
