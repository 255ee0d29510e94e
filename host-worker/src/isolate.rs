//! What one Worker isolate keeps between requests: its settings, what the Durable Object vouched
//! for (grants, the team catalog copy) with the answers kept from them, the token uses it counted
//! at the edge, and the address blocks it learned of.

use std::cell::{Cell, OnceCell};
use std::rc::Rc;
use std::time::Duration;

use http::HeaderMap;
use mcp_orchestration_core::api::Settings;
use mcp_orchestration_core::api::edge::Edge;
use mcp_orchestration_core::api::lockout::Lockout;
use mcp_orchestration_core::usage::Usage;
use worker::{Context, Delay, Env, RateLimiter};

use crate::{durable_object, exchange, guard, relay, runtime};

/// How long token uses counted at the edge wait for a request to the Durable Object to carry
/// them before a report of their own takes them there (in `waitUntil`, after the answer).
const REPORT_DELAY: Duration = Duration::from_secs(1);

/// The isolate's state.
pub(crate) struct Isolate {
    pub(crate) settings: Settings,
    pub(crate) edge: Edge,
    pub(crate) usage: Usage,
    pub(crate) lockout: Lockout,
    pub(crate) limiter: Option<RateLimiter>,
    report_scheduled: Cell<bool>,
}

thread_local! {
    static ISOLATE: OnceCell<Rc<Isolate>> = const { OnceCell::new() };
}

impl Isolate {
    /// This isolate's state, made from `env` on first use (vars and secrets do not change
    /// while an isolate lives).
    pub(crate) fn get(env: &Env) -> Rc<Self> {
        ISOLATE.with(|cell| {
            Rc::clone(cell.get_or_init(|| {
                Rc::new(Self {
                    settings: runtime::settings(env),
                    edge: Edge::new(),
                    usage: Usage::new(),
                    lockout: Lockout::new(),
                    limiter: guard::limiter(env),
                    report_scheduled: Cell::new(false),
                })
            }))
        })
    }

    /// Makes sure the token uses counted here reach the Durable Object: if some wait and no
    /// report is due, one leaves after [`REPORT_DELAY`] (any request forwarded meanwhile takes
    /// them first).
    pub(crate) fn schedule_report(self: &Rc<Self>, env: &Env, ctx: &Context) {
        if self.usage.is_empty() || self.report_scheduled.replace(true) {
            return;
        }
        let (isolate, env) = (Rc::clone(self), env.clone());
        ctx.wait_until(async move {
            Delay::from(REPORT_DELAY).await;
            isolate.report_scheduled.set(false);
            if let Err(e) = isolate.report(&env).await {
                worker::console_error!("could not report token uses to the Durable Object: {e}");
            }
        });
    }

    /// Sends the pending token uses to the Durable Object, on a `GET /health` it answers as any.
    async fn report(&self, env: &Env) -> worker::Result<()> {
        let mut headers = HeaderMap::new();
        let Some(pending) = relay::attach_usage(&self.usage, &mut headers) else {
            return Ok(());
        };
        let mut request = http::Request::new(bytes::Bytes::new());
        *request.headers_mut() = headers;
        let sent = match exchange::runtime_request(request, "https://edge.invalid/health") {
            Ok(request) => durable_object(env)?
                .fetch_with_request(request)
                .await
                .map(drop),
            Err(e) => Err(e),
        };
        if sent.is_err() {
            self.usage.restore(pending);
        }
        sent
    }
}
