//! Every input is bounded and nothing unused is kept forever: request bodies,
//! registration fields, authorization parameters, connections that send half a
//! request or sit idle, the number of connections, repeated registrations,
//! metadata document fetches, and attempts at the credentials form.

use std::time::Duration;

use gumstack_tests::{
    CredServer, HttpServer, MetadataDocument,
    oauth::{OAuthClient, REDIRECT_URI, pkce},
    rows,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn base_of(mcp_url: &str) -> String {
    mcp_url.trim_end_matches("/mcp").to_owned()
}

fn addr_of(mcp_url: &str) -> String {
    url::Url::parse(mcp_url)
        .map(|u| format!("{}:{}", u.host_str().unwrap(), u.port().unwrap()))
        .unwrap()
}

async fn weather(env: &[(&str, &str)]) -> HttpServer {
    let mut all = vec![("WEATHER_API_KEY", "k")];
    all.extend_from_slice(env);
    HttpServer::start("weather", &all, &[]).await
}

/// Read until the server closes the connection; `None` if it is still open
/// after `within`.
async fn closed_within(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| seen)
}

#[tokio::test]
async fn request_bodies_are_bounded_on_every_route() {
    let server = CredServer::start().await;
    let base = base_of(server.url());
    let http = reqwest::Client::new();
    // A 1 MiB registration.
    let huge =
        json!({"redirect_uris": ["http://127.0.0.1/cb"], "client_name": "x".repeat(1 << 20)});
    let response = http
        .post(format!("{base}/register"))
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("larger than 65536 bytes"),
        "{body}"
    );
    let response = http
        .post(format!("{base}/token"))
        .form(&[("grant_type", "x".repeat(70_000))])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(rows(server.data_dir.path(), "clients").await, 0);

    // `/mcp` has its own, configurable limit.
    let mcp = weather(&[("GUMSTACK_MAX_BODY_BYTES", "1000")]).await;
    let response = http
        .post(&mcp.url)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x".repeat(2000)}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than 1000 bytes"),
        "{body}"
    );
}

#[tokio::test]
async fn registration_fields_are_capped_and_nothing_oversized_is_stored() {
    let server = CredServer::start().await;
    let base = base_of(server.url());
    let http = reqwest::Client::new();
    let cases = [
        (
            json!({"redirect_uris": ["http://127.0.0.1/cb"], "client_name": "n".repeat(201)}),
            "client_name is longer than 200 characters",
        ),
        (
            json!({"redirect_uris": vec!["http://127.0.0.1/cb"; 11]}),
            "at most 10 redirect URIs",
        ),
        (
            json!({"redirect_uris": [format!("https://a.example/{}", "p".repeat(3000))]}),
            "longer than 2048 bytes",
        ),
        (
            json!({"redirect_uris": ["http://127.0.0.1/cb"], "client_uri": format!("https://a.example/{}", "p".repeat(3000))}),
            "client_uri is longer than 2048 bytes",
        ),
        (
            json!({"redirect_uris": ["http://127.0.0.1/cb"], "scope": "a\"b"}),
            "scope token",
        ),
    ];
    for (metadata, message) in cases {
        let response = http
            .post(format!("{base}/register"))
            .json(&metadata)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{message}");
        let body: Value = response.json().await.unwrap();
        assert!(
            body["error_description"]
                .as_str()
                .unwrap()
                .contains(message),
            "{body}"
        );
    }
    assert_eq!(rows(server.data_dir.path(), "clients").await, 0);
}

