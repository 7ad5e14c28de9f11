//! What each auth mode makes of the host ([`HostMode`](crate::mode::HostMode)):
//! what it opens at start-up, what `creds()` reads, what it serves in front of
//! `/mcp`, how the local user logs in. One file per mode; the rest of the host
//! is generic over the mode and asks nothing else of it.

mod cred;
mod none;
mod oauth;

use std::sync::Arc;

use axum::{Router, middleware};

use super::http;
use crate::{
    Result,
    auth_server::{self, AuthServer, Flow},
    store::{Sessions, Store},
};

/// The authorization server of a `cred` or `oauth` server in front of `mcp`:
/// its routes (each bounded in size) and the bearer check on `/mcp`.
fn authorization_server<F: Flow>(
    store: &Arc<dyn Store>,
    sessions: &Arc<Sessions>,
    flow: F,
    mcp: Router,
    settings: auth_server::Settings,
) -> Result<Router> {
    let server = Arc::new(AuthServer::new(
        store.clone(),
        sessions.clone(),
        settings,
        flow,
    )?);
    auth_server::spawn_purger(store.clone());
    // `route_layer`: a path that is not mounted answers 404 without running them.
    let mcp = mcp.route_layer(middleware::from_fn_with_state(
        server.clone(),
        auth_server::require_bearer::<F>,
    ));
    let pages = auth_server::routes(server).route_layer(middleware::from_fn_with_state(
        auth_server::MAX_BODY_BYTES,
        http::bounded_request,
    ));
    Ok(pages.merge(mcp))
}
