//! Single-use links that reach a user through their MCP client (URL-mode
//! elicitation where it supports it, a tool error otherwise) and act on one
//! grant: reconnecting an `oauth` grant the provider refused, or allowing a
//! grant more scopes (a step-up for a client that cannot authorize again on
//! its own). Each mode's page does the work; this module makes the link and
//! checks who opens it.

use axum::{
    Form,
    extract::rejection::FormRejection,
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;

use super::{AuthServer, authorize, cookies::form_token, error::AuthError, pages};
use crate::{
    Result, crypto,
    store::{PendingRecord, Store, now},
};

/// How long a link works.
const LINK_LIFETIME_SECS: i64 = 30 * 60;

/// A fresh single-use link for grant `grant_id`, for `scope` when it is a
/// step-up (the grant's scopes and those it lacks). It works only in a
/// browser that completed an authorization of that grant: the link reaches
/// the user through their MCP client, and a link forwarded to someone else
/// must not change this user's grant.
pub(crate) async fn link(
    store: &dyn Store,
    issuer: &str,
    grant_id: &str,
    scope: Option<&str>,
) -> Result<String> {
    let id = crypto::random();
    let grant = store.get_grant(grant_id).await?;
    store
        .put_pending(&PendingRecord {
            id: id.clone(),
            client_id: grant.and_then(|g| g.client_id).unwrap_or_default(),
            redirect_uri: String::new(),
            code_challenge: String::new(),
            state: None,
            scope: scope.map(str::to_owned),
            resource: None,
            // Set to the owner's browser when it opens the link.
            browser_hash: String::new(),
            consented: false,
            expires_at: now() + LINK_LIFETIME_SECS,
            reconnect_grant: Some(grant_id.to_owned()),
        })
        .await?;
    Ok(format!("{issuer}/auth/reconnect?id={id}"))
}

/// `?id=` of a link.
#[derive(Deserialize)]
pub(super) struct LinkQuery {
    pub id: String,
}

/// The answer of a link's page.
#[derive(Deserialize)]
pub(super) struct LinkForm {
    pub pending: String,
    pub csrf: String,
}

/// What the page's form token is bound to.
pub(super) fn purpose(pending_id: &str) -> String {
    format!("reconnect:{pending_id}")
}

/// The link `id`, for the browser of `headers`: the link must be valid and
/// the browser one that connected the grant. Returns the link's request, the
/// grant's account name and the browser's token.
pub(super) async fn opened<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
    id: &str,
) -> std::result::Result<(PendingRecord, Option<String>, String), AuthError> {
    let expired = || {
        AuthError::page(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "It was already used or has expired. Call the tool again to get a new one.",
        )
    };
    if !crypto::is_token(id) {
        return Err(expired());
    }
    let pending = match server.store.get_pending(id).await? {
        Some(p) if p.expires_at >= now() && p.reconnect_grant.is_some() => p,
        _ => return Err(expired()),
    };
    let grant_id = pending.reconnect_grant.as_deref().unwrap_or_default();
    let not_yours = || {
        AuthError::page(
            StatusCode::FORBIDDEN,
            "Open this link where you connected",
            "This link changes the connection of the person who made it, and works only in the browser they used. Nothing was changed. If you are that person, open the link there; otherwise (or if that browser is gone) retry in your application: it will ask you to authorize again, with its own consent page.",
        )
    };
    let browser = server.cookies.browser(headers).ok_or_else(not_yours)?;
    let grants = server
        .store
        .grants_of_browser(&crypto::hash(&browser))
        .await?;
    let grant = grants
        .into_iter()
        .find(|g| g.id == grant_id)
        .ok_or_else(not_yours)?;
    Ok((pending, grant.nickname, browser))
}

/// The answer of a link's page, from the browser of `headers`: from this
/// site, with the page's form token, for a link that still works and a
/// browser that connected its grant. Returns the link's request and the
/// browser's token.
pub(super) async fn submitted<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
    form: std::result::Result<Form<LinkForm>, FormRejection>,
) -> std::result::Result<(PendingRecord, String), AuthError> {
    authorize::refuse_cross_site(server, headers)?;
    let Form(form) = form.map_err(|_| AuthError::bad_request("The form could not be read"))?;
    let (pending, _, browser) = opened(server, headers, &form.pending).await?;
    if !crypto::same(&form_token(&browser, &purpose(&pending.id)), &form.csrf) {
        return Err(AuthError::not_accepted("Open the link again and retry."));
    }
    Ok((pending, browser))
}

/// The scopes a step-up link adds, as the consent page shows them (empty for
/// a reconnect).
pub(super) fn adding<F>(server: &AuthServer<F>, pending: &PendingRecord) -> Vec<pages::ScopeView> {
    pending
        .scope
        .as_deref()
        .map(|scope| {
            server
                .scopes
                .on_consent(scope)
                .into_iter()
                .filter(|(_, _, optional)| *optional)
                .map(|(name, description, _)| pages::ScopeView {
                    name: name.to_owned(),
                    description,
                    optional: false,
                })
                .collect()
        })
        .unwrap_or_default()
}
