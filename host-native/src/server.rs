//! `serve`: axum in front, the core's `api::handle` behind a catch-all route, and the web
//! console's files at `/` and `/assets/`.
//!
//! Read-only requests are answered inline on the async worker that received them (shared
//! answers from memory, the rest on the thread's own SQLite reader); write requests queue for
//! the writer thread's group commit ([`crate::writes`]). Connections are served by
//! [`crate::connections`], within the `serve` limits.

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow};
use axum::Router;
use axum::body::Body;
use axum::extract::State;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use mcp_orchestration_core::Code;
use mcp_orchestration_core::Error;
use mcp_orchestration_core::api::{self, MAX_BODY_BYTES, Settings};
use mcp_orchestration_core::ports::{ClientFiles, Keyring};
use tokio::net::TcpListener;
use tracing::{info, warn};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::EnvFilter;

use crate::access::Arrival;
use crate::app::App;
use crate::cli::ServeArgs;
use crate::connections::{self, Limits};
use crate::console;
use crate::files::FsClientFiles;
use crate::home::Home;
use crate::lockout;
use crate::writes::Writes;

/// How often token usage counted in memory is saved to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);
/// How often the store is checked for writes by other processes (the CLI), which make the
/// shared answers kept in memory stale.
pub const LOOK_FOR_OTHER_WRITERS_EVERY: Duration = Duration::from_secs(1);
/// File descriptors kept out of `--max-connections`' default: the store, the listener, logs.
const SPARE_FILES: u64 = 64;
/// The default `--max-connections` is the open-file limit less the spares, at most this.
const MOST_CONNECTIONS: u64 = 10_000;

/// Runs the server until SIGINT or SIGTERM, then finishes the requests in flight, saves token
/// usage and returns.
pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let _logs = init_logging(args.log_level.as_str());
    let home = Home::from_env()?;
    let db = home.open_store()?;
    let settings = Settings::from_vars(
        std::env::var("MCP_ORCHESTRATION_API_KEY").ok().as_deref(),
        std::env::var("MCP_ORCHESTRATION_CORS_ORIGINS")
            .ok()
            .as_deref(),
    );
    let files = FsClientFiles::new(args.allow_paths.clone());
    let app = Arc::new(App::new(db, home.keyring(), files, settings));
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(serve(&args, app))
}

/// Raises the soft open-file limit to the hard one (each connection takes a file descriptor),
/// logs it, and returns the limit in force.
fn raise_open_file_limit() -> u64 {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            info!("Open-file limit: {limit}");
            limit
        }
        Err(e) => {
            let limit = rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft);
            warn!("cannot raise the open-file limit (it stays {limit}): {e}");
            limit
        }
    }
}

async fn serve(args: &ServeArgs, app: Arc<App>) -> anyhow::Result<()> {
    let listener = TcpListener::bind((args.host.as_str(), args.port))
        .await
        .map_err(|e| {
            anyhow!(
                "cannot listen on {}:{}: {}",
                args.host,
                args.port,
                describe(&e)
            )
        })?;
    let url = format!(
        "http://{}",
        listener
            .local_addr()
            .context("cannot read the listening address")?
    );

    let shutdown = shutdown_signal();
    let issued = blocking(&app, App::ensure_a_token)
        .await?
        .map_err(|e| anyhow!(e.detail))?;
    if let Some(token) = issued {
        println!("Generated token: {token}");
    }
    info!("Listening on {url}");
    info!("Web console at {url}/");
    info!("API docs at {url}/docs");
    info!("Store: {}", app.db().path().display());
    let roots = app.files().allowed_roots();
    if roots.is_empty() {
        warn!(
            "Deploys cannot write client config files: the home directory is unknown and no --allow-path was given"
        );
    } else {
        info!(
            "Client config files may be written under {}",
            roots.join(", ")
        );
    }
    match app.keyring().load() {
        Ok(Some(_)) => {}
        Ok(None) => info!(
            "No signing keys yet: run `mcp-orchestration keys init` (or POST /v1/keys/initialize) before publishing"
        ),
        Err(e) => warn!("{}", e.detail),
    }

    let open_files = raise_open_file_limit();
    let limits = Limits {
        max_connections: usize::try_from(args.max_connections.unwrap_or_else(|| {
            open_files
                .saturating_sub(SPARE_FILES)
                .clamp(1, MOST_CONNECTIONS)
        }))
        .unwrap_or(usize::MAX),
        header_timeout: args.header_timeout,
        idle_timeout: args.idle_timeout,
    };
    info!(
        "At most {} connections; request heads within {:?}, idle connections closed after {:?}",
        limits.max_connections, limits.header_timeout, limits.idle_timeout
    );
    let flusher = tokio::spawn(flush_periodically(Arc::clone(&app)));
    let watcher = tokio::spawn(look_for_other_writers(Arc::clone(&app)));
    let router = router(Arc::clone(&app)).context("cannot start the writer thread")?;
    connections::serve(listener, router, limits, shutdown).await;
    flusher.abort();
    watcher.abort();
    flush(&app).await;
    info!("Server shut down gracefully");
    Ok(())
}

