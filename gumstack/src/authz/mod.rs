//! The host's OAuth 2.1 authorization server for MCP clients (`cred` and `oauth`
//! modes over HTTP), per the MCP authorization specification (2025-11-25):
//! protected resource metadata (RFC 9728), server metadata (RFC 8414), dynamic
//! client registration (RFC 7591) and client ID metadata documents, the
//! authorization code grant with PKCE S256 only, rotating refresh tokens,
//! revocation (RFC 7009), and bearer checks on `/mcp`.

mod accounts;
mod bearer;
mod clients;
mod cookies;
mod flow;
mod guard;
mod metadata;
mod pages;
mod rate;
pub(crate) mod reconnect;
mod scope;
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

/// The largest request body any authorization route accepts (registrations,
/// forms, token requests are all far smaller).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

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
    /// How the browser cookie is named and set (`__Host-`/`Secure` on https).
    pub cookies: cookies::Cookies,
    /// The origins this server's pages are served from: form posts must come
    /// from one of them.
    pub page_origins: Vec<String>,
    /// Client metadata documents fetched lately.
    pub documents: clients::Documents,
    /// Credential validations per client.
    pub validations: rate::Limiter,
}

impl AuthServer {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        grants: Arc<Grants>,
        issuer: String,
        server_name: &'static str,
        lifetimes: Lifetimes,
        test_mode: bool,
        http: reqwest::Client,
        sessions: Arc<crate::host::Sessions>,
    ) -> Self {
        Self {
            store,
            grants,
            resource: format!("{issuer}/mcp"),
            cookies: cookies::Cookies::for_issuer(&issuer),
            page_origins: guard::page_origins(&issuer),
            issuer,
            server_name,
            lifetimes,
            test_mode,
            http,
            sessions,
            documents: clients::Documents::new(),
            validations: rate::Limiter::new(flow::VALIDATE_BURST, flow::VALIDATE_EVERY),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    pub fn metadata_url(&self) -> String {
        self.url("/.well-known/oauth-protected-resource/mcp")
    }
}

/// The routes of the authorization server (everything but `/mcp` itself). The
/// mode decides which exist: a `cred` server has the credentials form and no
/// provider callback or reconnect link; an `oauth` server has those and no
/// credentials form, so a form post cannot complete an authorization that
/// never went to the provider.
pub(crate) fn routes(server: Arc<AuthServer>) -> Router {
    let common = Router::new()
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
        .route("/token", post(token::token))
        .route("/revoke", post(token::revoke))
        .route("/accounts", get(accounts::page))
        .route("/accounts/disconnect", post(accounts::disconnect));
    let mode = if server.grants.provider().is_some() {
        Router::new()
            .route("/authorize", get(flow::authorize).post(flow::consent_oauth))
            .route("/auth/callback", get(flow::callback))
            .route(
                "/auth/reconnect",
                get(reconnect::page).post(reconnect::start),
            )
    } else {
        Router::new()
            .route("/authorize", get(flow::authorize).post(flow::consent_cred))
            .route("/authorize/credentials", post(flow::credentials))
    };
    common.merge(mode).with_state(server)
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
