//! `/authorize`, the part every mode shares: check the request, show the
//! consent page, take the answer; and, once the mode has its grant, send the
//! user back to the client with a single-use code.
//!
//! Every step after the first page is tied to the browser that opened it (its
//! cookie, and form tokens derived from it) and checked to come from this
//! server's own pages (`Origin`, `Sec-Fetch-Site`).

use std::sync::Arc;

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{
    AuthServer, Flow, clients,
    cookies::form_token,
    error::{Answer, AuthError},
    guard, pages,
    protocol::{
        authorize::{self as rules, AuthorizeRequest},
        client as client_rules,
    },
};
use crate::telemetry::{self, AuthorizationOutcome};
use crate::{
    crypto,
    store::{ClientRecord, CodeRecord, PendingRecord, now},
};

/// Send the user back to the client at `redirect_uri` with `params`, the
/// client's `state`, and `iss` (RFC 9207).
pub(super) fn back_to_client<F>(
    server: &AuthServer<F>,
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return AuthError::bad_request("The client's redirect URI is not valid").into_response();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in params {
            query.append_pair(name, value);
        }
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &server.issuer);
    }
    Redirect::to(url.as_str()).into_response()
}

pub(super) async fn authorize<F: Flow>(
    state: State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
    query: Result<Query<AuthorizeRequest>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let answer = consent(state, headers, query).await;
    telemetry::authorization(match answer {
        Ok(_) => AuthorizationOutcome::Started,
        Err(_) => AuthorizationOutcome::Refused,
    });
    answer
}

/// The consent page of a valid authorization request; an invalid one is
/// refused (on a page, or sent back to a loopback client: both `Err`).
async fn consent<F: Flow>(
    State(server): State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
    query: Result<Query<AuthorizeRequest>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) =
        query.map_err(|_| AuthError::bad_request("The authorization request could not be read"))?;
    rules::check_sizes(&q)
        .map_err(|why| AuthError::bad_request(format!("The authorization request's {why}")))?;
    // Until the client and its redirect URI are known, errors are shown here:
    // redirecting to an unchecked URI would make this an open redirector.
    let client_id = q
        .client_id
        .as_deref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AuthError::bad_request("The request has no client_id"))?;
    let client =
        clients::resolve(&server, client_id)
            .await
            .map_err(|clients::UnknownClient(why)| {
                AuthError::page(StatusCode::BAD_REQUEST, "Unknown application", why)
            })?;
    let redirect_uri = rules::redirect_uri(&client.metadata, q.redirect_uri.as_deref())
        .map_err(|why| AuthError::page(StatusCode::BAD_REQUEST, "Invalid redirect", why))?;
    let accepted = match rules::check(&q, &server.resource, &server.scopes) {
        Ok(accepted) => accepted,
        Err(e) if rules::errors_may_redirect(redirect_uri) => {
            return Err(AuthError::Redirect(Box::new(back_to_client(
                &server,
                redirect_uri,
                &[("error", e.error), ("error_description", &e.description)],
                q.state.as_deref(),
            ))));
        }
        Err(e) => {
            return Err(AuthError::page(
                StatusCode::BAD_REQUEST,
                "Invalid authorization request",
                format!(
                    "The application sent a request this server cannot accept: {} ({}). Nothing was sent back to it.",
                    e.description, e.error
                ),
            ));
        }
    };

    let (browser, new_browser) = server.cookies.browser_or_new(&headers);
    let pending = PendingRecord {
        id: crypto::random(),
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: accepted.code_challenge,
        state: q.state.clone(),
        scope: Some(accepted.scope),
        resource: Some(server.resource.clone()),
        browser_hash: crypto::hash(&browser),
        consented: false,
        expires_at: now() + server.lifetimes.pending.as_secs() as i64,
        reconnect_grant: None,
    };
    server.store.put_pending(&pending).await?;
    let mut response = consent_page(&server, &client, &pending, &browser);
    if new_browser {
        server.cookies.set_browser(&mut response, &browser);
    }
    Ok(response)
}

