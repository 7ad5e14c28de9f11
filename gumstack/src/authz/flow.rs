//! `/authorize`: check the request, ask for consent, collect the credentials,
//! then send the user back to the client with a single-use code.

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{AuthServer, clients, pages, tokens};
use crate::store::{CodeRecord, PendingRecord, now};

const CSRF_COOKIE: &str = "gumstack_csrf";

#[derive(Deserialize, Default)]
pub(super) struct AuthorizeQuery {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    resource: Option<String>,
}

/// Where errors go once the redirect URI is trusted: back to the client.
fn redirect_error(
    server: &AuthServer,
    redirect_uri: &str,
    state: Option<&str>,
    error: &str,
    description: &str,
) -> Response {
    let mut url = match url::Url::parse(redirect_uri) {
        Ok(url) => url,
        Err(_) => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "Invalid redirect",
                "The client's redirect URI is not valid.",
            );
        }
    };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("error", error);
        query.append_pair("error_description", description);
        if let Some(state) = state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &server.issuer);
    }
    Redirect::to(url.as_str()).into_response()
}

pub(super) async fn authorize(
    State(server): State<Arc<AuthServer>>,
    query: Result<Query<AuthorizeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The authorization request could not be read.",
        );
    };
    // Until the client and its redirect URI are known, errors are shown here:
    // redirecting to an unchecked URI would make this an open redirector.
    let Some(client_id) = q.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The request has no client_id.",
        );
    };
    let client = match clients::resolve(&server, client_id).await {
        Ok(client) => client,
        Err(clients::UnknownClient(why)) => {
            return pages::message(StatusCode::BAD_REQUEST, "Unknown application", &why);
        }
    };
    let redirect_uri = match q.redirect_uri.as_deref() {
        Some(uri) => uri,
        None if client.metadata.redirect_uris.len() == 1 => &client.metadata.redirect_uris[0],
        None => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "Invalid request",
                "The request has no redirect_uri.",
            );
        }
    };
    // Exact match, character for character.
    if !client
        .metadata
        .redirect_uris
        .iter()
        .any(|u| u == redirect_uri)
    {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid redirect",
            "The redirect URI is not one the application registered.",
        );
    }
    let state = q.state.as_deref();
    if q.response_type.as_deref() != Some("code") {
        return redirect_error(
            &server,
            redirect_uri,
            state,
            "unsupported_response_type",
            "only response_type=code is supported",
        );
    }
    let Some(challenge) = q
        .code_challenge
        .as_deref()
        .filter(|c| (43..=128).contains(&c.len()))
    else {
        return redirect_error(
            &server,
            redirect_uri,
            state,
            "invalid_request",
            "PKCE is required: send a code_challenge (S256)",
        );
    };
    if q.code_challenge_method.as_deref() != Some("S256") {
        return redirect_error(
            &server,
            redirect_uri,
            state,
            "invalid_request",
            "code_challenge_method must be S256",
        );
    }
    if let Some(resource) = q.resource.as_deref()
        && resource.trim_end_matches('/') != server.resource
    {
        return redirect_error(
            &server,
            redirect_uri,
            state,
            "invalid_target",
            "this server only issues tokens for its own MCP endpoint",
        );
    }

    let csrf = tokens::random();
    let pending = PendingRecord {
        id: tokens::random(),
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: challenge.to_owned(),
        state: q.state.clone(),
        scope: q.scope.clone(),
        resource: Some(server.resource.clone()),
        csrf_hash: tokens::hash(&csrf),
        consented: false,
        expires_at: now() + server.lifetimes.pending.as_secs() as i64,
        reconnect_grant: None,
    };
    if let Err(e) = server.store.put_pending(&pending).await {
        tracing::error!("storing a pending authorization failed: {e:#}");
        return pages::unavailable();
    }
    let redirect_host = url::Url::parse(redirect_uri)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| match u.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_owned(),
            })
        })
        .unwrap_or_default();
    let page = pages::Consent {
        server_name: server.server_name,
        client_name: client
            .metadata
            .client_name
            .clone()
            .unwrap_or_else(|| "An unnamed application".into()),
        client_id: client.client_id.clone(),
        redirect_host,
        fields: server.grants.fields().iter().map(|f| f.label).collect(),
        provider: server.grants.provider().map(|p| p.name().to_owned()),
        pending: pending.id.clone(),
        csrf: csrf.clone(),
    };
    with_csrf_cookie(&server, pages::render(StatusCode::OK, &page), &csrf)
}

