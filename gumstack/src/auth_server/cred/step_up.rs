//! A `cred` server's step-up link: the page a [link](crate::auth_server::links)
//! leads to when a client that cannot authorize again on its own calls a tool
//! whose scopes its token lacks. The scopes are the server's own, so there is
//! no provider to ask: the grant's owner, in the browser that connected it,
//! allows them, and every token of the grant holds them from then on.

use std::sync::Arc;

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
};

use super::state::Server;
use crate::auth_server::{
    cookies::form_token,
    error::{Answer, AuthError},
    links::{self, LinkForm, LinkQuery},
    pages,
};

#[derive(Template)]
#[template(path = "step_up.html")]
struct StepUp {
    server_name: &'static str,
    adding: Vec<pages::ScopeView>,
    pending: String,
    csrf: String,
}

/// A link that is not a step-up (a `cred` grant is never reconnected).
fn not_a_step_up() -> AuthError {
    AuthError::page(
        StatusCode::BAD_REQUEST,
        "This link is not valid",
        "It was already used or has expired. Call the tool again to get a new one.",
    )
}

pub(super) async fn page(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    query: std::result::Result<Query<LinkQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) = query.map_err(|_| AuthError::bad_request("The link is incomplete"))?;
    let (pending, _, browser) = links::opened(&server, &headers, &q.id).await?;
    let adding = links::adding(&server, &pending);
    if adding.is_empty() {
        return Err(not_a_step_up());
    }
    Ok(pages::render(
        StatusCode::OK,
        &StepUp {
            server_name: server.server_name,
            adding,
            csrf: form_token(&browser, &links::purpose(&pending.id)),
            pending: pending.id,
        },
    ))
}

/// The owner allowed it: the grant's tokens get the link's scopes.
pub(super) async fn allow(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: std::result::Result<Form<LinkForm>, axum::extract::rejection::FormRejection>,
) -> Answer {
    let (pending, _) = links::submitted(&server, &headers, form).await?;
    // Single use: a second submit (or a replay) finds nothing.
    let pending = server
        .store
        .take_pending(&pending.id)
        .await?
        .ok_or_else(not_a_step_up)?;
    let (Some(grant_id), Some(scope)) = (&pending.reconnect_grant, &pending.scope) else {
        return Err(not_a_step_up());
    };
    server
        .store
        .set_scope_of_grant_tokens(grant_id, scope)
        .await?;
    tracing::info!(%scope, "a grant was allowed more scopes by its owner");
    Ok(pages::message(
        StatusCode::OK,
        "Allowed",
        "Done. Return to your application and call the tool again.",
    ))
}
