//! The provider leg: after consent (or from a reconnect link), the user is
//! sent to the provider with a single-use state bound to the pending request
//! and the browser, and a PKCE verifier sealed in the store.

use std::sync::Arc;

use axum::{
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect},
};

use super::state::Server;
use crate::{
    auth_server::{
        authorize::{self, ConsentBody},
        error::Answer,
        protocol::scope::ScopePolicy,
    },
    crypto,
    provider::Pkce,
    store::PendingRecord,
};

/// The consent page's answer: approved, on to the provider.
pub(super) async fn consent(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: ConsentBody,
) -> Answer {
    let (pending, browser) = authorize::consented(&server, &headers, form).await?;
    to_provider(&server, &pending, &browser).await
}

/// The context the provider-leg PKCE verifier of a pending request is sealed
/// to: the vault's, which re-seals it on `rotate-key`.
pub(super) use crate::grants::verifier_context;

/// On to the provider, with a single-use, expiring state bound to this pending
/// request and to this browser, and a PKCE verifier sealed in the store.
pub(crate) async fn to_provider(server: &Server, pending: &PendingRecord, browser: &str) -> Answer {
    let grants = &server.flow.grants;
    let state = crypto::random();
    let pkce = Pkce::generate();
    let sealed = grants
        .vault()
        .sealer()
        .seal(pkce.verifier.as_bytes(), &verifier_context(&pending.id));
    server
        .store
        .set_pending_upstream(
            &pending.id,
            &crypto::hash(&state),
            &sealed,
            &crypto::hash(browser),
        )
        .await?;
    let callback = server.url("/auth/callback");
    // A step-up asks the provider for the scopes granted here on top of its own.
    let extra = pending
        .scope
        .as_deref()
        .map(ScopePolicy::provider_scopes)
        .unwrap_or_default();
    let url = crate::provider::with_extra_scopes(extra, || {
        pkce.sync_scope(|| grants.provider().get_url(&callback, &state))
    });
    Ok(Redirect::to(&url).into_response())
}
