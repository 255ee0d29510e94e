//! Merging a payload into a client's real config file, and reading the servers back out.
//!
//! Only the entries a deploy owns are ours: it adds, updates and removes those, and every other
//! entry, every other key, the user's comments and formatting, the line-ending style (CRLF
//! stays CRLF) and a byte-order mark survive a merge (see [`merge`] for how far each format
//! goes). JSON and JSONC are edited in place through a concrete syntax tree (`jsonc-parser`),
//! TOML through `toml_edit`, YAML by replacing lines after `serde_yaml_ng` has vouched for the
//! file (and again for the result). A file we cannot parse, whose root is not a map, or whose
//! servers key holds the wrong type is refused (409) and never rewritten.

mod json;
mod plan;
mod toml;
mod yaml;

use std::collections::BTreeSet;
use std::fmt::Display;

use serde_json::Value;

pub use self::plan::Changes;
use self::plan::Claim;
use crate::client::{Client, Format};
use crate::error::{Code, Error, Result};
use crate::payload::Payload;
use crate::render;

/// The UTF-8 byte-order mark some Windows editors put first.
const BOM: char = '\u{feff}';

/// The outcome of a [`merge`]: the file's new text and what happened to each entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The full new text of the file (equal to the old one when nothing changed).
    pub text: String,
    /// The entries added, updated, removed, unchanged and left alone.
    pub changes: Changes,
}

/// `client`'s config file `existing` (`None`, empty or whitespace-only for a new file) with
/// `payload`'s rendering merged into its servers block.
///
/// `owned` names the entries mcp-orchestration owns in this file: the merge adds, updates and
/// removes only those, and leaves every other entry as it is (JSON, JSONC and TOML: byte for
/// byte with its comments; YAML: its lines as written, unless the block is in flow style or
/// cannot be split into entries, when the block is rewritten as equal YAML). An unowned entry
/// named in the payload is 409 `ENTRY_CONFLICT` unless it already holds exactly what would be
/// written (then it is taken over) or `adopt` is set (then it is rewritten); an entry the
/// client marks as its own (a Zed extension, a Goose built-in) is never touched.
///
/// A new file is pretty JSON with a 2-space indent and a trailing newline (or plain YAML/TOML),
/// holding the client's starting keys and the servers block. 409 `CONFIG_UNPARSEABLE` for a file
/// that does not parse or whose root is not a map, 409 `CONFIG_CONFLICT` when the servers key
/// holds the wrong type; 400 when an entry cannot be rendered.
pub fn merge(
    client: &Client,
    existing: Option<&str>,
    payload: &Payload,
    owned: &BTreeSet<String>,
    adopt: bool,
) -> Result<Merged> {
    let block = render::servers_block(client, payload)?;
    let claim = Claim { owned, adopt };
    let (bom, existing) =
        match existing.map(|t| t.strip_prefix(BOM).map_or((false, t), |rest| (true, rest))) {
            Some((bom, text)) if !text.trim().is_empty() => (bom, Some(text)),
            _ => (false, None),
        };
    let (text, changes) = match (client.config_format(), existing) {
        (format, None) => {
            let changes = plan::plan(client, None, &block, claim)?.changes;
            let text = match format {
                Format::Json | Format::Jsonc => json::create(client, &block)?,
                Format::Toml => toml::create(client, &block)?,
                Format::Yaml => yaml::create(client, &block)?,
            };
            (text, changes)
        }
        (Format::Json | Format::Jsonc, Some(old)) => json::merge(client, old, &block, claim)?,
        (Format::Toml, Some(old)) => toml::merge(client, old, &block, claim)?,
        (Format::Yaml, Some(old)) => yaml::merge(client, old, &block, claim)?,
    };
    // Secrets referred to as inputs (VS Code) get an input each, beside the servers block.
    let text = match (&client.entry_shape().secret_inputs, client.config_format()) {
        (Some(field), Format::Json | Format::Jsonc) => {
            let names = secret_names(payload);
            if names.is_empty() {
                text
            } else {
                json::with_inputs(client, &text, field, &names)?
            }
        }
        _ => text,
    };
    // The line ending is the file's own: that of its first line, before or after the merge (a
    // file whose only line ends in a bare `\r` gains a CRLF line, and settles on CRLF at once).
    let text = if existing.is_some_and(|old| uses_crlf(old) || uses_crlf(&text)) {
        to_crlf(&text)
    } else {
        text
    };
    let text = if bom { format!("{BOM}{text}") } else { text };
    Ok(Merged { text, changes })
}

