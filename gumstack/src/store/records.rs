//! The rows of the store: registered clients, pending authorizations, codes,
//! grants and issued tokens, and how long the unused ones are kept.

use std::time::Duration;

use serde::{Deserialize, Serialize};

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
    pub(crate) fn as_str(self) -> &'static str {
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
