//! `auth = oauth` end to end: the `oauth2` example against gumstack's mock OAuth
//! provider (feature `testing`), driven by a scripted browser and rmcp's client.

use std::time::Duration;

use gumstack::testing::RefreshFailure;
use gumstack_tests::{
    Client, OAuthServer, first_text,
    oauth::{OAuthClient, connect_with_token, pkce},
    until_tokens_expire,
};
use reqwest::StatusCode;
use rmcp::model::{CallToolRequestParams, CallToolResult};

/// Each test's own server: the `oauth2` example on a mock provider.
async fn setup() -> OAuthServer {
    OAuthServer::start(&[]).await
}

async fn whoami(client: &Client) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .expect("answered")
}

fn login_of(result: &CallToolResult) -> String {
    let value = result.structured_content.as_ref().expect("structured");
    value["result"]["login"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_whole_flow_connects_the_account_and_tools_get_its_token() {
    let s = setup().await;
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    assert_eq!(s.provider.codes_exchanged(), 1);
    let mcp = connect_with_token(&s.server.url, &access).await;
    let result = whoami(&mcp).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(login_of(&result), "ada");
    let value = result.structured_content.unwrap();
    assert_eq!(
        value["result"]["nickname"], "ada@example.com",
        "the nickname came from userinfo"
    );
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_and_100_racing_calls_cause_one_refresh() {
    let s = setup().await;
    // A token that has expired by its first use: that use must refresh.
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    until_tokens_expire().await;
    s.provider.set_token_lifetime(Duration::from_secs(3600));
    s.provider.set_refresh_delay(Duration::from_millis(300));
    let mcp = connect_with_token(&s.server.url, &access).await;

    let calls = (0..100).map(|_| whoami(&mcp));
    let results = futures::future::join_all(calls).await;
    for result in &results {
        assert_eq!(result.is_error, Some(false), "{result:?}");
        assert_eq!(login_of(result), "ada");
    }
    assert_eq!(
        s.provider.refresh_requests(),
        1,
        "single-flight: one refresh for 100 calls"
    );
    assert_eq!(s.provider.refreshes(), 1);

    // The refreshed token is stored and reused: no further refresh.
    assert_eq!(whoami(&mcp).await.is_error, Some(false));
    assert_eq!(s.provider.refresh_requests(), 1);
}

#[tokio::test]
async fn transient_refresh_failures_are_retried_and_invalid_grant_disconnects() {
    let s = setup().await;
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    let mcp = connect_with_token(&s.server.url, &access).await;
    until_tokens_expire().await;

    // Two 503s, then success: retried with backoff, the call succeeds.
    s.provider
        .fail_next_refreshes(&[RefreshFailure::Unavailable, RefreshFailure::Unavailable]);
    let result = whoami(&mcp).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(s.provider.refresh_requests(), 3);

    // invalid_grant (the user revoked the app at the provider): not retried; the
    // call answers with a reconnect link, and the next HTTP request gets 401.
    until_tokens_expire().await;
    s.provider
        .fail_next_refreshes(&[RefreshFailure::InvalidGrant]);
    let before = s.provider.refresh_requests();
    let result = whoami(&mcp).await;
    assert_eq!(result.is_error, Some(true));
    let text = first_text(&result);
    assert!(text.contains("/auth/reconnect?id="), "{text}");
    assert_eq!(
        s.provider.refresh_requests(),
        before + 1,
        "invalid_grant is not retried"
    );
    assert_eq!(
        gumstack_tests::mcp_status(&s.server.url, &access).await,
        StatusCode::UNAUTHORIZED
    );
}

/// A client that supports URL-mode elicitation and records the URLs it is sent.
#[derive(Clone, Default)]
struct UrlClient {
    urls: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl rmcp::ClientHandler for UrlClient {
    fn get_info(&self) -> rmcp::model::ClientConfig {
        let capabilities = rmcp::model::ClientCapabilities::builder()
            .enable_elicitation_with(
                rmcp::model::ElicitationCapability::new()
                    .with_url(rmcp::model::UrlElicitationCapability::new()),
            )
            .build();
        rmcp::model::ClientConfig::new(
            capabilities,
            rmcp::model::Implementation::new("url-client", "1"),
        )
    }

    async fn create_elicitation(
        &self,
        request: rmcp::model::ElicitRequestParams,
        _context: rmcp::service::RequestContext<rmcp::RoleClient>,
    ) -> Result<rmcp::model::ElicitResult, rmcp::ErrorData> {
        if let rmcp::model::ElicitRequestParams::UrlElicitationParams { url, .. } = request {
            self.urls.lock().unwrap().push(url);
        }
        Ok(rmcp::model::ElicitResult::new(
            rmcp::model::ElicitationAction::Accept,
        ))
    }
}

#[tokio::test]
async fn a_refused_grant_is_reconnected_through_url_elicitation_and_the_client_keeps_going() {
    use rmcp::{
        ServiceExt,
        transport::{
            StreamableHttpClientTransport,
            streamable_http_client::StreamableHttpClientTransportConfig,
        },
    };
    let s = setup().await;
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, refresh) = client.oauth_tokens("ada").await;
    until_tokens_expire().await;
    let handler = UrlClient::default();
    let config = StreamableHttpClientTransportConfig::with_uri(s.server.url.clone())
        .auth_header(access.clone());
    let mcp = handler
        .clone()
        .serve(StreamableHttpClientTransport::from_config(config))
        .await
        .unwrap();

    s.provider
        .fail_next_refreshes(&[RefreshFailure::InvalidGrant]);
    let result = mcp
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let link = handler
        .urls
        .lock()
        .unwrap()
        .first()
        .cloned()
        .expect("the client was sent the reconnect URL");
    assert!(first_text(&result).contains(&link));

    // The person opens the link and signs in again, as the same account.
    let done = client.reconnect_as(&link, "ada").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Reconnected"), "{}", done.body);
    // The link is single-use.
    assert_eq!(
        client.browser.get(&link).await.status,
        StatusCode::BAD_REQUEST
    );

    // The client's 401 leads it to refresh; the same grant works again.
    s.provider.set_token_lifetime(Duration::from_secs(3600));
    let (status, body, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = connect_with_token(&s.server.url, body["access_token"].as_str().unwrap()).await;
    let result = whoami(&again).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(login_of(&result), "ada");
}

/// Under 2026-07-28 there is no session to send the link on: the call ends
/// with it as URL-mode input (`InputRequiredResult`), for a client that
/// declared URL elicitation.
#[tokio::test]
async fn under_2026_07_28_the_reconnect_link_comes_as_url_mode_input() {
    use rmcp::{
        model::{CallToolResponse, ElicitRequestParams, InputRequest, ProtocolVersion},
        service::{ClientLifecycleMode, ClientServiceExt},
        transport::{
            StreamableHttpClientTransport,
            streamable_http_client::StreamableHttpClientTransportConfig,
        },
    };
    let s = setup().await;
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    until_tokens_expire().await;
    let config = StreamableHttpClientTransportConfig::with_uri(s.server.url.clone())
        .auth_header(access.clone());
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    let mcp = UrlClient::default()
        .serve_with_lifecycle(
            StreamableHttpClientTransport::from_config(config),
            lifecycle,
        )
        .await
        .unwrap();

    s.provider
        .fail_next_refreshes(&[RefreshFailure::InvalidGrant]);
    let once = mcp
        .peer()
        .call_tool_once(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    let CallToolResponse::InputRequired(input) = once else {
        panic!("expected input_required, got {once:?}");
    };
    let requests = input.input_requests.expect("input requests");
    let [InputRequest::Elicitation(request)] = requests.values().collect::<Vec<_>>()[..] else {
        panic!("expected one elicitation: {requests:?}");
    };
    let ElicitRequestParams::UrlElicitationParams { url, .. } = &request.params else {
        panic!("expected URL mode: {request:?}");
    };
    assert!(url.contains("/auth/reconnect?id="), "{url}");
    let done = client.reconnect_as(url, "ada").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Reconnected"), "{}", done.body);
}

#[tokio::test]
async fn a_lost_refresh_answer_leaves_a_usable_grant() {
    let s = setup().await;
    s.provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    let mcp = connect_with_token(&s.server.url, &access).await;
    until_tokens_expire().await;
    // The provider rotates the refresh token, then the answer never arrives: the
    // same state as a crash between the provider's refresh and our write. Retried
    // with the token we still hold, it works within the provider's reuse window.
    s.provider
        .fail_next_refreshes(&[RefreshFailure::LoseAnswer]);
    let result = whoami(&mcp).await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(login_of(&result), "ada");
    assert_eq!(s.provider.refresh_requests(), 2);
}

#[tokio::test]
async fn two_users_each_get_their_own_account() {
    let s = setup().await;
    let alice_client = OAuthClient::register(&s.server.url).await;
    let bob_client = OAuthClient::register(&s.server.url).await;
    let (alice, _) = alice_client.oauth_tokens("alice").await;
    let (bob, _) = bob_client.oauth_tokens("bob").await;
    let alice = connect_with_token(&s.server.url, &alice).await;
    let bob = connect_with_token(&s.server.url, &bob).await;
    let calls = (0..20).map(|i| {
        let (client, expected) = if i % 2 == 0 {
            (&alice, "alice")
        } else {
            (&bob, "bob")
        };
        async move { assert_eq!(login_of(&whoami(client).await), expected) }
    });
    futures::future::join_all(calls).await;
}

#[tokio::test]
async fn forged_replayed_and_denied_callbacks_are_refused_and_store_nothing() {
    let s = setup().await;
    let client = OAuthClient::register(&s.server.url).await;
    let base = client.base.clone();

    // Forged state.
    let page = client
        .browser
        .get(&format!("{base}/auth/callback?code=x&state=forged"))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("not valid"), "{}", page.body);

    // A real callback, then the same callback again (replay).
    let (_, challenge) = pkce();
    let to_provider = client.approve(&challenge, "s").await;
    let back = client.browser.get(&to_provider.location.unwrap()).await;
    let callback = back.location.unwrap();
    // From another browser (no state cookie): refused, and the request is used up.
    let stranger = gumstack_tests::oauth::Browser::default()
        .get(&callback)
        .await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    let replay = client.browser.get(&callback).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "single use");
    assert_eq!(s.provider.codes_exchanged(), 0, "nothing was exchanged");

    // The user denies access at the provider: a clear page, nothing stored.
    let to_provider = client.approve(&challenge, "s").await;
    let back = client
        .browser
        .get(&format!("{}&mock_deny=1", to_provider.location.unwrap()))
        .await;
    let page = client.browser.get(&back.location.unwrap()).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("You did not allow access"),
        "{}",
        page.body
    );
    assert_eq!(s.provider.codes_exchanged(), 0);
}

#[tokio::test]
async fn a_provider_that_is_down_shows_a_clear_page() {
    let s = setup().await;
    let client = OAuthClient::register(&s.server.url).await;
    let (_, challenge) = pkce();
    let to_provider = client.approve(&challenge, "s").await;
    let back = client.browser.get(&to_provider.location.unwrap()).await;
    let callback = back.location.unwrap();
    drop(s.provider); // the token endpoint is gone
    tokio::time::sleep(Duration::from_millis(100)).await;
    let page = client.browser.get(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_GATEWAY, "{}", page.body);
    assert!(page.body.contains("Nothing was saved"), "{}", page.body);
}

#[tokio::test]
async fn the_accounts_page_lists_and_disconnects_this_browsers_connections() {
    let s = setup().await;
    let client = OAuthClient::register(&s.server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    let accounts = format!("{}/accounts", client.base);

    let page = client.browser.get(&accounts).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ada@example.com"), "{}", page.body);
    assert!(page.body.contains("Test Client"), "{}", page.body);
    assert!(page.body.contains("Connected "), "{}", page.body);

    // Another browser sees nothing, and cannot disconnect this grant.
    let stranger = gumstack_tests::oauth::Browser::default();
    let other = stranger.get(&accounts).await;
    assert!(other.body.contains("no connections"), "{}", other.body);
    let refused = stranger
        .post(
            &format!("{accounts}/disconnect"),
            &[
                ("grant", &page.input("grant").unwrap()),
                ("csrf", &other.input("csrf").unwrap_or_default()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let done = client
        .browser
        .post(
            &format!("{accounts}/disconnect"),
            &[
                ("grant", &page.input("grant").unwrap()),
                ("csrf", &page.input("csrf").unwrap()),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(s.provider.revocations(), 1, "revoked at the provider");
    assert_eq!(
        gumstack_tests::mcp_status(&s.server.url, &access).await,
        StatusCode::UNAUTHORIZED
    );
    let page = client.browser.get(&accounts).await;
    assert!(page.body.contains("no connections"), "{}", page.body);
}
