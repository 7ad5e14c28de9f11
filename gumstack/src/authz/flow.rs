//! `/authorize`: check the request, ask for consent, then collect the
//! credentials (`cred`) or send the user to the provider (`oauth`), and finally
//! send the user back to the client with a single-use code.
//!
//! Every step after the first page is tied to the browser that opened it (its
//! cookie, and form tokens derived from it) and checked to come from this
//! server's own pages (`Origin`, `Sec-Fetch-Site`).

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::{AuthServer, clients, cookies::form_token, guard, pages, scope, tokens};
use crate::{
    auth::Account,
    store::{CodeRecord, PendingRecord, now},
};

/// Longest `state` accepted (it is stored and echoed back to the client).
pub(super) const MAX_STATE_BYTES: usize = 2048;
/// Longest `resource` (and `redirect_uri`, `client_id`) accepted.
pub(super) const MAX_URI_BYTES: usize = clients::MAX_URI_BYTES;
/// Credential form submissions that reach the `validate` hook, per client: a
/// burst of this many, then one every [`VALIDATE_EVERY`].
pub(super) const VALIDATE_BURST: u32 = 10;
pub(super) const VALIDATE_EVERY: Duration = Duration::from_secs(6);

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

/// Send the user back to the client at `redirect_uri` with `params`, the
/// client's `state` and `iss` (RFC 9207).
fn back_to_client(
    server: &AuthServer,
    redirect_uri: &str,
    params: &[(&str, &str)],
    state: Option<&str>,
) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return pages::message(
            StatusCode::BAD_REQUEST,
            "Invalid redirect",
            "The client's redirect URI is not valid.",
        );
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

/// An authorization request the server refuses, once its client is known.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Invalid {
    pub error: &'static str,
    pub description: String,
}

fn invalid(error: &'static str, description: impl Into<String>) -> Invalid {
    Invalid {
        error,
        description: description.into(),
    }
}

/// The sizes of an authorization request's parameters (checked before the
/// client is looked up: nothing oversized is stored or echoed).
fn check_sizes(q: &AuthorizeQuery) -> Result<(), String> {
    let limits = [
        ("state", q.state.as_deref(), MAX_STATE_BYTES),
        ("scope", q.scope.as_deref(), scope::MAX_BYTES),
        ("resource", q.resource.as_deref(), MAX_URI_BYTES),
        ("redirect_uri", q.redirect_uri.as_deref(), MAX_URI_BYTES),
        ("client_id", q.client_id.as_deref(), MAX_URI_BYTES),
    ];
    for (name, value, limit) in limits {
        if value.is_some_and(|v| v.len() > limit) {
            return Err(format!("{name} is longer than {limit} bytes"));
        }
    }
    Ok(())
}

