//! Persistent state of the host: registered clients, pending authorizations,
//! authorization codes, grants (with their sealed credentials or tokens) and the
//! tokens issued to MCP clients (stored only as SHA-256 hashes).
//!
//! One trait, so a Postgres backend can serve several replicas: every method is a
//! single statement or transaction, with no state kept in the process, and
//! single-use things (codes, refresh tokens) are consumed by an atomic
//! `UPDATE ... WHERE used = 0`, which holds across processes.

mod checked;
mod migrations;
mod sql;

use std::{path::Path, time::Duration};

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use sql::{Backend, SqlStore};

use crate::Result;

/// How long an MCP session is remembered for a replica that has not seen it
/// (clients open a new one after a 404).
pub const SESSION_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long a registered client that never completed an authorization is kept:
/// clients that register on every start and never finish do not pile up.
pub const UNUSED_CLIENT_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How long a grant the provider refused waits to be reconnected. Past this the
/// client's refresh tokens (30 days) are dead too, so nobody can resume it.
pub const DISCONNECTED_GRANT_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

pub fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as Timestamp)
        .unwrap_or_default()
}

/// What a client registered (RFC 7591) or published (client ID metadata document).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClientMetadata {
    pub redirect_uris: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    #[serde(default = "default_auth_method")]
    pub token_endpoint_auth_method: String,
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<String>,
    #[serde(default = "default_response_types")]
    pub response_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

fn default_auth_method() -> String {
    "none".into()
}
fn default_grant_types() -> Vec<String> {
    vec!["authorization_code".into(), "refresh_token".into()]
}
fn default_response_types() -> Vec<String> {
    vec!["code".into()]
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    pub client_id: String,
    /// SHA-256 of the client secret, for confidential clients.
    pub secret_hash: Option<String>,
    pub metadata: ClientMetadata,
    pub created_at: Timestamp,
}

impl ClientRecord {
    /// A client known only by its metadata document (nothing stored).
    pub fn from_document(client_id: &str, metadata: ClientMetadata) -> Self {
        Self {
            client_id: client_id.to_owned(),
            secret_hash: None,
            metadata,
            created_at: now(),
        }
    }
}

/// An authorization request between `/authorize` and the redirect back.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRecord {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    /// The client's `state`, echoed back.
    pub state: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
    /// SHA-256 of the cookie of the browser this request belongs to (empty for a
    /// reconnect link until its owner's browser opens it): every page of the
    /// request, and the provider's redirect back, must come from that browser.
    pub browser_hash: String,
    /// The user approved the consent page.
    pub consented: bool,
    pub expires_at: Timestamp,
    /// Set when this request reconnects an existing (disconnected) grant.
    pub reconnect_grant: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecord {
    pub code_hash: String,
    pub grant_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub resource: Option<String>,
    pub scope: Option<String>,
    pub expires_at: Timestamp,
}

/// One user's connection: what they entered (cred) or the upstream tokens (oauth).
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRecord {
    pub id: String,
    /// The MCP client it was issued to; `None` for the local (stdio) grant.
    pub client_id: Option<String>,
    /// Sealed JSON, bound to `grant:<id>`.
    pub sealed: String,
    pub nickname: Option<String>,
    /// The provider's stable id of the account (`oauth`), when it says.
    pub account_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The provider refused its tokens: tools answer with a reconnect link and no
    /// new access token is issued for it until it is reconnected.
    pub disconnected: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::Access => "access",
            TokenKind::Refresh => "refresh",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    pub token_hash: String,
    pub kind: TokenKind,
    pub grant_id: String,
    pub client_id: String,
    pub resource: String,
    pub scope: Option<String>,
    pub expires_at: Timestamp,
}

/// The outcome of consuming a single-use value (code, refresh token).
#[derive(Debug, Clone, PartialEq)]
pub enum Consumed<T> {
    /// First use: here it is.
    Fresh(T),
    /// Already used: a replay; the grant it belonged to is named.
    Reused { grant_id: String },
    /// Never issued (or already purged).
    Unknown,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The auth type this store was created for (`none`, `cred`, `oauth`).
    async fn auth_type(&self) -> Result<Option<String>>;
    async fn set_auth_type(&self, auth_type: &str) -> Result<()>;
    async fn get_meta(&self, key: &str) -> Result<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;

    /// Store a registration; the same `client_id` again replaces its metadata
    /// and keeps its registration time.
    async fn put_client(&self, client: &ClientRecord) -> Result<()>;
    async fn get_client(&self, client_id: &str) -> Result<Option<ClientRecord>>;
    /// A client completed an authorization: it no longer expires unused.
    async fn client_authorized(&self, client_id: &str) -> Result<()>;

