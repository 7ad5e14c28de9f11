//! `/token` (authorization code with PKCE, refresh with rotation) and `/revoke`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::json;

use super::{AuthServer, clients, scope, tokens};
use crate::store::{ClientRecord, Consumed, TokenKind, TokenRecord, now};

fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    no_store(
        (
            status,
            Json(json!({"error": code, "error_description": description})),
        )
            .into_response(),
    )
}

fn invalid_grant(description: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

fn unavailable() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "temporarily_unavailable",
        "try again in a moment",
    )
}

/// `client_secret_basic` credentials, if the request has them.
fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Authenticate the client of a token or revocation request.
async fn authenticate(
    server: &AuthServer,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<ClientRecord, Response> {
    let basic = basic_auth(headers);
    let client_id = basic
        .as_ref()
        .map(|(id, _)| id.clone())
        .or_else(|| form.get("client_id").cloned());
    let Some(client_id) = client_id else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client_id is required",
        ));
    };
    let client =
        clients::resolve(server, &client_id)
            .await
            .map_err(|clients::UnknownClient(why)| {
                error(StatusCode::UNAUTHORIZED, "invalid_client", &why)
            })?;
    if let Some(expected) = &client.secret_hash {
        let secret = basic
            .map(|(_, s)| s)
            .or_else(|| form.get("client_secret").cloned())
            .unwrap_or_default();
        if !tokens::same(&tokens::hash(&secret), expected) {
            return Err(error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "client authentication failed",
            ));
        }
    }
    Ok(client)
}

type FormBody = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

/// The form of a token or revocation request, and its authenticated client.
async fn client_request(
    server: &AuthServer,
    headers: &HeaderMap,
    form: FormBody,
) -> Result<(HashMap<String, String>, ClientRecord), Response> {
    let Ok(Form(form)) = form else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        ));
    };
    let client = authenticate(server, headers, &form).await?;
    Ok((form, client))
}

pub(super) async fn token(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let (form, client) = match client_request(&server, &headers, form).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => authorization_code(&server, &client, &form).await,
        Some("refresh_token") => refresh(&server, &client, &form).await,
        Some(other) => error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type {other:?} is not supported"),
        ),
        None => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        ),
    }
}

async fn authorization_code(
    server: &AuthServer,
    client: &ClientRecord,
    form: &HashMap<String, String>,
) -> Response {
    let (Some(code), Some(verifier)) = (form.get("code"), form.get("code_verifier")) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "code and code_verifier are required",
        );
    };
    let record = match server.store.consume_code(&tokens::hash(code)).await {
        Ok(Consumed::Fresh(record)) => record,
        Ok(Consumed::Reused { grant_id }) => {
            // A code used twice was stolen or replayed: revoke what it granted.
            tracing::warn!("authorization code reused; revoking its grant");
            let _ = server.grants.delete(&grant_id).await;
            return invalid_grant("the authorization code was already used");
        }
        Ok(Consumed::Unknown) => return invalid_grant("unknown authorization code"),
        Err(e) => {
            tracing::error!("redeeming a code failed: {e:#}");
            return unavailable();
        }
    };
    if record.expires_at < now() {
        return invalid_grant("the authorization code has expired");
    }
    if record.client_id != client.client_id {
        return invalid_grant("the authorization code was issued to another client");
    }
    if form
        .get("redirect_uri")
        .is_some_and(|u| *u != record.redirect_uri)
    {
        return invalid_grant("redirect_uri does not match the authorization request");
    }
    if !tokens::pkce_matches(verifier, &record.code_challenge) {
        return invalid_grant("the PKCE code_verifier does not match the code_challenge");
    }
    if let Some(resource) = form.get("resource")
        && resource.trim_end_matches('/') != server.resource
    {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_target",
            "this server only issues tokens for its own MCP endpoint",
        );
    }
    // The scope is the one granted at /authorize (RFC 6749 4.1.3 has no `scope`).
    let scope = record.scope.unwrap_or_else(scope::default_scope);
    match grant_usable(server, &record.grant_id).await {
        Ok(()) => issue(server, &record.grant_id, &client.client_id, scope).await,
        Err(response) => response,
    }
}

/// Whether tokens may be issued for grant `id` (it exists and is connected).
async fn grant_usable(server: &AuthServer, id: &str) -> Result<(), Response> {
    match server.store.get_grant(id).await {
        Ok(Some(grant)) if grant.disconnected => Err(invalid_grant(
            "the connected account must be connected again: authorize anew",
        )),
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(invalid_grant("the authorization was revoked")),
        Err(e) => {
            tracing::error!("reading a grant failed: {e:#}");
            Err(unavailable())
        }
    }
}