/// What every request's handler gets: the app, and the queue to its writer thread. Shared
/// behind one `Arc`, so handing it to a request is one reference count, not one per field (the
/// queue's sender is a count shared by every worker thread).
#[derive(Debug)]
struct Served {
    app: Arc<App>,
    writes: Writes,
}

/// The whole HTTP surface: the web console's files, and every other method and path to the
/// core; each answer with a request id and, at `info`, one log line ([`access`]). Starts the
/// writer thread, which ends when the router is dropped.
pub fn router(app: Arc<App>) -> io::Result<Router> {
    let writes = Writes::start(Arc::clone(&app))?;
    Ok(Router::new()
        .fallback(handle)
        .with_state(Arc::new(Served { app, writes })))
}

/// Every request: a console file for a `GET` or `HEAD` of `/` or under `/assets/` that the
/// console has, else the core's answer.
async fn handle(state: State<Arc<Served>>, req: axum::extract::Request) -> http::Response<Body> {
    let peer = lockout::peer(&req);
    let arrival = Arrival::of(&req, peer);
    let path = req.uri().path();
    let file = if !api::is_console_file(req.method().as_str(), path) {
        None
    } else if path == "/" {
        Some(console::index(req.headers()))
    } else {
        console::asset(req.headers(), path)
    };
    let res = match file {
        Some(file) => file,
        None => answer(state, peer, req).await,
    };
    arrival.answered(res)
}

/// Reads the body, then answers inline (a read) or through the writer thread (a write), with
/// the lockout of addresses that guess credentials around it.
async fn answer(
    State(served): State<Arc<Served>>,
    peer: Option<std::net::IpAddr>,
    req: axum::extract::Request,
) -> http::Response<Body> {
    let (parts, body) = req.into_parts();
    if let Some(refused) = lockout::refused(&served.app, peer, &parts.headers) {
        return refused.map(Body::from);
    }
    let body = match read_body(body).await {
        Ok(body) => body,
        Err(e) => {
            let err = Error::new(
                Code::BodyUnreadable,
                format!("Could not read the request body: {e}"),
            );
            return api::reply::error(&err).map(Body::from);
        }
    };
    let req = http::Request::from_parts(parts, body);
    let res = if api::is_read_only(req.method()) {
        served.app.answer(req)
    } else {
        served.writes.answer(req).await
    };
    lockout::counted(&served.app, peer, res).map(Body::from)
}

/// Reads the body, stopping one byte past [`MAX_BODY_BYTES`]: a longer body arrives at the core
/// cut to that length, which the core answers with 413.
async fn read_body(mut body: Body) -> Result<Bytes, axum::Error> {
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame?.into_data() {
            let room = MAX_BODY_BYTES + 1 - buf.len();
            buf.extend_from_slice(data.get(..room).unwrap_or(&data));
            if buf.len() > MAX_BODY_BYTES {
                break;
            }
        }
    }
    Ok(buf.freeze())
}

