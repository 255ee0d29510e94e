//! The core's lockout rule on the native host (see `mcp_orchestration_core::api::lockout`): the
//! peer address comes from the connection, the count is kept in memory by the app's
//! [`Lockout`](mcp_orchestration_core::api::lockout::Lockout).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::HeaderMap;
use mcp_orchestration_core::Clock;
use mcp_orchestration_core::api;

use crate::app::App;
use crate::system::SystemClock;

/// The address of the peer that sent `req`, when the server accepted it with connect info.
pub fn peer<B>(req: &http::Request<B>) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The 429 for a request with `headers` from `peer`, when it sends credentials and the address
/// is blocked. Costs one atomic load while no address is blocked.
pub fn refused(app: &App, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<api::Response> {
    app.lockout()
        .check(peer?, headers, app.settings(), SystemClock.now())
}

/// `res`, the answer to a request from `peer`, counted toward the address's lockout (a wrong
/// credential over the limit becomes the 429).
pub fn counted(app: &App, peer: Option<IpAddr>, res: api::Response) -> api::Response {
    match peer {
        Some(peer) => app.lockout().count(peer, SystemClock.now(), res),
        None => res,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use mcp_orchestration_core::api::Settings;
    use tower::ServiceExt;

    use super::*;
    use crate::files::FsClientFiles;
    use crate::home::Home;

    fn get(app: &Arc<App>, from: [u8; 4], key: &str) -> (u16, Option<String>) {
        let mut req = http::Request::get("/v1/clients")
            .header("x-api-key", key)
            .body(Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from((from, 50_000))));
        let res = block_on(crate::server::router(Arc::clone(app)).unwrap().oneshot(req)).unwrap();
        let retry = res
            .headers()
            .get(http::header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_owned());
        (res.status().as_u16(), retry)
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn an_address_that_guesses_the_key_is_refused_and_the_others_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        let app = Arc::new(App::new(
            home.open_store().unwrap(),
            home.keyring(),
            FsClientFiles::new(Vec::new()),
            Settings::from_vars(Some("right"), None),
        ));
        let guesser = [192, 0, 2, 1];
        for _ in 0..100 {
            assert_eq!(get(&app, guesser, "wrong").0, 401);
        }
        let (status, retry) = get(&app, guesser, "wrong");
        assert_eq!((status, retry.as_deref()), (429, Some("60")));
        assert_eq!(
            get(&app, guesser, "right").0,
            429,
            "right key, still blocked"
        );
        assert_eq!(get(&app, [192, 0, 2, 2], "right").0, 200);
    }
}
