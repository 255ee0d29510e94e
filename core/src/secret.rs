//! Secrets by reference: an env var or header value that is a name, never the value.
//!
//! A draft, an artifact and every record hold a secret as `{"secret": "NAME"}` (a header may
//! add a `"prefix"` such as `"Bearer "`). A client file gets the client's own reference syntax
//! where it has one (`clients.json` `entry.secret`: Claude Code `${NAME}`, Cursor and Windsurf
//! `${env:NAME}`, Gemini CLI `$NAME`; Codex `env_vars` / `bearer_token_env_var` /
//! `env_http_headers`); for a client without one the machine that writes the file fills the
//! value in from its own environment or secrets file ([`crate::ports::ClientFiles::secret`]),
//! so the value never travels through a server.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::is_identifier;
use crate::error::{Code, Error, Result};

/// A secret, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// The secret's name: an environment variable name on the machine that applies the file.
    pub secret: String,
    /// Text before the value, e.g. `Bearer ` (headers only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefix: String,
}

/// The value of an env var or header: text, or a secret by reference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Setting {
    /// A literal value.
    Text(String),
    /// A reference to a secret.
    Secret(SecretRef),
}

impl Setting {
    /// The secret this setting refers to, if it is one.
    pub fn secret(&self) -> Option<&SecretRef> {
        match self {
            Self::Secret(r) => Some(r),
            Self::Text(_) => None,
        }
    }
}

impl From<String> for Setting {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// Whether `name` can name a secret (an environment variable name).
pub fn is_secret_name(name: &str) -> bool {
    is_identifier(name)
}

/// Whether an env var or header name says it holds a credential.
pub fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "PRIVATE_KEY",
        "AUTHORIZATION",
        "CREDENTIAL",
    ]
    .iter()
    .any(|word| upper.contains(word))
        || upper.ends_with("_KEY")
        || upper.ends_with("-KEY")
}

/// `template` (holding `{name}`) for `secret`, after its prefix: how a client refers to it.
pub fn reference(template: &str, secret: &SecretRef) -> String {
    format!(
        "{}{}",
        secret.prefix,
        template.replace("{name}", &secret.secret)
    )
}

/// The secret `text` refers to in `template`'s syntax, if it is such a reference.
pub fn read_reference(template: &str, text: &str) -> Option<SecretRef> {
    let (before, after) = template.split_once("{name}")?;
    let start = text.rfind(before)?;
    let name = text.get(start + before.len()..)?.strip_suffix(after)?;
    let prefix = text.get(..start)?;
    is_secret_name(name).then(|| SecretRef {
        secret: name.to_owned(),
        prefix: prefix.to_owned(),
    })
}

/// `settings` with every secret filled in by `lookup`: 409 `SECRET_UNRESOLVED` naming the ones
/// this machine does not have.
pub fn fill(
    settings: &mut BTreeMap<String, Setting>,
    lookup: &dyn Fn(&str) -> Result<Option<String>>,
    entry: &str,
) -> Result<()> {
    let mut missing = Vec::new();
    for setting in settings.values_mut() {
        if let Setting::Secret(r) = setting {
            match lookup(&r.secret)? {
                Some(value) => *setting = Setting::Text(format!("{}{value}", r.prefix)),
                None => missing.push(r.secret.clone()),
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(unresolved(entry, &missing))
    }
}

/// 409 `SECRET_UNRESOLVED`: entry `entry` needs the secrets `names`, which this machine lacks.
pub fn unresolved(entry: &str, names: &[String]) -> Error {
    Error::new(
        Code::SecretUnresolved,
        format!(
            "Server '{}' needs the secret {} on this machine: set it in the environment or in $MCP_ORCHESTRATION_HOME/secrets.json",
            entry.escape_debug(),
            names
                .iter()
                .map(|n| format!("'{n}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(name: &str, prefix: &str) -> SecretRef {
        SecretRef {
            secret: name.into(),
            prefix: prefix.into(),
        }
    }

    #[test]
    fn references_are_written_and_read_back_in_each_syntax() {
        for template in ["${{name}}", "${env:{name}}", "${input:{name}}", "${name}"] {
            for secret in [r("GITHUB_TOKEN", ""), r("API_KEY", "Bearer ")] {
                let text = reference(template, &secret);
                assert_eq!(read_reference(template, &text), Some(secret), "{text}");
            }
        }
        assert_eq!(read_reference("${env:{name}}", "plain value"), None);
        assert_eq!(read_reference("${env:{name}}", "${env:not a name}"), None);
    }

    #[test]
    fn settings_read_as_text_or_reference_and_refuse_other_shapes() {
        let text: Setting = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(text, Setting::Text("x".into()));
        let secret: Setting = serde_json::from_str(r#"{"secret": "T"}"#).unwrap();
        assert_eq!(secret, Setting::Secret(r("T", "")));
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#"{"secret":"T"}"#);
        assert!(serde_json::from_str::<Setting>(r#"{"secret": "T", "value": "v"}"#).is_err());
        assert!(serde_json::from_str::<Setting>("3").is_err());
    }

    #[test]
    fn fill_puts_values_in_and_names_the_missing() {
        let mut settings = BTreeMap::from([
            ("A".to_owned(), Setting::Secret(r("HAVE", "Bearer "))),
            ("B".to_owned(), Setting::Text("t".into())),
        ]);
        let lookup = |n: &str| Ok((n == "HAVE").then(|| "v".to_owned()));
        fill(&mut settings, &lookup, "e").unwrap();
        assert_eq!(settings["A"], Setting::Text("Bearer v".into()));
        let mut missing = BTreeMap::from([("C".to_owned(), Setting::Secret(r("NOPE", "")))]);
        let err = fill(&mut missing, &lookup, "e").unwrap_err();
        assert_eq!(err.code, Code::SecretUnresolved);
        assert!(err.detail.contains("'NOPE'"), "{}", err.detail);
    }
}
