//! The connected-accounts page: a person sees the connections their browser made
//! (application, account, since when) and can disconnect one, which revokes the
//! token at the provider where it can and deletes the grant.
//!
//! The browser is recognised by its cookie ([`super::cookies`]), linked to a
//! grant when it completes that grant's authorization; the store keeps only
//! its hash.

use std::{sync::Arc, time::Duration};

use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect},
};
use serde::Deserialize;

use super::{
    AuthServer, Flow, authorize,
    cookies::form_token,
    error::{Answer, AuthError},
    pages,
};
use crate::crypto;

/// What the accounts page's form token is good for.
const PURPOSE: &str = "accounts";

struct Row {
    id: String,
    account: String,
    application: String,
    since: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct Accounts {
    server_name: &'static str,
    rows: Vec<Row>,
    csrf: String,
}

pub(super) async fn page<F: Flow>(
    State(server): State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
) -> Answer {
    let browser = server.cookies.browser(&headers);
    let grants = match &browser {
        Some(browser) => {
            server
                .store
                .grants_of_browser(&crypto::hash(browser))
                .await?
        }
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for grant in grants {
        let application = match &grant.client_id {
            Some(client_id) => match server.store.get_client(client_id).await {
                Ok(Some(client)) => client
                    .metadata
                    .client_name
                    .unwrap_or_else(|| client_id.clone()),
                _ => client_id.clone(),
            },
            None => "this computer".to_owned(),
        };
        rows.push(Row {
            id: grant.id,
            account: grant.nickname.unwrap_or_else(|| "—".to_owned()),
            application,
            since: httpdate::fmt_http_date(
                std::time::UNIX_EPOCH + Duration::from_secs(grant.created_at.max(0) as u64),
            ),
        });
    }
    Ok(pages::render(
        StatusCode::OK,
        &Accounts {
            server_name: server.server_name,
            rows,
            csrf: browser
                .as_deref()
                .map(|b| form_token(b, PURPOSE))
                .unwrap_or_default(),
        },
    ))
}

#[derive(Deserialize)]
pub(super) struct DisconnectForm {
    grant: String,
    csrf: String,
}

pub(super) async fn disconnect<F: Flow>(
    State(server): State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
    form: Result<Form<DisconnectForm>, axum::extract::rejection::FormRejection>,
) -> Answer {
    authorize::refuse_cross_site(&server, &headers)?;
    let Form(form) = form.map_err(|_| AuthError::bad_request("The form could not be read"))?;
    let browser = server
        .cookies
        .browser(&headers)
        .filter(|b| crypto::same(&form_token(b, PURPOSE), &form.csrf))
        .ok_or_else(|| AuthError::not_accepted("Open the accounts page again and retry."))?;
    // Only a grant this browser connected can be disconnected from it.
    let owned = server
        .store
        .grants_of_browser(&crypto::hash(&browser))
        .await?
        .into_iter()
        .any(|g| g.id == form.grant);
    if !owned {
        return Err(AuthError::page(
            StatusCode::NOT_FOUND,
            "Not found",
            "This connection does not exist or is not yours.",
        ));
    }
    server.flow.forget(&form.grant).await?;
    Ok(Redirect::to("/accounts").into_response())
}
