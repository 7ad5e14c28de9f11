//! The host's OAuth 2.1 authorization server for MCP clients (`cred` and `oauth`
//! modes over HTTP), per the MCP authorization specification (2025-11-25):
//! protected resource metadata (RFC 9728), server metadata (RFC 8414), dynamic
//! client registration (RFC 7591) and client ID metadata documents, the
//! authorization code grant with PKCE S256 only, rotating refresh tokens,
//! revocation (RFC 7009), and bearer checks on `/mcp`.

mod accounts;
mod bearer;
mod clients;
mod flow;
mod metadata;
mod pages;
pub(crate) mod reconnect;
mod token;
pub(crate) mod tokens;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    routing::{get, post},
};

use crate::{grants::Grants, store::Store};

#[allow(unused_imports)]
pub(crate) use bearer::Identity;
pub(crate) use bearer::require_bearer;
pub(crate) use clients::client_builder;
pub use pages::FormErrors;

/// Lifetimes of what the server issues.
#[derive(Debug, Clone)]
pub(crate) struct Lifetimes {
    pub access_token: Duration,
    pub refresh_token: Duration,
    pub code: Duration,
    pub pending: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            access_token: Duration::from_secs(3600),
            refresh_token: Duration::from_secs(30 * 24 * 3600),
            code: Duration::from_secs(120),
            pending: Duration::from_secs(600),
        }
    }
}

/// Everything the endpoints share.
pub(crate) struct AuthServer {
    pub store: Arc<dyn Store>,
    pub grants: Arc<Grants>,
    /// The public URL without a trailing slash: the `issuer`.
    pub issuer: String,
    /// `{issuer}/mcp`: the audience of every access token.
    pub resource: String,
    pub server_name: &'static str,
    pub lifetimes: Lifetimes,
    /// Allows client metadata documents on loopback/private addresses and http.
    pub test_mode: bool,
    pub http: reqwest::Client,
    /// MCP session id -> the grant that opened it.
    pub sessions: Arc<crate::host::Sessions>,
}

impl AuthServer {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    pub fn metadata_url(&self) -> String {
        self.url("/.well-known/oauth-protected-resource/mcp")
    }
}

/// The routes of the authorization server (everything but `/mcp` itself).
pub(crate) fn routes(server: Arc<AuthServer>) -> Router {
    Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(metadata::protected_resource),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server),
        )
        .route(
            "/.well-known/openid-configuration",
            get(metadata::authorization_server),
        )
        .route("/register", post(clients::register))
        .route("/authorize", get(flow::authorize).post(flow::consent))
        .route("/authorize/credentials", post(flow::credentials))
        .route("/auth/callback", get(flow::callback))
        .route(
            "/auth/reconnect",
            get(reconnect::page).post(reconnect::start),
        )
        .route("/accounts", get(accounts::page))
        .route("/accounts/disconnect", post(accounts::disconnect))
        .route("/token", post(token::token))
        .route("/revoke", post(token::revoke))
        .with_state(server)
}

/// Remove expired pending requests, codes and tokens every few minutes.
pub(crate) fn spawn_purger(store: Arc<dyn Store>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = store.purge_expired(crate::store::now()).await {
                tracing::warn!("purging expired authorizations failed: {e}");
            }
        }
    });
}
