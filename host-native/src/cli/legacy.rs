//! The Python mcp-orchestration's command names: `serve-http`, `generate-token`, also as
//! program names through a symlink `mcp-orchestration-<command>`.

use std::ffi::{OsStr, OsString};
use std::path::Path;

use super::PROGRAM;

/// The Python system's `generate-token`: `token create`, one level down, which a clap alias
/// cannot reach; [`args_for_clap`] rewrites it.
pub const GENERATE_TOKEN: &str = "generate-token";

/// The Python system's command names that also work as the program's own name, through a
/// symlink `mcp-orchestration-<command>`.
const LEGACY_PROGRAM_COMMANDS: [&str; 2] = ["serve-http", GENERATE_TOKEN];

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
    use clap::Parser;
    use mcp_orchestration_core::Scope;

    use super::*;
    use crate::cli::{Cli, Command, LocalCommand, Output, TokenCommand};

    /// `args_for_clap` of `args`, as strings.
    fn rewritten(args: &[&str]) -> Vec<String> {
        args_for_clap(args.iter().map(OsString::from))
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    /// What `args` (argv[0] first) parse to, through the rewrite, as the binary parses them.
    fn parse_argv(args: &[&str]) -> Result<Command, clap::Error> {
        Cli::try_parse_from(args_for_clap(args.iter().map(OsString::from)))
            .map(|c| c.command.expect("a command"))
    }

    fn token_create(
        name: Option<&str>,
        expires_in_days: Option<u32>,
        scope: Option<Scope>,
    ) -> Command {
        Command::Local(LocalCommand::Token(TokenCommand::Create {
            name: name.map(str::to_owned),
            expires_in_days,
            scope,
            output: Output::default(),
        }))
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
            token_create(Some("ci"), Some(30), None)
        );
        assert_eq!(
            parse_argv(&["mcp-orchestration", "generate-token", "--scope", "read"]).unwrap(),
            token_create(None, None, Some(Scope::Read))
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
            token_create(None, None, None)
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
}
