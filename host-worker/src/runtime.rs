//! What the Workers runtime injects into the core: the clock, entropy and settings.

use mcp_orchestration_core::api::{self, Settings};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Clock, Entropy, Error, Result, Timestamp};

/// The `X-API-Key` secret (`wrangler secret put`, `.dev.vars` or `--var`).
const API_KEY_VAR: &str = "MCP_ORCHESTRATION_API_KEY";
/// The allowed CORS origins (`[vars]` in `wrangler.toml`).
const CORS_ORIGINS_VAR: &str = "MCP_ORCHESTRATION_CORS_ORIGINS";

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
            Error::internal(
                "ENTROPY_UNAVAILABLE",
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

/// The core's environment on the edge: no client files (nothing to deploy into) and no keyring
/// (the signing keys live in the store).
pub(crate) fn core_env<'a>(settings: &'a Settings, usage: &'a Usage) -> api::Env<'a> {
    api::Env {
        clock: &WorkerClock,
        entropy: &WorkerEntropy,
        files: None,
        keyring: None,
        usage,
        settings,
    }
}
