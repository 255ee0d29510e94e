//! The Cloudflare Workers host of mcp-orchestration.
//!
//! A thin translator: the `fetch` event answers the store-less routes (`/health`, `/openapi.json`,
//! `/docs`, anything outside `/v1` and `/mcp`) with the core directly and forwards every `/v1`
//! and `/mcp` request to one Durable Object, [`Orchestrator`], whose SQLite storage implements
//! the core's [`Store`](mcp_orchestration_core::Store). Every rule (auth, CORS, routing, errors) is the
//! core's; this crate only moves bytes between the Workers runtime and
//! [`mcp_orchestration_core::api::handle`].
//!
//! Built for `wasm32-unknown-unknown` by `worker-build --release` (see `wrangler.toml`); it also
//! compiles for the host so that the workspace's `cargo clippy` and `cargo test` cover it.
#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub)]

mod exchange;
// `#[durable_object]` generates the JS-facing methods of the object, undocumented.
#[allow(missing_docs)]
mod object;
mod runtime;
mod sql_store;

use mcp_orchestration_core::MemoryStore;
use mcp_orchestration_core::api;
use mcp_orchestration_core::usage::Usage;
use worker::{Context, Env, Request, Response, Result, event};

pub use object::Orchestrator;

/// The `wrangler.toml` binding of the Durable Object namespace.
const OBJECT_BINDING: &str = "ORCHESTRATOR";
/// The one Durable Object instance that holds all state.
const OBJECT_NAME: &str = "primary";

/// Whether a request path needs the store, so is served by the Durable Object: the `/v1` API,
/// and `/mcp`, whose sessions are kept in the store.
fn is_api_path(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/") || path == "/mcp"
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    if is_api_path(&req.path()) {
        let stub = env
            .durable_object(OBJECT_BINDING)?
            .id_from_name(OBJECT_NAME)?
            .get_stub()?;
        return stub
            .fetch_with_request(exchange::forwardable(req).await?)
            .await;
    }
    // Store-less routes: nothing they answer depends on stored state.
    let settings = runtime::settings(&env);
    let usage = Usage::new();
    let request = exchange::read_request(req).await?;
    let mut store = MemoryStore::new();
    let response = api::handle(request, &mut store, &runtime::host(&settings, &usage, None));
    exchange::write_response(response)
}

#[cfg(test)]
mod tests {
    use super::is_api_path;

    #[test]
    fn only_v1_and_mcp_paths_go_to_the_durable_object() {
        assert!(is_api_path("/v1"));
        assert!(is_api_path("/v1/clients"));
        assert!(is_api_path("/mcp"));
        assert!(!is_api_path("/mcp/x"));
        assert!(!is_api_path("/mcpx"));
        assert!(!is_api_path("/v1clients"));
        assert!(!is_api_path("/health"));
        assert!(!is_api_path("/openapi.json"));
        assert!(!is_api_path("/"));
    }
}
