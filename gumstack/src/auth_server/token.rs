//! `/token` (authorization code with PKCE, refresh with rotation) and
//! `/revoke`: parse, load, apply the rules of [`protocol::token`](super::protocol::token), store, answer.

use std::{collections::HashMap, sync::Arc};

use axum::{
    Form, Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::IntoResponse,
};
use serde_json::json;

use super::{
    AuthServer, Flow, clients,
    error::{Answer, AuthError, no_store},
    protocol::token::{self as rules, Grant},
};
use crate::{
    crypto,
    store::{ClientRecord, Consumed, TokenKind, TokenRecord, now},
};

type FormBody = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

/// The form of a token or revocation request, and its authenticated client.
async fn client_request<F>(
    server: &AuthServer<F>,
    headers: &HeaderMap,
    form: FormBody,
) -> Result<(HashMap<String, String>, ClientRecord), AuthError> {
    let Form(form) = form.map_err(|_| {
        AuthError::client(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        )
    })?;
    let basic = rules::basic_credentials(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
    );
    let client_id = basic
        .as_ref()
        .map(|(id, _)| id.as_str())
        .or_else(|| form.get("client_id").map(String::as_str))
        .ok_or_else(|| AuthError::invalid_client("client_id is required"))?;
    let client = clients::resolve(server, client_id)
        .await
        .map_err(|clients::UnknownClient(why)| AuthError::invalid_client(why))?;
    let presented = basic
        .as_ref()
        .map(|(_, secret)| secret.as_str())
        .or_else(|| form.get("client_secret").map(String::as_str));
    if !rules::client_authenticated(client.secret_hash.as_deref(), presented) {
        return Err(AuthError::invalid_client("client authentication failed"));
    }
    Ok((form, client))
}

pub(super) async fn token<F: Flow>(
    State(server): State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
    form: FormBody,
) -> Answer {
    exchange(&server, &headers, form)
        .await
        .map_err(AuthError::for_client)
}

async fn exchange<F: Flow>(server: &AuthServer<F>, headers: &HeaderMap, form: FormBody) -> Answer {
    let (form, client) = client_request(server, headers, form).await?;
    rules::check_resource(form.get("resource").map(String::as_str), &server.resource)?;
    match rules::grant(|name| form.get(name).map(String::as_str))? {
        Grant::Code {
            code,
            verifier,
            redirect_uri,
        } => {
            let record = match server.store.consume_code(&crypto::hash(code)).await? {
                Consumed::Fresh(record) => record,
                Consumed::Reused { grant_id } => {
                    // A code used twice was stolen or replayed: revoke what it granted.
                    tracing::warn!("authorization code reused; revoking its grant");
                    server.flow.delete(&grant_id).await?;
                    return Err(invalid_grant("the authorization code was already used"));
                }
                Consumed::Unknown => return Err(invalid_grant("unknown authorization code")),
            };
            let scope =
                rules::redeem_code(&record, &client.client_id, verifier, redirect_uri, now())?;
            usable(server, &record.grant_id).await?;
            issue(server, &record.grant_id, &client.client_id, scope).await
        }
        Grant::Refresh { token, scope } => {
            let hash = crypto::hash(token);
            // Everything that can refuse a refresh is checked before the token
            // is spent: a refusal (another client, a wider scope, a grant
            // waiting to be reconnected) leaves it usable, so the client's next
            // refresh works once the cause is gone.
            let Some(record) = server.store.get_token(&hash, TokenKind::Refresh).await? else {
                // Unknown or already used: spending it tells which (a replay revokes).
                spend_refresh_token(server, &hash).await?;
                return Err(invalid_grant("unknown or revoked refresh token"));
            };
            let scope = rules::refresh(&record, &client.client_id, scope, now())?;
            usable(server, &record.grant_id).await?;
            let record = spend_refresh_token(server, &hash).await?;
            issue(server, &record.grant_id, &client.client_id, scope).await
        }
    }
}

fn invalid_grant(description: &str) -> AuthError {
    AuthError::client(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

async fn usable<F>(server: &AuthServer<F>, grant_id: &str) -> Result<(), AuthError> {
    let grant = server.store.get_grant(grant_id).await?;
    Ok(rules::grant_usable(grant.as_ref())?)
}

/// Mark a refresh token used, once: a second use (a replay: two parties hold
/// it) revokes its whole grant.
async fn spend_refresh_token<F: Flow>(
    server: &AuthServer<F>,
    hash: &str,
) -> Result<TokenRecord, AuthError> {
    match server.store.consume_refresh_token(hash).await? {
        Consumed::Fresh(record) => Ok(record),
        Consumed::Reused { grant_id } => {
            tracing::warn!("refresh token reused; revoking its grant");
            server.flow.delete(&grant_id).await?;
            Err(invalid_grant(
                "the refresh token was already used; the authorization is revoked",
            ))
        }
        Consumed::Unknown => Err(invalid_grant("unknown or revoked refresh token")),
    }
}

/// Issue an access token and a refresh token for a grant.
async fn issue<F>(
    server: &AuthServer<F>,
    grant_id: &str,
    client_id: &str,
    scope: String,
) -> Answer {
    let access = crypto::random();
    let refresh = crypto::random();
    let issued = now();
    let record = |token: &str, kind: TokenKind, ttl: std::time::Duration| TokenRecord {
        token_hash: crypto::hash(token),
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
        server.store.put_token(&record(token, kind, ttl)).await?;
    }
    server.usage.issued(grant_id).await;
    // `scope` always: RFC 6749 5.1 reads its absence as "granted as requested".
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": server.lifetimes.access_token.as_secs(),
        "refresh_token": refresh,
        "scope": scope,
    });
    Ok(no_store(Json(body).into_response()))
}

/// RFC 7009: always 200 for a valid client, whether or not the token existed.
pub(super) async fn revoke<F: Flow>(
    State(server): State<Arc<AuthServer<F>>>,
    headers: HeaderMap,
    form: FormBody,
) -> Answer {
    revocation(&server, &headers, form)
        .await
        .map_err(AuthError::for_client)
}

async fn revocation<F>(server: &AuthServer<F>, headers: &HeaderMap, form: FormBody) -> Answer {
    let (form, client) = client_request(server, headers, form).await?;
    let token = form.get("token").ok_or_else(|| {
        AuthError::client(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token is required",
        )
    })?;
    let hash = crypto::hash(token);
    for kind in [TokenKind::Refresh, TokenKind::Access] {
        let Some(record) = server.store.get_token(&hash, kind).await? else {
            continue;
        };
        if record.client_id != client.client_id {
            continue;
        }
        match kind {
            // Revoking a refresh token ends the grant's tokens too.
            TokenKind::Refresh => {
                server
                    .store
                    .delete_tokens_of_grant(&record.grant_id)
                    .await?
            }
            TokenKind::Access => server.store.delete_token(&hash).await?,
        }
        break;
    }
    Ok(no_store(StatusCode::OK.into_response()))
}
