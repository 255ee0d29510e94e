//! What the Workers runtime injects into the core: the clock, entropy and settings.

use mcp_orchestration_core::api::{self, Settings};
use mcp_orchestration_core::ports::Keyring;
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Clock, Code, Entropy, Error, Result, Timestamp};

/// The `X-API-Key` secret (`wrangler secret put`, `.dev.vars` or `--var`).
const API_KEY_VAR: &str = "MCP_ORCHESTRATION_API_KEY";
/// The allowed CORS origins (`[vars]` in `wrangler.toml`).
const CORS_ORIGINS_VAR: &str = "MCP_ORCHESTRATION_CORS_ORIGINS";
/// An optional signing key (PKCS#8 PEM) set as a secret instead of kept in the store.
const SIGNING_KEY_VAR: &str = "MCP_ORCHESTRATION_SIGNING_KEY";

/// The runtime's clock (`Date.now()`; frozen during a request, as Workers do).
pub(crate) struct WorkerClock;

impl Clock for WorkerClock {
    fn now(&self) -> Timestamp {
        Timestamp(i64::try_from(worker::Date::now().as_millis()).unwrap_or(i64::MAX))
    }
}

/// The runtime's `crypto.getRandomValues`, through getrandom's JS backend.
pub(crate) struct WorkerEntropy;

impl Entropy for WorkerEntropy {
    fn fill(&self, buf: &mut [u8]) -> Result<()> {
        getrandom::fill(buf).map_err(|e| {
            Error::new(
                Code::EntropyUnavailable,
                format!("The Workers runtime gave no random bytes: {e}"),
            )
        })
    }
}

/// A string binding (a var or a secret) of the Worker, if set.
fn var(env: &worker::Env, name: &str) -> Option<String> {
    env.var(name).ok().map(|v| v.to_string())
}

/// The core settings from the Worker's vars and secrets.
pub(crate) fn settings(env: &worker::Env) -> Settings {
    Settings::from_vars(
        var(env, API_KEY_VAR).as_deref(),
        var(env, CORS_ORIGINS_VAR).as_deref(),
    )
}

/// The signing key set by the `MCP_ORCHESTRATION_SIGNING_KEY` secret. It is managed with
/// `wrangler secret put`, so the API can read it but not replace it.
pub(crate) struct SecretKeyring {
    private_key_pem: String,
}

impl Keyring for SecretKeyring {
    fn load(&self) -> Result<Option<String>> {
        Ok(Some(self.private_key_pem.clone()))
    }

    fn save(&self, _private_pem: &str, _public_pem: &str) -> Result<()> {
        Err(Error::new(
            Code::KeysManagedBySecret,
            format!(
                "The signing key is set by the {SIGNING_KEY_VAR} secret; rotate it with `wrangler secret put {SIGNING_KEY_VAR}`"
            ),
        ))
    }
}

/// The signing-key secret, if the Worker has one; without it the keys live in the store.
pub(crate) fn secret_keyring(env: &worker::Env) -> Option<SecretKeyring> {
    var(env, SIGNING_KEY_VAR)
        .filter(|pem| !pem.trim().is_empty())
        .map(|private_key_pem| SecretKeyring { private_key_pem })
}

/// The core's environment on the edge: no client files (nothing to deploy into); the signing
/// keys come from `keyring` when a secret sets them, else from the store.
pub(crate) fn host<'a>(
    settings: &'a Settings,
    usage: &'a Usage,
    keyring: Option<&'a SecretKeyring>,
) -> api::Host<'a> {
    api::Host {
        clock: &WorkerClock,
        entropy: &WorkerEntropy,
        files: None,
        keyring: keyring.map(|k| k as &dyn Keyring),
        usage,
        settings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_signing_key_is_read_but_never_replaced() {
        let keyring = SecretKeyring {
            private_key_pem: "PEM".to_owned(),
        };
        assert_eq!(keyring.load().unwrap().as_deref(), Some("PEM"));
        let err = keyring.save("new", "new").unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (409, "KEYS_MANAGED_BY_SECRET")
        );
        assert!(
            err.detail
                .contains("wrangler secret put MCP_ORCHESTRATION_SIGNING_KEY")
        );
    }
}
