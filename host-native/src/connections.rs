//! Serving connections: HTTP/1.1 through hyper, with a cap on open connections, timeouts, and
//! the peer's address in each request.
//!
//! Each connection is watched: a request head must arrive within the header timeout (from the
//! connection's start, or from its first byte on a kept-alive connection), a kept-alive
//! connection may wait for its next request for the idle timeout, and a request being served
//! may go that long without a byte read or written. At the cap, a new connection takes the
//! place of the oldest one that is not serving a request (waiting for, or halfway through, a
//! request head); when every connection is serving one, the new one is answered 503 with
//! `Retry-After` and closed.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use mcp_orchestration_core::api;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;
use tracing::{debug, warn};

/// Seconds a client told 503 is asked to wait (`Retry-After`).
const RETRY_AFTER_SECS: u64 = 1;
/// How long a refused connection may take to send its request and read the 503.
const SHED_WITHIN: Duration = Duration::from_secs(1);
/// Most refused connections answered at once; beyond, they are closed unanswered.
const MOST_SHEDDING: usize = 256;
/// How often the connections' [`Clock`] advances.
const TICK: Duration = Duration::from_millis(100);

/// The connection limits `serve` enforces.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most connections open at once.
    pub max_connections: usize,
    /// Longest wait for a complete request head.
    pub header_timeout: Duration,
    /// Longest a kept-alive connection waits for its next request, and longest a request
    /// being served goes without a byte read or written.
    pub idle_timeout: Duration,
}

/// Serves `router` on `listener` within `limits` until `shutdown` resolves, then lets every
/// open connection finish its request in flight (idle ones close at once) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Open::default());
    let clock = Arc::new(Clock::new());
    let ticker = tokio::spawn(Arc::clone(&clock).run());
    let shedding = Arc::new(AtomicUsize::new(0));
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let mut next_id = 0_u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: connections wait in the backlog
                    // until some close.
                    warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        if !open.make_room(limits.max_connections) {
            if shedding.load(Ordering::Relaxed) < MOST_SHEDDING {
                tasks.spawn(shed(stream, Arc::clone(&shedding)));
            }
            continue;
        }
        next_id += 1;
        let conn = Arc::new(Conn::new(next_id, Arc::clone(&clock)));
        open.insert(&conn);
        let (open, router, stopping) = (Arc::clone(&open), router.clone(), stopping.clone());
        tasks.spawn(async move {
            serve_one(stream, peer, router, &conn, limits, stopping).await;
            open.remove(conn.id);
        });
    }
    let _ = stop.send(true);
    while tasks.join_next().await.is_some() {}
    ticker.abort();
}

