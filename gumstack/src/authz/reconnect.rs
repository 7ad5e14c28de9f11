//! Reconnecting an OAuth grant the provider refused: a single-use link, sent to
//! the user's MCP client (URL-mode elicitation where it supports it, the tool
//! error otherwise), leads to a page that runs only the provider leg again and
//! stores the new tokens in the same grant, so the client's own authorization
//! keeps working.

use std::sync::Arc;

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use serde::Deserialize;

use super::{AuthServer, flow, pages, tokens};
use crate::{
    Result,
    store::{PendingRecord, Store, now},
};

const RECONNECT_CSRF_COOKIE: &str = "gumstack_reconnect_csrf";
/// How long a reconnect link works.
const LINK_LIFETIME_SECS: i64 = 30 * 60;

/// A fresh single-use link that reconnects grant `grant_id`.
pub(crate) async fn link(store: &dyn Store, issuer: &str, grant_id: &str) -> Result<String> {
    let id = tokens::random();
    let grant = store.get_grant(grant_id).await?;
    store
        .put_pending(&PendingRecord {
            id: id.clone(),
            client_id: grant.and_then(|g| g.client_id).unwrap_or_default(),
            redirect_uri: String::new(),
            code_challenge: String::new(),
            state: None,
            scope: None,
            resource: None,
            csrf_hash: String::new(),
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
    pending: String,
    csrf: String,
}

#[derive(Deserialize)]
pub(super) struct LinkQuery {
    id: String,
}

async fn reconnecting(
    server: &AuthServer,
    id: &str,
) -> std::result::Result<(PendingRecord, Option<String>), Response> {
    let expired = || {
        pages::message(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            "It was already used or has expired. Call the tool again to get a new one.",
        )
    };
    let pending = match server.store.get_pending(id).await {
        Ok(Some(p)) if p.expires_at >= now() && p.reconnect_grant.is_some() => p,
        Ok(_) => return Err(expired()),
        Err(e) => {
            tracing::error!("reading a reconnect link failed: {e:#}");
            return Err(pages::unavailable());
        }
    };
    let grant = pending.reconnect_grant.as_deref().unwrap_or_default();
    match server.store.get_grant(grant).await {
        Ok(Some(grant)) => Ok((pending, grant.nickname)),
        Ok(None) => Err(expired()),
        Err(e) => {
            tracing::error!("reading a grant failed: {e:#}");
            Err(pages::unavailable())
        }
    }
}

pub(super) async fn page(
    State(server): State<Arc<AuthServer>>,
    query: std::result::Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The link is incomplete.",
        );
    };
    let (pending, account) = match reconnecting(&server, &q.id).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let Some(provider) = server.grants.provider() else {
        return pages::unavailable();
    };
    let csrf = tokens::random();
    let mut response = pages::render(
        StatusCode::OK,
        &Reconnect {
            server_name: server.server_name,
            provider: provider.name().to_owned(),
            account,
            pending: pending.id,
            csrf: csrf.clone(),
        },
    );
    flow::set_cookie(
        &server,
        &mut response,
        RECONNECT_CSRF_COOKIE,
        &csrf,
        "/auth/reconnect",
        "Strict",
    );
    response
}

#[derive(Deserialize)]
pub(super) struct ReconnectForm {
    pending: String,
    csrf: String,
}

pub(super) async fn start(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: std::result::Result<Form<ReconnectForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form could not be read.",
        );
    };
    if !flow::cookie(&headers, RECONNECT_CSRF_COOKIE).is_some_and(|c| tokens::same(c, &form.csrf)) {
        return pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            "Open the link again and retry.",
        );
    }
    let (pending, _) = match reconnecting(&server, &form.pending).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    flow::to_provider(&server, &pending).await
}
