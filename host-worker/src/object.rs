//! The one Durable Object that holds all state and serves `/v1` and `/mcp`.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use mcp_orchestration_core::api::edge::{Grant, TeamCatalog};
use mcp_orchestration_core::api::lockout::Lockout;
use mcp_orchestration_core::api::{self, Settings};
use mcp_orchestration_core::usage::Usage;
use mcp_orchestration_core::{Clock, token};
use worker::{DurableObject, Env, RateLimiter, Request, Response, Result, State, durable_object};

use crate::runtime::{self, SecretKeyring, WorkerClock};
use crate::sql_store::SqlStore;
use crate::{exchange, guard, relay};

/// How long token uses seen only by read requests stay in memory before an alarm writes them, so
/// that a burst of reads costs one write. (A write request folds them into its own commit.)
///
/// Kept well under the time an idle object stays in memory: the alarm of an evicted object runs in
/// a fresh instance whose in-memory usage is empty, and the uses are lost. `wrangler dev` was seen
/// to evict an object idle for less than 30 s; Cloudflare keeps idle objects for a minute or more.
const USAGE_FLUSH_DELAY: Duration = Duration::from_secs(2);

/// The Durable Object behind what the Worker cannot answer alone: its SQLite storage is the core's
/// store (MCP sessions included); it keeps token usage in memory between flushes (its own and
/// what the Worker reports), vouches for bearer tokens and sends the team catalog entries to the
/// Worker, and keeps the blocks of addresses that guess credentials (see [`guard`]).
#[durable_object(alarm)]
pub struct Orchestrator {
    state: State,
    /// Opened (and its table created) once per instance, not per request.
    store: RefCell<SqlStore>,
    settings: Settings,
    keyring: Option<SecretKeyring>,
    usage: Usage,
    lockout: Lockout,
    limiter: Option<RateLimiter>,
    flush_scheduled: Cell<bool>,
}

impl DurableObject for Orchestrator {
    fn new(state: State, env: Env) -> Self {
        Self {
            store: RefCell::new(SqlStore::open(&state)),
            state,
            settings: runtime::settings(&env),
            keyring: runtime::secret_keyring(&env),
            usage: Usage::new(),
            lockout: Lockout::new(),
            limiter: guard::limiter(&env),
            flush_scheduled: Cell::new(false),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let mut request = exchange::read_request(req).await?;
        relay::absorb_usage(request.headers_mut(), &self.usage);
        if request.headers_mut().remove(relay::WANT_CATALOG).is_some() {
            // The Worker's own request, not a client's (the Worker strips relay headers).
            return match TeamCatalog::of(&*self.store.borrow()) {
                Ok(copy) => Response::from_json(&copy),
                Err(err) => exchange::write_response(api::reply::error(&err)),
            };
        }
        let wants_grant = request.headers_mut().remove(relay::WANT_GRANT).is_some();
        let peer = guard::peer(request.headers());
        let now = WorkerClock.now();
        let response = match self
            .lockout
            .check(peer, request.headers(), &self.settings, now)
        {
            Some(refused) => refused,
            None => {
                let headers = wants_grant.then(|| request.headers().clone());
                // From here to the grant nothing awaits, so no other request interleaves and
                // the store is never borrowed twice.
                let (response, grant) = {
                    let mut store = self.store.borrow_mut();
                    let response = api::handle(
                        request,
                        &mut *store,
                        &runtime::host(&self.settings, &self.usage, self.keyring.as_ref()),
                    );
                    let grant = headers.and_then(|h| Grant::for_request(&*store, &h, now));
                    (response, grant)
                };
                let mut response =
                    guard::count(self.limiter.as_ref(), &self.lockout, peer, now, response).await;
                if let Some(value) = grant.as_ref().and_then(relay::grant_value) {
                    response.headers_mut().insert(relay::GRANT, value);
                }
                response
            }
        };
        if !self.usage.is_empty() && !self.flush_scheduled.get() {
            self.state.storage().set_alarm(USAGE_FLUSH_DELAY).await?;
            self.flush_scheduled.set(true);
        }
        exchange::write_response(response)
    }

    async fn alarm(&self) -> Result<Response> {
        self.flush_scheduled.set(false);
        if let Err(err) = token::flush_usage(&mut *self.store.borrow_mut(), &self.usage) {
            // The uses stay in memory (flush_usage puts them back); the next read schedules again.
            worker::console_error!("could not write token usage: {err}");
        }
        Response::empty()
    }
}