async fn refresh(
    server: &AuthServer,
    client: &ClientRecord,
    form: &HashMap<String, String>,
) -> Response {
    let Some(refresh_token) = form.get("refresh_token") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "refresh_token is required",
        );
    };
    let hash = tokens::hash(refresh_token);
    // Everything that can refuse a refresh is checked before the token is spent:
    // a refusal (another client, a wider scope, a grant waiting to be
    // reconnected) leaves it usable, so the client's next refresh works once
    // the cause is gone (the user reconnected).
    let record = match server.store.get_token(&hash, TokenKind::Refresh).await {
        Ok(Some(record)) => record,
        // Unknown or already used: spending it tells which (a replay revokes).
        Ok(None) => {
            return match spend_refresh_token(server, &hash).await {
                Ok(_) | Err(None) => invalid_grant("unknown or revoked refresh token"),
                Err(Some(response)) => response,
            };
        }
        Err(e) => {
            tracing::error!("reading a refresh token failed: {e:#}");
            return unavailable();
        }
    };
    if record.expires_at < now() {
        return invalid_grant("the refresh token has expired");
    }
    if record.client_id != client.client_id {
        return invalid_grant("the refresh token was issued to another client");
    }
    let scope = match scope::narrow(
        record.scope.as_deref(),
        form.get("scope").map(String::as_str),
    ) {
        Ok(scope) => scope,
        Err(why) => return error(StatusCode::BAD_REQUEST, "invalid_scope", &why),
    };
    if let Err(response) = grant_usable(server, &record.grant_id).await {
        return response;
    }
    match spend_refresh_token(server, &hash).await {
        Ok(record) => issue(server, &record.grant_id, &client.client_id, scope).await,
        Err(Some(response)) => response,
        Err(None) => invalid_grant("unknown or revoked refresh token"),
    }
}

/// Mark a refresh token used, once: a second use (a replay: two parties hold
/// it) revokes its whole grant. `Err(None)`: no such token.
async fn spend_refresh_token(
    server: &AuthServer,
    hash: &str,
) -> Result<TokenRecord, Option<Response>> {
    match server.store.consume_refresh_token(hash).await {
        Ok(Consumed::Fresh(record)) => Ok(record),
        Ok(Consumed::Reused { grant_id }) => {
            tracing::warn!("refresh token reused; revoking its grant");
            let _ = server.grants.delete(&grant_id).await;
            Err(Some(invalid_grant(
                "the refresh token was already used; the authorization is revoked",
            )))
        }
        Ok(Consumed::Unknown) => Err(None),
        Err(e) => {
            tracing::error!("rotating a refresh token failed: {e:#}");
            Err(Some(unavailable()))
        }
    }
}

/// Issue an access token and a refresh token for a grant.
async fn issue(server: &AuthServer, grant_id: &str, client_id: &str, scope: String) -> Response {
    let access = tokens::random();
    let refresh = tokens::random();
    let issued = now();
    let record = |token: &str, kind: TokenKind, ttl: std::time::Duration| TokenRecord {
        token_hash: tokens::hash(token),
        kind,
        grant_id: grant_id.to_owned(),
        client_id: client_id.to_owned(),
        resource: server.resource.clone(),
        scope: Some(scope.clone()),
        expires_at: issued + ttl.as_secs() as i64,
    };
    for (token, kind, ttl) in [
        (&access, TokenKind::Access, server.lifetimes.access_token),
        (&refresh, TokenKind::Refresh, server.lifetimes.refresh_token),
    ] {
        if let Err(e) = server.store.put_token(&record(token, kind, ttl)).await {
            tracing::error!("storing a token failed: {e:#}");
            return unavailable();
        }
    }
    // `scope` always: RFC 6749 5.1 reads its absence as "granted as requested".
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": server.lifetimes.access_token.as_secs(),
        "refresh_token": refresh,
        "scope": scope,
    });
    no_store(Json(body).into_response())
}

/// RFC 7009: always 200 for a valid client, whether or not the token existed.
pub(super) async fn revoke(
    State(server): State<Arc<AuthServer>>,
    headers: HeaderMap,
    form: FormBody,
) -> Response {
    let (form, client) = match client_request(&server, &headers, form).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    let Some(token) = form.get("token") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        );
    };
    let hash = tokens::hash(token);
    for kind in [TokenKind::Refresh, TokenKind::Access] {
        match server.store.get_token(&hash, kind).await {
            Ok(Some(record)) if record.client_id == client.client_id => {
                let result = match kind {
                    // Revoking a refresh token ends the grant's tokens too.
                    TokenKind::Refresh => {
                        server.store.delete_tokens_of_grant(&record.grant_id).await
                    }
                    TokenKind::Access => server.store.delete_token(&hash).await,
                };
                if let Err(e) = result {
                    tracing::error!("revoking a token failed: {e:#}");
                    return unavailable();
                }
                break;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!("revoking a token failed: {e:#}");
                return unavailable();
            }
        }
    }
    no_store(StatusCode::OK.into_response())
}
