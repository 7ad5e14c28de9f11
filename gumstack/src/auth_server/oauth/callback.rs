//! `/auth/callback`: the provider's answer, exchanged for tokens; they become
//! a new grant, or reconnect a refused one for the same account only.

use std::{sync::Arc, time::Duration};

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
};
use serde::Deserialize;

use super::{state::Server, upstream::verifier_context};
use crate::{
    TokenResponse,
    auth_server::{
        authorize,
        error::{Answer, AuthError},
        pages,
    },
    crypto,
    provider::{Account, Pkce},
    store::{PendingRecord, now},
};

/// How long the provider may take to answer the code exchange.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest provider error text shown on the page.
const MAX_PROVIDER_ERROR_CHARS: usize = 200;
const START_AGAIN: &str = "Start again from your application.";

#[derive(Deserialize)]
pub(super) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `/auth/callback`: the provider sends the user back here. Nothing is stored
/// unless the exchange succeeds; every failure shows a page that says what to
/// do.
pub(super) async fn callback(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let Query(q) =
        query.map_err(|_| AuthError::bad_request("The provider's answer could not be read"))?;
    let name = server.flow.grants.provider().name();
    let (pending, browser, sealed_verifier) = answered_request(&server, &headers, &q).await?;
    if let Some(error) = &q.error {
        return Err(provider_refused(
            name,
            error,
            q.error_description.as_deref(),
        ));
    }
    let code = q.code.as_deref().ok_or_else(|| {
        AuthError::page(
            StatusCode::BAD_REQUEST,
            "Invalid answer",
            format!("The answer from {name} has no code. {START_AGAIN}"),
        )
    })?;
    let (tokens, account) = exchange(&server, &pending, &sealed_verifier, code).await?;
    if let Some(grant_id) = &pending.reconnect_grant {
        return finish_reconnect(&server, grant_id, pending.scope.as_deref(), tokens, account)
            .await;
    }
    let mut pending = pending;
    // Grant no provider scope the provider did not (the user may untick some).
    pending.scope = pending.scope.map(|granted| {
        server
            .scopes
            .as_provider_granted(&granted, tokens.scope.as_deref())
    });
    let grants = &server.flow.grants;
    // The same account authorizing the same client again (a step-up to more
    // scopes, or tokens lost) keeps its grant: the client's tokens go on
    // working, and no second connection appears.
    let grant = match same_grant(&server, &pending.client_id, account.as_ref()).await? {
        Some(id) => {
            grants.reconnect(&id, tokens).await?;
            id
        }
        None => {
            grants
                .create(Some(&pending.client_id), None, tokens, account)
                .await?
        }
    };
    authorize::complete(&server, &browser, &pending, grant).await
}

/// The connected grant of `client_id` for `account`, when the provider said
/// which account signed in.
async fn same_grant(
    server: &Server,
    client_id: &str,
    account: Option<&Account>,
) -> Result<Option<String>, AuthError> {
    let Some(account_id) = account.and_then(|a| a.id.as_deref()) else {
        return Ok(None);
    };
    Ok(server
        .store
        .connected_grant_of(client_id, account_id)
        .await?)
}

/// Exchange the provider's `code` (with the PKCE verifier sealed for
/// `pending`), then ask who signed in (`None` when the provider cannot say).
async fn exchange(
    server: &Server,
    pending: &PendingRecord,
    sealed_verifier: &str,
    code: &str,
) -> Result<(TokenResponse, Option<Account>), AuthError> {
    let provider = server.flow.grants.provider();
    let name = provider.name();
    let verifier = server
        .flow
        .grants
        .vault()
        .sealer()
        .open(sealed_verifier, &verifier_context(&pending.id))
        .ok()
        .and_then(|plain| String::from_utf8(plain.to_vec()).ok())
        .ok_or_else(|| {
            tracing::error!("the sealed PKCE verifier of a pending authorization does not open");
            AuthError::Unavailable { for_client: false }
        })?;
    let pkce = Pkce {
        challenge: String::new(),
        verifier,
    };
    let callback = server.url("/auth/callback");
    let exchanged = tokio::time::timeout(
        PROVIDER_TIMEOUT,
        pkce.scope(provider.exchange(code, &callback)),
    )
    .await;
    let tokens = match exchanged {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => {
            tracing::warn!("code exchange with {name} failed: {e:#}");
            return Err(AuthError::page(
                StatusCode::BAD_GATEWAY,
                "Could not connect your account",
                format!(
                    "{name} did not accept the sign-in ({e}). Nothing was saved. {START_AGAIN}"
                ),
            ));
        }
        Err(_) => {
            return Err(AuthError::page(
                StatusCode::GATEWAY_TIMEOUT,
                "Could not connect your account",
                format!("{name} did not answer in time. Nothing was saved. {START_AGAIN}"),
            ));
        }
    };
    let asked = tokio::time::timeout(
        PROVIDER_TIMEOUT,
        provider.get_account(tokens.access_token.expose()),
    )
    .await;
    let account = match asked {
        Ok(Ok(account)) => Some(account),
        Ok(Err(e)) => {
            tracing::warn!("asking {name} who signed in failed: {e:#}");
            None
        }
        Err(_) => None,
    };
    Ok((tokens, account))
}

