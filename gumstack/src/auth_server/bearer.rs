//! Bearer checks in front of `/mcp`, and the binding of MCP sessions to grants.

use std::sync::Arc;

use axum::{
    Json,
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{AuthServer, protocol::scope};
use crate::{
    crypto,
    store::{TokenKind, TokenRecord, now},
};

/// Who is calling: the grant behind the request's access token. Put in the
/// request's extensions, where rmcp hands it to the tool call. It shares the
/// checked token's record: a request copies nothing.
#[derive(Debug, Clone)]
pub(crate) struct Identity(Arc<TokenRecord>);

impl Identity {
    pub fn grant_id(&self) -> &str {
        &self.0.grant_id
    }

    /// The MCP client the token was issued to.
    pub fn client_id(&self) -> &str {
        &self.0.client_id
    }

    /// The hash the token is stored under.
    pub fn token_hash(&self) -> &str {
        &self.0.token_hash
    }

    /// The scopes the token was granted (a token issued before scopes were
    /// recorded holds `mcp`).
    pub fn scope(&self) -> &str {
        self.0.scope.as_deref().unwrap_or(scope::MCP)
    }

    /// The token's record (grant and client), shared.
    pub fn record(&self) -> &Arc<TokenRecord> {
        &self.0
    }
}

/// 403 for a token that lacks `missing` (MCP authorization, scope challenge
/// handling; RFC 6750 3.1): the challenge names what the token has and what
/// it lacks together, which the client asks for when it authorizes again.
pub(crate) fn insufficient_scope(metadata_url: &str, granted: &str, missing: &[&str]) -> Response {
    let mut wanted: Vec<&str> = crate::scopes::tokens(granted).collect();
    for scope in missing {
        if !wanted.contains(scope) {
            wanted.push(scope);
        }
    }
    let description = format!(
        "this tool needs the scope{} {}, which this authorization lacks: authorize again with scope \"{}\"",
        if missing.len() == 1 { "" } else { "s" },
        missing.join(", "),
        wanted.join(" ")
    );
    let value = format!(
        "Bearer error=\"insufficient_scope\", scope=\"{}\", resource_metadata=\"{metadata_url}\", error_description=\"{description}\"",
        wanted.join(" ")
    );
    let mut response = (
        StatusCode::FORBIDDEN,
        Json(json!({"error": "insufficient_scope", "error_description": description, "scope": wanted.join(" ")})),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

const SESSION_HEADER: &str = "mcp-session-id";

fn challenge<F>(server: &AuthServer<F>, error: Option<(&str, &str)>) -> Response {
    // `scope`: what to ask for (MCP authorization, scope selection: SHOULD).
    let mut value = format!(
        "Bearer resource_metadata=\"{}\", scope=\"{}\"",
        server.metadata_url(),
        server.scopes.default_scope()
    );
    if let Some((code, description)) = error {
        value.push_str(&format!(
            ", error=\"{code}\", error_description=\"{description}\""
        ));
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        Json(json!({
            "error": error.map_or("unauthorized", |(c, _)| c),
            "error_description": error.map_or("this MCP server needs authorization: discover it from the resource metadata", |(_, d)| d),
        })),
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        Json(json!({"error": "forbidden", "error_description": "this MCP session belongs to another authorization"})),
    )
        .into_response()
}

/// The bearer token of a request's `Authorization` header.
fn bearer_token(request: &Request) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Who `token` acts for, or the 401 (503 when the store fails) to answer.
async fn identity<F>(server: &AuthServer<F>, token: &str) -> Result<Identity, Response> {
    let invalid = |why| challenge(server, Some(("invalid_token", why)));
    let record = match server
        .store
        .get_token(&crypto::hash(token), TokenKind::Access)
        .await
    {
        Ok(Some(record)) => record,
        Ok(None) => return Err(invalid("the access token is unknown or revoked")),
        Err(e) => {
            tracing::error!("checking an access token failed: {e:#}");
            return Err(
                (StatusCode::SERVICE_UNAVAILABLE, "token check unavailable").into_response()
            );
        }
    };
    if record.expires_at < now() {
        return Err(invalid("the access token has expired"));
    }
    // Audience: a token issued for another resource is not accepted here.
    if record.resource != server.resource {
        return Err(invalid("the access token is for another resource"));
    }
    server.usage.seen(&record.grant_id);
    Ok(Identity(record))
}

pub(crate) async fn require_bearer<F: Send + Sync + 'static>(
    State(server): State<Arc<AuthServer<F>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(token) = bearer_token(&request) else {
        return challenge(&server, None);
    };
    let identity = match identity(&server, token).await {
        Ok(identity) => identity,
        Err(response) => return response,
    };
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(session) = &session {
        let owner = match server.sessions.owner(session).await {
            Ok(owner) => owner,
            Err(e) => {
                tracing::error!("checking an MCP session failed: {e:#}");
                return (StatusCode::SERVICE_UNAVAILABLE, "session check unavailable")
                    .into_response();
            }
        };
        if owner.is_some_and(|owner| *owner != *identity.grant_id()) {
            tracing::warn!("a request on an MCP session used another grant's token; refused");
            return forbidden();
        }
    }
    request.extensions_mut().insert(identity.clone());
    let response = next.run(request).await;
    if session.is_none()
        && let Some(opened) = response
            .headers()
            .get(SESSION_HEADER)
            .and_then(|v| v.to_str().ok())
    {
        // Bound before the client learns the session id, so no request on it
        // can come first, on this replica or another.
        match server.sessions.bind(opened, identity.grant_id()).await {
            Ok(true) => {}
            Ok(false) => return forbidden(),
            Err(e) => {
                tracing::error!("recording an MCP session failed: {e:#}");
                return (StatusCode::SERVICE_UNAVAILABLE, "session store unavailable")
                    .into_response();
            }
        }
    }
    response
}
