//! The host's OAuth 2.1 authorization server for MCP clients (`cred` and
//! `oauth` servers over HTTP), per the MCP authorization specification:
//! protected resource metadata (RFC 9728), server metadata (RFC 8414), dynamic
//! client registration (RFC 7591) and client ID metadata documents, the
//! authorization code grant with PKCE S256 only, rotating refresh tokens,
//! revocation (RFC 7009), and the bearer check in front of `/mcp`.
//!
//! The protocol's rules are plain functions in [`protocol`]; the handlers around
//! them parse, load, apply, store and answer, and return [`AuthError`] for
//! anything else. What differs between the modes is a [`Flow`]: `cred`
//! ([`CredFlow`]: the credentials form) and `oauth` ([`OAuthFlow`]: the
//! provider, its callback, reconnect links). A mode's server mounts its own
//! routes and no other; [`links`] are the single-use links both modes' step-up
//! pages (and `oauth`'s reconnect page) open.

mod accounts;
mod authorize;
mod bearer;
mod clients;
mod cookies;
mod cred;
mod documents;
mod error;
mod guard;
mod links;
mod metadata;
mod oauth;
mod pages;
mod protocol;
mod rate;
mod state;
mod token;
mod usage;

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    routing::{get, post},
};

pub(crate) use bearer::{Identity, insufficient_scope, require_bearer};
pub(crate) use cred::CredFlow;
pub(crate) use links::link as reconnect_link;
pub(crate) use oauth::OAuthFlow;
pub(crate) use pages::input_value;
pub(crate) use protocol::scope::ScopePolicy;
pub(crate) use state::{AuthServer, Flow, Lifetimes, Settings};

use crate::store::Store;

/// The largest request body any authorization route accepts (registrations,
/// forms, token requests are all far smaller).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The routes of the authorization server (everything but `/mcp` itself): the
/// ones every mode has, and the mode's own.
pub(crate) fn routes<F: Flow>(server: Arc<AuthServer<F>>) -> Router {
    Router::new()
        .route(
            "/.well-known/oauth-protected-resource",
            get(metadata::protected_resource::<F>),
        )
        .route(
            "/.well-known/oauth-protected-resource/mcp",
            get(metadata::protected_resource::<F>),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::authorization_server::<F>),
        )
        .route(
            "/.well-known/openid-configuration",
            get(metadata::authorization_server::<F>),
        )
        .route("/register", post(clients::register::<F>))
        .route("/token", post(token::token::<F>))
        .route("/revoke", post(token::revoke::<F>))
        .route("/accounts", get(accounts::page::<F>))
        .route("/accounts/disconnect", post(accounts::disconnect::<F>))
        .merge(F::routes())
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
