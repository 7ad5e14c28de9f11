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

/// A tool call running as a task (MCP 2026-07-28, SEP-2663), as every replica
/// reads it: written by the process that runs it, every few seconds while it
/// runs and once when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    /// The task id (a UUID rmcp makes).
    pub id: String,
    /// Whose it is (`grant:<id>`, or `none`): nobody else reads it.
    pub owner: String,
    /// The task as `tasks/get` answers it (JSON).
    pub state: String,
    /// Whether `state` is final (completed, failed or cancelled): a final
    /// record is never overwritten.
    pub terminal: bool,
    /// When the process running it last wrote it.
    pub updated_at: Timestamp,
    /// When it is purged.
    pub expires_at: Timestamp,
}

/// One audited call (a row of the audit log, see `crate::audit`): who, what,
/// with which (redacted) arguments, how long, how it ended. Never a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// Unique per call (this process's prefix and a counter).
    pub id: String,
    /// When the call started, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The caller's grant; none for the local user (stdio) and `none` servers.
    pub grant_id: Option<String>,
    /// The MCP client the caller's token was issued to.
    pub client_id: Option<String>,
    /// `tool`, `prompt` or `resource`.
    pub kind: String,
    /// The tool or prompt name, or the resource URI (as the client sent it,
    /// cut to a bounded length).
    pub name: String,
    /// The arguments as JSON, `Secret` ones replaced by `"[redacted]"`, cut at
    /// a bounded size (then not valid JSON, and ending in a marker).
    pub arguments: String,
    /// How long the call ran, in microseconds.
    pub duration_us: i64,
    /// `ok`, `tool_error`, `error`, `refused`, `panic` or `unknown`.
    pub outcome: String,
}

/// Which audit records to read ([`Store::audit`](crate::store::Store::audit)):
/// every filter given must match; the newest `limit` are returned, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    /// Only calls of this tool (or prompt, or resource URI).
    pub name: Option<String>,
    /// Only calls under this grant (`local` for those with none).
    pub grant_id: Option<String>,
    /// Only calls from this MCP client.
    pub client_id: Option<String>,
    /// Only calls that ended so.
    pub outcome: Option<String>,
    /// Only calls that started at or after this time (ms since the epoch).
    pub since_ms: Option<i64>,
    /// At most this many (newest first).
    pub limit: u32,
}

/// Seconds since the Unix epoch.
pub type Timestamp = i64;

/// The current time, in seconds since the Unix epoch.
pub fn now() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as Timestamp)
        .unwrap_or_default()
}

/// What a client registered (RFC 7591) or published (client ID metadata document).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ClientMetadata {
    /// Where the user may be sent back to (exact match at `/authorize`).
    pub redirect_uris: Vec<String>,
    /// The name the consent page shows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    /// The client's home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_uri: Option<String>,
    /// `none` (a public client), `client_secret_post` or `client_secret_basic`.
    #[serde(default = "default_auth_method")]
    pub token_endpoint_auth_method: String,
    /// The grants it uses (`authorization_code`, `refresh_token`).
    #[serde(default = "default_grant_types")]
    pub grant_types: Vec<String>,
    /// Always `code`.
    #[serde(default = "default_response_types")]
    pub response_types: Vec<String>,
    /// The scopes it may ask for, space-separated.
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

/// A registered client (or one read from its metadata document).
#[derive(Debug, Clone, PartialEq)]
pub struct ClientRecord {
    /// Its `client_id`: issued at registration, or the document's URL.
    pub client_id: String,
    /// SHA-256 of the client secret, for confidential clients.
    pub secret_hash: Option<String>,
    /// What it registered.
    pub metadata: ClientMetadata,
    /// When it registered.
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
    /// Its id, in the pages' forms.
    pub id: String,
    /// The client that asked.
    pub client_id: String,
    /// Where the user goes back to.
    pub redirect_uri: String,
    /// The client's PKCE challenge (S256).
    pub code_challenge: String,
    /// The client's `state`, echoed back.
    pub state: Option<String>,
    /// The scope granted for the request.
    pub scope: Option<String>,
    /// The resource the tokens are for (this server's `/mcp`).
    pub resource: Option<String>,
    /// SHA-256 of the cookie of the browser this request belongs to (empty for a
    /// reconnect link until its owner's browser opens it): every page of the
    /// request, and the provider's redirect back, must come from that browser.
    pub browser_hash: String,
    /// The user approved the consent page.
    pub consented: bool,
    /// When it stops being valid.
    pub expires_at: Timestamp,
    /// Set when this request reconnects an existing (disconnected) grant.
    pub reconnect_grant: Option<String>,
}

