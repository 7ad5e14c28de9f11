//! `auth = cred` over HTTP: the host's authorization server, driven by rmcp's
//! OAuth client and by a scripted browser, against the `openai` example with a
//! stub OpenAI on loopback.

use gumstack_tests::{
    CredServer, MetadataDocument, TEST_KEY, first_text, generate,
    oauth::{Browser, OAuthClient, REDIRECT_URI, connect_with_token, pkce},
    start_up_error,
};
use reqwest::StatusCode;
use rmcp::{
    ServiceExt,
    transport::{
        AuthClient, StreamableHttpClientTransport,
        auth::{AuthorizationRequest, OAuthState},
        streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};

#[tokio::test]
async fn rmcp_oauth_client_discovers_registers_and_calls_with_the_users_key() {
    let server = CredServer::start().await;

    // rmcp's client: discovery from the server URL, dynamic registration, PKCE.
    let mut state = OAuthState::new(server.url(), None)
        .await
        .expect("discovery");
    state
        .start_authorization(
            AuthorizationRequest::new(REDIRECT_URI).with_client_name("rmcp test client"),
        )
        .await
        .expect("registration and authorization request");
    let authorize_url = state
        .get_authorization_url()
        .await
        .expect("authorization URL");

    // The person: the consent page, then the credentials form.
    let browser = Browser::default();
    let consent = browser.get(&authorize_url).await;
    assert_eq!(consent.status, StatusCode::OK);
    assert!(
        consent.body.contains("rmcp test client"),
        "the consent page names the client"
    );
    assert!(
        consent.body.contains("127.0.0.1:9"),
        "and where it redirects"
    );
    assert_eq!(consent.headers["x-frame-options"], "DENY");
    assert!(
        consent.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let base = server.url().trim_end_matches("/mcp");
    let form = browser
        .post(
            &format!("{base}/authorize"),
            &[
                ("pending", &consent.input("pending").unwrap()),
                ("csrf", &consent.input("csrf").unwrap()),
                ("decision", "approve"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(r#"type="password""#),
        "the secret field is a password input"
    );
    let done = browser
        .post(
            &format!("{base}/authorize/credentials"),
            &[
                ("pending", &form.input("pending").unwrap()),
                ("csrf", &form.input("csrf").unwrap()),
                ("api_key", "sk-alice"),
                ("organization", "org-a"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    // Back in the client: the code is exchanged (PKCE) and checked with `iss`.
    state
        .handle_callback_url(done.location.as_deref().unwrap())
        .await
        .expect("token exchange");
    let manager = state.into_authorization_manager().expect("authorized");
    let transport = StreamableHttpClientTransport::with_client(
        AuthClient::new(reqwest::Client::new(), manager),
        StreamableHttpClientTransportConfig::with_uri(server.url().to_owned()),
    );
    let client = ().serve(transport).await.expect("MCP handshake with the access token");
    let result = generate(&client, "hi").await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(
        first_text(&result),
        "auth=Bearer sk-alice org=org-a model=gpt-4o-mini prompt=hi"
    );
}

#[tokio::test]
async fn discovery_documents_and_the_401_challenge() {
    let server = CredServer::start().await;
    let base = server.url().trim_end_matches("/mcp").to_owned();
    let http = reqwest::Client::new();

    let response = http
        .post(server.url())
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The challenge names the scope to ask for (MCP authorization: SHOULD).
    assert_eq!(
        response.headers()["www-authenticate"].to_str().unwrap(),
        format!(
            "Bearer resource_metadata=\"{base}/.well-known/oauth-protected-resource/mcp\", scope=\"mcp\""
        )
    );

    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
    ] {
        let prm: Value = http
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(prm["resource"], format!("{base}/mcp"));
        assert_eq!(prm["authorization_servers"], json!([base]));
        assert_eq!(prm["scopes_supported"], json!(["mcp"]));
    }
    let asm: Value = http
        .get(format!("{base}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(asm["issuer"], base);
    assert_eq!(asm["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(asm["client_id_metadata_document_supported"], true);
    assert_eq!(asm["authorization_response_iss_parameter_supported"], true);
    assert_eq!(asm["registration_endpoint"], format!("{base}/register"));
    assert_eq!(asm["revocation_endpoint"], format!("{base}/revoke"));

    // A token nobody issued.
    let response = http
        .post(server.url())
        .bearer_auth("forged")
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
}

#[tokio::test]
async fn two_users_calling_at_once_each_get_their_own_credentials() {
    let server = CredServer::start().await;
    let alice = OAuthClient::register(server.url()).await;
    let bob = OAuthClient::register(server.url()).await;
    let (alice_token, _) = alice.tokens(&[("api_key", "sk-alice")]).await;
    let (bob_token, _) = bob
        .tokens(&[("api_key", "sk-bob"), ("organization", "org-b")])
        .await;
    let alice = connect_with_token(server.url(), &alice_token).await;
    let bob = connect_with_token(server.url(), &bob_token).await;

    let calls = (0..20).map(|i| {
        let (client, expected) = if i % 2 == 0 {
            (&alice, "auth=Bearer sk-alice org= ")
        } else {
            (&bob, "auth=Bearer sk-bob org=org-b ")
        };
        async move {
            let result = generate(client, &format!("n{i}")).await;
            assert!(
                first_text(&result).starts_with(expected),
                "call {i}: {}",
                first_text(&result)
            );
        }
    });
    futures::future::join_all(calls).await;
}

#[tokio::test]
async fn a_session_cannot_be_used_with_another_users_token() {
    let server = CredServer::start().await;
    let alice = OAuthClient::register(server.url()).await;
    let (alice_token, _) = alice.tokens(&[("api_key", "sk-alice")]).await;
    let (mallory_token, _) = alice.tokens(&[("api_key", "sk-mallory")]).await;
    let http = reqwest::Client::new();
    let post = |token: &str, session: Option<&str>, body: Value| {
        let mut request = http
            .post(server.url())
            .bearer_auth(token)
            .header("Accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(session) = session {
            request = request
                .header("mcp-session-id", session)
                .header("mcp-protocol-version", "2025-11-25");
        }
        request.send()
    };
    let opened = post(
        &alice_token,
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await
    .unwrap();
    assert!(opened.status().is_success());
    let session = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();

    let hijack = post(
        &mallory_token,
        Some(&session),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    )
    .await
    .unwrap();
    assert_eq!(hijack.status(), StatusCode::FORBIDDEN);
    let own = post(
        &alice_token,
        Some(&session),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await
    .unwrap();
    assert!(own.status().is_success(), "{}", own.status());
}

#[tokio::test]
async fn bad_inputs_are_refused_with_clear_errors() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let base = client.base.clone();

    // Wrong PKCE verifier.
    let (_, challenge) = pkce();
    let code = client.code(&challenge, &[("api_key", "sk-1")]).await;
    let (other_verifier, _) = pkce();
    let (status, body, _) = client.exchange(&code, &other_verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert!(
        body["error_description"].as_str().unwrap().contains("PKCE"),
        "{body}"
    );

    // A reused code fails, and revokes the tokens it gave.
    let (verifier, challenge) = pkce();
    let code = client.code(&challenge, &[("api_key", "sk-2")]).await;
    let (status, first, headers) = client.exchange(&code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(first["token_type"], "Bearer");
    assert!(first["expires_in"].as_u64().is_some());
    let (status, body, _) = client.exchange(&code, &verifier).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already used"),
        "{body}"
    );
    let refused =
        gumstack_tests::mcp_status(server.url(), first["access_token"].as_str().unwrap()).await;
    assert_eq!(
        refused,
        StatusCode::UNAUTHORIZED,
        "tokens of a replayed code are revoked"
    );

    // Wrong redirect URI: shown as a page, never redirected to.
    let (_, challenge) = pkce();
    let url = client
        .authorize_url(&challenge, "s")
        .replace("127.0.0.1%3A9", "127.0.0.1%3A8");
    let page = client.browser.get(&url).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.location.is_none());
    assert!(
        page.body.contains("not one the application registered"),
        "{}",
        page.body
    );

    // Unknown client: a page at /authorize, invalid_client at /token.
    let page = client
        .browser
        .get(
            &client
                .authorize_url(&challenge, "s")
                .replace(&client.client_id, "nobody"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("unknown client"), "{}", page.body);
    let response = reqwest::Client::new()
        .post(format!("{base}/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "nobody"),
            ("code", "x"),
            ("code_verifier", "y"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );

    // No PKCE: redirected back with an error (the redirect URI is trusted by then).
    let no_pkce = client
        .authorize_url(&challenge, "s9")
        .replace("code_challenge_method=S256", "code_challenge_method=plain");
    let page = client.browser.get(&no_pkce).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(
        page.redirect_param("error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(page.redirect_param("state").as_deref(), Some("s9"));

    // Forged pending request and forged CSRF token.
    let form = client.consent(&challenge, "s").await;
    let forged = client
        .browser
        .post(
            &format!("{base}/authorize/credentials"),
            &[
                ("pending", "forged"),
                ("csrf", &form.input("csrf").unwrap()),
                ("api_key", "k"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("expired"), "{}", forged.body);
    let forged = client
        .browser
        .post(
            &format!("{base}/authorize/credentials"),
            &[
                ("pending", &form.input("pending").unwrap()),
                ("csrf", "forged"),
                ("api_key", "k"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The same form from another browser (no cookie) is refused too.
    let stranger = Browser::default()
        .post(
            &format!("{base}/authorize/credentials"),
            &[
                ("pending", &form.input("pending").unwrap()),
                ("csrf", &form.input("csrf").unwrap()),
                ("api_key", "k"),
            ],
        )
        .await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);

    // Missing and oversized fields: the form comes back with a message per field,
    // keeping what was typed except secrets.
    let missing = client.submit(&form, &[("organization", "org-kept")]).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("API Key is required"),
        "{}",
        missing.body
    );
    assert_eq!(missing.input("organization").as_deref(), Some("org-kept"));
    let huge = "x".repeat(9000);
    let oversized = client
        .submit(&missing, &[("api_key", &huge), ("organization", "o")])
        .await;
    assert_eq!(oversized.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(oversized.body.contains("too long"), "{}", oversized.body);
    assert!(
        !oversized.body.contains(&huge),
        "a secret is never sent back"
    );
    // The credentials type's `validate` hook (the example asks the stub OpenAI
    // whether the key works) shows its error on the form.
    let refused = client.submit(&oversized, &[("api_key", "not-a-key")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("OpenAI did not accept this API key."),
        "{}",
        refused.body
    );
    // Corrected, it completes; the same page cannot complete twice.
    let done = client.submit(&oversized, &[("api_key", "sk-ok")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let again = client.submit(&oversized, &[("api_key", "sk-ok")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);

    // Denying consent sends the user back with access_denied.
    let (_, challenge) = pkce();
    let consent = client
        .browser
        .get(&client.authorize_url(&challenge, "s7"))
        .await;
    let denied = client.decide(&consent, "deny").await;
    assert_eq!(
        denied.redirect_param("error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(denied.redirect_param("state").as_deref(), Some("s7"));

    // Registration refuses redirect URIs that are neither loopback nor https.
    let refused = reqwest::Client::new()
        .post(format!("{base}/register"))
        .json(&json!({"redirect_uris": ["http://evil.example/cb"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.json::<Value>().await.unwrap()["error"],
        "invalid_redirect_uri"
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replay_revokes_the_grant() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (_, refresh) = client.tokens(&[("api_key", "sk-r")]).await;
    let (status, rotated, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new_refresh, refresh);
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    let mcp = connect_with_token(server.url(), &access).await;
    assert_eq!(generate(&mcp, "x").await.is_error, Some(false));

    // The old refresh token again: refused, and the whole grant is revoked.
    let (status, body, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    let (status, _, _) = client
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &new_refresh),
        ])
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the rotated token died with the grant"
    );
    let denied = gumstack_tests::mcp_status(server.url(), &access).await;
    assert_eq!(denied, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn revocation_ends_the_access_token() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (access, _) = client.tokens(&[("api_key", "sk-v")]).await;
    let response = reqwest::Client::new()
        .post(format!("{}/revoke", client.base))
        .form(&[("token", access.as_str()), ("client_id", &client.client_id)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let denied = gumstack_tests::mcp_status(server.url(), &access).await;
    assert_eq!(denied, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_restart_keeps_every_grant_and_a_wrong_key_or_auth_type_deletes_nothing() {
    let mut server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (access, _) = client.tokens(&[("api_key", "sk-persist")]).await;

    server.restart(&[]).await;
    // The old port is gone; the token and the grant are not.
    let mcp = connect_with_token(server.url(), &access).await;
    let result = generate(&mcp, "after restart").await;
    assert_eq!(
        first_text(&result),
        "auth=Bearer sk-persist org= model=gpt-4o-mini prompt=after restart"
    );
    let _ = server.server.child.kill().await;
    let _ = server.server.child.wait().await;

    let dir = server.data_dir.path().to_str().unwrap().to_owned();
    let wrong_key = "/////////////////////////////////////////w==";
    let stderr = start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", &dir),
            ("GUMSTACK_SECRET_KEY", wrong_key),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(stderr.contains("GUMSTACK_SECRET_KEY"), "{stderr}");

    // A server of another auth type refuses the store (once its own settings
    // are complete: those are checked before anything is opened).
    let stderr = start_up_error(
        "linear",
        &[
            ("GUMSTACK_DATA_DIR", &dir),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            ("LINEAR_CLIENT_ID", "id"),
            ("LINEAR_CLIENT_SECRET", "secret"),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(
        stderr.contains("`auth = cred`") && stderr.contains("Nothing was deleted"),
        "{stderr}"
    );

    // Nothing was deleted: the right key still opens the grant.
    server.restart(&[]).await;
    let mcp = connect_with_token(server.url(), &access).await;
    assert_eq!(generate(&mcp, "x").await.is_error, Some(false));
}

#[tokio::test]
async fn a_tampered_sealed_value_is_an_error_not_a_crash() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (access, _) = client.tokens(&[("api_key", "sk-t")]).await;

    // Flip a character of the sealed credentials in the database file.
    let db = server.data_dir.path().join("gumstack.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let (id, sealed): (String, String) = sqlx::query_as("SELECT id, sealed FROM grants")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut bytes = sealed.into_bytes();
    let i = bytes.len() - 3;
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    sqlx::query("UPDATE grants SET sealed = ?1 WHERE id = ?2")
        .bind(String::from_utf8(bytes).unwrap())
        .bind(&id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let mcp = connect_with_token(server.url(), &access).await;
    let result = generate(&mcp, "x").await;
    assert_eq!(result.is_error, Some(true));
    assert!(
        first_text(&result).contains("does not open"),
        "{}",
        first_text(&result)
    );
    // The server is still serving.
    assert!(mcp.list_all_tools().await.is_ok());
}

#[tokio::test]
async fn client_id_metadata_documents_are_fetched_and_checked() {
    // Test mode lets the server fetch documents from loopback over http.
    let server = CredServer::start_with(&[("GUMSTACK_TEST_MODE", "true")]).await;
    let document = MetadataDocument::serve(REDIRECT_URI, None, None).await;
    let client = document.client(server.url());
    let consent = client
        .browser
        .get(&client.authorize_url(&pkce().1, "s"))
        .await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    assert!(consent.body.contains("Metadata Document Client"));
    let (access, _) = client.tokens(&[("api_key", "sk-cimd")]).await;
    let mcp = connect_with_token(server.url(), &access).await;
    assert!(first_text(&generate(&mcp, "x").await).starts_with("auth=Bearer sk-cimd"));

    // A document whose client_id is not its own URL is refused.
    let liar = MetadataDocument::serve(
        REDIRECT_URI,
        Some("https://someone-else.example/client.json"),
        None,
    )
    .await;
    let page = liar
        .client(server.url())
        .browser
        .get(&liar.client(server.url()).authorize_url(&pkce().1, "s"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("does not equal its URL"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn outside_test_mode_private_and_http_metadata_documents_are_refused() {
    let server = CredServer::start().await;
    let document = MetadataDocument::serve(REDIRECT_URI, None, None).await;
    let mut client = document.client(server.url());
    client.client_id = document.url.replace("http://", "https://");
    let page = client
        .browser
        .get(&client.authorize_url(&pkce().1, "s"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("private address"), "{}", page.body);
    assert!(
        !page
            .body
            .replace(&client.client_id, "")
            .contains("127.0.0.1"),
        "the refusal does not say where the host points: {}",
        page.body
    );
    // Plain http client IDs are not metadata documents at all: unknown client.
    let client = document.client(server.url());
    let page = client
        .browser
        .get(&client.authorize_url(&pkce().1, "s"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("unknown client"), "{}", page.body);
}

#[tokio::test]
async fn an_expired_authorization_request_cannot_complete() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let form = client.consent(&pkce().1, "s").await;
    // Age the pending request past its lifetime in the database file.
    let db = server.data_dir.path().join("gumstack.db");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE pending SET expires_at = 0")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let page = client.submit(&form, &[("api_key", "sk-late")]).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("This request has expired"),
        "{}",
        page.body
    );
}