/// The names of the secrets `payload` refers to.
fn secret_names(payload: &Payload) -> BTreeSet<String> {
    payload
        .servers
        .iter()
        .filter_map(|(name, value)| crate::payload::ServerEntry::from_value(name, value).ok())
        .flat_map(|entry| match entry {
            crate::payload::ServerEntry::Stdio { env, .. } => env.into_values(),
            crate::payload::ServerEntry::Remote { headers, .. } => headers.into_values(),
        })
        .filter_map(|setting| setting.secret().map(|r| r.secret.clone()))
        .collect()
}

/// The servers in `client`'s config file `text`, as the canonical payload (empty when the file
/// is empty or has no servers block). Errors as for [`merge`], and 409 `CONFIG_CONFLICT` for an
/// entry that is not a server the client could run.
pub fn read_servers(client: &Client, text: &str) -> Result<Payload> {
    match block_of(client, text)? {
        Some(block) => render::payload_from_block(client, &block),
        None => Ok(Payload::default()),
    }
}

/// The entries named in `names` of `client`'s config file `text`, as [`read_servers`] reads
/// them; the other entries are not looked at, so one the client could not run is no error.
pub fn read_entries(client: &Client, text: &str, names: &BTreeSet<String>) -> Result<Payload> {
    let kept = match block_of(client, text)? {
        None => return Ok(Payload::default()),
        Some(Value::Object(map)) => {
            Value::Object(map.into_iter().filter(|(n, _)| names.contains(n)).collect())
        }
        Some(Value::Array(items)) => {
            let block = Value::Array(items);
            let wanted: Vec<Value> = plan::entries(client, &block)
                .into_iter()
                .filter(|(n, _)| names.contains(*n))
                .map(|(_, e)| e.clone())
                .collect();
            Value::Array(wanted)
        }
        Some(other) => other,
    };
    render::payload_from_block(client, &kept)
}

/// The servers block of `text`; `None` for an empty file, a missing or a null block.
fn block_of(client: &Client, text: &str) -> Result<Option<Value>> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(None);
    }
    let block = match client.config_format() {
        Format::Json | Format::Jsonc => json::servers(client, text)?,
        Format::Toml => toml::servers(client, text)?,
        Format::Yaml => yaml::servers(client, text)?,
    };
    Ok(block.filter(|b| !b.is_null()))
}

/// The name of the client's format in messages.
fn format_name(client: &Client) -> &'static str {
    match client.config_format() {
        Format::Json => "JSON",
        Format::Jsonc => "JSONC",
        Format::Yaml => "YAML",
        Format::Toml => "TOML",
    }
}

/// 409 `CONFIG_UNPARSEABLE`: the parser's reason, with its line.
fn unparseable(client: &Client, reason: impl Display) -> Error {
    Error::new(
        Code::ConfigUnparseable,
        format!(
            "Cannot parse {}'s config file as {}: {reason}; the file was left untouched",
            client.display_name(),
            format_name(client)
        ),
    )
}

/// 409 `CONFIG_UNPARSEABLE`: the root holds `found` instead of a map.
fn not_a_map(client: &Client, found: &str) -> Error {
    Error::new(
        Code::ConfigUnparseable,
        format!(
            "{}'s config file must hold an object at the top level, not {found}; the file was left untouched",
            client.display_name()
        ),
    )
}

/// 409 `CONFIG_CONFLICT`: the servers key holds `found` instead of the block's type.
fn wrong_block(client: &Client, found: &str) -> Error {
    let want = match client.layout() {
        crate::client::Layout::Map => "an object",
        crate::client::Layout::List => "a list",
    };
    Error::new(
        Code::ConfigConflict,
        format!(
            "\"{}\" in {}'s config file holds {found}, not {want}; the file was left untouched",
            client.servers_key(),
            client.display_name()
        ),
    )
}

/// 409 `CONFIG_CONFLICT`: the block cannot be replaced without touching the rest of the file.
fn unsafe_edit(client: &Client) -> Error {
    Error::new(
        Code::ConfigConflict,
        format!(
            "The \"{}\" block of {}'s config file is written in a way that cannot be replaced without touching the rest of the file; the file was left untouched",
            client.servers_key(),
            client.display_name()
        ),
    )
}

/// 500: a value we built could not be written; never caused by the file.
fn unwritable(reason: impl Display) -> Error {
    Error::new(
        Code::ConfigRenderFailed,
        format!("The servers block could not be written: {reason}"),
    )
}

/// Whether the text's first line ends in CRLF.
fn uses_crlf(text: &str) -> bool {
    text.find('\n').is_some_and(|i| text[..i].ends_with('\r'))
}

/// Every bare `\n` as `\r\n`.
fn to_crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev = '\0';
    for c in text.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests;