/// The consent page of `pending`, for `client`: who asks, where the user goes
/// back to, and what comes next in this mode.
fn consent_page<F: Flow>(
    server: &AuthServer<F>,
    client: &ClientRecord,
    pending: &PendingRecord,
    browser: &str,
) -> Response {
    let destination = match client_rules::redirect_kind(&pending.redirect_uri) {
        Ok(client_rules::Redirect::App { scheme }) => pages::Destination::App(scheme),
        Ok(client_rules::Redirect::Loopback) => {
            pages::Destination::ThisComputer(host_and_port(&pending.redirect_uri))
        }
        _ => pages::Destination::Web(host_and_port(&pending.redirect_uri)),
    };
    // A metadata-document client is named by its URL: its host is the one
    // thing about it this server checked (the name is the client's own claim).
    let published_by = client
        .client_id
        .starts_with("http")
        .then(|| host_and_port(&client.client_id));
    let mut page = pages::Consent {
        server_name: server.server_name,
        client_name: client
            .metadata
            .client_name
            .clone()
            .unwrap_or_else(|| "An unnamed application".into()),
        client_id: client.client_id.clone(),
        destination,
        published_by,
        fields: Vec::new(),
        provider: None,
        scopes: pending
            .scope
            .as_deref()
            .map(|granted| {
                server
                    .scopes
                    .on_consent(granted)
                    .into_iter()
                    .map(|(name, description, optional)| pages::ScopeView {
                        name: name.to_owned(),
                        description,
                        optional,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        csrf: form_token(browser, &pending_purpose(&pending.id)),
        pending: pending.id.clone(),
    };
    page.next(server.flow.next_step());
    pages::render(StatusCode::OK, &page)
}

/// `host` or `host:port` of a URL, for a person to read.
fn host_and_port(uri: &str) -> String {
    url::Url::parse(uri)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_default()
}

/// What the form token of a pending request's pages is good for.
pub(super) fn pending_purpose(pending_id: &str) -> String {
    format!("pending:{pending_id}")
}

/// A form post from another site is refused before anything else is looked at.
pub(super) fn refuse_cross_site<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
) -> Result<(), AuthError> {
    guard::same_origin(headers, &server.page_origins).map_err(|why| {
        tracing::warn!("refused a cross-site form post ({why:?})");
        AuthError::not_accepted(
            "This form was sent from another site, not from this server's own page. Nothing was done; start again from your application.",
        )
    })
}

/// The pending request a form post belongs to, after the checks: it came from
/// this server's page, from the browser that opened the request (its cookie),
/// with that page's token. Returns the request and the browser's token.
pub(super) async fn checked_pending<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
    pending_id: &str,
    token: &str,
) -> Result<(PendingRecord, String), AuthError> {
    refuse_cross_site(server, headers)?;
    let expired = || {
        AuthError::page(
            StatusCode::BAD_REQUEST,
            "This request has expired",
            "Start again from your application: authorization requests are valid for a few minutes and can be used once.",
        )
    };
    if !crypto::is_token(pending_id) {
        return Err(expired());
    }
    let pending = match server.store.get_pending(pending_id).await? {
        Some(p) if p.expires_at >= now() && p.reconnect_grant.is_none() => p,
        _ => return Err(expired()),
    };
    server
        .cookies
        .browser(headers)
        .filter(|b| crypto::same(&crypto::hash(b), &pending.browser_hash))
        .filter(|b| crypto::same(&form_token(b, &pending_purpose(&pending.id)), token))
        .map(|browser| (pending, browser))
        .ok_or_else(|| {
            AuthError::not_accepted(
                "This form did not come from this browser's authorization page. Start again from your application.",
            )
        })
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    pending: String,
    csrf: String,
    decision: String,
    /// `scope:<name>` for each optional scope left ticked.
    #[serde(flatten)]
    ticked: std::collections::HashMap<String, String>,
}

pub(super) type ConsentBody = Result<Form<ConsentForm>, axum::extract::rejection::FormRejection>;

/// The consent page's answer: the request and browser when the user approved
/// (recorded). The user's own denial, which alone sends `access_denied` back
/// to the client, is the error.
pub(super) async fn consented<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
    form: ConsentBody,
) -> Result<(PendingRecord, String), AuthError> {
    let Form(form) = form.map_err(|_| AuthError::bad_request("The form could not be read"))?;
    let (pending, browser) = checked_pending(server, headers, &form.pending, &form.csrf).await?;
    if form.decision != "approve" {
        server.store.take_pending(&pending.id).await?;
        telemetry::authorization(AuthorizationOutcome::Denied);
        return Err(AuthError::Redirect(Box::new(back_to_client(
            server,
            &pending.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "the user denied access"),
            ],
            pending.state.as_deref(),
        ))));
    }
    let mut pending = pending;
    // The optional scopes the user unticked are not granted, nor asked of the
    // provider.
    pending.scope = pending.scope.map(|granted| {
        server.scopes.consented(&granted, |s| {
            form.ticked.contains_key(&format!("scope:{s}"))
        })
    });
    server
        .store
        .set_pending_consented(&pending.id, pending.scope.as_deref())
        .await?;
    Ok((pending, browser))
}

/// The mode stored a grant for `pending`: issue a single-use code and send the
/// user back to the client. The browser is remembered as the grant's owner
/// (the accounts page, reconnect links).
pub(super) async fn complete<F>(
    server: &AuthServer<F>,
    browser: &str,
    pending: &PendingRecord,
    grant_id: String,
) -> Answer {
    if let Err(e) = server
        .store
        .link_browser(&crypto::hash(browser), &grant_id)
        .await
    {
        tracing::warn!("remembering the browser of a grant failed: {e:#}");
    }
    if let Err(e) = server.store.client_authorized(&pending.client_id).await {
        tracing::warn!("recording a client's first authorization failed: {e:#}");
    }
    let code = crypto::random();
    server
        .store
        .put_code(&CodeRecord {
            code_hash: crypto::hash(&code),
            grant_id,
            client_id: pending.client_id.clone(),
            redirect_uri: pending.redirect_uri.clone(),
            code_challenge: pending.code_challenge.clone(),
            resource: pending.resource.clone(),
            scope: pending.scope.clone(),
            expires_at: now() + server.lifetimes.code.as_secs() as i64,
        })
        .await?;
    telemetry::authorization(AuthorizationOutcome::Completed);
    Ok(back_to_client(
        server,
        &pending.redirect_uri,
        &[("code", &code)],
        pending.state.as_deref(),
    ))
}