/// Set a cookie that lives as long as a pending request, `Secure` over https.
pub(super) fn set_cookie(
    server: &AuthServer,
    response: &mut Response,
    name: &str,
    value: &str,
    path: &str,
    same_site: &str,
) {
    let secure = if server.issuer.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite={same_site}; Max-Age={}{secure}",
        server.lifetimes.pending.as_secs()
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn with_csrf_cookie(server: &AuthServer, mut response: Response, csrf: &str) -> Response {
    set_cookie(
        server,
        &mut response,
        CSRF_COOKIE,
        csrf,
        "/authorize",
        "Strict",
    );
    response
}

pub(super) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The pending request a form post belongs to, after the CSRF checks: the form's
/// token must equal the cookie set with the page and hash to the stored one.
async fn checked_pending(
    server: &AuthServer,
    headers: &HeaderMap,
    pending_id: &str,
    csrf: &str,
) -> Result<PendingRecord, Response> {
    let expired = || {
        pages::message(
            StatusCode::BAD_REQUEST,
            "This request has expired",
            "Start again from your application: authorization requests are valid for a few minutes and can be used once.",
        )
    };
    let pending = match server.store.get_pending(pending_id).await {
        Ok(Some(p)) if p.expires_at >= now() => p,
        Ok(_) => return Err(expired()),
        Err(e) => {
            tracing::error!("reading a pending authorization failed: {e:#}");
            return Err(pages::unavailable());
        }
    };
    let cookie_ok = cookie(headers, CSRF_COOKIE).is_some_and(|c| tokens::same(c, csrf));
    if !cookie_ok || !tokens::same(&tokens::hash(csrf), &pending.csrf_hash) {
        return Err(pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            "This form did not come from this browser's authorization page. Start again from your application.",
        ));
    }
    Ok(pending)
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    pending: String,
    csrf: String,
    decision: String,
}

pub(super) async fn consent(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: Result<Form<ConsentForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form could not be read.",
        );
    };
    let pending = match checked_pending(&server, &headers, &form.pending, &form.csrf).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    if form.decision != "approve" {
        let _ = server.store.take_pending(&pending.id).await;
        return redirect_error(
            &server,
            &pending.redirect_uri,
            pending.state.as_deref(),
            "access_denied",
            "the user denied access",
        );
    }
    if let Err(e) = server.store.set_pending_consented(&pending.id).await {
        tracing::error!("recording consent failed: {e:#}");
        return pages::unavailable();
    }
    if server.grants.provider().is_some() {
        return to_provider(&server, &pending).await;
    }
    credentials_page(
        &server,
        &pending,
        &form.csrf,
        BTreeMap::new(),
        pages::FormErrors::default(),
    )
}

fn credentials_page(
    server: &AuthServer,
    pending: &PendingRecord,
    csrf: &str,
    values: BTreeMap<String, String>,
    errors: pages::FormErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = pages::Credentials::new(
        server.server_name,
        server.grants.fields(),
        &values,
        errors,
        &pending.id,
        csrf,
    );
    pages::render(status, &page)
}

/// Longest accepted value of one field, and of the whole form.
const MAX_FIELD_BYTES: usize = 8 * 1024;

pub(super) async fn credentials(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: Result<Form<BTreeMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(mut form)) = form else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The form could not be read.",
        );
    };
    let pending_id = form.remove("pending").unwrap_or_default();
    let csrf = form.remove("csrf").unwrap_or_default();
    let pending = match checked_pending(&server, &headers, &pending_id, &csrf).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    if !pending.consented {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Consent needed",
            "Approve the application first. Start again from your application.",
        );
    }
    // Only the declared fields are kept.
    let fields = server.grants.fields();
    let values: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|f| {
            form.get(f.name)
                .map(|v| (f.name.to_owned(), v.trim().to_owned()))
        })
        .collect();
    let mut errors = pages::FormErrors::default();
    for f in fields {
        if values
            .get(f.name)
            .is_some_and(|v| v.len() > MAX_FIELD_BYTES)
        {
            errors.fields.insert(
                f.name,
                format!(
                    "{} is too long (at most {MAX_FIELD_BYTES} characters)",
                    f.label
                ),
            );
        }
    }
    if errors.is_empty() {
        errors = server.grants.check(&values).await;
    }
    if !errors.is_empty() {
        // Secret values are never sent back into the page.
        let kept = values
            .into_iter()
            .filter(|(k, _)| fields.iter().any(|f| f.name == k && !f.secret))
            .collect();
        return credentials_page(&server, &pending, &csrf, kept, errors);
    }
    // Single use from here on: a second submit of the same page finds nothing.
    let pending = match server.store.take_pending(&pending.id).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "Already done",
                "This authorization was already completed.",
            );
        }
        Err(e) => {
            tracing::error!("completing a pending authorization failed: {e:#}");
            return pages::unavailable();
        }
    };
    let grant = server
        .grants
        .create(Some(&pending.client_id), None, &values, None)
        .await;
    complete(&server, &headers, &pending, grant).await
}

