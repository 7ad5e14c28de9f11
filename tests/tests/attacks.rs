//! The authorization server tried as an attacker would: steps skipped, links
//! sent to someone else, forms posted from another site, errors used as
//! redirects, scopes widened, tokens spent while they must not be. Each test
//! names the attack and shows it refused with nothing stored.

use std::time::Duration;

use gumstack::testing::RefreshFailure;
use gumstack_tests::{
    CredServer, HttpServer, MetadataDocument, OAuthServer, TEST_KEY, first_text,
    oauth::{Browser, OAuthClient, Page, connect_with_token, pkce},
    rows, until_tokens_expire,
};
use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

async fn status(method: reqwest::Method, url: &str) -> StatusCode {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .request(method, url)
        .send()
        .await
        .unwrap()
        .status()
}

fn base_of(mcp_url: &str) -> String {
    mcp_url.trim_end_matches("/mcp").to_owned()
}

/// Open the consent page in `client`'s browser: (page, pending, form token).
async fn consent_page(client: &OAuthClient, state: &str) -> (Page, String, String) {
    let page = client
        .browser
        .get(&client.authorize_url(&pkce().1, state))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let pending = page.input("pending").expect("pending");
    let csrf = page.input("csrf").expect("csrf");
    (page, pending, csrf)
}

// ---- 1. the mode decides which routes exist ----