/// The pending request a provider's answer belongs to, consumed (single use,
/// whatever happens next), checked to be unexpired and back in the browser
/// that started it. Returns it, the browser, and the sealed PKCE verifier.
async fn answered_request(
    server: &Server,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> Result<(PendingRecord, String, String), AuthError> {
    let name = server.flow.grants.provider().name();
    let state = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            AuthError::page(
                StatusCode::BAD_REQUEST,
                "Invalid answer",
                format!("The answer from {name} has no state. {START_AGAIN}"),
            )
        })?;
    let not_valid = || {
        AuthError::page(
            StatusCode::BAD_REQUEST,
            "This sign-in is not valid",
            format!("It was already used, has expired, or did not start here. {START_AGAIN}"),
        )
    };
    if !crypto::is_token(state) {
        return Err(not_valid());
    }
    let (pending, sealed_verifier) = server
        .store
        .take_pending_by_upstream_state(&crypto::hash(state))
        .await?
        .ok_or_else(not_valid)?;
    if pending.expires_at < now() {
        return Err(AuthError::page(
            StatusCode::BAD_REQUEST,
            "This request has expired",
            format!("Authorization requests are valid for a few minutes. {START_AGAIN}"),
        ));
    }
    let browser = server
        .cookies
        .browser(headers)
        .filter(|b| crypto::same(&crypto::hash(b), &pending.browser_hash))
        .ok_or_else(|| {
            AuthError::not_accepted(format!(
                "This answer did not come back to the browser that started the sign-in. {START_AGAIN}"
            ))
        })?;
    Ok((pending, browser, sealed_verifier))
}

/// The provider answered with `error` instead of a code.
fn provider_refused(name: &str, error: &str, description: Option<&str>) -> AuthError {
    tracing::info!("provider returned an error to the callback");
    if error == "access_denied" {
        return AuthError::page(
            StatusCode::BAD_REQUEST,
            "Access was not allowed",
            format!(
                "You did not allow access to your {name} account, so nothing was connected. {START_AGAIN}"
            ),
        );
    }
    let text: String = format!(
        "{error}{}",
        description.map(|d| format!(": {d}")).unwrap_or_default()
    )
    .chars()
    .take(MAX_PROVIDER_ERROR_CHARS)
    .collect();
    AuthError::page(
        StatusCode::BAD_REQUEST,
        "The provider refused",
        format!("{name} answered with an error ({text}). Nothing was connected. {START_AGAIN}"),
    )
}

/// Whether the account that signed in to reconnect a grant is the grant's own:
/// both ids known and equal. A nickname is no proof (for some providers it is
/// the provider's name for every account).
fn same_account(stored: Option<&str>, signed_in: Option<&str>) -> bool {
    matches!((stored, signed_in), (Some(a), Some(b)) if a == b)
}

/// The provider leg of a reconnection succeeded: store the new tokens in the
/// same grant, if they are for the same account; otherwise nothing changes and
/// the new tokens are revoked. A step-up (`scope`) also gives the grant's MCP
/// tokens the scopes the provider granted.
async fn finish_reconnect(
    server: &Server,
    grant_id: &str,
    scope: Option<&str>,
    tokens: TokenResponse,
    account: Option<Account>,
) -> Answer {
    let grants = &server.flow.grants;
    let previous = server.store.get_grant(grant_id).await?.ok_or_else(|| {
        AuthError::page(
            StatusCode::BAD_REQUEST,
            "This connection no longer exists",
            "Connect again from your application.",
        )
    })?;
    let signed_in_id = account.as_ref().and_then(|a| a.id.as_deref());
    if !same_account(previous.account_id.as_deref(), signed_in_id) {
        if let Err(e) = grants.provider().revoke(tokens.access_token.expose()).await {
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
        return Err(AuthError::page(
            StatusCode::FORBIDDEN,
            "A different account",
            detail,
        ));
    }
    let widened = scope.map(|s| {
        server
            .scopes
            .as_provider_granted(s, tokens.scope.as_deref())
    });
    grants.reconnect(grant_id, tokens).await?;
    let Some(widened) = widened else {
        return Ok(pages::message(
            StatusCode::OK,
            "Reconnected",
            "Your account is connected again. Return to your application and try again.",
        ));
    };
    server
        .store
        .set_scope_of_grant_tokens(grant_id, &widened)
        .await?;
    Ok(pages::message(
        StatusCode::OK,
        "Allowed",
        "Done. Return to your application and call the tool again.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reconnection_needs_the_same_known_account() {
        assert!(same_account(Some("u1"), Some("u1")));
        assert!(!same_account(Some("u1"), Some("u2")));
        assert!(!same_account(None, Some("u1")));
        assert!(!same_account(Some("u1"), None));
        assert!(!same_account(None, None));
    }
}
