//! What every endpoint of the authorization server shares, and what the auth
//! mode adds to it ([`Flow`]).

use std::{future::Future, sync::Arc, time::Duration};

use axum::Router;

use super::{
    cookies::Cookies, documents::Documents, guard, pages::NextStep, protocol::scope::ScopePolicy,
    usage::Usage,
};
use crate::{
    Result,
    store::{Sessions, Store},
};

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

/// What an auth mode brings to the authorization server: its grants, the step
/// after consent, its own routes. `cred` and `oauth` implement it; a `none`
/// server has no authorization server.
pub(crate) trait Flow: Send + Sync + Sized + 'static {
    /// What the consent page says happens after "Allow".
    fn next_step(&self) -> NextStep;

    /// Forget a grant (a replayed code or refresh token revokes it).
    fn delete(&self, grant_id: &str) -> impl Future<Output = Result<()>> + Send;

    /// Disconnect from the accounts page: revoke at the provider where the mode
    /// has one, then forget.
    fn forget(&self, grant_id: &str) -> impl Future<Output = Result<()>> + Send;

    /// The routes only this mode has (its answer to the consent page among them).
    fn routes() -> Router<Arc<AuthServer<Self>>>;
}

/// Everything the endpoints share.
pub(crate) struct AuthServer<F> {
    pub store: Arc<dyn Store>,
    /// The public URL without a trailing slash: the `issuer`.
    pub issuer: String,
    /// `{issuer}/mcp`: the audience of every access token.
    pub resource: String,
    pub server_name: &'static str,
    pub lifetimes: Lifetimes,
    /// Allows client metadata documents on loopback/private addresses and http.
    pub test_mode: bool,
    /// Fetches client metadata documents (no redirects, no proxy).
    /// Built at its first use: building one loads the system's root
    /// certificates, milliseconds a server that never fetches a document
    /// would spend before it answers its first request.
    pub http: std::sync::OnceLock<reqwest::Client>,
    /// MCP session id -> the grant that opened it.
    pub sessions: Arc<Sessions>,
    /// How the browser cookie is named and set (`__Host-`/`Secure` on https).
    pub cookies: Cookies,
    /// The origins this server's pages are served from: form posts must come
    /// from one of them.
    pub page_origins: Vec<String>,
    /// Client metadata documents fetched lately.
    pub documents: Documents,
    /// When each grant was last used, written at most every few minutes.
    pub usage: Usage,
    /// What tokens may hold.
    pub scopes: ScopePolicy,
    /// What the auth mode brings.
    pub flow: F,
}

/// What the host decides about its authorization server.
pub(crate) struct Settings {
    /// The public URL, without a trailing slash.
    pub issuer: String,
    pub server_name: &'static str,
    pub lifetimes: Lifetimes,
    pub test_mode: bool,
    /// What tokens may hold: `mcp`, and the provider scopes tools need.
    pub scopes: ScopePolicy,
}

impl<F: Flow> AuthServer<F> {
    pub fn new(
        store: Arc<dyn Store>,
        sessions: Arc<Sessions>,
        settings: Settings,
        flow: F,
    ) -> Result<Self> {
        let Settings {
            issuer,
            server_name,
            lifetimes,
            test_mode,
            scopes,
        } = settings;
        Ok(Self {
            usage: Usage::new(store.clone()),
            store,
            resource: format!("{issuer}/mcp"),
            cookies: Cookies::for_issuer(&issuer),
            page_origins: guard::page_origins(&issuer),
            issuer,
            server_name,
            lifetimes,
            test_mode,
            scopes,
            http: std::sync::OnceLock::new(),
            sessions,
            documents: Documents::new(),
            flow,
        })
    }
}

impl<F> AuthServer<F> {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }

    pub fn metadata_url(&self) -> String {
        self.url("/.well-known/oauth-protected-resource/mcp")
    }
}