#[tokio::test]
async fn an_oauth_server_has_no_credentials_form_so_skipping_the_provider_stores_nothing() {
    let s = OAuthServer::start(&[]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let (consent, pending, csrf) = consent_page(&client, "s").await;
    let to_provider = client.decide(&consent, "approve").await;
    assert_eq!(to_provider.status, StatusCode::SEE_OTHER);
    assert!(
        to_provider
            .location
            .as_deref()
            .unwrap()
            .starts_with(&s.provider.url("/authorize"))
    );
    // Instead of following the redirect to the provider, the attacker posts the
    // same values to the credentials form of `cred` servers.
    let bypass = client
        .browser
        .post(
            &format!("{}/authorize/credentials", client.base),
            &[("pending", &pending), ("csrf", &csrf)],
        )
        .await;
    assert!(
        matches!(
            bypass.status,
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
        ),
        "{}",
        bypass.status
    );
    assert!(bypass.location.is_none());
    assert_eq!(rows(s.dir.path(), "grants").await, 0, "no grant");
    assert_eq!(rows(s.dir.path(), "codes").await, 0, "no code");
    assert_eq!(rows(s.dir.path(), "tokens").await, 0, "no token");
}

#[tokio::test]
async fn each_mode_mounts_only_its_own_routes() {
    use reqwest::Method;
    let weather = HttpServer::start("weather", &[("WEATHER_API_KEY", "k")], &[]).await;
    let cred = CredServer::start().await;
    let oauth = OAuthServer::start(&[]).await;
    // (path, method, mounted on none / cred / oauth)
    let table: &[(&str, Method, [bool; 3])] = &[
        (
            "/.well-known/oauth-protected-resource/mcp",
            Method::GET,
            [false, true, true],
        ),
        (
            "/.well-known/oauth-authorization-server",
            Method::GET,
            [false, true, true],
        ),
        ("/register", Method::POST, [false, true, true]),
        ("/authorize", Method::GET, [false, true, true]),
        ("/authorize", Method::POST, [false, true, true]),
        ("/authorize/credentials", Method::POST, [false, true, false]),
        ("/auth/callback", Method::GET, [false, false, true]),
        // `cred`: a step-up link's page (the server's own scopes).
        ("/auth/reconnect", Method::GET, [false, true, true]),
        ("/auth/reconnect", Method::POST, [false, true, true]),
        ("/accounts", Method::GET, [false, true, true]),
        ("/accounts/disconnect", Method::POST, [false, true, true]),
        ("/token", Method::POST, [false, true, true]),
        ("/revoke", Method::POST, [false, true, true]),
    ];
    let bases = [
        base_of(&weather.url),
        base_of(cred.url()),
        base_of(&oauth.server.url),
    ];
    for (path, method, mounted) in table {
        for (i, base) in bases.iter().enumerate() {
            let got = status(method.clone(), &format!("{base}{path}")).await;
            let missing = matches!(got, StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED);
            assert_eq!(
                !missing,
                mounted[i],
                "{method} {path} on the {} server answered {got}",
                ["none", "cred", "oauth"][i]
            );
        }
    }
}

// ---- 2. a reconnect link works only for the grant's owner ----

/// An `oauth` grant of `user`, disconnected by the provider: the reconnect
/// link the tool call answered with, and the client's refresh token.
async fn disconnected_grant(s: &OAuthServer, client: &OAuthClient, user: &str) -> (String, String) {
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let (access, refresh) = client.oauth_tokens(user).await;
    s.provider.set_token_lifetime(Duration::from_secs(3600));
    let mcp = connect_with_token(&s.server.url, &access).await;
    until_tokens_expire().await;
    s.provider
        .fail_next_refreshes(&[RefreshFailure::InvalidGrant]);
    let result = mcp
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = first_text(&result).to_owned();
    let link = text[text.find("http://").expect("a link")..]
        .trim()
        .to_owned();
    (link, refresh)
}

#[tokio::test]
async fn a_reconnect_link_opened_in_another_browser_never_reaches_the_provider() {
    let s = OAuthServer::start(&[]).await;
    let owner = OAuthClient::register(&s.server.url).await;
    let (link, _) = disconnected_grant(&s, &owner, "ada").await;

    // The owner forwards the link; the victim opens it in their own browser.
    let victim = Browser::default();
    let page = victim.get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert!(page.location.is_none(), "no redirect to the provider");
    assert!(page.body.contains("browser they used"), "{}", page.body);
    assert!(page.input("csrf").is_none(), "no form to continue with");
    // Posting the owner's page from the victim's browser is refused too.
    let owners_page = owner.browser.get(&link).await;
    let posted = victim
        .post(
            &format!("{}/auth/reconnect", owner.base),
            &[
                ("pending", &owners_page.input("pending").unwrap()),
                ("csrf", &owners_page.input("csrf").unwrap()),
            ],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(posted.location.is_none());

    // The owner's own browser reconnects the same account.
    let done = owner.reconnect_as(&link, "ada").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Reconnected"), "{}", done.body);
}

#[tokio::test]
async fn a_reconnect_as_another_account_is_refused_and_changes_nothing() {
    let s = OAuthServer::start(&[]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let (link, refresh) = disconnected_grant(&s, &client, "ada").await;
    let done = client.reconnect_as(&link, "mallory").await;
    assert_eq!(done.status, StatusCode::FORBIDDEN, "{}", done.body);
    assert!(done.body.contains("Nothing was changed"), "{}", done.body);
    assert!(
        done.body.contains("belongs to ada@example.com"),
        "{}",
        done.body
    );
    // The grant is still ada's and still disconnected; the client's refresh is
    // refused without spending its token.
    let pool = gumstack_tests::store_file(s.dir.path()).await;
    let (account, disconnected): (Option<String>, i64) =
        sqlx::query_as("SELECT account_id, disconnected FROM grants")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(account.as_deref(), Some("mock-ada"));
    assert_eq!(disconnected, 1);
    let (status, body, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("connected again"),
        "{body}"
    );
    assert!(
        s.provider.revocations() >= 1,
        "mallory's new token was revoked, not kept"
    );
}

#[tokio::test]
async fn a_provider_that_names_no_account_cannot_reconnect_a_grant() {
    // No userinfo URL: every account is called "mock" and has no id, the case
    // where a nickname check let anyone's account in.
    let s = OAuthServer::start(&[("OAUTH_USERINFO_URL", "")]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let (link, _) = disconnected_grant(&s, &client, "ada").await;
    let done = client.reconnect_as(&link, "mallory").await;
    assert_eq!(done.status, StatusCode::FORBIDDEN, "{}", done.body);
    assert!(
        done.body.contains("did not say which account"),
        "{}",
        done.body
    );
}

// ---- 3. cross-site form posts ----

#[tokio::test]
async fn form_posts_from_another_site_are_refused_even_with_a_valid_cookie_and_token() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (_, pending, csrf) = consent_page(&client, "s").await;
    let consent = format!("{}/authorize", client.base);
    let form = [
        ("pending", pending.as_str()),
        ("csrf", csrf.as_str()),
        ("decision", "approve"),
    ];
    for headers in [
        &[("origin", "https://evil.example")][..],
        &[("origin", "null")],
        &[("sec-fetch-site", "cross-site")],
        // A sibling subdomain: the cookie-tossing case.
        &[
            ("sec-fetch-site", "same-site"),
            ("origin", client.base.as_str()),
        ],
    ] {
        let refused = client.browser.post_with(&consent, &form, headers).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(refused.body.contains("another site"), "{}", refused.body);
    }
    // The same post from the page itself goes through.
    let own = client
        .browser
        .post_with(
            &consent,
            &form,
            &[
                ("origin", client.base.as_str()),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let credentials = format!("{}/authorize/credentials", client.base);
    let refused = client
        .browser
        .post_with(
            &credentials,
            &[
                ("pending", &pending),
                ("csrf", &csrf),
                ("api_key", "sk-planted"),
            ],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(rows(server.data_dir.path(), "grants").await, 0);

    // The accounts page's disconnect form.
    let (access, _) = client.tokens(&[("api_key", "sk-ok")]).await;
    let accounts = client
        .browser
        .get(&format!("{}/accounts", client.base))
        .await;
    let refused = client
        .browser
        .post_with(
            &format!("{}/accounts/disconnect", client.base),
            &[
                ("grant", &accounts.input("grant").unwrap()),
                ("csrf", &accounts.input("csrf").unwrap()),
            ],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_ne!(
        gumstack_tests::mcp_status(server.url(), &access).await,
        StatusCode::UNAUTHORIZED,
        "still connected"
    );
}

#[tokio::test]
async fn a_reconnect_form_posted_from_another_site_is_refused() {
    let s = OAuthServer::start(&[]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let (link, _) = disconnected_grant(&s, &client, "ada").await;
    let page = client.browser.get(&link).await;
    let refused = client
        .browser
        .post_with(
            &format!("{}/auth/reconnect", client.base),
            &[
                ("pending", &page.input("pending").unwrap()),
                ("csrf", &page.input("csrf").unwrap()),
            ],
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.location.is_none());
}

#[tokio::test]
async fn over_https_the_cookie_is_host_prefixed_and_secure_and_hsts_is_sent() {
    let public = "https://mcp.example.test";
    let server = CredServer::start_with(&[("GUMSTACK_PUBLIC_URL", public)]).await;
    let base = base_of(server.url());
    let http = reqwest::Client::new();
    let host = "mcp.example.test";
    let registered: Value = http
        .post(format!("{base}/register"))
        .header("host", host)
        .json(&json!({"redirect_uris": ["http://127.0.0.1:9/cb"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let client_id = registered["client_id"].as_str().unwrap();
    let mut url = url::Url::parse(&format!("{base}/authorize")).unwrap();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("redirect_uri", "http://127.0.0.1:9/cb")
        .append_pair("code_challenge", &pkce().1)
        .append_pair("code_challenge_method", "S256")
        .append_pair("resource", &format!("{public}/mcp"));
    let response = http.get(url).header("host", host).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000"
    );
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-gumstack_browser="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
}

// ---- 4. no open redirect on errors ----

#[tokio::test]
async fn invalid_requests_of_a_remote_client_show_a_page_and_only_a_denial_redirects() {
    let server = CredServer::start().await;
    let client = OAuthClient::register_with(
        server.url(),
        &json!({"redirect_uris": ["https://evil.example/cb"], "client_name": "Evil"}),
        "https://evil.example/cb",
    )
    .await;
    let authorize = |edit: &dyn Fn(&str) -> String| edit(&client.authorize_url(&pkce().1, "st"));
    for (what, url) in [
        (
            "response_type",
            authorize(&|u| u.replace("response_type=code", "response_type=token")),
        ),
        (
            "plain PKCE",
            authorize(&|u| u.replace("code_challenge_method=S256", "code_challenge_method=plain")),
        ),
        (
            "no PKCE",
            authorize(&|u| u.replace("code_challenge=", "x=")),
        ),
        (
            "resource",
            authorize(&|u| u.replace("resource=", "resource=https%3A%2F%2Fother.example%2F&x=")),
        ),
        ("scope", authorize(&|u| format!("{u}&scope=%22bad%22"))),
    ] {
        let page = client.browser.get(&url).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            page.body
        );
        assert!(page.location.is_none(), "{what}: never redirected");
        assert!(
            page.body.contains("Nothing was sent back"),
            "{what}: {}",
            page.body
        );
    }
    // The user's own "deny" goes back to the application.
    let consent = client.browser.get(&authorize(&|u| u.to_owned())).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    let denied = client.decide(&consent, "deny").await;
    assert_eq!(denied.status, StatusCode::SEE_OTHER);
    assert!(
        denied
            .location
            .unwrap()
            .starts_with("https://evil.example/cb?error=access_denied")
    );
}

// ---- 6. refresh with short-lived tokens; disconnected refresh tokens kept ----

#[tokio::test]
async fn five_second_tokens_are_refreshed_once_per_expiry_however_many_calls_race() {
    let s = OAuthServer::start(&[]).await;
    s.provider.set_token_lifetime(Duration::from_secs(5));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    let mcp = connect_with_token(&s.server.url, &access).await;
    let round = || async {
        let calls = (0..20).map(|_| mcp.call_tool(CallToolRequestParams::new("whoami")));
        for result in futures::future::join_all(calls).await {
            assert_eq!(result.unwrap().is_error, Some(false));
        }
        s.provider.refresh_requests()
    };
    assert_eq!(round().await, 0, "a fresh 5 s token is used as it is");
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(
        round().await,
        1,
        "one refresh for the first round after expiry"
    );
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(round().await, 2, "and one for the second");
}

#[tokio::test]
async fn a_refresh_while_disconnected_does_not_spend_the_refresh_token() {
    let s = OAuthServer::start(&[]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let (link, refresh) = disconnected_grant(&s, &client, "ada").await;
    // The client's 401 makes it refresh before the user has reconnected.
    let (status, body, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    let done = client.reconnect_as(&link, "ada").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    // Once reconnected, the same refresh token works.
    let (status, body, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mcp = connect_with_token(&s.server.url, body["access_token"].as_str().unwrap()).await;
    let result = mcp
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{result:?}");
}

// ---- 7. the token endpoint and /mcp as the RFCs say ----

#[tokio::test]
async fn a_refresh_cannot_widen_the_scope_and_a_refusal_keeps_the_token() {
    let server = CredServer::start().await;
    let client = OAuthClient::register(server.url()).await;
    let (verifier, challenge) = pkce();
    let code = client.code(&challenge, &[("api_key", "sk-s")]).await;
    let (status, body, _) = client.exchange(&code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["scope"], "mcp", "the granted scope is always said");
    let refresh = body["refresh_token"].as_str().unwrap().to_owned();
    let (status, body, _) = client
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "mcp admin"),
        ])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_scope");
    let (status, body, _) = client
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "mcp"),
        ])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scope"], "mcp");
}

#[tokio::test]
async fn malformed_json_is_a_parse_error_and_ending_a_session_answers_204() {
    let server = HttpServer::start("weather", &[("WEATHER_API_KEY", "k")], &[]).await;
    let http = reqwest::Client::new();
    let post = |body: &'static str| {
        http.post(&server.url)
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let response = post("{\"jsonrpc\": \"2.0\", \"id\": 1,").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32700, "{body}");
    assert_eq!(body["id"], Value::Null);
    let response = post("{\"hello\": 1}").await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], -32600, "{body}");

    let opened = http
        .post(&server.url)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}))
        .send()
        .await
        .unwrap();
    let session = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let ended = http
        .delete(&server.url)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
}

// ---- 8. client metadata documents ----

#[tokio::test]
async fn metadata_documents_are_fetched_directly_never_through_a_proxy() {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    // A "proxy" that counts the connections it gets.
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let proxied = Arc::new(AtomicUsize::new(0));
    let counter = proxied.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = proxy.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    let document = MetadataDocument::serve(gumstack_tests::oauth::REDIRECT_URI, None, None).await;
    let server = CredServer::start_with(&[
        ("GUMSTACK_TEST_MODE", "true"),
        ("HTTP_PROXY", &proxy_url),
        ("HTTPS_PROXY", &proxy_url),
        ("ALL_PROXY", &proxy_url),
        ("http_proxy", &proxy_url),
        ("NO_PROXY", ""),
    ])
    .await;
    let client = document.client(server.url());
    let page = client
        .browser
        .get(&client.authorize_url(&pkce().1, "s"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "the proxy was not used");
    assert_eq!(document.fetches(), 1);
}

// ---- 9. smaller ones ----

#[tokio::test]
async fn the_authorization_routes_check_the_host_as_mcp_does() {
    let server = CredServer::start().await;
    let base = base_of(server.url());
    let http = reqwest::Client::new();
    for path in [
        "/.well-known/oauth-authorization-server",
        "/authorize",
        "/mcp",
    ] {
        let response = http
            .get(format!("{base}{path}"))
            .header("host", "evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn test_mode_refuses_a_public_url_that_is_not_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let stderr = gumstack_tests::start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap()),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            ("GUMSTACK_TEST_MODE", "true"),
            ("GUMSTACK_PUBLIC_URL", "https://mcp.example.com"),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(
        stderr.contains("GUMSTACK_TEST_MODE") && stderr.contains("loopback"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_data_directory_others_can_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let stderr = gumstack_tests::start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap()),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(stderr.contains("chmod 700"), "{stderr}");
    assert!(!dir.path().join("gumstack.db").exists(), "nothing created");
}

#[tokio::test]
async fn the_provider_leg_verifier_is_sealed_at_rest() {
    let s = OAuthServer::start(&[]).await;
    let client = OAuthClient::register(&s.server.url).await;
    let to_provider = client.approve(&pkce().1, "s").await;
    assert_eq!(to_provider.status, StatusCode::SEE_OTHER);
    let pool = gumstack_tests::store_file(s.dir.path()).await;
    let (stored,): (String,) = sqlx::query_as("SELECT upstream_verifier FROM pending")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored.starts_with("v1."), "sealed: {stored}");
    // And the sign-in still completes with it.
    let back = client.browser.get(&to_provider.location.unwrap()).await;
    let done = client.browser.get(&back.location.unwrap()).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}
