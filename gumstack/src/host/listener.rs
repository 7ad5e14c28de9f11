//! The HTTP listener. `axum::serve` sets no timeouts and accepts any number of
//! connections, so a client sending half a request line kept its connection
//! (and a task) forever; this accept loop bounds both:
//!
//! - a connection must send a complete request head within `header_timeout`,
//!   and the same deadline closes a keep-alive connection that sits idle
//!   between requests (hyper starts it whenever it waits for a head);
//! - at most `max_connections` are open at once: past that, new ones wait in
//!   the kernel's backlog until one closes;
//! - on shutdown it stops accepting, lets connections finish their requests
//!   while `wind_down` runs (the server's bound on calls in flight), then
//!   gives what is left `close_wait` to close.
//!
//! HTTP/1.1 only: MCP clients speak it to servers, TLS terminators forward it,
//! and it is the protocol whose timeouts hyper enforces.

use std::{future::Future, sync::Arc, time::Duration};

use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::net::TcpListener;

/// How connections are bounded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
    pub close_wait: Duration,
}

/// Serve `router` on `listener` until `shutdown` completes, then stop
/// accepting and run `wind_down` while the open connections finish.
pub(crate) async fn serve(
    listener: TcpListener,
    router: axum::Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
    wind_down: impl Future<Output = ()>,
) {
    // Every request arms timers (the header and body deadlines) and cancels
    // them when it is read. With none left, an idle worker parks without a
    // deadline, and the next request's timer, being earlier than "never",
    // has to wake it: a futex call and a thread switch per request. A timer
    // that always fires sooner than any request's keeps the driver's deadline
    // short, so arming a later one wakes nobody; it costs one wake-up a second.
    let anchor = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    let _anchor = AbortOnDrop(anchor);
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!("accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY a session's reply waits for a delayed ACK (~40 ms a call).
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {e}");
        }
        let connection = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection closed: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    let closed = graceful.shutdown();
    let mut closed = std::pin::pin!(closed);
    tokio::select! {
        () = &mut closed => return,
        () = wind_down => {}
    }
    if tokio::time::timeout(limits.close_wait, closed)
        .await
        .is_err()
    {
        tracing::warn!("connections still open after shutdown; closing them");
    }
}

/// Aborts its task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
