//! The command line: `serve`, `token …` and `keys …`, and the command names of the Python
//! mcp-orchestration (`serve-http`, `generate-token`, also as program names through a symlink).

use std::ffi::{OsStr, OsString};
use std::path::Path;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// The program's name.
pub const PROGRAM: &str = "mcp-orchestration";

/// The Python system's `generate-token`: `token create`, one level down, which a clap alias
/// cannot reach; [`args_for_clap`] rewrites it.
pub const GENERATE_TOKEN: &str = "generate-token";

/// The Python system's command names that also work as the program's own name, through a
/// symlink `mcp-orchestration-<command>`.
const LEGACY_PROGRAM_COMMANDS: [&str; 2] = ["serve-http", GENERATE_TOKEN];

/// The end of `--help`: the Python system's command names.
const LEGACY_HELP: &str = "\
Command names of the Python mcp-orchestration work too:
  serve-http      is `serve` (its alias above)
  generate-token  is `token create`, with the same options
and so does a symlink to this program named after either, with the command's options:
  mcp-orchestration-serve-http --port 9000
  mcp-orchestration-generate-token --name ci";

/// Central management of MCP server configs for AI client apps.
///
/// State lives in $MCP_ORCHESTRATION_HOME (default ~/.mcp-orchestration): the SQLite store
/// `store.db` and the signing keys in `keys/`.
#[derive(Debug, Parser)]
#[command(
    name = PROGRAM,
    version,
    propagate_version = true,
    after_help = LEGACY_HELP
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum Command {
    /// Run the /v1 HTTP API server.
    ///
    /// Reads MCP_ORCHESTRATION_API_KEY (an accepted X-API-Key) and MCP_ORCHESTRATION_CORS_ORIGINS
    /// (comma-separated origins, default *). On a store without tokens it creates an admin token
    /// and prints it once.
    #[command(visible_alias = "serve-http")]
    Serve(ServeArgs),
    /// Create, list and revoke API tokens (no server needed).
    #[command(subcommand)]
    Token(TokenCommand),
    /// Create or show the Ed25519 signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
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
    },
    /// List tokens (never the tokens themselves).
    List,
    /// Revoke a token: it stops working at once, also for a running server.
    Revoke {
        /// The token's id, as `token list` shows it.
        id: String,
    },
}

/// `keys` subcommands.
#[derive(Debug, Subcommand, PartialEq, Eq)]
pub enum KeysCommand {
    /// Create the signing key pair in keys/ (signing.key, signing.pub).
    Init {
        /// Replace existing keys with new ones.
        #[arg(long)]
        regenerate: bool,
    },
    /// Print the key id and the public key (PEM).
    Show,
}

/// The arguments as clap should see them, mapping the Python system's command names onto this
/// program's:
///
/// - run as `mcp-orchestration-serve-http` or `mcp-orchestration-generate-token` (a symlink;
///   `.exe` allowed), the program name selects the command and every argument is its option:
///   `mcp-orchestration-serve-http --port 9000` is `mcp-orchestration serve-http --port 9000`;
/// - `generate-token` as the command is `token create`.
///
/// `serve-http` itself is a clap alias of `serve`. Anything else passes through unchanged.
pub fn args_for_clap(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let mut args = args.into_iter();
    let Some(program) = args.next() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut rest: Vec<OsString> = args.collect();
    match legacy_program_command(&program) {
        Some(command) => {
            out.push(OsString::from(PROGRAM));
            rest.insert(0, OsString::from(command));
        }
        None => out.push(program),
    }
    if rest.first().is_some_and(|a| a == GENERATE_TOKEN) {
        rest.splice(..1, [OsString::from("token"), OsString::from("create")]);
    }
    out.extend(rest);
    out
}

