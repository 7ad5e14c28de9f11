//! Reconnecting an OAuth grant the provider refused, or allowing it more
//! scopes than it has: the page a [link](crate::auth_server::links) leads to
//! runs only the provider leg again and stores the new tokens in the same
//! grant, so the client's own authorization keeps working (with the new
//! scopes, for a step-up).

use std::sync::Arc;

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
};

use super::{state::Server, upstream};
use crate::auth_server::{
    cookies::form_token,
    error::{Answer, AuthError},
    links::{self, LinkForm, LinkQuery},
    pages,
};

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

pub(super) async fn page(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    query: std::result::Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) = query.map_err(|_| AuthError::bad_request("The link is incomplete"))?;
    let (pending, account, browser) = links::opened(&server, &headers, &q.id).await?;
    Ok(pages::render(
        StatusCode::OK,
        &Reconnect {
            server_name: server.server_name,
            provider: server.flow.grants.provider().name().to_owned(),
            account,
            adding: links::adding(&server, &pending),
            csrf: form_token(&browser, &links::purpose(&pending.id)),
            pending: pending.id,
        },
    ))
}

pub(super) async fn start(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: std::result::Result<Form<LinkForm>, axum::extract::rejection::FormRejection>,
) -> Answer {
    let (pending, browser) = links::submitted(&server, &headers, form).await?;
    upstream::to_provider(&server, &pending, &browser).await
}