    async fn put_pending(&self, pending: &PendingRecord) -> Result<()>;
    async fn get_pending(&self, id: &str) -> Result<Option<PendingRecord>>;
    async fn set_pending_consented(&self, id: &str) -> Result<()>;
    /// Delete and return it: a pending request completes once.
    async fn take_pending(&self, id: &str) -> Result<Option<PendingRecord>>;
    /// Record the provider leg of a request: its state (hashed), the PKCE
    /// verifier toward the provider (sealed), and the browser it runs in.
    async fn set_pending_upstream(
        &self,
        id: &str,
        state_hash: &str,
        sealed_verifier: &str,
        browser_hash: &str,
    ) -> Result<()>;
    /// Delete and return the request whose provider leg has this state, with
    /// the (sealed) PKCE verifier toward the provider.
    async fn take_pending_by_upstream_state(
        &self,
        state_hash: &str,
    ) -> Result<Option<(PendingRecord, String)>>;

    async fn put_code(&self, code: &CodeRecord) -> Result<()>;
    async fn consume_code(&self, code_hash: &str) -> Result<Consumed<CodeRecord>>;

    async fn put_grant(&self, grant: &GrantRecord) -> Result<()>;
    async fn get_grant(&self, id: &str) -> Result<Option<GrantRecord>>;
    /// Delete a grant with every token issued for it.
    async fn delete_grant(&self, id: &str) -> Result<()>;
    /// Mark a grant disconnected (and drop its access tokens) or connected again.
    async fn set_grant_disconnected(&self, id: &str, disconnected: bool) -> Result<()>;
    /// Remember that the browser holding this (hashed) cookie connected a grant.
    async fn link_browser(&self, browser_hash: &str, grant_id: &str) -> Result<()>;
    /// The grants a browser connected, oldest first.
    async fn grants_of_browser(&self, browser_hash: &str) -> Result<Vec<GrantRecord>>;

    async fn put_token(&self, token: &TokenRecord) -> Result<()>;
    async fn get_token(&self, token_hash: &str, kind: TokenKind) -> Result<Option<TokenRecord>>;
    /// Mark a refresh token used; a second use reports the grant for revocation.
    async fn consume_refresh_token(&self, token_hash: &str) -> Result<Consumed<TokenRecord>>;
    async fn delete_token(&self, token_hash: &str) -> Result<()>;
    async fn delete_tokens_of_grant(&self, grant_id: &str) -> Result<()>;

    /// Take the lock under which one grant's upstream tokens are refreshed,
    /// across every process sharing this store; held until [`GrantLock::release`]
    /// (or the lock is dropped, or the process dies).
    async fn lock_grant(&self, grant_id: &str) -> Result<GrantLock>;

    /// Remember an MCP session's state (its `initialize` parameters, JSON) so any
    /// replica can resume it.
    async fn put_session(&self, id: &str, state: &str) -> Result<()>;
    async fn get_session(&self, id: &str) -> Result<Option<String>>;
    /// Bind a session to the grant that opened it; returns the grant it is bound
    /// to, which is the first one ever bound.
    async fn bind_session(&self, id: &str, grant_id: &str) -> Result<String>;
    async fn session_grant(&self, id: &str) -> Result<Option<String>>;
    async fn delete_session(&self, id: &str) -> Result<()>;

    /// Drop expired pending requests, codes, tokens and sessions, registrations
    /// that never authorized within [`UNUSED_CLIENT_LIFETIME`], and grants left
    /// disconnected for [`DISCONNECTED_GRANT_LIFETIME`].
    async fn purge_expired(&self, now: Timestamp) -> Result<()>;
}

/// What a lock needs to be let go of.
#[async_trait]
pub trait Lock: Send {
    async fn release(&mut self) -> Result<()>;
}

/// A held [`Store::lock_grant`] lock.
#[must_use = "the lock is released when this is released or dropped"]
pub struct GrantLock(Option<Box<dyn Lock>>);

impl GrantLock {
    pub fn new(lock: impl Lock + 'static) -> Self {
        Self(Some(Box::new(lock)))
    }

    /// A lock that holds nothing (a backend served by one process).
    pub fn none() -> Self {
        Self(None)
    }

    pub async fn release(mut self) -> Result<()> {
        match self.0.as_mut() {
            Some(lock) => lock.release().await,
            None => Ok(()),
        }
    }
}

impl std::fmt::Debug for GrantLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GrantLock")
    }
}

/// Open the store of this host: SQLite in `data_dir` (created 0700).
pub async fn open(data_dir: &Path) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    SqlStore::open_sqlite(data_dir).await
}

/// Connect to a shared PostgreSQL store (`postgres://...`), migrating it.
pub async fn connect(database_url: &str) -> Result<SqlStore> {
    if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
        return Err(crate::Error::config(
            "GUMSTACK_DATABASE_URL must be a postgres:// URL (SQLite needs no URL: it lives in GUMSTACK_DATA_DIR)",
        ));
    }
    sqlx::any::install_default_drivers();
    SqlStore::connect_postgres(database_url).await
}
