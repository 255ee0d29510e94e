//! The command line: `serve`, `mcp` (the MCP server on stdio, also what the program does with no
//! command and a stdin that is not a terminal), the commands that run one operation on the local
//! store (`token`, `keys`, `servers`, `draft`, `validate`, `publish`, `deploy`, `history`,
//! `diff`), and the command names of the Python mcp-orchestration (`serve-http`,
//! `generate-token`, also as program names through a symlink).

mod legacy;
mod local;

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

pub use legacy::{GENERATE_TOKEN, args_for_clap};
pub use local::{
    DraftCommand, KeysCommand, LocalCommand, Output, Scope, ServersCommand, TokenCommand,
};

/// The program's name.
pub const PROGRAM: &str = "mcp-orchestration";

/// The end of `--help`: no command, the exit statuses and the Python system's command names.
const AFTER_HELP: &str = "\
With no command and a stdin that is not a terminal (an AI client app starting it), the program
is the MCP server on stdio, as `mcp`; on a terminal it prints this help.

Exit status:
  0  done
  1  an error: `error: <detail> (<CODE>)` on stderr, with the code the /v1 API answers
     (with --json: the API's error body on stdout); also `validate` on an invalid draft
  2  a bad command line

Command names of the Python mcp-orchestration work too:
  serve-http      is `serve` (its alias above)
  generate-token  is `token create`, with the same options
and so does a symlink to this program named after either, with the command's options:
  mcp-orchestration-serve-http --port 9000
  mcp-orchestration-generate-token --name ci";

/// Central management of MCP server configs for AI client apps.
///
/// State lives in $MCP_ORCHESTRATION_HOME (default ~/.mcp-orchestration): the SQLite store
/// `store.db` and the signing keys in `keys/`. Every command but `serve` works on them
/// directly, no server needed; a server running on the same home sees the changes at once.
#[derive(Debug, Parser)]
#[command(
    name = PROGRAM,
    version,
    propagate_version = true,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// What to do; none: the MCP server on stdio, or this help on a terminal.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The top-level commands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Run the /v1 HTTP API server.
    ///
    /// Reads MCP_ORCHESTRATION_API_KEY (an accepted X-API-Key) and MCP_ORCHESTRATION_CORS_ORIGINS
    /// (comma-separated origins, default *). On a store without tokens it creates an admin token
    /// and prints it once. Deploys write client config files only inside the home directory and
    /// the --allow-path folders.
    #[command(visible_alias = "serve-http")]
    Serve(ServeArgs),
    /// Be an MCP server on stdin/stdout, for an AI client app to start.
    ///
    /// Newline-delimited JSON-RPC: one message per line in, one answer per line out; logs go to
    /// stderr only. Works on the same store and keys as `serve` and the other commands, also
    /// while a server runs. Ends, with status 0, when stdin closes.
    Mcp(McpArgs),
    /// Pull the artifact deployed on a server and apply it to this machine's client file.
    ///
    /// Fetches GET /v1/config/{client}/{profile}/deployed from the server (native or edge) with
    /// a token (a `read` one is enough), checks that the payload hashes to the artifact id and
    /// that the signature verifies with a key pinned for that server (first contact pins the
    /// server's key and prints its fingerprint; a different key later is refused unless
    /// --accept-new-key), then merges it into the client file as a local deploy does: only the
    /// entries it owns, a backup beside the file, an atomic write. Prints what changed.
    Sync(SyncArgs),
    /// Compare the entries mcp-orchestration owns in a client file with the deployed artifact.
    ///
    /// Says up-to-date (exit 0), outdated or diverged (exit 2, with the diff); entries you added
    /// yourself are not looked at. Against the server's deployed artifact with --server, else
    /// the one last deployed or synced on this machine.
    Status(StatusArgs),
    /// The commands on the local store.
    #[command(flatten)]
    Local(LocalCommand),
}

/// The server a machine pulls from, and its credentials.
#[derive(Debug, Clone, Args, PartialEq, Eq)]
pub struct Remote {
    /// The token (default: $MCP_ORCHESTRATION_TOKEN); a `read` token is enough.
    #[arg(long, value_name = "T")]
    pub token: Option<String>,
}

/// Options of `sync`.
#[derive(Debug, Clone, Args, PartialEq, Eq)]
pub struct SyncArgs {
    /// The server's base URL, e.g. https://mcp.example.com or http://127.0.0.1:8000.
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// The client app, e.g. claude-desktop.
    #[arg(long = "client", value_name = "ID")]
    pub client_id: String,
    /// The client's profile.
    #[arg(long = "profile", value_name = "P", default_value = "default")]
    pub profile_id: String,
    /// `--token`.
    #[command(flatten)]
    pub remote: Remote,
    /// Print what would change, and write (and pin) nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep running: poll the server every --interval and apply each new artifact.
    #[arg(long)]
    pub watch: bool,
    /// Time between polls with --watch: seconds, or a number with s, m or h (60s, 5m).
    #[arg(long, value_name = "D", default_value = "60s", value_parser = interval, requires = "watch")]
    pub interval: Duration,
    /// Trust the server's key even though another one is pinned for it (after a rotation);
    /// the old keys stay pinned.
    #[arg(long)]
    pub accept_new_key: bool,
}

