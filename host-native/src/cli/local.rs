//! The commands that work on the local store and key files of $MCP_ORCHESTRATION_HOME, no
//! server needed: each is one operation of the core.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use mcp_orchestration_core::Scope as TokenScope;

/// The `--json` option every local command takes.
#[derive(Debug, Clone, Copy, Default, Args, PartialEq, Eq)]
pub struct Output {
    /// Print the answer as JSON, the body the /v1 API answers (an error too, on stdout).
    #[arg(long)]
    pub json: bool,
}

/// The profile a command works on, and `--json`.
#[derive(Debug, Clone, Args, PartialEq, Eq)]
pub struct Scope {
    /// The client app, e.g. claude-desktop, cursor, vscode.
    #[arg(long = "client", value_name = "ID")]
    pub client_id: String,
    /// The client's profile.
    #[arg(long = "profile", value_name = "P", default_value = "default")]
    pub profile_id: String,
    /// `--json`.
    #[command(flatten)]
    pub output: Output,
}

/// Commands on the local store and key files.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum LocalCommand {
    /// Create, list and revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create or show the Ed25519 signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Search the server catalog and describe a server.
    #[command(subcommand)]
    Servers(ServersCommand),
    /// Add servers to a profile's draft, remove them, show or clear the draft.
    #[command(subcommand)]
    Draft(DraftCommand),
    /// Check a profile's draft against its client's limits; exit status 1 when it is invalid.
    Validate(Scope),
    /// Make the profile's draft from the servers of an existing client file (default: the
    /// profile's own file): entries a catalog server runs are linked to it, the rest kept as
    /// custom entries, and literal values that look like credentials are reported.
    Import {
        /// Read this file (in the client's format) instead of the profile's own.
        #[arg(long, value_name = "PATH")]
        file: Option<String>,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
    /// Validate the draft, sign it as an artifact and make it the profile's latest.
    Publish {
        /// What changed, kept in the artifact's metadata.
        #[arg(long, value_name = "TEXT")]
        changelog: Option<String>,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
    /// Verify an artifact and write it into the client's config file (a backup of the old one
    /// is kept beside it). Only the entries this profile's deploys wrote there are added,
    /// updated or removed; every other entry is left as it is.
    Deploy {
        /// An artifact from the profile's history (default: the latest).
        #[arg(long = "artifact", value_name = "ID")]
        artifact_id: Option<String>,
        /// Take over entries of the names being deployed that this profile's deploys did not
        /// write (without it, such an entry refuses the deploy).
        #[arg(long)]
        adopt: bool,
        /// Show what the deploy would change, without writing the file or recording anything.
        #[arg(long)]
        dry_run: bool,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
    /// List the artifacts published for a profile, newest first.
    History(Scope),
    /// Compare two configs of a profile: what going from A to B adds, removes and modifies.
    ///
    /// A and B are each `draft`, `latest` (the latest artifact), `deployed` (the artifact last
    /// deployed), an artifact id (64 hex characters) or the path of a JSON file holding
    /// {"mcpServers": {...}} (e.g. a client's config file; write ./draft for a file named like
    /// a keyword). The default, latest against draft, shows what publishing would change.
    Diff {
        /// The config compared from.
        #[arg(default_value = "latest")]
        a: String,
        /// The config compared to.
        #[arg(default_value = "draft")]
        b: String,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
}

/// `token` subcommands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum TokenCommand {
    /// Create a token and print it (it is shown only this once).
    ///
    /// Also `mcp-orchestration generate-token`, the Python mcp-orchestration's name for it.
    Create {
        /// A name to recognise the token by.
        #[arg(long)]
        name: Option<String>,
        /// Days until the token expires (default: never).
        #[arg(long)]
        expires_in_days: Option<u32>,
        /// What the token may do (default: admin): read = every GET but the token list, and
        /// diffs; edit = drafts, validation, new profiles; publish = publish and deploy; admin =
        /// tokens, keys, profile path overrides. Each includes the ones before it.
        #[arg(long, value_parser = token_scope())]
        scope: Option<TokenScope>,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
    /// List tokens (never the tokens themselves).
    List(Output),
    /// Revoke a token: it stops working at once, also for a running server.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: String,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
}

/// `keys` subcommands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum KeysCommand {
    /// Create the signing key pair in keys/ (signing.key, signing.pub).
    Init {
        /// Replace existing keys with new ones; artifacts signed before stay verifiable.
        #[arg(long)]
        regenerate: bool,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
    /// Print the key id and the public key (PEM).
    Show(Output),
}

/// `servers` subcommands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum ServersCommand {
    /// List the catalog's servers, or those matching a search.
    List {
        /// Text matched against id, name, description and tags.
        #[arg(long, value_name = "Q")]
        query: Option<String>,
        /// Only servers of this transport: stdio, http or sse.
        #[arg(long, value_name = "T")]
        transport: Option<String>,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
    /// Describe a server: how it runs, its parameters and env vars.
    Show {
        /// The catalog id, e.g. filesystem.
        server_id: String,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
    /// Add a team server to the catalog from an MCP Registry server.json file (as
    /// POST /v1/servers; with --id, as PUT /v1/servers/ID, which also replaces one).
    Import {
        /// The server.json file.
        file: String,
        /// The catalog id (default: the part of the file's "name" after its '/').
        #[arg(long = "id", value_name = "ID")]
        server_id: Option<String>,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
    /// Remove a team server from the catalog (built-in servers are read-only).
    Remove {
        /// The catalog id.
        server_id: String,
        /// `--json`.
        #[command(flatten)]
        output: Output,
    },
}

/// `draft` subcommands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum DraftCommand {
    /// Add a catalog server to the draft.
    Add {
        /// The catalog id, e.g. filesystem (see `servers list`).
        server_id: String,
        /// Entry name in the draft (default: the server id).
        #[arg(long)]
        name: Option<String>,
        /// A parameter of the server (see `servers show`); repeat for several. Typed as the
        /// catalog declares it: int and bool parameters take numbers and true/false.
        #[arg(long = "param", value_name = "KEY=VALUE", value_parser = key_value)]
        params: Vec<(String, String)>,
        /// An environment variable of the server; repeat for several.
        #[arg(long = "env", value_name = "KEY=VALUE", value_parser = key_value)]
        env: Vec<(String, String)>,
        /// An HTTP header of a remote server; repeat for several.
        #[arg(long = "header", value_name = "NAME=VALUE", value_parser = key_value)]
        headers: Vec<(String, String)>,
        /// An env var given as a secret by reference: only SECRET's name is stored, and each
        /// machine supplies the value (its environment or $MCP_ORCHESTRATION_HOME/secrets.json).
        #[arg(long = "secret-env", value_name = "KEY=SECRET", value_parser = key_value)]
        secret_env: Vec<(String, String)>,
        /// A header given as a secret by reference (the server's declared prefix, such as
        /// `Bearer `, goes before it).
        #[arg(long = "secret-header", value_name = "NAME=SECRET", value_parser = key_value)]
        secret_headers: Vec<(String, String)>,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
    /// Remove an entry from the draft.
    Remove {
        /// The entry name (the server id, unless added under another name).
        name: String,
        /// The profile, and `--json`.
        #[command(flatten)]
        scope: Scope,
    },
    /// Show the draft.
    Show(Scope),
    /// Remove every entry from the draft.
    Clear(Scope),
}

/// One of the scopes' names, as the scope.
fn token_scope() -> impl TypedValueParser<Value = TokenScope> {
    PossibleValuesParser::new(TokenScope::ALL.map(TokenScope::as_str))
        .try_map(|name| TokenScope::parse(&name).ok_or("not a scope"))
}

/// `KEY=VALUE` as its two halves; the key must not be empty.
fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got '{s}'")),
    }
}