#[tokio::test]
async fn registering_the_same_public_client_again_returns_it_and_stores_one() {
    let server = CredServer::start().await;
    let base = base_of(server.url());
    let http = reqwest::Client::new();
    let metadata =
        json!({"redirect_uris": ["http://127.0.0.1:33418/cb"], "client_name": "Restarts a lot"});
    let mut ids = Vec::new();
    for _ in 0..5 {
        let body: Value = http
            .post(format!("{base}/register"))
            .json(&metadata)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(body["client_id"].as_str().unwrap().to_owned());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one client id for identical metadata");
    let other: Value = http
        .post(format!("{base}/register"))
        .json(&json!({"redirect_uris": ["http://127.0.0.1:33418/cb"], "client_name": "Another"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(other["client_id"], ids[0].as_str());
    assert_eq!(rows(server.data_dir.path(), "clients").await, 2);
}

#[tokio::test]
async fn authorization_parameters_are_capped_and_nothing_is_stored() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let challenge = pkce().1;
    let url = client.authorize_url(&challenge, "s");
    let cases = [
        (
            format!("{url}&state={}", "s".repeat(60_000)).replace("state=s&", ""),
            "state is longer than 2048 bytes",
        ),
        (
            format!("{url}&scope={}", "a".repeat(2000)),
            "scope is longer than 1024 bytes",
        ),
        (
            url.replace(
                "resource=",
                &format!("resource=https%3A%2F%2F{}%2F&x=", "r".repeat(3000)),
            ),
            "resource is longer than 2048 bytes",
        ),
    ];
    for (url, message) in cases {
        let page = client.browser.get(&url).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{message}");
        assert!(page.body.contains(message), "{message}: {}", page.body);
        assert!(page.location.is_none());
    }
    assert_eq!(rows(server.data_dir.path(), "pending").await, 0);
}

#[tokio::test]
async fn half_sent_requests_and_idle_connections_are_closed() {
    let server = weather(&[("GUMSTACK_HEADER_TIMEOUT", "1")]).await;
    let addr = addr_of(&server.url);
    // 300 connections that send half a request line and stop.
    let mut half = Vec::new();
    for _ in 0..300 {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        stream
            .write_all(b"GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            .await
            .unwrap();
        half.push(stream);
    }
    for (i, stream) in half.iter_mut().enumerate() {
        assert!(
            closed_within(stream, Duration::from_secs(15))
                .await
                .is_some(),
            "connection {i} is still open"
        );
    }
    // A keep-alive connection that has been answered and then sits idle.
    let mut idle = tokio::net::TcpStream::connect(&addr).await.unwrap();
    idle.write_all(
        b"GET /.well-known/oauth-protected-resource HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n",
    )
    .await
    .unwrap();
    let answered = closed_within(&mut idle, Duration::from_secs(15))
        .await
        .expect("the idle connection is closed");
    assert!(answered.starts_with(b"HTTP/1.1 404"), "answered first");
    // The server still serves.
    let status = reqwest::get(&server.url).await.unwrap().status();
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes() {
    let server = weather(&[
        ("GUMSTACK_MAX_CONNECTIONS", "2"),
        ("GUMSTACK_HEADER_TIMEOUT", "60"),
    ])
    .await;
    let addr = addr_of(&server.url);
    let first = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let _second = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let well_known = format!(
        "{}/.well-known/oauth-protected-resource",
        base_of(&server.url)
    );
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    assert!(
        quick.get(&well_known).send().await.is_err(),
        "a third connection is not served while two are open"
    );
    drop(first);
    let patient = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let response = patient
        .get(&well_known)
        .send()
        .await
        .expect("served once one closed");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metadata_documents_are_fetched_once_per_cache_lifetime() {
    let server = CredServer::start_with(&[("GUMSTACK_TEST_MODE", "true")]).await;
    for (cache_control, expected) in [(None, 1), (Some("max-age=600"), 1), (Some("no-store"), 4)] {
        let document = MetadataDocument::serve(REDIRECT_URI, None, cache_control).await;
        let client = document.client(server.url());
        // /authorize twice, then the whole flow (/authorize again and /token).
        for _ in 0..2 {
            let page = client
                .browser
                .get(&client.authorize_url(&pkce().1, "s"))
                .await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        }
        client.tokens(&[("api_key", "sk-doc")]).await;
        assert_eq!(
            document.fetches(),
            expected,
            "Cache-Control {cache_control:?}"
        );
    }
}

#[tokio::test]
async fn the_validate_hook_is_rate_limited_per_client() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let form = client.consent(&pkce().1, "s").await;
    // The example's hook asks (the stub) OpenAI whether the key works.
    for i in 0..10 {
        let refused = client
            .submit(&form, &[("api_key", &format!("bad-{i}"))])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.body.contains("OpenAI did not accept this API key."),
            "attempt {i}: {}",
            refused.body
        );
    }
    let limited = client.submit(&form, &[("api_key", "sk-would-work")]).await;
    assert_eq!(limited.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        limited.body.contains("Too many attempts"),
        "{}",
        limited.body
    );
    assert_eq!(rows(server.data_dir.path(), "grants").await, 0);
    // Another application has its own budget.
    let other = OAuthClient::register_named(server.url(), "Other").await;
    let (access, _) = other.tokens(&[("api_key", "sk-other")]).await;
    assert!(!access.is_empty());
}
