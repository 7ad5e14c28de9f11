//! What every store does: the [`Store`] trait (one statement or transaction per
//! method, no state in the process, single-use values consumed atomically) and
//! the cross-process refresh lock.

use std::sync::Arc;

use async_trait::async_trait;

use super::records::{
    AuditQuery, AuditRecord, ClientRecord, CodeRecord, Consumed, GrantRecord, GrantSummary,
    PendingRecord, SealedAt, SealedValue, TaskRecord, Timestamp, TokenKind, TokenRecord,
};
use crate::Result;

/// Where the host keeps what outlives a request: registered clients, pending
/// authorizations, codes, grants, issued tokens, MCP sessions. Every method is
/// one statement or transaction and keeps no state in the process, so several
/// replicas can share one store; single-use values are consumed atomically.
/// [`SqlStore`](crate::store::SqlStore) implements it on SQLite and PostgreSQL;
/// the contract is tested on both (`tests/tests/store.rs`).
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The auth type this store was created for (`none`, `cred`, `oauth`).
    async fn auth_type(&self) -> Result<Option<String>>;
    /// Record the auth type, once: a value already set is never overwritten.
    async fn set_auth_type(&self, auth_type: &str) -> Result<()>;
    /// A value the host keeps about itself (the schema version, the key check).
    async fn get_meta(&self, key: &str) -> Result<Option<String>>;
    /// Set a [`get_meta`](Store::get_meta) value.
    async fn set_meta(&self, key: &str, value: &str) -> Result<()>;

    /// Store a registration; the same `client_id` again replaces its metadata
    /// and keeps its registration time.
    async fn put_client(&self, client: &ClientRecord) -> Result<()>;
    /// A registered client.
    async fn get_client(&self, client_id: &str) -> Result<Option<ClientRecord>>;
    /// A client completed an authorization: it no longer expires unused.
    async fn client_authorized(&self, client_id: &str) -> Result<()>;

    /// Store a new pending authorization.
    async fn put_pending(&self, pending: &PendingRecord) -> Result<()>;
    /// A pending authorization (expired ones too, until purged).
    async fn get_pending(&self, id: &str) -> Result<Option<PendingRecord>>;
    /// The user approved its consent page, for `scope` (what they left ticked).
    async fn set_pending_consented(&self, id: &str, scope: Option<&str>) -> Result<()>;
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

    /// Store a new authorization code.
    async fn put_code(&self, code: &CodeRecord) -> Result<()>;
    /// Use a code, once, across every process: a second use is reported with
    /// its grant, for revocation.
    async fn consume_code(&self, code_hash: &str) -> Result<Consumed<CodeRecord>>;

    /// Store a grant, or replace its values (it is connected again).
    async fn put_grant(&self, grant: &GrantRecord) -> Result<()>;
    /// A grant.
    async fn get_grant(&self, id: &str) -> Result<Option<GrantRecord>>;
    /// Delete a grant with every token issued for it.
    async fn delete_grant(&self, id: &str) -> Result<()>;
    /// Mark a grant disconnected (and drop its access tokens) or connected again.
    async fn set_grant_disconnected(&self, id: &str, disconnected: bool) -> Result<()>;
    /// Every grant, oldest first, with the name its client registered; no
    /// sealed value is read.
    async fn list_grants(&self) -> Result<Vec<GrantSummary>>;
    /// How many grants are connected (not waiting to be reconnected).
    async fn count_connected_grants(&self) -> Result<u64>;
    /// Record that grant `id` was used at `at` (a later time only: a use
    /// recorded late by another replica never moves it back).
    async fn grant_used(&self, id: &str, at: Timestamp) -> Result<()>;
    /// Remember that the browser holding this (hashed) cookie connected a grant.
    async fn link_browser(&self, browser_hash: &str, grant_id: &str) -> Result<()>;
    /// The grants a browser connected, oldest first.
    async fn grants_of_browser(&self, browser_hash: &str) -> Result<Vec<GrantRecord>>;
    /// The id of the connected grant of client `client_id` for provider
    /// account `account_id` (the newest, should there be several).
    async fn connected_grant_of(&self, client_id: &str, account_id: &str)
    -> Result<Option<String>>;

    /// Store a token issued to a client.
    async fn put_token(&self, token: &TokenRecord) -> Result<()>;
    /// An unused token of `kind` (an access token may come from the cache of
    /// checked tokens, shared rather than copied).
    async fn get_token(
        &self,
        token_hash: &str,
        kind: TokenKind,
    ) -> Result<Option<Arc<TokenRecord>>>;
    /// Mark a refresh token used; a second use reports the grant for revocation.
    async fn consume_refresh_token(&self, token_hash: &str) -> Result<Consumed<TokenRecord>>;
    /// Revoke one token (every replica stops accepting it).
    async fn delete_token(&self, token_hash: &str) -> Result<()>;
    /// Revoke every token of a grant.
    async fn delete_tokens_of_grant(&self, grant_id: &str) -> Result<()>;
    /// Set the scope of every token of a grant (the user allowed more through
    /// a step-up link; every replica stops using its cached copies).
    async fn set_scope_of_grant_tokens(&self, grant_id: &str, scope: &str) -> Result<()>;

    /// Every sealed value of the grants and of the pending provider legs, in
    /// no particular order (the meta values are read with
    /// [`get_meta`](Store::get_meta)).
    async fn sealed_values(&self) -> Result<Vec<SealedValue>>;
    /// Replace the sealed value at `at` with `new` if it still is `old`
    /// (compare-and-swap, so a value written meanwhile, e.g. by a refresh, is
    /// never overwritten); false when it changed or is gone.
    async fn replace_sealed(&self, at: &SealedAt, old: &str, new: &str) -> Result<bool>;

    /// Take the lock under which one grant's upstream tokens are refreshed,
    /// across every process sharing this store; held until [`GrantLock::release`]
    /// (or the lock is dropped, or the process dies).
    async fn lock_grant(&self, grant_id: &str) -> Result<GrantLock>;

    /// Remember an MCP session's state (its `initialize` parameters, JSON) so any
    /// replica can resume it.
    async fn put_session(&self, id: &str, state: &str) -> Result<()>;
    /// A session's stored state.
    async fn get_session(&self, id: &str) -> Result<Option<String>>;
    /// Bind a session to the grant that opened it; returns the grant it is bound
    /// to, which is the first one ever bound.
    async fn bind_session(&self, id: &str, grant_id: &str) -> Result<String>;
    /// The grant a session is bound to.
    async fn session_grant(&self, id: &str) -> Result<Option<String>>;
    /// Forget a session (the client ended it).
    async fn delete_session(&self, id: &str) -> Result<()>;

    /// Drop expired pending requests, codes, tokens and sessions, registrations
    /// that never authorized within [`UNUSED_CLIENT_LIFETIME`](crate::store::UNUSED_CLIENT_LIFETIME), and grants left
    /// disconnected for [`DISCONNECTED_GRANT_LIFETIME`](crate::store::DISCONNECTED_GRANT_LIFETIME).
    async fn purge_expired(&self, now: Timestamp) -> Result<()>;

    /// Store a task's state; a final one is never replaced.
    async fn put_task(&self, task: &TaskRecord) -> Result<()>;
    /// A task, until it expires.
    async fn get_task(&self, id: &str) -> Result<Option<TaskRecord>>;

    /// Mark `id` as used, once: `true` the first time (in any process sharing
    /// the store), `false` ever after, until `expires_at` has passed and the
    /// value is purged (a retried MCP `requestState`).
    async fn spend_once(&self, id: &str, expires_at: Timestamp) -> Result<bool>;

    /// Append audit records, in one transaction (a record whose id is there
    /// already is skipped).
    async fn put_audit(&self, records: &[AuditRecord]) -> Result<()>;
    /// The newest audit records matching `query`, newest first.
    async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
    /// Delete the audit records of calls started before `before_ms`; how many.
    async fn purge_audit(&self, before_ms: i64) -> Result<u64>;
}

/// What a lock needs to be let go of.
#[async_trait]
pub trait Lock: Send {
    /// Let the lock go.
    async fn release(&mut self) -> Result<()>;
}

/// A held [`Store::lock_grant`] lock.
#[must_use = "the lock is released when this is released or dropped"]
pub struct GrantLock(Option<Box<dyn Lock>>);

impl GrantLock {
    /// A lock held by `lock`.
    pub fn new(lock: impl Lock + 'static) -> Self {
        Self(Some(Box::new(lock)))
    }

    /// A lock that holds nothing (a backend served by one process).
    pub fn none() -> Self {
        Self(None)
    }

    /// Let the lock go (dropping it does too).
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
