//! Shared answers: what a host may keep between writes and serve again without running the
//! operation ([`Route::is_shared`] says which routes qualify).

use std::sync::Arc;

use arc_swap::ArcSwap;
use bytes::Bytes;
use http::{HeaderValue, header};

use super::Response;
use super::reply;
use super::route::Route;

/// The shared answers computed since the store's last committed write, for one host.
///
/// The host holds one, passes it to [`super::handle_keeping`] and calls
/// [`SharedAnswers::invalidate`] after each write it commits. Reads take no lock: the answers
/// are an immutable snapshot swapped atomically. An answer computed from a snapshot older than
/// the last invalidation is never kept: each request notes the generation before it reads the
/// store (the host's store view must not have read anything before it is handed to the core),
/// and an answer is kept only if no write committed since.
#[derive(Debug, Default)]
pub struct SharedAnswers {
    kept: ArcSwap<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    generation: u64,
    answers: Vec<(Route, Answer)>,
}

#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    content_type: HeaderValue,
    body: Bytes,
}

/// The generation a request saw before it read the store.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ticket(u64);

impl SharedAnswers {
    /// No answers kept yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets every kept answer: the store changed. Call it after each committed write.
    pub fn invalidate(&self) {
        self.kept.rcu(|kept| Kept {
            generation: kept.generation.wrapping_add(1),
            answers: Vec::new(),
        });
    }

    /// Notes the current generation; take it before the request reads the store.
    pub(super) fn ticket(&self) -> Ticket {
        Ticket(self.kept.load().generation)
    }

    /// The kept answer to `route`, if one is current.
    pub(super) fn get(&self, route: Route) -> Option<Response> {
        let kept = self.kept.load();
        let (_, a) = kept.answers.iter().find(|(r, _)| *r == route)?;
        Some(reply::bytes(
            a.status,
            a.content_type.clone(),
            a.body.clone(),
        ))
    }

    /// Keeps `res` as the answer to `route`, unless a write committed since `ticket` was taken
    /// or `res` is not a success.
    pub(super) fn keep(&self, ticket: Ticket, route: Route, res: &Response) {
        let Some(content_type) = res.headers().get(header::CONTENT_TYPE) else {
            return;
        };
        if !res.status().is_success() {
            return;
        }
        let current = self.kept.load();
        if current.generation != ticket.0 || current.answers.iter().any(|(r, _)| *r == route) {
            return;
        }
        let mut answers = current.answers.clone();
        answers.push((
            route,
            Answer {
                status: res.status().as_u16(),
                content_type: content_type.clone(),
                body: res.body().clone(),
            },
        ));
        let next = Arc::new(Kept {
            generation: ticket.0,
            answers,
        });
        // Lost to a concurrent keep or invalidation: the next request computes it again.
        let _ = self.kept.compare_and_swap(&*current, next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &'static str) -> Response {
        reply::bytes(200, reply::JSON, Bytes::from_static(body.as_bytes()))
    }

    #[test]
    fn an_answer_is_kept_until_the_next_write() {
        let shared = SharedAnswers::new();
        assert!(shared.get(Route::ListServers).is_none());
        shared.keep(shared.ticket(), Route::ListServers, &answer("[1]"));
        let got = shared.get(Route::ListServers).unwrap();
        assert_eq!(got.body().as_ref(), b"[1]");
        assert_eq!(got.headers()[header::CONTENT_TYPE], "application/json");
        assert!(shared.get(Route::ListClients).is_none());
        shared.invalidate();
        assert!(shared.get(Route::ListServers).is_none());
    }

    #[test]
    fn an_answer_read_before_a_write_committed_is_not_kept() {
        let shared = SharedAnswers::new();
        let ticket = shared.ticket();
        // A write commits while the request computes its answer from the older snapshot.
        shared.invalidate();
        shared.keep(ticket, Route::ListServers, &answer("[stale]"));
        assert!(shared.get(Route::ListServers).is_none());
    }

    #[test]
    fn errors_are_not_kept() {
        let shared = SharedAnswers::new();
        let err = reply::error(&crate::Error::new(crate::Code::StoreIo, "down"));
        shared.keep(shared.ticket(), Route::ListServers, &err);
        assert!(shared.get(Route::ListServers).is_none());
    }
}