/// Options of `status`.
#[derive(Debug, Clone, Args, PartialEq, Eq)]
pub struct StatusArgs {
    /// The client app, e.g. claude-desktop.
    #[arg(long = "client", value_name = "ID")]
    pub client_id: String,
    /// The client's profile.
    #[arg(long = "profile", value_name = "P", default_value = "default")]
    pub profile_id: String,
    /// Compare with this server's deployed artifact (verified with the keys pinned by `sync`).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// `--token`.
    #[command(flatten)]
    pub remote: Remote,
}

/// A duration as `--interval` takes it: `90`, `90s`, `5m`, `1h`; at least one second.
fn interval(s: &str) -> Result<Duration, String> {
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{s}' is not a duration such as 60s or 5m"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("'{s}' is not a duration such as 60s or 5m")),
    };
    if secs == 0 {
        return Err("the interval must be at least 1s".to_owned());
    }
    Ok(Duration::from_secs(secs))
}

/// Options of `serve`.
#[derive(Debug, Args, PartialEq, Eq)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Least severe log messages shown (RUST_LOG, when set, takes precedence).
    #[arg(long, value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
    /// Also let profiles and deploys use client config files under this folder, besides the
    /// home directory (a WSL mount such as /mnt/c/Users/me, a shared folder); repeatable.
    #[arg(long = "allow-path", value_name = "PREFIX", action = ArgAction::Append, value_parser = absolute_path)]
    pub allow_paths: Vec<PathBuf>,
    /// Most connections open at once (default: the open-file limit, raised to its hard limit at
    /// start, less 64, at most 10000). At the limit a new connection replaces the oldest one not
    /// serving a request; when all are serving one, it is answered 503 with Retry-After.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: Option<u64>,
    /// Longest wait for a whole request head, from the connection's start or the head's first
    /// byte: seconds, or a number with s, m or h.
    #[arg(long, value_name = "D", default_value = "10s", value_parser = interval)]
    pub header_timeout: Duration,
    /// Longest a kept-alive connection waits for its next request, and a request being served
    /// goes without a byte sent or received: seconds, or a number with s, m or h.
    #[arg(long, value_name = "D", default_value = "60s", value_parser = interval)]
    pub idle_timeout: Duration,
}

/// An absolute path, as `--allow-path` takes it.
fn absolute_path(s: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    if path.is_absolute() {
        Ok(path)
    } else {
        Err(format!("'{s}' is not an absolute path"))
    }
}

/// Options of `mcp`.
#[derive(Debug, Args, PartialEq, Eq)]
pub struct McpArgs {
    /// Least severe log messages written to stderr (RUST_LOG, when set, takes precedence).
    #[arg(long, value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
}

impl Default for McpArgs {
    fn default() -> Self {
        Self {
            log_level: LogLevel::Info,
        }
    }
}