async fn flush_periodically(app: Arc<App>) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        tick.tick().await;
        flush(&app).await;
    }
}

async fn look_for_other_writers(app: Arc<App>) {
    let mut tick = tokio::time::interval(LOOK_FOR_OTHER_WRITERS_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match blocking(&app, App::notice_other_writers).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => warn!(code = e.code.as_str(), "{}", e.detail),
            Err(e) => warn!("{e}"),
        }
    }
}

async fn flush(app: &Arc<App>) {
    match blocking(app, App::flush_usage).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => warn!(
            code = e.code.as_str(),
            "could not save token usage (kept for the next try): {}", e.detail
        ),
        Err(e) => warn!("could not save token usage: {e}"),
    }
}

/// Runs `f` on the blocking pool.
async fn blocking<T: Send + 'static>(app: &Arc<App>, f: fn(&App) -> T) -> anyhow::Result<T> {
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .context("a store task failed")
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM. The handlers are installed by this call, so a
/// signal that arrives before the future is first polled is not lost.
fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = wait_for(interrupt, "SIGINT") => {}
                () = wait_for(terminate, "SIGTERM") => {}
            }
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
        info!("Shutting down: finishing requests in flight");
    }
}

#[cfg(unix)]
async fn wait_for(signal: io::Result<tokio::signal::unix::Signal>, name: &str) {
    match signal {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(e) => {
            warn!("cannot listen for {name}: {e}");
            std::future::pending::<()>().await;
        }
    }
}

/// A short, lowercase reason for a failed bind.
fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::AddrInUse => "address already in use".to_owned(),
        io::ErrorKind::AddrNotAvailable => "address not available on this machine".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => e.to_string(),
    }
}

