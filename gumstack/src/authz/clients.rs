//! Who the MCP clients are: dynamic client registration (RFC 7591) and client ID
//! metadata documents (an https URL as `client_id`, fetched with limits).

use std::{
    net::IpAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{AuthServer, scope, tokens};
use crate::store::{ClientMetadata, ClientRecord, now};

const MAX_METADATA_BYTES: usize = 5 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Bounds of a registration (RFC 7591) or a metadata document: what is stored
/// per client stays a few kilobytes.
pub(super) const MAX_REDIRECT_URIS: usize = 10;
pub(super) const MAX_URI_BYTES: usize = 2048;
pub(super) const MAX_CLIENT_NAME_CHARS: usize = 200;
/// Metadata documents kept, and for how long at most (`Cache-Control: max-age`
/// up to a day; five minutes when the document does not say).
const DOCUMENT_CACHE_ENTRIES: usize = 1_000;
const DOCUMENT_DEFAULT_TTL: Duration = Duration::from_secs(300);
const DOCUMENT_MAX_TTL: Duration = Duration::from_secs(24 * 3600);

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
    if uri.len() > MAX_URI_BYTES {
        return Some(format!(
            "a redirect URI is longer than {MAX_URI_BYTES} bytes"
        ));
    }
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

pub(super) fn is_loopback_host(host: Option<url::Host<&str>>) -> bool {
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
    if let Some((code, problem)) = check_metadata(&metadata) {
        return registration_error(code, problem);
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
    normalize(&mut metadata);
    // A public client registering the same metadata again (many register on
    // every start) is the same client: its id is derived from the metadata, so
    // the table does not grow. A confidential client gets a new id and secret
    // each time (the secret is kept only as a hash, so it cannot be handed out
    // again); those that never authorize expire.
    let client_id = if confidential {
        tokens::random()
    } else {
        public_client_id(&metadata)
    };
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

/// What the server keeps of a registration: only the grant types it supports,
/// `code` as the one response type.
fn normalize(metadata: &mut ClientMetadata) {
    metadata
        .grant_types
        .retain(|g| g == "authorization_code" || g == "refresh_token");
    metadata.grant_types.dedup();
    metadata.response_types = vec!["code".into()];
}

/// The id of a public client: a digest of its normalized metadata.
fn public_client_id(metadata: &ClientMetadata) -> String {
    let canonical = serde_json::to_vec(metadata).unwrap_or_default();
    let digest = Sha256::digest(&canonical);
    format!("mcp-{}", crate::seal::hex(&digest[..20]))
}

/// The first problem of client metadata, with its RFC 7591 error code.
fn check_metadata(metadata: &ClientMetadata) -> Option<(&'static str, String)> {
    let invalid = |why: String| Some(("invalid_client_metadata", why));
    if metadata.redirect_uris.is_empty() {
        return Some((
            "invalid_redirect_uri",
            "redirect_uris must list at least one URI".into(),
        ));
    }
    if metadata.redirect_uris.len() > MAX_REDIRECT_URIS {
        return Some((
            "invalid_redirect_uri",
            format!("at most {MAX_REDIRECT_URIS} redirect URIs"),
        ));
    }
    if let Some(problem) = metadata
        .redirect_uris
        .iter()
        .find_map(|u| redirect_uri_problem(u))
    {
        return Some(("invalid_redirect_uri", problem));
    }
    if let Some(name) = &metadata.client_name
        && name.chars().count() > MAX_CLIENT_NAME_CHARS
    {
        return invalid(format!(
            "client_name is longer than {MAX_CLIENT_NAME_CHARS} characters"
        ));
    }
    if metadata
        .client_uri
        .as_ref()
        .is_some_and(|u| u.len() > MAX_URI_BYTES)
    {
        return invalid(format!("client_uri is longer than {MAX_URI_BYTES} bytes"));
    }
    if let Some(scope) = &metadata.scope
        && let Err(why) = scope::parse(scope)
    {
        return invalid(why);
    }
    if metadata.grant_types.len() > 8 || metadata.response_types.len() > 8 {
        return invalid("grant_types and response_types list at most 8 values".into());
    }
    None
}

/// Why a client cannot be used.
#[derive(Debug)]
pub(super) struct UnknownClient(pub String);

/// Client metadata documents fetched lately, so `/authorize`, `/token` and
/// `/revoke` of one authorization fetch a document once.
pub(crate) struct Documents {
    cache: quick_cache::sync::Cache<String, (ClientRecord, Instant)>,
}

impl Documents {
    pub fn new() -> Self {
        Self {
            cache: quick_cache::sync::Cache::new(DOCUMENT_CACHE_ENTRIES),
        }
    }

    fn get(&self, client_id: &str) -> Option<ClientRecord> {
        self.cache
            .get(client_id)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(record, _)| record)
    }

    fn keep(&self, record: &ClientRecord, lifetime: Duration) {
        self.cache.insert(
            record.client_id.clone(),
            (record.clone(), Instant::now() + lifetime),
        );
    }
}

/// How long a fetched document may be reused, from its `Cache-Control`:
/// `max-age` up to a day, five minutes when absent, not at all for `no-store`,
/// `no-cache` or `max-age=0`.
fn document_lifetime(cache_control: Option<&str>) -> Option<Duration> {
    let Some(value) = cache_control else {
        return Some(DOCUMENT_DEFAULT_TTL);
    };
    let mut max_age = None;
    for directive in value.split(',').map(str::trim) {
        let (name, arg) = directive.split_once('=').unwrap_or((directive, ""));
        match name.to_ascii_lowercase().as_str() {
            "no-store" | "no-cache" => return None,
            "max-age" => max_age = arg.trim_matches('"').parse::<u64>().ok(),
            _ => {}
        }
    }
    match max_age {
        Some(0) => None,
        Some(secs) => Some(Duration::from_secs(secs).min(DOCUMENT_MAX_TTL)),
        None => Some(DOCUMENT_DEFAULT_TTL),
    }
}

/// Why `client_id` cannot name a metadata document (the rules of the client ID
/// metadata document draft: a path, no userinfo, no fragment, no dot segments).
fn document_url_problem(client_id: &str, url: &url::Url) -> Option<&'static str> {
    if !url.username().is_empty() || url.password().is_some() {
        return Some("the URL must not contain a user name or password");
    }
    if url.fragment().is_some() || client_id.contains('#') {
        return Some("the URL must not have a fragment");
    }
    // The parser removes dot segments, so look at the text as sent.
    let raw_path = client_id
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or_default();
    let raw_path = raw_path.split(['?', '#']).next().unwrap_or_default();
    let dot = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    if raw_path.split('/').any(dot) {
        return Some("the URL must not contain . or .. path segments");
    }
    if url.path() == "/" || url.path().is_empty() {
        return Some("the URL must have a path");
    }
    None
}

/// Find a client: registered ones in the store, URL ones by fetching their
/// metadata document (or from the cache of documents).
pub(super) async fn resolve(
    server: &AuthServer,
    client_id: &str,
) -> Result<ClientRecord, UnknownClient> {
    if client_id.starts_with("https://") || (server.test_mode && client_id.starts_with("http://")) {
        if let Some(record) = server.documents.get(client_id) {
            return Ok(record);
        }
        let (record, lifetime) = fetch_metadata_document(server, client_id).await?;
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

async fn fetch_metadata_document(
    server: &AuthServer,
    client_id: &str,
) -> Result<(ClientRecord, Option<Duration>), UnknownClient> {
    let fail = |why: String| UnknownClient(format!("client metadata document {client_id}: {why}"));
    if client_id.len() > MAX_URI_BYTES {
        return Err(UnknownClient(format!(
            "a client_id URL is longer than {MAX_URI_BYTES} bytes"
        )));
    }
    let url = url::Url::parse(client_id).map_err(|_| fail("not a URL".into()))?;
    if let Some(problem) = document_url_problem(client_id, &url) {
        return Err(fail(problem.into()));
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
            // The address stays in the log: shown to whoever asked, it would
            // map this server's network for them.
            tracing::warn!(
                client_id,
                "refused a client metadata document whose host resolves to {}",
                private.ip()
            );
            return Err(fail(
                "its host resolves to a private address; only public hosts are fetched".into(),
            ));
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
            .map_err(|e| fail(format!("fetch failed: {}", e.without_url())))?;
        if !response.status().is_success() {
            return Err(fail(format!("the server answered {}", response.status())));
        }
        let lifetime = document_lifetime(
            response
                .headers()
                .get(reqwest::header::CACHE_CONTROL)
                .and_then(|v| v.to_str().ok()),
        );
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| fail(format!("fetch failed: {}", e.without_url())))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_METADATA_BYTES {
                return Err(fail(format!("larger than {MAX_METADATA_BYTES} bytes")));
            }
        }
        Ok((body, lifetime))
    };
    let (body, lifetime) = tokio::time::timeout(FETCH_TIMEOUT, fetch)
        .await
        .map_err(|_| fail(format!("no answer within {} s", FETCH_TIMEOUT.as_secs())))??;
    let document: Value =
        serde_json::from_slice(&body).map_err(|_| fail("not a JSON document".into()))?;
    if document["client_id"].as_str() != Some(client_id) {
        return Err(fail("its client_id does not equal its URL".into()));
    }
    let mut metadata: ClientMetadata =
        serde_json::from_value(document).map_err(|e| fail(format!("invalid metadata: {e}")))?;
    if metadata.token_endpoint_auth_method != "none" {
        return Err(fail(
            "a metadata-document client must use token_endpoint_auth_method \"none\"".into(),
        ));
    }
    if let Some((_, problem)) = check_metadata(&metadata) {
        return Err(fail(problem));
    }
    normalize(&mut metadata);
    Ok((ClientRecord::from_document(client_id, metadata), lifetime))
}

/// The HTTP client for metadata documents: no redirects (one could lead to a
/// private address), short timeouts.
pub(crate) fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        // A proxy (HTTPS_PROXY) would resolve the host itself, bypassing the
        // checked, pinned addresses.
        .no_proxy()
        .connect_timeout(FETCH_TIMEOUT)
        .timeout(FETCH_TIMEOUT)
}

