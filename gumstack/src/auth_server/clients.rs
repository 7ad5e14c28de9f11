//! Who the MCP clients are: `/register` (RFC 7591), and the client of a
//! request (a registered one, or an https URL naming its metadata document).
//! The rules are in [`protocol::client`](super::protocol::client).

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::Value;

use super::{
    AuthServer, documents,
    error::{Answer, AuthError},
    protocol::client as rules,
};
use crate::{
    crypto,
    store::{ClientMetadata, ClientRecord, now},
};

pub(super) async fn register<F>(
    State(server): State<Arc<AuthServer<F>>>,
    body: axum::body::Bytes,
) -> Answer {
    registration(&server, &body)
        .await
        .map_err(AuthError::for_client)
}

async fn registration<F>(server: &AuthServer<F>, body: &[u8]) -> Answer {
    let metadata: ClientMetadata = serde_json::from_slice::<Value>(body)
        .map_err(|_| "the body must be a JSON object".to_owned())
        .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
        .map_err(|why| {
            AuthError::client(StatusCode::BAD_REQUEST, "invalid_client_metadata", why)
        })?;
    let registration = rules::register(metadata)?;
    let client_id = registration
        .public_client_id()
        .unwrap_or_else(crypto::random);
    let secret = registration.confidential.then(crypto::random);
    let record = ClientRecord {
        client_id: client_id.clone(),
        secret_hash: secret.as_deref().map(crypto::hash),
        metadata: registration.metadata,
        created_at: now(),
    };
    server.store.put_client(&record).await?;
    let mut response = serde_json::to_value(&record.metadata).unwrap_or_default();
    response["client_id"] = client_id.into();
    response["client_id_issued_at"] = record.created_at.into();
    if let Some(secret) = secret {
        response["client_secret"] = secret.into();
        response["client_secret_expires_at"] = 0.into();
    }
    Ok((StatusCode::CREATED, Json(response)).into_response())
}

/// Why a client cannot be used.
#[derive(Debug)]
pub(super) struct UnknownClient(pub String);

/// Find a client: registered ones in the store, URL ones by fetching their
/// metadata document (or from the cache of documents).
pub(super) async fn resolve<F>(
    server: &AuthServer<F>,
    client_id: &str,
) -> Result<ClientRecord, UnknownClient> {
    if client_id.starts_with("https://") || (server.test_mode && client_id.starts_with("http://")) {
        if let Some(record) = server.documents.get(client_id) {
            return Ok(record);
        }
        let http = match server.http.get() {
            Some(http) => http,
            None => {
                let built = documents::client_builder()
                    .build()
                    .map_err(|e| UnknownClient(format!("cannot build the HTTP client: {e}")))?;
                server.http.get_or_init(|| built)
            }
        };
        let (record, lifetime) = documents::fetch(http, server.test_mode, client_id)
            .await
            .map_err(UnknownClient)?;
        if let Some(lifetime) = lifetime {
            server.documents.keep(&record, lifetime);
        }
        return Ok(record);
    }
    match server.store.get_client(client_id).await {
        Ok(Some(client)) => Ok(client),
        Ok(None) => Err(UnknownClient(format!(
            "unknown client {client_id:?}: it is not registered with this server"
        ))),
        Err(e) => {
            tracing::error!("reading a client failed: {e:#}");
            Err(UnknownClient("the client registry is unavailable".into()))
        }
    }
}
