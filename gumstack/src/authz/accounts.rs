//! The connected-accounts page: a person sees the connections their browser made
//! (application, account, since when) and can disconnect one, which revokes the
//! token at the provider where it can and deletes the grant.
//!
//! The browser is recognised by a long-lived, HttpOnly cookie set when it
//! completes an authorization; the store keeps only its hash.

use std::{sync::Arc, time::Duration};

use askama::Template;
use axum::{
    Form,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{AuthServer, flow, pages, tokens};

const BROWSER_COOKIE: &str = "gumstack_browser";
const ACCOUNTS_CSRF_COOKIE: &str = "gumstack_accounts_csrf";
const BROWSER_COOKIE_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

pub(super) fn browser_of(headers: &HeaderMap) -> Option<String> {
    flow::cookie(headers, BROWSER_COOKIE).map(str::to_owned)
}

pub(super) fn set_browser_cookie(server: &AuthServer, response: &mut Response, token: &str) {
    let secure = if server.issuer.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{BROWSER_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        BROWSER_COOKIE_LIFETIME.as_secs()
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

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
    let grants = match browser_of(&headers) {
        Some(browser) => match server
            .store
            .grants_of_browser(&tokens::hash(&browser))
            .await
        {
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
    let csrf = tokens::random();
    let mut response = pages::render(
        StatusCode::OK,
        &Accounts {
            server_name: server.server_name,
            rows,
            csrf: csrf.clone(),
        },
    );
    flow::set_cookie(
        &server,
        &mut response,
        ACCOUNTS_CSRF_COOKIE,
        &csrf,
        "/accounts",
        "Strict",
    );
    response
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
    let Ok(Form(form)) = form else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form could not be read.",
        );
    };
    let csrf_ok =
        flow::cookie(&headers, ACCOUNTS_CSRF_COOKIE).is_some_and(|c| tokens::same(c, &form.csrf));
    let Some(browser) = browser_of(&headers).filter(|_| csrf_ok) else {
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
