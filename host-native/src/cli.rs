//! The command line: `serve`, `token …` and `keys …`.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Central management of MCP server configs for AI client apps.
///
/// State lives in $MCP_ORCHESTRATION_HOME (default ~/.mcp-orchestration): the SQLite store
/// `store.db` and the signing keys in `keys/`.
#[derive(Debug, Parser)]
#[command(name = "mcp-orchestration", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the /v1 HTTP API server.
    ///
    /// Reads MCP_ORCHESTRATION_API_KEY (an accepted X-API-Key) and MCP_ORCHESTRATION_CORS_ORIGINS
    /// (comma-separated origins, default *). On a store without tokens it creates an admin token
    /// and prints it once.
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

    #[test]
    fn a_missing_or_unknown_command_is_an_error() {
        assert!(parse(&[]).is_err());
        assert!(parse(&["launch"]).is_err());
    }
}
