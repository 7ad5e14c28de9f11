//! Who the MCP clients are: dynamic client registration (RFC 7591) and client ID
//! metadata documents (an https URL as `client_id`, fetched with limits).

use std::{net::IpAddr, sync::Arc, time::Duration};

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{AuthServer, tokens};
use crate::store::{ClientMetadata, ClientRecord, now};

const MAX_METADATA_BYTES: usize = 5 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_REDIRECT_URIS: usize = 10;

/// An RFC 7591 error response.
pub(super) fn registration_error(code: &str, description: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": code, "error_description": description.into()})),
    )
        .into_response()
}

/// Loopback http (any port, per RFC 8252) or https; nothing else.
pub(super) fn redirect_uri_problem(uri: &str) -> Option<String> {
    let Ok(url) = url::Url::parse(uri) else {
        return Some(format!("redirect URI {uri:?} is not an absolute URL"));
    };
    if url.fragment().is_some() {
        return Some(format!("redirect URI {uri:?} must not have a fragment"));
    }
    match url.scheme() {
        "https" => None,
        "http" if is_loopback_host(url.host()) => None,
        _ => Some(format!(
            "redirect URI {uri:?} must use https, or http on a loopback address (127.0.0.1, [::1], localhost)"
        )),
    }
}

fn is_loopback_host(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

pub(super) async fn register(
    State(server): State<Arc<AuthServer>>,
    body: axum::body::Bytes,
) -> Response {
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return registration_error("invalid_client_metadata", "the body must be a JSON object");
    };
    let mut metadata: ClientMetadata = match serde_json::from_value(request) {
        Ok(m) => m,
        Err(e) => return registration_error("invalid_client_metadata", e.to_string()),
    };
    if let Some(problem) = check_metadata(&metadata) {
        return registration_error("invalid_redirect_uri", problem);
    }
    let confidential = matches!(
        metadata.token_endpoint_auth_method.as_str(),
        "client_secret_post" | "client_secret_basic"
    );
    if !confidential && metadata.token_endpoint_auth_method != "none" {
        return registration_error(
            "invalid_client_metadata",
            format!(
                "token_endpoint_auth_method {:?} is not supported; use none, client_secret_post or client_secret_basic",
                metadata.token_endpoint_auth_method
            ),
        );
    }
    metadata
        .grant_types
        .retain(|g| g == "authorization_code" || g == "refresh_token");
    metadata.response_types = vec!["code".into()];
    let client_id = tokens::random();
    let secret = confidential.then(tokens::random);
    let record = ClientRecord {
        client_id: client_id.clone(),
        secret_hash: secret.as_deref().map(tokens::hash),
        metadata: metadata.clone(),
        created_at: now(),
    };
    if let Err(e) = server.store.put_client(&record).await {
        tracing::error!("storing a client registration failed: {e:#}");
        return (StatusCode::INTERNAL_SERVER_ERROR, "registration failed").into_response();
    }
    let mut response = serde_json::to_value(&metadata).unwrap_or_default();
    response["client_id"] = client_id.into();
    response["client_id_issued_at"] = record.created_at.into();
    if let Some(secret) = secret {
        response["client_secret"] = secret.into();
        response["client_secret_expires_at"] = 0.into();
    }
    (StatusCode::CREATED, Json(response)).into_response()
}

fn check_metadata(metadata: &ClientMetadata) -> Option<String> {
    if metadata.redirect_uris.is_empty() {
        return Some("redirect_uris must list at least one URI".into());
    }
    if metadata.redirect_uris.len() > MAX_REDIRECT_URIS {
        return Some(format!("at most {MAX_REDIRECT_URIS} redirect URIs"));
    }
    metadata
        .redirect_uris
        .iter()
        .find_map(|u| redirect_uri_problem(u))
}

/// Why a client cannot be used.
#[derive(Debug)]
pub(super) struct UnknownClient(pub String);