/// An authorization code, single use, until it expires.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecord {
    /// SHA-256 of the code.
    pub code_hash: String,
    /// The grant it was issued for.
    pub grant_id: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URI of its request (a token request naming another fails).
    pub redirect_uri: String,
    /// The PKCE challenge the verifier must match.
    pub code_challenge: String,
    /// The resource its tokens are for.
    pub resource: Option<String>,
    /// The scope its tokens get.
    pub scope: Option<String>,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

/// One user's connection: what they entered (cred) or the upstream tokens (oauth).
#[derive(Debug, Clone, PartialEq)]
pub struct GrantRecord {
    /// Its id (`local` for the stdio user's).
    pub id: String,
    /// The MCP client it was issued to; `None` for the local (stdio) grant.
    pub client_id: Option<String>,
    /// Sealed JSON, bound to `grant:<id>`.
    pub sealed: String,
    /// The account's display name (`oauth`).
    pub nickname: Option<String>,
    /// The provider's stable id of the account (`oauth`), when it says.
    pub account_id: Option<String>,
    /// When it was connected.
    pub created_at: Timestamp,
    /// When its values last changed (a refresh, a reconnection).
    pub updated_at: Timestamp,
    /// The provider refused its tokens: tools answer with a reconnect link and no
    /// new access token is issued for it until it is reconnected.
    pub disconnected: bool,
}

/// A grant as the operator's `grants list` shows it: whose, for which client,
/// since and until when. Never its values: nothing sealed is read for it.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantSummary {
    /// Its id (`local` for the stdio user's).
    pub id: String,
    /// The MCP client it was issued to; `None` for the local (stdio) grant.
    pub client_id: Option<String>,
    /// The name that client registered, when it is a stored registration.
    pub client_name: Option<String>,
    /// The account's display name (`oauth`).
    pub nickname: Option<String>,
    /// The provider's stable id of the account (`oauth`), when it says.
    pub account_id: Option<String>,
    /// When it was connected.
    pub created_at: Timestamp,
    /// When it was last used, to a few minutes (see `auth_server::usage`);
    /// `None` before its first use was recorded.
    pub last_used_at: Option<Timestamp>,
    /// The provider refused its tokens; it waits to be reconnected.
    pub disconnected: bool,
}

/// Where a sealed value is kept, which is also what it is bound to (a value
/// moved elsewhere does not open).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SealedAt {
    /// The values of grant `id` (`grants.sealed`).
    Grant(String),
    /// The PKCE verifier toward the provider of pending request `id`
    /// (`pending.upstream_verifier`).
    Verifier(String),
    /// A value the host keeps about itself (`meta.value`), e.g. the key check.
    Meta(String),
}

/// One sealed value and where it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct SealedValue {
    /// Its row.
    pub at: SealedAt,
    /// The sealed text (`v1.<key id>.<...>`).
    pub sealed: String,
}

/// Which kind of token an MCP client was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Sent on every request to `/mcp`.
    Access,
    /// Exchanged at `/token` for new tokens (single use: rotated).
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

/// A token issued to an MCP client.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenRecord {
    /// SHA-256 of the token.
    pub token_hash: String,
    /// Access or refresh.
    pub kind: TokenKind,
    /// The grant it acts for.
    pub grant_id: String,
    /// The client it was issued to.
    pub client_id: String,
    /// Its audience: this server's `/mcp`.
    pub resource: String,
    /// What it may do.
    pub scope: Option<String>,
    /// When it stops being valid.
    pub expires_at: Timestamp,
}

/// The outcome of consuming a single-use value (code, refresh token).
#[derive(Debug, Clone, PartialEq)]
pub enum Consumed<T> {
    /// First use: here it is.
    Fresh(T),
    /// Already used: a replay; the grant it belonged to is named.
    Reused {
        /// The grant the value was issued for.
        grant_id: String,
    },
    /// Never issued (or already purged).
    Unknown,
}
