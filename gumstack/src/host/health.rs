//! `/healthz` and `/readyz`, for load balancers and orchestrators. Both answer
//! whatever the `Host` (a probe addresses the pod's IP, which no allowlist
//! names) and say nothing an attacker could use: the reason a server is not
//! ready goes to the log.

use std::{future::Future, pin::Pin, sync::Arc};

use axum::{Router, extract::State, http::StatusCode, routing::get};

/// Whether the server can answer calls now.
pub(crate) type Readiness =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = crate::Result<()>> + Send>> + Send + Sync>;

/// The two routes: alive (the process answers) and ready (`ready` says so).
pub(crate) fn routes(ready: Readiness) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(ready)
}

async fn readyz(State(ready): State<Readiness>) -> (StatusCode, &'static str) {
    match ready().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!("not ready: {e:#}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the store or the key is unavailable (see the server's log)\n",
            )
        }
    }
}