/// The rules of an authorization request once its client and redirect URI are
/// known: `response_type=code`, PKCE S256, this server as the resource, a
/// well-formed scope. Returns the code challenge and the granted scope.
fn check_request(q: &AuthorizeQuery, resource: &str) -> Result<(String, String), Invalid> {
    if q.response_type.as_deref() != Some("code") {
        return Err(invalid(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let Some(challenge) = q
        .code_challenge
        .as_deref()
        .filter(|c| (43..=128).contains(&c.len()))
    else {
        return Err(invalid(
            "invalid_request",
            "PKCE is required: send a code_challenge (S256)",
        ));
    };
    if q.code_challenge_method.as_deref() != Some("S256") {
        return Err(invalid(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    if let Some(asked) = q.resource.as_deref()
        && asked.trim_end_matches('/') != resource
    {
        return Err(invalid(
            "invalid_target",
            "this server only issues tokens for its own MCP endpoint",
        ));
    }
    let scope = scope::grant(q.scope.as_deref()).map_err(|why| invalid("invalid_scope", why))?;
    Ok((challenge.to_owned(), scope))
}

/// Whether an error may be sent to `redirect_uri` before the user has acted: only
/// to a loopback address (the user's own machine). Anyone can register
/// `https://evil.example/...`, and redirecting there would make this server an
/// open redirector (RFC 9700 4.11.2), so other clients get a page.
fn errors_may_redirect(redirect_uri: &str) -> bool {
    url::Url::parse(redirect_uri)
        .is_ok_and(|u| u.scheme() == "http" && clients::is_loopback_host(u.host()))
}

fn invalid_request_page(why: &str) -> Response {
    pages::message(
        StatusCode::BAD_REQUEST,
        "Invalid request",
        &format!("{why}. Return to your application and try again."),
    )
}

pub(super) async fn authorize(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    query: Result<Query<AuthorizeQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return invalid_request_page("The authorization request could not be read");
    };
    if let Err(why) = check_sizes(&q) {
        return invalid_request_page(&format!("The authorization request's {why}"));
    }
    // Until the client and its redirect URI are known, errors are shown here:
    // redirecting to an unchecked URI would make this an open redirector.
    let Some(client_id) = q.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return invalid_request_page("The request has no client_id");
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
        None => return invalid_request_page("The request has no redirect_uri"),
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
    let (challenge, granted_scope) = match check_request(&q, &server.resource) {
        Ok(checked) => checked,
        Err(e) if errors_may_redirect(redirect_uri) => {
            return back_to_client(
                &server,
                redirect_uri,
                &[("error", e.error), ("error_description", &e.description)],
                q.state.as_deref(),
            );
        }
        Err(e) => {
            return pages::message(
                StatusCode::BAD_REQUEST,
                "Invalid authorization request",
                &format!(
                    "The application sent a request this server cannot accept: {} ({}). Nothing was sent back to it.",
                    e.description, e.error
                ),
            );
        }
    };

    let (browser, new_browser) = server.cookies.browser_or_new(&headers);
    let pending = PendingRecord {
        id: tokens::random(),
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        code_challenge: challenge,
        state: q.state.clone(),
        scope: Some(granted_scope),
        resource: Some(server.resource.clone()),
        browser_hash: tokens::hash(&browser),
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
        csrf: form_token(&browser, &pending_purpose(&pending.id)),
        pending: pending.id,
    };
    let mut response = pages::render(StatusCode::OK, &page);
    if new_browser {
        server.cookies.set_browser(&mut response, &browser);
    }
    response
}

/// What the form token of a pending request's pages is good for.
fn pending_purpose(pending_id: &str) -> String {
    format!("pending:{pending_id}")
}

/// A form post from another site: the refusal to answer with, before anything
/// else is looked at.
pub(super) fn refuse_cross_site(server: &AuthServer, headers: &HeaderMap) -> Option<Response> {
    let why = guard::same_origin(headers, &server.page_origins).err()?;
    tracing::warn!("refused a cross-site form post ({why:?})");
    Some(pages::message(
        StatusCode::FORBIDDEN,
        "Request not accepted",
        "This form was sent from another site, not from this server's own page. Nothing was done; start again from your application.",
    ))
}

/// The pending request a form post belongs to, after the checks: it came from
/// this server's page, from the browser that opened the request (its cookie),
/// with that page's token. Returns the request and the browser's token.
async fn checked_pending(
    server: &AuthServer,
    headers: &HeaderMap,
    pending_id: &str,
    token: &str,
) -> Result<(PendingRecord, String), Response> {
    if let Some(refused) = refuse_cross_site(server, headers) {
        return Err(refused);
    }
    let expired = || {
        pages::message(
            StatusCode::BAD_REQUEST,
            "This request has expired",
            "Start again from your application: authorization requests are valid for a few minutes and can be used once.",
        )
    };
    if !tokens::is_token(pending_id) {
        return Err(expired());
    }
    let pending = match server.store.get_pending(pending_id).await {
        Ok(Some(p)) if p.expires_at >= now() && p.reconnect_grant.is_none() => p,
        Ok(_) => return Err(expired()),
        Err(e) => {
            tracing::error!("reading a pending authorization failed: {e:#}");
            return Err(pages::unavailable());
        }
    };
    let browser = server
        .cookies
        .browser(headers)
        .filter(|b| tokens::same(&tokens::hash(b), &pending.browser_hash))
        .filter(|b| tokens::same(&form_token(b, &pending_purpose(&pending.id)), token));
    match browser {
        Some(browser) => Ok((pending, browser)),
        None => Err(pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            "This form did not come from this browser's authorization page. Start again from your application.",
        )),
    }
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    pending: String,
    csrf: String,
    decision: String,
}

type ConsentBody = Result<Form<ConsentForm>, axum::extract::rejection::FormRejection>;

/// The consent page's answer: `Ok` with the request and browser when the user
/// approved (recorded), the response to send otherwise (a refusal, or the
/// user's own denial, which alone sends `access_denied` back to the client).
async fn consented(
    server: &AuthServer,
    headers: &HeaderMap,
    form: ConsentBody,
) -> Result<(PendingRecord, String), Response> {
    let Ok(Form(form)) = form else {
        return Err(invalid_request_page("The form could not be read"));
    };
    let (pending, browser) = checked_pending(server, headers, &form.pending, &form.csrf).await?;
    if form.decision != "approve" {
        let _ = server.store.take_pending(&pending.id).await;
        return Err(back_to_client(
            server,
            &pending.redirect_uri,
            &[
                ("error", "access_denied"),
                ("error_description", "the user denied access"),
            ],
            pending.state.as_deref(),
        ));
    }
    if let Err(e) = server.store.set_pending_consented(&pending.id).await {
        tracing::error!("recording consent failed: {e:#}");
        return Err(pages::unavailable());
    }
    Ok((pending, browser))
}

/// `cred` mode: after consent, the credentials form.
pub(super) async fn consent_cred(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: ConsentBody,
) -> Response {
    match consented(&server, &headers, form).await {
        Ok((pending, browser)) => credentials_page(
            &server,
            &pending,
            &browser,
            BTreeMap::new(),
            pages::FormErrors::default(),
        ),
        Err(response) => response,
    }
}

/// `oauth` mode: after consent, on to the provider.
pub(super) async fn consent_oauth(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: ConsentBody,
) -> Response {
    match consented(&server, &headers, form).await {
        Ok((pending, browser)) => to_provider(&server, &pending, &browser).await,
        Err(response) => response,
    }
}

fn credentials_page(
    server: &AuthServer,
    pending: &PendingRecord,
    browser: &str,
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
        &form_token(browser, &pending_purpose(&pending.id)),
    );
    pages::render(status, &page)
}

/// Longest accepted value of one field.
const MAX_FIELD_BYTES: usize = 8 * 1024;

/// `cred` mode: the credentials form's answer.
pub(super) async fn credentials(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: Result<Form<BTreeMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(mut form)) = form else {
        return invalid_request_page("The form could not be read");
    };
    let pending_id = form.remove("pending").unwrap_or_default();
    let csrf = form.remove("csrf").unwrap_or_default();
    let (pending, browser) = match checked_pending(&server, &headers, &pending_id, &csrf).await {
        Ok(found) => found,
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
        errors = server.grants.parse_errors(&values);
    }
    if errors.is_empty() {
        // The `validate` hook may try the values at the provider: bounded per
        // client, so the form cannot test stolen keys at speed.
        errors = match server.validations.take(&pending.client_id) {
            Ok(()) => server.grants.check(&values).await,
            Err(wait) => pages::FormErrors {
                form: Some(format!(
                    "Too many attempts from this application. Wait {} seconds and submit again.",
                    wait.as_secs().max(1)
                )),
                ..Default::default()
            },
        };
    }
    if !errors.is_empty() {
        // Secret values are never sent back into the page.
        let kept = values
            .into_iter()
            .filter(|(k, _)| fields.iter().any(|f| f.name == k && !f.secret))
            .collect();
        return credentials_page(&server, &pending, &browser, kept, errors);
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
    complete(&server, &browser, &pending, grant).await
}

/// The grant was stored: issue a single-use code and send the user back to the
/// client. The browser is remembered as the grant's owner (the accounts page,
/// reconnect links).
async fn complete(
    server: &AuthServer,
    browser: &str,
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
    if let Err(e) = server
        .store
        .link_browser(&tokens::hash(browser), &grant_id)
        .await
    {
        tracing::warn!("remembering the browser of a grant failed: {e:#}");
    }
    if let Err(e) = server.store.client_authorized(&pending.client_id).await {
        tracing::warn!("recording a client's first authorization failed: {e:#}");
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
    back_to_client(
        server,
        &pending.redirect_uri,
        &[("code", &code)],
        pending.state.as_deref(),
    )
}

/// The context the provider-leg PKCE verifier of a pending request is sealed to.
fn verifier_context(pending_id: &str) -> String {
    format!("pending:{pending_id}")
}

/// `oauth` mode, after consent or from a reconnect link: on to the provider,
/// with a single-use, expiring state bound to this pending request and to this
/// browser, and a PKCE verifier sealed in the store.
pub(super) async fn to_provider(
    server: &AuthServer,
    pending: &PendingRecord,
    browser: &str,
) -> Response {
    let Some(provider) = server.grants.provider() else {
        return pages::unavailable();
    };
    let state = tokens::random();
    let pkce = crate::auth::Pkce::generate();
    let sealed = server
        .grants
        .sealer()
        .seal(pkce.verifier.as_bytes(), &verifier_context(&pending.id));
    if let Err(e) = server
        .store
        .set_pending_upstream(
            &pending.id,
            &tokens::hash(&state),
            &sealed,
            &tokens::hash(browser),
        )
        .await
    {
        tracing::error!("recording the provider state failed: {e:#}");
        return pages::unavailable();
    }
    let callback = server.url("/auth/callback");
    let url = pkce.sync_scope(|| provider.get_url(&callback, &state));
    Redirect::to(&url).into_response()
}

#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// How long the provider may take to answer the code exchange.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest provider error text shown on the page.
const MAX_PROVIDER_ERROR_CHARS: usize = 200;

/// `/auth/callback` (`oauth` mode): the provider sends the user back here.
/// Nothing is stored unless the exchange succeeds; every failure shows a page
/// that says what to do.
pub(super) async fn callback(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = query else {
        return invalid_request_page("The provider's answer could not be read");
    };
    let Some(provider) = server.grants.provider().cloned() else {
        return pages::unavailable();
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
    let not_valid = || {
        pages::message(
            StatusCode::BAD_REQUEST,
            "This sign-in is not valid",
            &format!("It was already used, has expired, or did not start here. {start_again}"),
        )
    };
    if !tokens::is_token(state) {
        return not_valid();
    }
    // Single use: the pending request is consumed whatever happens next.
    let (pending, sealed_verifier) = match server
        .store
        .take_pending_by_upstream_state(&tokens::hash(state))
        .await
    {
        Ok(Some(found)) => found,
        Ok(None) => return not_valid(),
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
    let Some(browser) = server
        .cookies
        .browser(&headers)
        .filter(|b| tokens::same(&tokens::hash(b), &pending.browser_hash))
    else {
        return pages::message(
            StatusCode::FORBIDDEN,
            "Request not accepted",
            &format!(
                "This answer did not come back to the browser that started the sign-in. {start_again}"
            ),
        );
    };
    if let Some(error) = &q.error {
        let denied = error == "access_denied";
        let detail = if denied {
            format!(
                "You did not allow access to your {} account, so nothing was connected. {start_again}",
                provider.name()
            )
        } else {
            let text: String = format!(
                "{error}{}",
                q.error_description
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            )
            .chars()
            .take(MAX_PROVIDER_ERROR_CHARS)
            .collect();
            format!(
                "{} answered with an error ({text}). Nothing was connected. {start_again}",
                provider.name()
            )
        };
        tracing::info!("provider returned an error to the callback");
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
    let verifier = match server
        .grants
        .sealer()
        .open(&sealed_verifier, &verifier_context(&pending.id))
        .map(|plain| String::from_utf8(plain.to_vec()))
    {
        Ok(Ok(verifier)) => verifier,
        Ok(Err(_)) | Err(_) => {
            tracing::error!("the sealed PKCE verifier of a pending authorization does not open");
            return pages::unavailable();
        }
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
    let account = match tokio::time::timeout(
        PROVIDER_TIMEOUT,
        provider.get_account(tokens.access_token.expose()),
    )
    .await
    {
        Ok(Ok(account)) => Some(account),
        Ok(Err(e)) => {
            tracing::warn!("asking {} who signed in failed: {e:#}", provider.name());
            None
        }
        Err(_) => None,
    };
    if let Some(grant_id) = &pending.reconnect_grant {
        return finish_reconnect(&server, grant_id, tokens, account).await;
    }
    let grant = server
        .grants
        .create_oauth(Some(&pending.client_id), None, tokens, account)
        .await;
    complete(&server, &browser, &pending, grant).await
}

/// Whether the account that signed in to reconnect a grant is the grant's own:
/// both ids known and equal. A nickname is no proof (for some providers it is
/// the provider's name for every account).
fn same_account(stored: Option<&str>, signed_in: Option<&str>) -> bool {
    matches!((stored, signed_in), (Some(a), Some(b)) if a == b)
}

/// The provider leg of a reconnection succeeded: store the new tokens in the
/// same grant, if they are for the same account; otherwise nothing changes and
/// the new tokens are revoked.
async fn finish_reconnect(
    server: &AuthServer,
    grant_id: &str,
    tokens: crate::TokenResponse,
    account: Option<Account>,
) -> Response {
    let previous = match server.store.get_grant(grant_id).await {
        Ok(Some(grant)) => grant,
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
    let signed_in_id = account.as_ref().and_then(|a| a.id.as_deref());
    if !same_account(previous.account_id.as_deref(), signed_in_id) {
        if let Some(provider) = server.grants.provider()
            && let Err(e) = provider.revoke(tokens.access_token.expose()).await
        {
            tracing::debug!("revoking the refused reconnection's token failed: {e:#}");
        }
        let owner = previous.nickname.as_deref().unwrap_or("another account");
        let detail = match (
            &account,
            previous.account_id.is_some() && signed_in_id.is_some(),
        ) {
            (Some(account), true) => format!(
                "This connection belongs to {owner}, and you signed in as {}. Nothing was changed. Retry in your application: it will ask you to authorize again; sign in as {owner} then.",
                account.nickname
            ),
            _ => format!(
                "The provider did not say which account you signed in to, so it cannot be matched to this connection ({owner}). Nothing was changed. Try again in your application: it will ask you to authorize anew."
            ),
        };
        return pages::message(StatusCode::FORBIDDEN, "A different account", &detail);
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

#[cfg(test)]
mod tests {
    use super::*;

    const RESOURCE: &str = "https://mcp.example.com/mcp";

    fn request() -> AuthorizeQuery {
        AuthorizeQuery {
            response_type: Some("code".into()),
            client_id: Some("c".into()),
            redirect_uri: Some("http://127.0.0.1:9/cb".into()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
            state: Some("s".into()),
            scope: None,
            resource: Some(RESOURCE.into()),
        }
    }

    #[test]
    fn authorization_request_rules() {
        type Edit = fn(&mut AuthorizeQuery);
        // (what is wrong, the error) — RFC 6749 4.1.2.1, RFC 7636 4.4.1, RFC 8707 2
        let cases: [(Edit, Option<&str>); 9] = [
            (|_| {}, None),
            (
                |q| q.response_type = Some("token".into()),
                Some("unsupported_response_type"),
            ),
            (
                |q| q.response_type = None,
                Some("unsupported_response_type"),
            ),
            (|q| q.code_challenge = None, Some("invalid_request")),
            (
                |q| q.code_challenge = Some("short".into()),
                Some("invalid_request"),
            ),
            (
                |q| q.code_challenge_method = Some("plain".into()),
                Some("invalid_request"),
            ),
            (
                |q| q.resource = Some("https://other.example/mcp".into()),
                Some("invalid_target"),
            ),
            (|q| q.resource = Some(format!("{RESOURCE}/")), None),
            (
                |q| q.scope = Some("bad\"scope".into()),
                Some("invalid_scope"),
            ),
        ];
        for (i, (edit, expected)) in cases.into_iter().enumerate() {
            let mut q = request();
            edit(&mut q);
            let got = check_request(&q, RESOURCE).err().map(|e| e.error);
            assert_eq!(got, expected, "case {i}");
        }
        let (_, scope) = check_request(&request(), RESOURCE).unwrap();
        assert_eq!(scope, "mcp");
    }

    #[test]
    fn oversized_parameters_are_named() {
        let mut q = request();
        q.state = Some("s".repeat(MAX_STATE_BYTES + 1));
        assert!(
            check_sizes(&q)
                .unwrap_err()
                .contains("state is longer than 2048 bytes")
        );
        let mut q = request();
        q.scope = Some("s".repeat(scope::MAX_BYTES + 1));
        assert!(check_sizes(&q).unwrap_err().starts_with("scope"));
        let mut q = request();
        q.resource = Some("r".repeat(MAX_URI_BYTES + 1));
        assert!(check_sizes(&q).unwrap_err().starts_with("resource"));
        assert_eq!(check_sizes(&request()), Ok(()));
    }

    #[test]
    fn errors_redirect_only_to_loopback() {
        // RFC 9700 4.11.2: no automatic redirect to an unvetted host.
        assert!(errors_may_redirect("http://127.0.0.1:9/cb"));
        assert!(errors_may_redirect("http://localhost/cb"));
        assert!(errors_may_redirect("http://[::1]:8/cb"));
        assert!(!errors_may_redirect("https://evil.example/cb"));
        assert!(!errors_may_redirect("https://127.0.0.1/cb"));
        assert!(!errors_may_redirect("not a url"));
    }

    #[test]
    fn a_reconnection_needs_the_same_known_account() {
        assert!(same_account(Some("u1"), Some("u1")));
        assert!(!same_account(Some("u1"), Some("u2")));
        assert!(!same_account(None, Some("u1")));
        assert!(!same_account(Some("u1"), None));
        assert!(!same_account(None, None));
    }
}