/// Logs to stderr at `level`, unless `RUST_LOG` says otherwise, until the returned guard is
/// dropped (which writes out the lines still queued). Lines are queued to a thread of their
/// own that writes them, so a request's log line costs no system call on the thread that
/// answers it. None is dropped: when the queue is full (128k lines), logging waits.
pub(crate) fn init_logging(level: &str) -> WorkerGuard {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .thread_name("log-writer")
        .finish(io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(io::stderr().is_terminal())
        .with_target(false)
        .init();
    guard
}

#[cfg(test)]
mod tests {
    use tower::ServiceExt;

    use super::*;
    use crate::home::Home;

    fn app() -> (tempfile::TempDir, Arc<App>) {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        let app = App::new(
            home.open_store().unwrap(),
            home.keyring(),
            FsClientFiles::new(Vec::new()),
            Settings::from_vars(None, None),
        );
        (dir, Arc::new(app))
    }

    #[tokio::test]
    async fn a_body_over_the_limit_reaches_the_core_one_byte_too_long() {
        let exact = read_body(Body::from(vec![7u8; MAX_BODY_BYTES]))
            .await
            .unwrap();
        assert_eq!(exact.len(), MAX_BODY_BYTES);
        let over = read_body(Body::from(vec![7u8; 3 * MAX_BODY_BYTES]))
            .await
            .unwrap();
        assert_eq!(over.len(), MAX_BODY_BYTES + 1);
        assert!(read_body(Body::empty()).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn every_answer_carries_a_request_id() {
        let (_dir, app) = app();
        let res = router(Arc::clone(&app))
            .unwrap()
            .oneshot(http::Request::get("/health").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let id = res
            .headers()
            .get("x-request-id")
            .expect("a generated id")
            .to_str()
            .unwrap();
        assert_eq!(id.len(), 36, "a UUID: {id}");

        let res = router(app)
            .unwrap()
            .oneshot(
                http::Request::get("/health")
                    .header("x-request-id", "abc-123")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.headers()["x-request-id"], "abc-123");
    }

    async fn get(app: &Arc<App>, path: &str, etag: Option<&str>) -> http::Response<Body> {
        let mut req = http::Request::get(path);
        if let Some(etag) = etag {
            req = req.header("if-none-match", etag);
        }
        router(Arc::clone(app))
            .unwrap()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    async fn text(res: http::Response<Body>) -> String {
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    /// Needs the console built (`npm run build:web`, which scripts/test.sh runs first): a debug
    /// build reads web/dist from the disk, a release build embeds it.
    #[tokio::test]
    async fn the_console_is_served_at_the_root_with_its_assets() {
        let (_dir, app) = app();
        let res = get(&app, "/", None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(res.headers()["cache-control"], "no-cache");
        let page = text(res).await;
        assert!(
            !page.contains(console::NOT_BUILT),
            "web/dist is missing: run `npm run build:web` before this test"
        );
        assert!(page.contains("<div id=\"app\">"), "{page}");

        let script = page
            .split('"')
            .find(|s| s.starts_with("/assets/console-") && s.ends_with(".js"))
            .expect("index.html names its script");
        let res = get(&app, script, None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()["content-type"],
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let etag = res.headers()["etag"].to_str().unwrap().to_owned();
        let bundle = text(res).await;
        let wasm = bundle
            .split('"')
            .find(|s| s.starts_with("./mcp_orchestration_core_bg-") && s.ends_with(".wasm"))
            .expect("the bundle names the core's wasm");
        let res = get(&app, &format!("/assets/{}", &wasm[2..]), None).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/wasm");

        let res = get(&app, script, Some(&etag)).await;
        assert_eq!(res.status(), 304, "a known ETag is not sent again");
        assert!(text(res).await.is_empty());
    }

    #[tokio::test]
    async fn the_core_still_answers_everything_but_the_console() {
        let (_dir, app) = app();
        for (method, path) in [("GET", "/assets/no-such-file.js"), ("POST", "/")] {
            let res = router(Arc::clone(&app))
                .unwrap()
                .oneshot(
                    http::Request::builder()
                        .method(method)
                        .uri(path)
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_eq!(res.status(), 404, "{method} {path}");
            assert_eq!(res.headers()["content-type"], "application/json");
            let body: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
            assert_eq!(body["code"], "ROUTE_NOT_FOUND", "{method} {path}");
        }
        let res = get(&app, "/docs", None).await;
        assert_eq!(res.status(), 200);
        assert!(text(res).await.contains("openapi.json"));
    }

    #[tokio::test]
    async fn the_core_routes_everything_including_unknown_paths() {
        let (_dir, app) = app();
        let res = router(app)
            .unwrap()
            .oneshot(
                http::Request::get("/no/such/route")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 404);
        assert_eq!(res.headers()["content-type"], "application/json");
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error_type"], "NotFound");
    }

    #[tokio::test]
    async fn token_usage_is_saved_by_a_flush() {
        let (_dir, app) = app();
        let token = app.ensure_a_token().unwrap().expect("a first token");
        assert_eq!(app.ensure_a_token().unwrap(), None, "only one admin token");
        let res = router(Arc::clone(&app))
            .unwrap()
            .oneshot(
                http::Request::get("/v1/tokens")
                    .header("authorization", format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let stored = |app: &App| {
            app.db()
                .read(|s| {
                    mcp_orchestration_core::token::list(
                        s,
                        &mcp_orchestration_core::usage::Usage::new(),
                    )
                })
                .unwrap()
                .unwrap()[0]
                .usage_count
        };
        assert_eq!(stored(&app), 0, "a read request does not write usage");
        flush(&app).await;
        assert_eq!(stored(&app), 1);
    }

    #[test]
    fn bind_failures_read_as_short_reasons() {
        let e = io::Error::from(io::ErrorKind::AddrInUse);
        assert_eq!(describe(&e), "address already in use");
    }
}
