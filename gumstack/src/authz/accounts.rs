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
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{AuthServer, cookies::form_token, flow, pages, tokens};

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

pub(super) async fn page(State(server): State<Arc<AuthServer>>, headers: HeaderMap) -> Response {
    let browser = server.cookies.browser(&headers);
    let grants = match &browser {
        Some(browser) => match server.store.grants_of_browser(&tokens::hash(browser)).await {
            Ok(grants) => grants,
            Err(e) => {
                tracing::error!("listing connected accounts failed: {e:#}");
                return pages::unavailable();
            }
        },
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
    pages::render(
        StatusCode::OK,
        &Accounts {
            server_name: server.server_name,
            rows,
            csrf: browser
                .as_deref()
                .map(|b| form_token(b, PURPOSE))
                .unwrap_or_default(),
        },
    )
}

#[derive(Deserialize)]
pub(super) struct DisconnectForm {
    grant: String,
    csrf: String,
}

pub(super) async fn disconnect(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: Result<Form<DisconnectForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    if let Some(refused) = flow::refuse_cross_site(&server, &headers) {
        return refused;
    }
    let Ok(Form(form)) = form else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form could not be read.",
        );
    };
    let Some(browser) = server
        .cookies
        .browser(&headers)
        .filter(|b| tokens::same(&form_token(b, PURPOSE), &form.csrf))
    else {
        return pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            "Open the accounts page again and retry.",
        );
    };
    // Only a grant this browser connected can be disconnected from it.
    let owned = match server
        .store
        .grants_of_browser(&tokens::hash(&browser))
        .await
    {
        Ok(grants) => grants.into_iter().any(|g| g.id == form.grant),
        Err(e) => {
            tracing::error!("listing connected accounts failed: {e:#}");
            return pages::unavailable();
        }
    };
    if !owned {
        return pages::message(
            StatusCode::NOT_FOUND,
            "Not found",
            "This connection does not exist or is not yours.",
        );
    }
    if let Some(provider) = server.grants.provider() {
        match server.grants.load_oauth(&form.grant).await {
            Ok(Some(creds)) => {
                if let Err(e) = provider.revoke(creds.access_token.expose()).await {
                    tracing::warn!("{} did not confirm the revocation: {e:#}", provider.name());
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("reading the tokens to revoke failed: {e:#}"),
        }
    }
    if let Err(e) = server.grants.delete(&form.grant).await {
        tracing::error!("deleting a grant failed: {e:#}");
        return pages::unavailable();
    }
    Redirect::to("/accounts").into_response()
}
