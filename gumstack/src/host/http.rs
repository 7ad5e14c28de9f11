//! Streamable HTTP at `/mcp`, behind the authorization server in `cred` mode.

use std::{net::SocketAddr, sync::Arc};

use axum::serve::ListenerExt;
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use tokio_util::sync::CancellationToken;

use super::{State, cli::HttpSettings};
use crate::{
    Error, Result, Server,
    authz::{self, AuthServer, Lifetimes},
};

pub(crate) async fn serve<S>(
    server: Arc<S>,
    addr: SocketAddr,
    settings: HttpSettings,
    state: State,
) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::config(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;

    let shutdown = CancellationToken::new();
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(settings.allowed_hosts.clone())
        .with_cancellation_token(shutdown.child_token());
    let mut origins = settings.allowed_origins.clone();
    if addr.ip().is_loopback() {
        // DNS rebinding and other local pages: `Host` alone lets a page served by
        // another local port (Host 127.0.0.1:<ours>, Origin http://localhost:3000)
        // drive this server. On loopback, a request that carries `Origin` must come
        // from this server's own origin (or one the operator allowed); clients that
        // send no `Origin` (every non-browser client) are unaffected.
        let port = local.port();
        origins.extend(["127.0.0.1", "localhost", "[::1]"].map(|h| format!("http://{h}:{port}")));
        if let Some(url) = &settings.public_url
            && let Ok(url) = url::Url::parse(url)
        {
            origins.push(url.origin().ascii_serialization());
        }
    }
    if !origins.is_empty() {
        config = config.with_allowed_origins(origins);
    }
    if settings.stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    }
    // Sessions live in the store when there is one: any replica sharing it (or
    // this one after a restart) resumes a session it has not seen.
    let sessions = state
        .store
        .as_ref()
        .map(|store| Arc::new(super::Sessions::new(store.clone())));
    if let Some(sessions) = &sessions
        && !settings.stateless
    {
        config.session_store = Some(sessions.clone());
    }
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );

    let router = match (&state.grants, &state.store, sessions) {
        (Some(grants), Some(store), Some(sessions)) => {
            let issuer = settings
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{local}"));
            super::context::set_issuer(&issuer);
            let auth = Arc::new(AuthServer {
                store: store.clone(),
                grants: grants.clone(),
                resource: format!("{issuer}/mcp"),
                issuer,
                server_name: S::NAME,
                lifetimes: Lifetimes {
                    access_token: settings.access_token_ttl,
                    ..Lifetimes::default()
                },
                test_mode: settings.test_mode,
                http: authz::client_builder()
                    .build()
                    .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?,
                sessions,
            });
            if settings.test_mode {
                tracing::warn!("test mode: client metadata documents are fetched from any address");
            }
            authz::spawn_purger(store.clone());
            let mcp = axum::Router::new().nest_service("/mcp", service).layer(
                axum::middleware::from_fn_with_state(auth.clone(), authz::require_bearer),
            );
            authz::routes(auth).merge(mcp)
        }
        _ => axum::Router::new().nest_service("/mcp", service),
    };

    // Without TCP_NODELAY a session's reply waits for a delayed ACK (~40 ms a call).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set: {e}");
        }
    });
    tracing::info!(
        server = S::NAME,
        "serving MCP over streamable HTTP at http://{local}/mcp (allowed hosts: {})",
        settings.allowed_hosts.join(", ")
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            shutdown.cancel();
        })
        .await?;
    Ok(())
}

async fn shutdown_signal() {
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
