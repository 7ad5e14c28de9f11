//! Reconnecting an OAuth grant the provider refused, or allowing it more
//! scopes than it has (a step-up for a client that cannot authorize again on
//! its own): a single-use link, sent to the user's MCP client (URL-mode
//! elicitation where it supports it, the tool error otherwise), leads to a
//! page that runs only the provider leg again and stores the new tokens in the
//! same grant, so the client's own authorization keeps working (with the new
//! scopes, for a step-up).

use std::sync::Arc;

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;

use super::{state::Server, upstream};
use crate::auth_server::{
    authorize,
    cookies::form_token,
    error::{Answer, AuthError},
    pages,
};
use crate::{
    Result, crypto,
    store::{PendingRecord, Store, now},
};

/// How long a reconnect link works.
const LINK_LIFETIME_SECS: i64 = 30 * 60;

/// A fresh single-use link that reconnects grant `grant_id`, for `scope` when
/// it is a step-up (the grant's scopes and those it lacks). It works only in a
/// browser that completed an authorization of that grant: the link reaches the
/// user through their MCP client, and a link forwarded to someone else must not
/// put that person's account into this user's grant.
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

#[derive(Template)]
#[template(path = "reconnect.html")]
struct Reconnect {
    server_name: &'static str,
    provider: String,
    account: Option<String>,
    /// A step-up: the scopes it adds, as the consent page shows them.
    adding: Vec<pages::ScopeView>,
    pending: String,
    csrf: String,
}

#[derive(Deserialize)]
pub(super) struct LinkQuery {
    id: String,
}

fn purpose(pending_id: &str) -> String {
    format!("reconnect:{pending_id}")
}

/// The reconnect link `id`, for the browser of `headers`: the link must be
/// valid and the browser one that connected the grant. Returns the link's
/// request, the grant's account name and the browser's token.
async fn reconnecting(
    server: &Server,
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
            "This link reconnects an account for the person who connected it, and works only in the browser they used. Nothing was changed. If you are that person, open the link there; otherwise (or if that browser is gone) retry in your application: it will ask you to authorize again, with its own consent page.",
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

pub(super) async fn page(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    query: std::result::Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) = query.map_err(|_| AuthError::bad_request("The link is incomplete"))?;
    let (pending, account, browser) = reconnecting(&server, &headers, &q.id).await?;
    let adding = pending
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
        .unwrap_or_default();
    Ok(pages::render(
        StatusCode::OK,
        &Reconnect {
            server_name: server.server_name,
            provider: server.flow.grants.provider().name().to_owned(),
            account,
            adding,
            csrf: form_token(&browser, &purpose(&pending.id)),
            pending: pending.id,
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct ReconnectForm {
    pending: String,
    csrf: String,
}

pub(super) async fn start(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: std::result::Result<Form<ReconnectForm>, axum::extract::rejection::FormRejection>,
) -> Answer {
    authorize::refuse_cross_site(&server, &headers)?;
    let Form(form) = form.map_err(|_| AuthError::bad_request("The form could not be read"))?;
    let (pending, _, browser) = reconnecting(&server, &headers, &form.pending).await?;
    if !crypto::same(&form_token(&browser, &purpose(&pending.id)), &form.csrf) {
        return Err(AuthError::not_accepted("Open the link again and retry."));
    }
    upstream::to_provider(&server, &pending, &browser).await
}