/// The grant was stored: issue a single-use code and send the user back to the
/// client. The browser is remembered as the grant's owner for the accounts page.
async fn complete(
    server: &AuthServer,
    headers: &HeaderMap,
    pending: &PendingRecord,
    grant: crate::Result<String>,
) -> Response {
    let grant_id = match grant {
        Ok(id) => id,
        Err(e) => {
            tracing::error!("storing a grant failed: {e:#}");
            return pages::unavailable();
        }
    };
    let browser = super::accounts::browser_of(headers);
    let browser_token = browser.clone().unwrap_or_else(tokens::random);
    if let Err(e) = server
        .store
        .link_browser(&tokens::hash(&browser_token), &grant_id)
        .await
    {
        tracing::warn!("remembering the browser of a grant failed: {e:#}");
    }
    let code = tokens::random();
    let record = CodeRecord {
        code_hash: tokens::hash(&code),
        grant_id,
        client_id: pending.client_id.clone(),
        redirect_uri: pending.redirect_uri.clone(),
        code_challenge: pending.code_challenge.clone(),
        resource: pending.resource.clone(),
        scope: pending.scope.clone(),
        expires_at: now() + server.lifetimes.code.as_secs() as i64,
    };
    if let Err(e) = server.store.put_code(&record).await {
        tracing::error!("storing an authorization code failed: {e:#}");
        return pages::unavailable();
    }
    let Ok(mut url) = url::Url::parse(&pending.redirect_uri) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid redirect",
            "The client's redirect URI is not valid.",
        );
    };
    {
        let mut query = url.query_pairs_mut();
        query.append_pair("code", &code);
        if let Some(state) = &pending.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", &server.issuer);
    }
    let mut response = Redirect::to(url.as_str()).into_response();
    if browser.is_none() {
        super::accounts::set_browser_cookie(server, &mut response, &browser_token);
    }
    response
}

const UPSTREAM_COOKIE: &str = "gumstack_oauth_state";

/// `oauth` mode after consent: on to the provider, with a single-use, expiring
/// state bound to this pending request and to this browser (a cookie).
pub(super) async fn to_provider(server: &AuthServer, pending: &PendingRecord) -> Response {
    let Some(provider) = server.grants.provider() else {
        return pages::unavailable();
    };
    let state = tokens::random();
    let pkce = crate::auth::Pkce::generate();
    if let Err(e) = server
        .store
        .set_pending_upstream(&pending.id, &tokens::hash(&state), &pkce.verifier)
        .await
    {
        tracing::error!("recording the provider state failed: {e:#}");
        return pages::unavailable();
    }
    let callback = server.url("/auth/callback");
    let url = pkce.sync_scope(|| provider.get_url(&callback, &state));
    let mut response = Redirect::to(&url).into_response();
    // Lax: the provider's redirect back is a top-level cross-site GET.
    set_cookie(
        server,
        &mut response,
        UPSTREAM_COOKIE,
        &state,
        "/auth/callback",
        "Lax",
    );
    response
}