/// Whether a metadata document may be fetched from `ip`: not loopback,
/// private, link-local, shared (CGNAT), reserved, documentation, benchmarking,
/// multicast, broadcast, and not an IPv6 form that embeds or routes to IPv4
/// (mapped, compatible, NAT64, 6to4).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (b & 0xc0) == 64)
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b & 0xfe) == 18)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || seg[0] == 0x2002
                || (seg[0] == 0x64 && seg[1] == 0xff9b)
                || seg[..6] == [0; 6]
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
            "0.1.2.3",
            "192.0.0.8",
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "198.20.0.1", "2606:2800:220:1::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn metadata_document_urls() {
        let cases = [
            ("https://app.example/client.json", None),
            ("https://app.example/c?v=1", None),
            ("https://user:pw@app.example/client.json", Some("user name")),
            ("https://user@app.example/client.json", Some("user name")),
            ("https://app.example/client.json#x", Some("fragment")),
            ("https://app.example/", Some("path")),
            ("https://app.example", Some("path")),
            ("https://app.example/a/../client.json", Some("dot")),
            ("https://app.example/./client.json", Some("dot")),
            ("https://app.example/a/%2E%2e/client.json", Some("dot")),
            ("https://app.example/a/..", Some("dot")),
        ];
        for (client_id, problem) in cases {
            let url = url::Url::parse(client_id).unwrap();
            let found = document_url_problem(client_id, &url);
            match problem {
                None => assert_eq!(found, None, "{client_id}"),
                Some(word) => assert!(
                    found.is_some_and(
                        |p| p.contains(word) || (word == "dot" && p.contains(". or .."))
                    ),
                    "{client_id}: {found:?}"
                ),
            }
        }
    }

    #[test]
    fn document_cache_lifetime_follows_cache_control() {
        let cases = [
            (None, Some(300)),
            (Some("max-age=60"), Some(60)),
            (Some("public, max-age=604800"), Some(86400)),
            (Some("max-age=0"), None),
            (Some("no-store"), None),
            (Some("no-cache, max-age=60"), None),
            (Some("private"), Some(300)),
        ];
        for (header, secs) in cases {
            assert_eq!(
                document_lifetime(header),
                secs.map(Duration::from_secs),
                "{header:?}"
            );
        }
    }

    #[test]
    fn registration_fields_are_bounded() {
        let base = || ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1/cb".into()],
            client_name: Some("App".into()),
            client_uri: None,
            token_endpoint_auth_method: "none".into(),
            grant_types: vec!["authorization_code".into()],
            response_types: vec!["code".into()],
            scope: None,
        };
        assert_eq!(check_metadata(&base()), None);
        let mut m = base();
        m.client_name = Some("x".repeat(MAX_CLIENT_NAME_CHARS + 1));
        assert!(check_metadata(&m).unwrap().1.contains("client_name"));
        let mut m = base();
        m.redirect_uris = vec!["http://127.0.0.1/cb".into(); MAX_REDIRECT_URIS + 1];
        assert!(check_metadata(&m).unwrap().1.contains("at most"));
        let mut m = base();
        m.redirect_uris = vec![format!("https://a.example/{}", "x".repeat(MAX_URI_BYTES))];
        assert!(check_metadata(&m).unwrap().1.contains("longer than"));
        let mut m = base();
        m.client_uri = Some(format!("https://a.example/{}", "x".repeat(MAX_URI_BYTES)));
        assert!(check_metadata(&m).unwrap().1.contains("client_uri"));
        let mut m = base();
        m.scope = Some("a\"b".into());
        assert!(check_metadata(&m).is_some());
        let mut m = base();
        m.grant_types = vec!["x".into(); 9];
        assert!(check_metadata(&m).is_some());
    }

    #[test]
    fn identical_public_registrations_share_one_id() {
        let m = ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1/cb".into()],
            client_name: Some("App".into()),
            client_uri: None,
            token_endpoint_auth_method: "none".into(),
            grant_types: vec!["authorization_code".into()],
            response_types: vec!["code".into()],
            scope: None,
        };
        let mut other = m.clone();
        other.client_name = Some("Other".into());
        assert_eq!(public_client_id(&m), public_client_id(&m.clone()));
        assert_ne!(public_client_id(&m), public_client_id(&other));
    }
}
