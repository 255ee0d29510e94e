//! Write requests, answered by group commit: one writer thread takes every write request queued
//! while it was busy and answers them in one SQLite transaction ([`App::answer_writes`]).

use std::sync::Arc;
use std::sync::mpsc;

use mcp_orchestration_core::api;
use mcp_orchestration_core::{Code, Error};
use tokio::sync::oneshot;

use crate::app::App;

/// Most write requests committed together.
const MOST_PER_GROUP: usize = 256;

/// A write request and where its answer goes.
type Job = (api::Request, oneshot::Sender<api::Response>);

/// The queue in front of the writer thread. The thread ends once every clone is dropped.
#[derive(Debug, Clone)]
pub struct Writes {
    queue: mpsc::Sender<Job>,
}

impl Writes {
    /// Starts the writer thread over `app`.
    pub fn start(app: Arc<App>) -> std::io::Result<Self> {
        let (queue, jobs) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("writer".to_owned())
            .spawn(move || {
                while let Ok(first) = jobs.recv() {
                    let (reqs, replies): (Vec<_>, Vec<_>) = std::iter::once(first)
                        .chain(jobs.try_iter().take(MOST_PER_GROUP - 1))
                        .unzip();
                    for (res, reply) in app.answer_writes(reqs).into_iter().zip(replies) {
                        // The client may have gone: its answer has nowhere to go.
                        let _ = reply.send(res);
                    }
                }
            })?;
        Ok(Self { queue })
    }

    /// Answers `req` once it, and the group it was committed with, is durable.
    pub async fn answer(&self, req: api::Request) -> api::Response {
        let (reply, answer) = oneshot::channel();
        if self.queue.send((req, reply)).is_ok()
            && let Ok(res) = answer.await
        {
            return res;
        }
        tracing::error!("the writer thread is gone");
        api::reply::error(&Error::new(
            Code::HandlerFailed,
            "The request handler stopped unexpectedly",
        ))
    }
}