/// Serves one connection until it ends, times out or is evicted.
async fn serve_one(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    conn: &Arc<Conn>,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
) {
    let service = {
        let conn = Arc::clone(conn);
        service_fn(move |mut req: http::Request<Incoming>| {
            conn.begin_request();
            req.extensions_mut().insert(ConnectInfo(peer));
            let (router, conn) = (router.clone(), Arc::clone(&conn));
            async move {
                let res = router.oneshot(req.map(Body::new)).await;
                conn.end_request();
                res
            }
        })
    };
    let io = TokioIo::new(Watched {
        stream,
        conn: Arc::clone(conn),
        refusal: None,
    });
    let served = http1::Builder::new()
        .header_read_timeout(None)
        .serve_connection(io, service);
    tokio::pin!(served);
    let watchdog = conn.watch(limits);
    tokio::pin!(watchdog);
    let mut graceful = false;
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result {
                    debug!(%peer, "connection ended: {e}");
                }
                return;
            }
            reason = &mut watchdog => {
                debug!(%peer, "connection closed: {reason}");
                return;
            }
            Ok(()) = stopping.changed(), if !graceful => {
                graceful = true;
                served.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Answers one request on a connection over the cap with 503 and `Retry-After`, then closes it.
async fn shed(stream: TcpStream, shedding: Arc<AtomicUsize>) {
    shedding.fetch_add(1, Ordering::Relaxed);
    let busy = service_fn(|_req: http::Request<Incoming>| async {
        Ok::<_, std::convert::Infallible>(api::reply::unavailable(RETRY_AFTER_SECS).map(Body::from))
    });
    let served = http1::Builder::new()
        .keep_alive(false)
        .header_read_timeout(None)
        .serve_connection(TokioIo::new(stream), busy);
    let _ = tokio::time::timeout(SHED_WITHIN, served).await;
    shedding.fetch_sub(1, Ordering::Relaxed);
}

/// The open connections, oldest first.
#[derive(Debug, Default)]
struct Open {
    conns: Mutex<BTreeMap<u64, Arc<Conn>>>,
}

impl Open {
    fn insert(&self, conn: &Arc<Conn>) {
        self.lock().insert(conn.id, Arc::clone(conn));
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Whether a new connection may be served: below `max`, or once the oldest connection not
    /// serving a request has been told to close.
    fn make_room(&self, max: usize) -> bool {
        let conns = self.lock();
        if conns.len() < max {
            return true;
        }
        let leaving = conns
            .values()
            .filter(|c| c.evicted.load(Ordering::Relaxed))
            .count();
        if conns.len() - leaving < max {
            return true;
        }
        match conns
            .values()
            .find(|c| !c.evicted.load(Ordering::Relaxed) && !c.serving())
        {
            Some(oldest) => {
                oldest.evicted.store(true, Ordering::Relaxed);
                oldest.evict.notify_one();
                true
            }
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<Conn>>> {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Milliseconds since `epoch`, advanced every [`TICK`] by [`Clock::run`]: coarse on purpose, for
/// timeouts of seconds (a clock read per socket read showed in profiles). At least 1, so 0 can
/// mean "not yet".
#[derive(Debug)]
struct Clock {
    epoch: Instant,
    ms: AtomicU64,
}

impl Clock {
    fn new() -> Self {
        Self {
            epoch: Instant::now(),
            ms: AtomicU64::new(1),
        }
    }

    fn now(&self) -> u64 {
        self.ms.load(Ordering::Relaxed)
    }

    /// The instant `ms` milliseconds after `epoch`.
    fn at(&self, ms: u64) -> Instant {
        self.epoch + Duration::from_millis(ms)
    }

    async fn run(self: Arc<Self>) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let ms = u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.ms.store(ms.max(1), Ordering::Relaxed);
        }
    }
}

/// What the watchdog knows of one connection. Times are [`Clock`] milliseconds.
#[derive(Debug)]
struct Conn {
    id: u64,
    clock: Arc<Clock>,
    /// Requests being served (more than one only if a client pipelines).
    in_service: AtomicUsize,
    /// Answers the service made that have not started going out.
    answers_due: AtomicUsize,
    /// Whether a request has been served: the wait for the next one is then keep-alive idle.
    served: AtomicBool,
    /// When the last answer went out (or the connection opened).
    idle_since: AtomicU64,
    /// When the first byte of the next request head arrived; 0 while none has.
    head_started: AtomicU64,
    /// When a byte was last read or written.
    last_io: AtomicU64,
    evicted: AtomicBool,
    evict: Notify,
    /// Told when the deadline may have come nearer (a request answered, a head begun), so the
    /// watchdog does not sleep on past it.
    moved: Notify,
}

impl Conn {
    fn new(id: u64, clock: Arc<Clock>) -> Self {
        let opened = clock.now();
        Self {
            id,
            clock,
            in_service: AtomicUsize::new(0),
            answers_due: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            idle_since: AtomicU64::new(opened),
            head_started: AtomicU64::new(0),
            last_io: AtomicU64::new(opened),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
            moved: Notify::new(),
        }
    }

    fn now(&self) -> u64 {
        self.clock.now()
    }

    fn serving(&self) -> bool {
        self.in_service.load(Ordering::Relaxed) > 0
    }

    fn begin_request(&self) {
        self.in_service.fetch_add(1, Ordering::Relaxed);
        self.served.store(true, Ordering::Relaxed);
        self.head_started.store(0, Ordering::Relaxed);
    }

    fn end_request(&self) {
        self.answers_due.fetch_add(1, Ordering::Relaxed);
        let now = self.now();
        self.idle_since.store(now, Ordering::Relaxed);
        self.last_io.store(now, Ordering::Relaxed);
        self.in_service.fetch_sub(1, Ordering::Relaxed);
        self.moved.notify_one();
    }

    fn read_some(&self) {
        let now = self.now();
        self.last_io.store(now, Ordering::Relaxed);
        if !self.serving() && self.head_started.load(Ordering::Relaxed) == 0 {
            self.head_started.store(now, Ordering::Relaxed);
            self.moved.notify_one();
        }
    }

    fn wrote_some(&self) {
        self.last_io.store(self.now(), Ordering::Relaxed);
    }

    /// Whether a write that starts with `first` bytes is hyper's own answer to a request head
    /// it could not parse: a response head while no request is being served and no answer of
    /// the service is due (an interim `100 Continue` goes out while serving).
    fn writes_own_refusal(&self, first: &[u8]) -> bool {
        if !first.starts_with(b"HTTP/1.1 ") || self.serving() {
            return false;
        }
        self.answers_due
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |due| {
                due.checked_sub(1)
            })
            .is_err()
    }

    /// When the connection is due to close as things stand, and why.
    fn deadline(&self, limits: Limits) -> (u64, &'static str) {
        let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let (since, limit, why) = if self.serving() {
            (
                self.last_io.load(Ordering::Relaxed),
                limits.idle_timeout,
                "no bytes moved within the idle timeout while serving a request",
            )
        } else {
            match self.head_started.load(Ordering::Relaxed) {
                0 if self.served.load(Ordering::Relaxed) => (
                    self.idle_since.load(Ordering::Relaxed),
                    limits.idle_timeout,
                    "kept alive without a request for the idle timeout",
                ),
                0 => (
                    self.idle_since.load(Ordering::Relaxed),
                    limits.header_timeout,
                    "no request head within the header timeout",
                ),
                started => (
                    started,
                    limits.header_timeout,
                    "request head incomplete after the header timeout",
                ),
            }
        };
        (since.saturating_add(ms(limit)), why)
    }

    /// Resolves, with the reason, once the connection is due to close or is evicted.
    async fn watch(&self, limits: Limits) -> &'static str {
        loop {
            let (due, _) = self.deadline(limits);
            tokio::select! {
                () = tokio::time::sleep_until(self.clock.at(due)) => {
                    // Against the precise time: the coarse one may not have reached `due` yet.
                    let (due, why) = self.deadline(limits);
                    if Instant::now() >= self.clock.at(due) {
                        return why;
                    }
                }
                () = self.evict.notified() => {
                    return "evicted at the connection limit for a new connection";
                }
                () = self.moved.notified() => {}
            }
        }
    }
}

/// The socket, noting each read and write on its connection's watch, and putting the core's
/// JSON error in place of the empty 400, 414 or 431 hyper answers a request head it cannot parse.
struct Watched {
    stream: TcpStream,
    conn: Arc<Conn>,
    /// The JSON refusal going out instead of hyper's, and how much of it has.
    refusal: Option<(Vec<u8>, usize)>,
}

impl Watched {
    /// Sends what remains of the refusal; once it is out, hyper's `len` bytes count as written
    /// (the connection then closes).
    fn poll_refusal(&mut self, cx: &mut Context<'_>, len: usize) -> Poll<io::Result<usize>> {
        let Some((wire, sent)) = self.refusal.as_mut() else {
            return Poll::Ready(Ok(len));
        };
        while *sent < wire.len() {
            match Pin::new(&mut self.stream).poll_write(cx, &wire[*sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *sent += n,
                other => return other,
            }
        }
        Poll::Ready(Ok(len))
    }

    /// Starts the refusal when `first` begins hyper's own answer to an unreadable head.
    fn intercept(&mut self, first: &[u8]) {
        if self.refusal.is_none() && self.conn.writes_own_refusal(first) {
            let status = std::str::from_utf8(first.get(9..12).unwrap_or_default())
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(400);
            self.refusal = Some((wire(&api::reply::unreadable(status)), 0));
        }
    }
}

/// `res` as HTTP/1.1 bytes, closing the connection.
fn wire(res: &api::Response) -> Vec<u8> {
    let status = res.status();
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in res.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            res.body().len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(res.body());
    out
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.conn.read_some();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.intercept(buf);
        if self.refusal.is_some() {
            return self.poll_refusal(cx, buf.len());
        }
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = polled
            && n > 0
        {
            self.conn.wrote_some();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            self.intercept(first);
        }
        if self.refusal.is_some() {
            return self.poll_refusal(cx, bufs.iter().map(|b| b.len()).sum());
        }
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = polled
            && n > 0
        {
            self.conn.wrote_some();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
