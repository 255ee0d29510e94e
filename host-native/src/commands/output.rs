//! Printing: an answer as readable text or as JSON on stdout; an error as one line
//! `error: <detail> (<CODE>)` on stderr, or with `--json` as the API's error body on stdout.
//! Text tables are aligned columns.

use std::io::{self, Write};
use std::process::ExitCode;

use mcp_orchestration_core::api::reply;
use mcp_orchestration_core::validate::Issue;
use mcp_orchestration_core::{Code, Error, Result, Timestamp};
use serde::Serialize;

use crate::cli::Output;

/// `answer` as one line of JSON: the body its /v1 route answers.
pub(super) fn json<O: Serialize>(answer: &O) -> Result<String> {
    serde_json::to_string(answer)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| {
            Error::new(
                Code::EncodeFailed,
                format!("Could not encode the answer: {e}"),
            )
        })
}

/// Writes `text` to stdout; false when stdout is gone (e.g. a closed pipe).
pub(super) fn print(text: &str) -> bool {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .is_ok()
}

/// Reports `err` as `output` asks and returns exit status 1.
pub(super) fn error(output: Output, err: &Error) -> ExitCode {
    if output.json {
        let mut body = reply::error(err).into_body().to_vec();
        body.push(b'\n');
        let _ = io::stdout().lock().write_all(&body);
    } else {
        eprintln!("error: {err}");
    }
    ExitCode::FAILURE
}

/// Rows as aligned columns, two spaces apart, without trailing blanks.
pub(super) fn table<const N: usize>(
    head: [&str; N],
    rows: impl IntoIterator<Item = [String; N]>,
) -> String {
    let mut all = vec![head.map(str::to_owned)];
    all.extend(rows);
    let widths: Vec<usize> = (0..N)
        .map(|c| all.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    all.iter()
        .map(|row| {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, w)| format!("{cell:<w$}"))
                .collect();
            format!("{}\n", cells.join("  ").trim_end())
        })
        .collect()
}

/// A time as RFC 3339, or `-` when there is none.
pub(super) fn when(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "-".to_owned(), Timestamp::to_rfc3339)
}

/// Validation issues, one line each: `error CODE [entry]: message`.
pub(super) fn issues<'a>(severity: &str, issues: impl IntoIterator<Item = &'a Issue>) -> String {
    issues
        .into_iter()
        .map(|i| match &i.server {
            Some(server) => format!("{severity} {} [{server}]: {}\n", i.code, i.message),
            None => format!("{severity} {}: {}\n", i.code, i.message),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use mcp_orchestration_core::validate::Severity;

    use super::*;

    #[test]
    fn tables_align_columns_and_trim_line_ends() {
        let text = table(
            ["ID", "NAME"],
            [
                ["a-long-id".to_owned(), "x".to_owned()],
                ["b".to_owned(), String::new()],
            ],
        );
        assert_eq!(text, "ID         NAME\na-long-id  x\nb\n");
    }

    #[test]
    fn issues_name_their_code_and_entry() {
        let issue = |server: Option<&str>| Issue {
            code: Code::MissingCommand,
            message: "no command".to_owned(),
            severity: Severity::Error,
            server: server.map(str::to_owned),
        };
        assert_eq!(
            issues("error", &[issue(Some("fs")), issue(None)]),
            "error MISSING_COMMAND [fs]: no command\nerror MISSING_COMMAND: no command\n"
        );
    }

    #[test]
    fn answers_are_one_line_of_json() {
        assert_eq!(
            json(&serde_json::json!({"a": [1, 2]})).unwrap(),
            "{\"a\":[1,2]}\n"
        );
        assert_eq!(when(None), "-");
    }
}