#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// How long the provider may take to answer the code exchange.
const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// `/auth/callback`: the provider sends the user back here. Nothing is stored
/// unless the exchange succeeds; every failure shows a page that says what to do.
pub(super) async fn callback(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            "The provider's answer could not be read.",
        );
    };
    let Some(provider) = server.grants.provider().cloned() else {
        return pages::message(
            StatusCode::NOT_FOUND,
            "Not found",
            "This server does not connect accounts.",
        );
    };
    let start_again = "Start again from your application.";
    let Some(state) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid answer",
            &format!(
                "The answer from {} has no state. {start_again}",
                provider.name()
            ),
        );
    };
    // Single use: the pending request is consumed whatever happens next.
    let (pending, verifier) = match server
        .store
        .take_pending_by_upstream_state(&tokens::hash(state))
        .await
    {
        Ok(Some(found)) => found,
        Ok(None) => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "This sign-in is not valid",
                &format!("It was already used, has expired, or did not start here. {start_again}"),
            );
        }
        Err(e) => {
            tracing::error!("reading a pending authorization failed: {e:#}");
            return pages::unavailable();
        }
    };
    if pending.expires_at < now() {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "This request has expired",
            &format!("Authorization requests are valid for a few minutes. {start_again}"),
        );
    }
    if !cookie(&headers, UPSTREAM_COOKIE).is_some_and(|c| tokens::same(c, state)) {
        return pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            &format!(
                "This answer did not come back to the browser that started the sign-in. {start_again}"
            ),
        );
    }
    if let Some(error) = &q.error {
        let denied = error == "access_denied";
        let detail = if denied {
            format!(
                "You did not allow access to your {} account, so nothing was connected. {start_again}",
                provider.name()
            )
        } else {
            format!(
                "{} answered with an error ({error}{}). Nothing was connected. {start_again}",
                provider.name(),
                q.error_description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            )
        };
        tracing::info!("provider returned {error} to the callback");
        return pages::message(
            StatusCode::BAD_REQUEST,
            if denied {
                "Access was not allowed"
            } else {
                "The provider refused"
            },
            &detail,
        );
    }
    let Some(code) = q.code.as_deref() else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid answer",
            &format!(
                "The answer from {} has no code. {start_again}",
                provider.name()
            ),
        );
    };
    let pkce = crate::auth::Pkce {
        challenge: String::new(),
        verifier,
    };
    let callback = server.url("/auth/callback");
    let exchange = pkce.scope(provider.exchange(code, &callback));
    let tokens = match tokio::time::timeout(PROVIDER_TIMEOUT, exchange).await {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            tracing::warn!("code exchange with {} failed: {e:#}", provider.name());
            return pages::message(
                StatusCode::BAD_GATEWAY,
                "Could not connect your account",
                &format!(
                    "{} did not accept the sign-in ({e}). Nothing was saved. {start_again}",
                    provider.name()
                ),
            );
        }
        Err(_) => {
            return pages::message(
                StatusCode::GATEWAY_TIMEOUT,
                "Could not connect your account",
                &format!(
                    "{} did not answer in time. Nothing was saved. {start_again}",
                    provider.name()
                ),
            );
        }
    };
    let nickname = match tokio::time::timeout(
        PROVIDER_TIMEOUT,
        provider.get_nickname(tokens.access_token.expose()),
    )
    .await
    {
        Ok(Ok(nickname)) => Some(nickname),
        Ok(Err(e)) => {
            tracing::warn!(
                "asking {} for the account's name failed: {e:#}",
                provider.name()
            );
            None
        }
        Err(_) => None,
    };
    if let Some(grant_id) = &pending.reconnect_grant {
        return finish_reconnect(&server, grant_id, tokens, nickname).await;
    }
    let grant = server
        .grants
        .create_oauth(Some(&pending.client_id), None, tokens, nickname)
        .await;
    complete(&server, &headers, &pending, grant).await
}

/// The provider leg of a reconnection succeeded: store the new tokens in the
/// same grant, if they are for the same account.
async fn finish_reconnect(
    server: &AuthServer,
    grant_id: &str,
    tokens: crate::TokenResponse,
    nickname: Option<String>,
) -> Response {
    let previous = match server.store.get_grant(grant_id).await {
        Ok(Some(grant)) => grant.nickname,
        Ok(None) => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "This connection no longer exists",
                "Connect again from your application.",
            );
        }
        Err(e) => {
            tracing::error!("reading a grant failed: {e:#}");
            return pages::unavailable();
        }
    };
    if let (Some(previous), Some(now_signed_in)) = (&previous, &nickname)
        && previous != now_signed_in
    {
        return pages::message(
            StatusCode::FORBIDDEN,
            "A different account",
            &format!(
                "This connection belongs to {previous}, and you signed in as {now_signed_in}. Nothing was changed; use the link again and sign in as {previous}."
            ),
        );
    }
    match server.grants.reconnect(grant_id, tokens).await {
        Ok(()) => pages::message(
            StatusCode::OK,
            "Reconnected",
            "Your account is connected again. Return to your application and try again.",
        ),
        Err(e) => {
            tracing::error!("storing reconnected tokens failed: {e:#}");
            pages::unavailable()
        }
    }
}