/// Log verbosity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// Startup, shutdown and one line per request.
    Info,
    /// Internals too.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// The name a tracing filter understands.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
            Self::Trace => "trace",
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("mcp-orchestration").chain(args.iter().copied()))
            .map(|c| c.command.expect("a command"))
    }

    #[test]
    fn intervals_take_seconds_minutes_and_hours() {
        assert_eq!(interval("90"), Ok(Duration::from_secs(90)));
        assert_eq!(interval("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(interval("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(interval("1h"), Ok(Duration::from_secs(3600)));
        assert!(interval("0s").is_err());
        assert!(interval("5d").is_err());
        assert!(interval("m").is_err());
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_defaults_to_localhost_8000_at_info() {
        let Command::Serve(args) = parse(&["serve"]).unwrap() else {
            panic!("not serve")
        };
        assert_eq!(
            args,
            ServeArgs {
                host: "127.0.0.1".into(),
                port: 8000,
                log_level: LogLevel::Info,
                allow_paths: Vec::new(),
                max_connections: None,
                header_timeout: Duration::from_secs(10),
                idle_timeout: Duration::from_secs(60),
            }
        );
    }

    #[test]
    fn serve_takes_host_port_and_level() {
        let Command::Serve(args) = parse(&[
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "9000",
            "--log-level",
            "debug",
        ])
        .unwrap() else {
            panic!("not serve")
        };
        assert_eq!(
            args,
            ServeArgs {
                host: "0.0.0.0".into(),
                port: 9000,
                log_level: LogLevel::Debug,
                allow_paths: Vec::new(),
                max_connections: None,
                header_timeout: Duration::from_secs(10),
                idle_timeout: Duration::from_secs(60),
            }
        );
    }

    #[test]
    fn serve_takes_allowed_folders_repeatedly_and_only_absolute() {
        let Command::Serve(args) = parse(&[
            "serve",
            "--allow-path",
            "/mnt/c/Users/me",
            "--allow-path=/srv/shared",
        ])
        .unwrap() else {
            panic!("not serve")
        };
        assert_eq!(
            args.allow_paths,
            [
                PathBuf::from("/mnt/c/Users/me"),
                PathBuf::from("/srv/shared")
            ]
        );
        let err = parse(&["serve", "--allow-path", "relative/dir"]).unwrap_err();
        assert!(err.to_string().contains("not an absolute path"), "{err}");
    }

    #[test]
    fn bad_serve_options_are_refused() {
        assert!(parse(&["serve", "--port", "70000"]).is_err());
        assert!(parse(&["serve", "--port", "http"]).is_err());
        assert!(parse(&["serve", "--log-level", "loud"]).is_err());
    }

    /// What `args` parse to, as a local command.
    fn local(args: &[&str]) -> LocalCommand {
        match parse(args) {
            Ok(Command::Local(c)) => c,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    const TEXT: Output = Output { json: false };
    const JSON: Output = Output { json: true };

    fn scope(client: &str, profile: &str, output: Output) -> Scope {
        Scope {
            client_id: client.into(),
            profile_id: profile.into(),
            output,
        }
    }

    #[test]
    fn token_commands_parse() {
        assert_eq!(
            local(&["token", "create", "--name", "ci", "--expires-in-days", "30"]),
            LocalCommand::Token(TokenCommand::Create {
                name: Some("ci".into()),
                expires_in_days: Some(30),
                scope: None,
                output: TEXT,
            })
        );
        for scope in mcp_orchestration_core::Scope::ALL {
            assert_eq!(
                local(&["token", "create", "--scope", scope.as_str()]),
                LocalCommand::Token(TokenCommand::Create {
                    name: None,
                    expires_in_days: None,
                    scope: Some(scope),
                    output: TEXT,
                })
            );
        }
        assert!(parse(&["token", "create", "--scope", "root"]).is_err());
        assert!(parse(&["token", "create", "--scope", "Admin"]).is_err());
        assert_eq!(
            local(&["token", "list", "--json"]),
            LocalCommand::Token(TokenCommand::List(JSON))
        );
        assert_eq!(
            local(&["token", "revoke", "tok_1"]),
            LocalCommand::Token(TokenCommand::Revoke {
                id: "tok_1".into(),
                output: TEXT
            })
        );
        assert!(parse(&["token", "revoke"]).is_err(), "revoke needs an id");
        assert!(parse(&["token", "create", "--expires-in-days", "-1"]).is_err());
    }

    #[test]
    fn keys_commands_parse() {
        assert_eq!(
            local(&["keys", "init", "--regenerate"]),
            LocalCommand::Keys(KeysCommand::Init {
                regenerate: true,
                output: TEXT
            })
        );
        assert_eq!(
            local(&["keys", "init", "--json"]),
            LocalCommand::Keys(KeysCommand::Init {
                regenerate: false,
                output: JSON
            })
        );
        assert_eq!(
            local(&["keys", "show"]),
            LocalCommand::Keys(KeysCommand::Show(TEXT))
        );
    }

    #[test]
    fn servers_commands_parse() {
        assert_eq!(
            local(&["servers", "list", "--query", "git", "--transport", "stdio"]),
            LocalCommand::Servers(ServersCommand::List {
                query: Some("git".into()),
                transport: Some("stdio".into()),
                output: TEXT,
            })
        );
        assert_eq!(
            local(&["servers", "show", "filesystem", "--json"]),
            LocalCommand::Servers(ServersCommand::Show {
                server_id: "filesystem".into(),
                output: JSON,
            })
        );
        assert!(parse(&["servers", "show"]).is_err(), "show needs an id");
        assert_eq!(
            local(&["servers", "import", "server.json", "--id", "tickets"]),
            LocalCommand::Servers(ServersCommand::Import {
                file: "server.json".into(),
                server_id: Some("tickets".into()),
                output: TEXT,
            })
        );
    }

    #[test]
    fn draft_commands_parse_pairs_and_default_the_profile() {
        assert_eq!(
            local(&[
                "draft",
                "add",
                "filesystem",
                "--param",
                "path=/tmp/a=b",
                "--param",
                "extra_path=",
                "--env",
                "TOKEN=x",
                "--name",
                "fs",
                "--client",
                "cursor",
            ]),
            LocalCommand::Draft(DraftCommand::Add {
                server_id: "filesystem".into(),
                name: Some("fs".into()),
                params: vec![
                    ("path".into(), "/tmp/a=b".into()),
                    ("extra_path".into(), String::new())
                ],
                env: vec![("TOKEN".into(), "x".into())],
                headers: vec![],
                secret_env: vec![],
                secret_headers: vec![],
                scope: scope("cursor", "default", TEXT),
            })
        );
        for bad in ["path", "=value"] {
            assert!(
                parse(&["draft", "add", "x", "--param", bad, "--client", "c"]).is_err(),
                "{bad}"
            );
        }
        assert_eq!(
            local(&[
                "draft",
                "show",
                "--client",
                "c",
                "--profile",
                "dev",
                "--json"
            ]),
            LocalCommand::Draft(DraftCommand::Show(scope("c", "dev", JSON)))
        );
        assert!(
            parse(&["draft", "show"]).is_err(),
            "a profile command needs --client"
        );
    }

    #[test]
    fn workflow_commands_parse() {
        assert_eq!(
            local(&["publish", "--client", "c", "--changelog", "first"]),
            LocalCommand::Publish {
                changelog: Some("first".into()),
                scope: scope("c", "default", TEXT),
            }
        );
        assert_eq!(
            local(&["deploy", "--client", "c", "--artifact", "abc"]),
            LocalCommand::Deploy {
                artifact_id: Some("abc".into()),
                adopt: false,
                dry_run: false,
                scope: scope("c", "default", TEXT),
            }
        );
        assert_eq!(
            local(&["deploy", "--client", "c", "--adopt", "--dry-run"]),
            LocalCommand::Deploy {
                artifact_id: None,
                adopt: true,
                dry_run: true,
                scope: scope("c", "default", TEXT),
            }
        );
        assert_eq!(
            local(&["diff", "--client", "c"]),
            LocalCommand::Diff {
                a: "latest".into(),
                b: "draft".into(),
                scope: scope("c", "default", TEXT),
            }
        );
        assert_eq!(
            local(&["diff", "deployed", "./x.json", "--client", "c", "--json"]),
            LocalCommand::Diff {
                a: "deployed".into(),
                b: "./x.json".into(),
                scope: scope("c", "default", JSON),
            }
        );
        assert_eq!(
            local(&["validate", "--client", "c"]),
            LocalCommand::Validate(scope("c", "default", TEXT))
        );
        assert_eq!(
            local(&["history", "--client", "c", "--profile", "p"]),
            LocalCommand::History(scope("c", "p", TEXT))
        );
    }

    #[test]
    fn serve_http_is_serve() {
        assert_eq!(
            parse(&["serve-http", "--host", "0.0.0.0", "--port", "9000"]).unwrap(),
            parse(&["serve", "--host", "0.0.0.0", "--port", "9000"]).unwrap()
        );
        let Command::Serve(args) = parse(&["serve-http", "--log-level", "warn"]).unwrap() else {
            panic!("not serve")
        };
        assert_eq!(args.log_level, LogLevel::Warn);
        assert!(parse(&["serve", "--json"]).is_err(), "serve prints no JSON");
    }

    #[test]
    fn help_lists_the_exit_statuses_and_the_aliases() {
        let help = Cli::command().render_long_help().to_string();
        assert!(help.contains("Exit status:"), "{help}");
        assert!(help.contains("2  a bad command line"), "{help}");
        assert!(help.contains("[alias: serve-http]"), "{help}");
        assert!(
            help.contains("generate-token  is `token create`, with the same options"),
            "{help}"
        );
        assert!(
            help.contains("mcp-orchestration-serve-http --port"),
            "{help}"
        );
        assert!(
            help.contains("mcp-orchestration-generate-token --name"),
            "{help}"
        );
    }

    #[test]
    fn an_unknown_command_is_an_error_and_none_is_allowed() {
        assert!(parse(&["launch"]).is_err());
        let none = Cli::try_parse_from(["mcp-orchestration"]).unwrap();
        assert_eq!(none.command, None);
    }

    #[test]
    fn mcp_defaults_to_info_and_takes_a_level() {
        assert_eq!(parse(&["mcp"]).unwrap(), Command::Mcp(McpArgs::default()));
        assert_eq!(
            parse(&["mcp", "--log-level", "warn"]).unwrap(),
            Command::Mcp(McpArgs {
                log_level: LogLevel::Warn
            })
        );
        assert!(parse(&["mcp", "--json"]).is_err());
    }

    #[test]
    fn help_says_what_no_command_does() {
        let help = Cli::command().render_long_help().to_string();
        assert!(
            help.contains("the program\nis the MCP server on stdio"),
            "{help}"
        );
        assert!(help.contains("mcp "), "{help}");
    }
}
