//! Discovery documents: RFC 9728 protected resource metadata and RFC 8414
//! authorization server metadata.

use std::sync::Arc;

use axum::{Json, extract::State, response::IntoResponse};
use serde_json::json;

use super::AuthServer;

pub(super) async fn protected_resource<F>(
    State(server): State<Arc<AuthServer<F>>>,
) -> impl IntoResponse {
    // The Python SDK compares `authorization_servers[0]` with the metadata's
    // `issuer` character for character: both are `server.issuer`.
    Json(json!({
        "resource": server.resource,
        "authorization_servers": [server.issuer],
        "bearer_methods_supported": ["header"],
        "scopes_supported": server.scopes.supported(),
        "resource_name": server.server_name,
    }))
}

pub(super) async fn authorization_server<F>(
    State(server): State<Arc<AuthServer<F>>>,
) -> impl IntoResponse {
    Json(json!({
        "issuer": server.issuer,
        "authorization_endpoint": server.url("/authorize"),
        "token_endpoint": server.url("/token"),
        "registration_endpoint": server.url("/register"),
        "revocation_endpoint": server.url("/revoke"),
        "scopes_supported": server.scopes.supported(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
        "revocation_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
        "client_id_metadata_document_supported": true,
        "authorization_response_iss_parameter_supported": true,
    }))
}