/// The command a program named `mcp-orchestration-<command>` stands for, if it is one of
/// [`LEGACY_PROGRAM_COMMANDS`].
fn legacy_program_command(program: &OsStr) -> Option<&'static str> {
    let name = Path::new(program).file_name()?.to_str()?;
    let name = name.strip_suffix(".exe").unwrap_or(name);
    let command = name.strip_prefix(PROGRAM)?.strip_prefix('-')?;
    LEGACY_PROGRAM_COMMANDS
        .into_iter()
        .find(|&known| known == command)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(std::iter::once("mcp-orchestration").chain(args.iter().copied()))
            .map(|c| c.command)
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
                log_level: LogLevel::Info
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
                log_level: LogLevel::Debug
            }
        );
    }

    #[test]
    fn bad_serve_options_are_refused() {
        assert!(parse(&["serve", "--port", "70000"]).is_err());
        assert!(parse(&["serve", "--port", "http"]).is_err());
        assert!(parse(&["serve", "--log-level", "loud"]).is_err());
    }

    #[test]
    fn token_commands_parse() {
        let Command::Token(c) =
            parse(&["token", "create", "--name", "ci", "--expires-in-days", "30"]).unwrap()
        else {
            panic!("not token")
        };
        assert_eq!(
            c,
            TokenCommand::Create {
                name: Some("ci".into()),
                expires_in_days: Some(30)
            }
        );
        let Command::Token(c) = parse(&["token", "list"]).unwrap() else {
            panic!("not token")
        };
        assert_eq!(c, TokenCommand::List);
        let Command::Token(c) = parse(&["token", "revoke", "tok_1"]).unwrap() else {
            panic!("not token")
        };
        assert_eq!(c, TokenCommand::Revoke { id: "tok_1".into() });
        assert!(parse(&["token", "revoke"]).is_err(), "revoke needs an id");
        assert!(parse(&["token", "create", "--expires-in-days", "-1"]).is_err());
    }

    #[test]
    fn keys_commands_parse() {
        let Command::Keys(c) = parse(&["keys", "init", "--regenerate"]).unwrap() else {
            panic!("not keys")
        };
        assert_eq!(c, KeysCommand::Init { regenerate: true });
        let Command::Keys(c) = parse(&["keys", "init"]).unwrap() else {
            panic!("not keys")
        };
        assert_eq!(c, KeysCommand::Init { regenerate: false });
        let Command::Keys(c) = parse(&["keys", "show"]).unwrap() else {
            panic!("not keys")
        };
        assert_eq!(c, KeysCommand::Show);
    }

    /// `args_for_clap` of `args`, as strings.
    fn rewritten(args: &[&str]) -> Vec<String> {
        args_for_clap(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    /// What `args` (argv[0] first) parse to, through the rewrite, as the binary parses them.
    fn parse_argv(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(args_for_clap(args.iter().map(OsString::from))).map(|c| c.command)
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
    }

    #[test]
    fn generate_token_is_token_create() {
        assert_eq!(
            rewritten(&["mcp-orchestration", "generate-token", "--name", "ci"]),
            ["mcp-orchestration", "token", "create", "--name", "ci"]
        );
        assert_eq!(
            parse_argv(&[
                "mcp-orchestration",
                "generate-token",
                "--name",
                "ci",
                "--expires-in-days",
                "30"
            ])
            .unwrap(),
            Command::Token(TokenCommand::Create {
                name: Some("ci".into()),
                expires_in_days: Some(30)
            })
        );
        assert!(parse_argv(&["mcp-orchestration", "generate-token", "extra"]).is_err());
    }

    #[test]
    fn a_symlinked_program_name_selects_the_command() {
        assert_eq!(
            rewritten(&[
                "/usr/local/bin/mcp-orchestration-serve-http",
                "--port",
                "9000"
            ]),
            ["mcp-orchestration", "serve-http", "--port", "9000"]
        );
        let Command::Serve(args) = parse_argv(&[
            "/usr/local/bin/mcp-orchestration-serve-http",
            "--port",
            "9000",
        ])
        .unwrap() else {
            panic!("not serve")
        };
        assert_eq!(args.port, 9000);

        assert_eq!(
            rewritten(&["mcp-orchestration-generate-token", "--name", "ci"]),
            ["mcp-orchestration", "token", "create", "--name", "ci"]
        );
        assert_eq!(
            parse_argv(&["./mcp-orchestration-generate-token.exe"]).unwrap(),
            Command::Token(TokenCommand::Create {
                name: None,
                expires_in_days: None
            })
        );
        // The program's options, not a second command name, follow the symlink's name.
        assert!(parse_argv(&["mcp-orchestration-serve-http", "serve"]).is_err());
    }

    #[test]
    fn other_program_names_and_arguments_pass_through() {
        for args in [
            &["/opt/bin/mcp-orchestration", "serve", "--port", "1"][..],
            &["mcp-orchestration-v2", "token", "list"],
            &["mcp-orchestration-serve", "keys", "show"],
            &["mcp-orchestration-generate-tokens", "token", "list"],
            &["mcp-orchestration", "token", "revoke", "generate-token"],
            &["mcp-orchestration", "--name", "generate-token"],
            &["mcp-orchestration"],
        ] {
            assert_eq!(rewritten(args), args, "{args:?}");
        }
        assert!(rewritten(&[]).is_empty());
    }

    #[test]
    fn help_lists_the_aliases() {
        let help = Cli::command().render_long_help().to_string();
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
    fn a_missing_or_unknown_command_is_an_error() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["launch"]).is_err());
    }
}