/// Find a client: registered ones in the store, URL ones by fetching their
/// metadata document.
pub(super) async fn resolve(
    server: &AuthServer,
    client_id: &str,
) -> Result<ClientRecord, UnknownClient> {
    if client_id.starts_with("https://") || (server.test_mode && client_id.starts_with("http://")) {
        return fetch_metadata_document(server, client_id).await;
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

async fn fetch_metadata_document(
    server: &AuthServer,
    client_id: &str,
) -> Result<ClientRecord, UnknownClient> {
    let fail = |why: String| UnknownClient(format!("client metadata document {client_id}: {why}"));
    let url = url::Url::parse(client_id).map_err(|_| fail("not a URL".into()))?;
    if url.path() == "/" || url.path().is_empty() {
        return Err(fail("the URL must have a path".into()));
    }
    let mut http = server.http.clone();
    if !server.test_mode {
        let host = url.host_str().unwrap_or_default().to_owned();
        let port = url.port_or_known_default().unwrap_or(443);
        let addrs: Vec<_> = tokio::net::lookup_host((host.as_str(), port))
            .await
            .map_err(|e| fail(format!("cannot resolve its host: {e}")))?
            .collect();
        if let Some(private) = addrs.iter().find(|a| !is_public(a.ip())) {
            return Err(fail(format!(
                "its host resolves to a private address ({}); only public hosts are fetched",
                private.ip()
            )));
        }
        // Connect to the addresses just checked, not to a second DNS answer.
        http = client_builder()
            .resolve_to_addrs(&host, &addrs)
            .build()
            .map_err(|e| fail(format!("fetch failed: {e}")))?;
    }
    let fetch = async {
        let mut response = http
            .get(url.clone())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| fail(format!("fetch failed: {e}")))?;
        if !response.status().is_success() {
            return Err(fail(format!("the server answered {}", response.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| fail(format!("fetch failed: {e}")))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_METADATA_BYTES {
                return Err(fail(format!("larger than {MAX_METADATA_BYTES} bytes")));
            }
        }
        Ok(body)
    };
    let body = tokio::time::timeout(FETCH_TIMEOUT, fetch)
        .await
        .map_err(|_| fail(format!("no answer within {} s", FETCH_TIMEOUT.as_secs())))??;
    let document: Value =
        serde_json::from_slice(&body).map_err(|_| fail("not a JSON document".into()))?;
    if document["client_id"].as_str() != Some(client_id) {
        return Err(fail("its client_id does not equal its URL".into()));
    }
    let metadata: ClientMetadata =
        serde_json::from_value(document).map_err(|e| fail(format!("invalid metadata: {e}")))?;
    if metadata.token_endpoint_auth_method != "none" {
        return Err(fail(
            "a metadata-document client must use token_endpoint_auth_method \"none\"".into(),
        ));
    }
    if let Some(problem) = check_metadata(&metadata) {
        return Err(fail(problem));
    }
    Ok(ClientRecord {
        client_id: client_id.to_owned(),
        secret_hash: None,
        metadata,
        created_at: now(),
    })
}

/// The HTTP client for metadata documents: no redirects (one could lead to a
/// private address), short timeouts.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !is_public(IpAddr::V4(v4))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_are_loopback_or_https() {
        assert!(redirect_uri_problem("http://127.0.0.1:33418/callback").is_none());
        assert!(redirect_uri_problem("http://localhost/cb").is_none());
        assert!(redirect_uri_problem("http://[::1]:9/cb").is_none());
        assert!(redirect_uri_problem("https://client.example/cb").is_none());
        assert!(redirect_uri_problem("http://client.example/cb").is_some());
        assert!(redirect_uri_problem("myapp://cb").is_some());
        assert!(redirect_uri_problem("https://client.example/cb#x").is_some());
        assert!(redirect_uri_problem("/relative").is_some());
    }

    #[test]
    fn private_addresses_are_not_public() {
        for ip in [
            "10.0.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        assert!(is_public("93.184.216.34".parse().unwrap()));
    }
}
