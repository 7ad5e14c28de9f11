//! Stopping an HTTP server without cutting calls off: on SIGTERM (or Ctrl-C)
//! the listener stops accepting, the calls in flight (`POST /mcp`, until their
//! whole answer is sent) run on for up to the grace period, then the event
//! streams that never end by themselves (`GET /mcp`, `subscriptions/listen`)
//! are closed and the process exits.

use std::{
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, Method},
    response::Response,
};
use tokio::sync::Notify;

/// The calls being answered.
#[derive(Default)]
pub(crate) struct InFlight {
    count: AtomicUsize,
    idle: Notify,
}

/// One call in flight, until dropped.
pub(crate) struct Call(Arc<InFlight>);

impl Drop for Call {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl InFlight {
    fn enter(self: &Arc<Self>) -> Call {
        self.count.fetch_add(1, Ordering::AcqRel);
        Call(self.clone())
    }

    /// How many calls are being answered.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Wait until no call is in flight, for at most `grace`: whether they all
    /// finished.
    pub async fn finished_within(&self, grace: Duration) -> bool {
        let wait = async {
            loop {
                let idle = self.idle.notified();
                if self.count() == 0 {
                    return;
                }
                idle.await;
            }
        };
        tokio::time::timeout(grace, wait).await.is_ok()
    }
}

/// Count `POST /mcp` as in flight until its answer's body is sent
/// ([`InFlight::hold`]): a call answered as an event stream ends with that
/// stream. A 2026-07-28 `subscriptions/listen` never ends by itself: like
/// `GET /mcp`, it is closed at the end of the grace period (rmcp checks that
/// `Mcp-Method` names the body's method, so the header tells).
impl InFlight {
    pub(crate) fn track(self: &Arc<Self>, method: &Method, headers: &HeaderMap) -> Option<Call> {
        let listen = headers
            .get("mcp-method")
            .is_some_and(|m| m == "subscriptions/listen");
        (*method == Method::POST && !listen).then(|| self.enter())
    }
}

/// Hold `call` in flight until `response`'s body is sent.
pub(crate) fn hold(response: Response, call: Option<Call>) -> Response {
    match call {
        Some(call) => response.map(|body| Body::new(Tracked { body, _call: call })),
        None => response,
    }
}

/// A response body that holds its call in flight until it is dropped.
struct Tracked {
    body: Body,
    _call: Call,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// SIGTERM or Ctrl-C.
pub(crate) async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = ctrl_c => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_the_last_call_and_no_longer_than_the_grace() {
        let in_flight = Arc::new(InFlight::default());
        assert!(in_flight.finished_within(Duration::ZERO).await, "none");
        let first = in_flight.enter();
        let second = in_flight.enter();
        assert!(!in_flight.finished_within(Duration::from_millis(10)).await);
        drop(first);
        let later = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(second);
        });
        assert!(in_flight.finished_within(Duration::from_secs(5)).await);
        assert_eq!(in_flight.count(), 0);
        later.await.unwrap();
    }
}
