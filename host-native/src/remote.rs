//! The client side of `sync` and `status`: GET requests to another mcp-orchestration server
//! (native or edge) with a token, each failure one line.

use std::fmt;
use std::sync::mpsc;
use std::time::Duration;

use mcp_orchestration_core::artifact::Artifact;
use mcp_orchestration_core::ops::keys::KeyEntry;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How long one request may take in all.
const TIMEOUT: Duration = Duration::from_secs(30);
/// How long a request runs before a progress line says it is waiting.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// Why a request failed, as the one line the command prints after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer: connection refused, DNS, timeout, a 5xx. Worth retrying.
    Unreachable(String),
    /// The credentials were refused (401) or lack the scope (403): waiting will not help.
    Denied(String),
    /// Any other answer we cannot use: a 404 (nothing deployed yet), a body we cannot read.
    Refused(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreachable(line) | Self::Denied(line) | Self::Refused(line) => f.write_str(line),
        }
    }
}

/// The answer of `GET /v1/keys/public`: the current key and every key the server lists.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicKeys {
    /// The current key's id.
    pub key_id: String,
    /// The current key, SPKI PEM.
    pub public_key: String,
    /// Every key (servers from before the list answer none).
    #[serde(default)]
    pub keys: Vec<KeyEntry>,
}

impl PublicKeys {
    /// The current key as an entry.
    pub fn current(&self) -> KeyEntry {
        KeyEntry {
            key_id: self.key_id.clone(),
            public_key: self.public_key.clone(),
        }
    }
}

/// A server at a base URL, with an optional bearer token.
#[derive(Debug)]
pub struct Server {
    base: String,
    token: Option<String>,
    agent: ureq::Agent,
}

impl Server {
    /// The server at `base` (a trailing `/` is dropped).
    pub fn new(base: &str, token: Option<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            base: base.trim_end_matches('/').to_owned(),
            token: token.filter(|t| !t.is_empty()),
            agent,
        }
    }

    /// The base URL, as pins are keyed.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The artifact deployed for `client`/`profile`; `None` when it is still the one whose id
    /// is `known` (a 304).
    pub fn deployed(
        &self,
        client: &str,
        profile: &str,
        known: Option<&str>,
    ) -> Result<Option<Artifact>, Failure> {
        let path = format!("/v1/config/{client}/{profile}/deployed");
        let etag = known.map(|id| format!("\"{id}\""));
        self.get(&path, etag.as_deref())
    }

    /// The server's public keys.
    pub fn public_keys(&self) -> Result<PublicKeys, Failure> {
        self.get("/v1/keys/public", None)?
            .ok_or_else(|| Failure::Refused(format!("{} answered 304 to a plain GET", self.base)))
    }

    /// GET `path` as JSON; `None` for a 304.
    fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        if_none_match: Option<&str>,
    ) -> Result<Option<T>, Failure> {
        let url = format!("{}{path}", self.base);
        let mut req = self.agent.get(&url).header("Accept", "application/json");
        if let Some(token) = &self.token {
            req = req.header("Authorization", format!("Bearer {token}"));
        }
        if let Some(etag) = if_none_match {
            req = req.header("If-None-Match", etag);
        }
        let (done, waiting) = mpsc::channel::<()>();
        let progress_url = url.clone();
        std::thread::spawn(move || {
            if waiting.recv_timeout(PROGRESS_AFTER) == Err(mpsc::RecvTimeoutError::Timeout) {
                eprintln!("waiting for {progress_url} ...");
            }
        });
        let answer = req.call();
        drop(done);
        let mut res =
            answer.map_err(|e| Failure::Unreachable(format!("cannot reach {}: {e}", self.base)))?;
        let status = res.status().as_u16();
        if status == 304 {
            return Ok(None);
        }
        let body = res
            .body_mut()
            .read_to_string()
            .map_err(|e| Failure::Unreachable(format!("cannot read {url}: {e}")))?;
        if (200..300).contains(&status) {
            return serde_json::from_str(&body).map(Some).map_err(|e| {
                Failure::Refused(format!(
                    "{url} answered a body that is not the expected JSON: {e}"
                ))
            });
        }
        Err(refusal(&self.base, &url, status, &body))
    }
}

/// The line for an error answer: 401 and 403 say what to do, 5xx counts as unreachable.
fn refusal(base: &str, url: &str, status: u16, body: &str) -> Failure {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let detail = parsed
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or(body)
        .trim();
    match status {
        401 => Failure::Denied(format!(
            "{base} refused the credentials (401): {detail}; pass a token with --token or MCP_ORCHESTRATION_TOKEN"
        )),
        403 => {
            let scope = parsed
                .get("required_scope")
                .and_then(Value::as_str)
                .unwrap_or("read");
            Failure::Denied(format!(
                "{base} refused the token (403): this needs a token with the '{scope}' scope"
            ))
        }
        500.. => Failure::Unreachable(format!("{url} failed ({status}): {detail}")),
        _ => Failure::Refused(format!("{url} answered {status}: {detail}")),
    }
}
