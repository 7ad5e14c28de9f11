//! Scopes per tool and step-up authorization, on the `notes` example (its
//! provider's scopes are a type: `read`, and `write` which covers `read`)
//! against the mock provider, which grants what it is asked for. Every
//! connection gets `read` (the server's minimum); `add_note` needs `write`: a
//! token without it is answered 403 `insufficient_scope` before the tool
//! runs, the client authorizes again with the scopes the challenge names, and
//! the same account's grant is kept.

use gumstack_tests::{
    OAuthServer,
    oauth::{OAuthClient, Page, pkce},
    rows,
    step_up::{self, call, link_in, text, token},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn notes() -> OAuthServer {
    // The provider is asked for `read` on every connection; `write` only on a step-up.
    OAuthServer::start_example("notes", &[("OAUTH_SCOPES", "read")]).await
}

/// `key="value"` of a `WWW-Authenticate` challenge.
fn param(challenge: &str, key: &str) -> Option<String> {
    let start = challenge.find(&format!("{key}=\""))? + key.len() + 2;
    let len = challenge[start..].find('"')?;
    Some(challenge[start..start + len].to_owned())
}

/// Authorize `client` for `scope` as the mock account `user`: the consent
/// page, then `decide` it (the form's fields; `None` to deny), then the
/// provider. Returns the consent page and the callback's answer.
async fn authorize(
    client: &OAuthClient,
    challenge: &str,
    scope: &str,
    user: &str,
    decide: impl FnOnce(&Page) -> Option<Vec<(String, String)>>,
) -> (Page, Option<Page>) {
    let consent = step_up::consent(client, challenge, scope).await;
    let Some(extra) = decide(&consent) else {
        return (consent, None);
    };
    let pending = consent.input("pending").unwrap();
    let csrf = consent.input("csrf").unwrap();
    let mut form: Vec<(&str, &str)> = vec![
        ("pending", &pending),
        ("csrf", &csrf),
        ("decision", "approve"),
    ];
    form.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let to_provider = client
        .browser
        .post(&format!("{}/authorize", client.base), &form)
        .await;
    assert_eq!(
        to_provider.status,
        StatusCode::SEE_OTHER,
        "{}",
        to_provider.body
    );
    let location = to_provider.location.expect("to the provider");
    let back = client
        .browser
        .get(&format!("{location}&mock_user={user}"))
        .await;
    let done = client
        .browser
        .get(&back.location.expect("back from the provider"))
        .await;
    (consent, Some(done))
}

/// What the provider was asked for: `scope` of its authorization URL.
fn asked_of_provider(page: &Page) -> Option<String> {
    let url = url::Url::parse(page.location.as_deref()?).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "scope")
        .map(|(_, v)| v.into_owned())
}

/// Tick every optional scope the consent page shows (as a browser sends a
/// form with its checkboxes left checked).
fn ticked(page: &Page) -> Vec<(String, String)> {
    page.body
        .match_indices("name=\"scope:")
        .map(|(at, _)| {
            let rest = &page.body[at + 6..];
            let name = &rest[..rest.find('"').unwrap()];
            (name.to_owned(), "on".to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_tool_beyond_the_grant_is_refused_with_a_step_up_that_keeps_the_grant() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let base = url.trim_end_matches("/mcp");

    // The metadata names every scope a client may be granted.
    let metadata: Value = reqwest::get(format!("{base}/.well-known/oauth-protected-resource/mcp"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        metadata["scopes_supported"],
        json!(["mcp", "read", "write"])
    );

    // A first connection asks for nothing in particular: it gets the minimum.
    let client = OAuthClient::register(url).await;
    let (verifier, challenge) = pkce();
    let (consent, done) = authorize(&client, &challenge, "mcp", "alice", |page| {
        Some(ticked(page))
    })
    .await;
    assert!(
        consent.body.contains("Read your notes."),
        "{}",
        consent.body
    );
    assert!(
        !consent.body.contains("type=\"checkbox\""),
        "the minimum cannot be unticked"
    );
    let (first, scope) = token(&client, &done.unwrap(), &verifier).await;
    assert_eq!(scope, "mcp read");
    assert_eq!(
        text(&call(url, &first, "list_notes", json!({})).await),
        r#"{"result":[]}"#
    );

    // `add_note` needs `write`: refused before it runs, naming what to ask for.
    let refused = call(url, &first, "add_note", json!({"text": "one"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let challenge_header = refused.challenge.expect("WWW-Authenticate");
    assert_eq!(
        param(&challenge_header, "error").as_deref(),
        Some("insufficient_scope")
    );
    assert_eq!(
        param(&challenge_header, "scope").as_deref(),
        Some("mcp read write")
    );
    assert_eq!(
        param(&challenge_header, "resource_metadata"),
        Some(format!("{base}/.well-known/oauth-protected-resource/mcp"))
    );
    assert_eq!(refused.body["error"], "insufficient_scope");

    // The step-up: consent shows `write` as optional (ticked), the provider is
    // asked for the union, and the new token holds it.
    let (verifier, challenge) = pkce();
    let (consent, done) = authorize(&client, &challenge, "mcp read write", "alice", |page| {
        Some(ticked(page))
    })
    .await;
    assert!(
        consent.body.contains("name=\"scope:write\""),
        "write may be unticked: {}",
        consent.body
    );
    let done = done.unwrap();
    let (second, scope) = token(&client, &done, &verifier).await;
    assert_eq!(scope, "mcp read write");
    assert_eq!(
        text(&call(url, &second, "add_note", json!({"text": "one"})).await),
        "alice@example.com has 1 notes"
    );

    // The same grant: one connection, and the first token goes on working
    // (for what it was granted).
    assert_eq!(rows(s.dir.path(), "grants").await, 1);
    assert_eq!(
        text(&call(url, &first, "list_notes", json!({})).await),
        r#"{"result":["one"]}"#
    );
    // Refused a second time, the first token gets a link instead (see below).
    let again = call(url, &first, "add_note", json!({"text": "x"})).await;
    assert!(link_in(&again).contains("/auth/reconnect?id="));
    // The audit log has that call as refused (the 403 before it never
    // reached the tool); it is written in the background, so wait a little.
    let pool = gumstack_tests::store_file(s.dir.path()).await;
    let mut refused = 0;
    for _ in 0..50 {
        (refused,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit WHERE name = 'add_note' AND outcome = 'refused'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if refused > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(refused, 1, "the step-up answer is audited as refused");
}

#[tokio::test]
async fn the_provider_is_asked_for_the_union_and_an_unticked_scope_is_not_granted() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let client = OAuthClient::register(url).await;

    // Follow the consent to the provider by hand, to read what it is asked.
    let (_, challenge) = pkce();
    let consent_url = format!(
        "{}&scope=mcp%20write",
        client.authorize_url(&challenge, "st")
    );
    let consent = client.browser.get(&consent_url).await;
    let approve = |extra: &[(&str, &str)]| {
        let mut form = vec![
            ("pending".to_owned(), consent.input("pending").unwrap()),
            ("csrf".to_owned(), consent.input("csrf").unwrap()),
            ("decision".to_owned(), "approve".to_owned()),
        ];
        form.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        form
    };
    let form = approve(&[("scope:write", "on")]);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let to_provider = client
        .browser
        .post(&format!("{}/authorize", client.base), &form)
        .await;
    assert_eq!(
        asked_of_provider(&to_provider).as_deref(),
        Some("read write")
    );

    // Unticked: neither asked of the provider nor granted.
    let (verifier, challenge) = pkce();
    let (_, done) = authorize(
        &client,
        &challenge,
        "mcp write",
        "bob",
        |_| Some(Vec::new()),
    )
    .await;
    let (token_, scope) = token(&client, &done.unwrap(), &verifier).await;
    assert_eq!(scope, "mcp read");
    assert_eq!(
        call(url, &token_, "add_note", json!({"text": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A ticked box for a scope that was not asked for adds nothing.
    let (verifier, challenge) = pkce();
    let (_, done) = authorize(&client, &challenge, "mcp", "carol", |_| {
        Some(vec![("scope:write".into(), "on".into())])
    })
    .await;
    assert_eq!(
        token(&client, &done.unwrap(), &verifier).await.1,
        "mcp read"
    );
}

#[tokio::test]
async fn a_refused_step_up_leaves_the_grant_as_it_was() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let client = OAuthClient::register(url).await;
    let (verifier, challenge) = pkce();
    let (_, done) = authorize(&client, &challenge, "mcp", "alice", |_| Some(Vec::new())).await;
    let (first, _) = token(&client, &done.unwrap(), &verifier).await;

    // Denied on the consent page.
    let (_, challenge) = pkce();
    let (consent, _) = authorize(&client, &challenge, "mcp write", "alice", |_| None).await;
    let denied = client.decide(&consent, "deny").await;
    assert_eq!(
        denied.redirect_param("error").as_deref(),
        Some("access_denied")
    );

    // Denied at the provider.
    let (_, challenge) = pkce();
    let url_consent = format!(
        "{}&scope=mcp%20write",
        client.authorize_url(&challenge, "st")
    );
    let consent = client.browser.get(&url_consent).await;
    let to_provider = client.decide(&consent, "approve").await;
    let back = client
        .browser
        .get(&format!("{}&mock_deny=1", to_provider.location.unwrap()))
        .await;
    let refused = client.browser.get(&back.location.unwrap()).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);

    // The grant and its token are as they were.
    assert_eq!(rows(s.dir.path(), "grants").await, 1);
    assert_eq!(
        text(&call(url, &first, "list_notes", json!({})).await),
        r#"{"result":[]}"#
    );
    assert_eq!(
        call(url, &first, "add_note", json!({"text": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn another_account_or_client_gets_its_own_grant() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let one = OAuthClient::register_named(url, "One").await;
    let two = OAuthClient::register_named(url, "Two").await;
    for (client, user) in [
        (&one, "alice"),
        (&one, "bob"),
        (&two, "alice"),
        (&one, "alice"),
    ] {
        let (verifier, challenge) = pkce();
        let (_, done) = authorize(client, &challenge, "mcp", user, |_| Some(Vec::new())).await;
        token(client, &done.unwrap(), &verifier).await;
    }
    // alice with One (twice: one grant), bob with One, alice with Two.
    assert_eq!(rows(s.dir.path(), "grants").await, 3);
}

#[tokio::test]
async fn a_session_call_is_refused_the_same_way() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let client = OAuthClient::register(url).await;
    let (verifier, challenge) = pkce();
    let (_, done) = authorize(&client, &challenge, "mcp", "alice", |_| Some(Vec::new())).await;
    let (first, _) = token(&client, &done.unwrap(), &verifier).await;

    // rmcp's client on a 2025-11-25 session: the tool that needs nothing more
    // runs, the other is refused at the HTTP level with the challenge.
    let session = gumstack_tests::oauth::connect_with_token(url, &first).await;
    let listed = session
        .call_tool(rmcp::model::CallToolRequestParams::new("list_notes"))
        .await
        .unwrap();
    assert_eq!(listed.is_error, Some(false));
    let refused = session
        .call_tool(
            rmcp::model::CallToolRequestParams::new("add_note")
                .with_arguments(json!({"text": "x"}).as_object().unwrap().clone()),
        )
        .await
        .expect_err("refused");
    let message = format!("{refused:?}");
    assert!(message.contains("insufficient_scope"), "{message}");
}

/// Walk an authorization URL as the person would (consent with its optional
/// scopes left ticked, the mock provider as `user`): the code and state of
/// the redirect to the client, and its issuer (RFC 9207).
async fn walk(
    browser: &gumstack_tests::oauth::Browser,
    base: &str,
    url: &str,
    user: &str,
) -> (String, String, String) {
    let consent = browser.get(url).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    let pending = consent.input("pending").unwrap();
    let csrf = consent.input("csrf").unwrap();
    let ticked = ticked(&consent);
    let mut form: Vec<(&str, &str)> = vec![
        ("pending", &pending),
        ("csrf", &csrf),
        ("decision", "approve"),
    ];
    form.extend(ticked.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let to_provider = browser.post(&format!("{base}/authorize"), &form).await;
    let back = browser
        .get(&format!(
            "{}&mock_user={user}",
            to_provider.location.expect("to the provider")
        ))
        .await;
    let done = browser.get(&back.location.expect("back")).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    (
        done.redirect_param("code").expect("code"),
        done.redirect_param("state").expect("state"),
        done.redirect_param("iss").expect("iss"),
    )
}

#[tokio::test]
async fn rmcps_client_acts_on_the_challenge_with_its_scope_upgrade() {
    use rmcp::{
        ServiceExt,
        model::CallToolRequestParams,
        transport::{
            StreamableHttpClientTransport,
            auth::{AuthClient, AuthorizationManager},
            streamable_http_client::StreamableHttpClientTransportConfig,
        },
    };
    let s = notes().await;
    let url = s.server.url.as_str();
    let base = url.trim_end_matches("/mcp");
    let browser = gumstack_tests::oauth::Browser::default();

    // rmcp's own OAuth client: discovery, registration, authorization.
    let mut manager = AuthorizationManager::new(url).await.unwrap();
    let resolved = manager.resolve_metadata().await.unwrap();
    manager.set_metadata(resolved.metadata);
    manager
        .register_client("rmcp client", gumstack_tests::oauth::REDIRECT_URI, &["mcp"])
        .await
        .unwrap();
    let first = manager.get_authorization_url(&["mcp"]).await.unwrap();
    let (code, state, iss) = walk(&browser, base, &first, "alice").await;
    manager
        .exchange_code_for_token_with_issuer(&code, &state, Some(&iss))
        .await
        .unwrap();
    let client = AuthClient::new(reqwest::Client::new(), manager);
    let manager = client.auth_manager.clone();

    let connect = || {
        ().serve(StreamableHttpClientTransport::with_client(
            client.clone(),
            StreamableHttpClientTransportConfig::with_uri(url.to_owned()),
        ))
    };
    let session = connect().await.unwrap();
    let add = || {
        CallToolRequestParams::new("add_note")
            .with_arguments(json!({"text": "from rmcp"}).as_object().unwrap().clone())
    };
    let refused = session
        .call_tool(add())
        .await
        .expect_err("refused for want of write");
    let message = format!("{refused:?}");
    assert!(message.contains("insufficient_scope"), "{message}");
    let _ = session.cancel().await;

    // Its scope upgrade: the union of what it holds and what the challenge names.
    let upgrade = manager
        .lock()
        .await
        .request_scope_upgrade("mcp read write")
        .await
        .unwrap();
    let asked = url::Url::parse(&upgrade).unwrap();
    let scope = asked
        .query_pairs()
        .find(|(k, _)| k == "scope")
        .unwrap()
        .1
        .into_owned();
    assert!(scope.split(' ').any(|s| s == "write"), "{scope}");
    let (code, state, iss) = walk(&browser, base, &upgrade, "alice").await;
    manager
        .lock()
        .await
        .exchange_code_for_token_with_issuer(&code, &state, Some(&iss))
        .await
        .unwrap();

    let session = connect().await.unwrap();
    let added = session.call_tool(add()).await.unwrap();
    assert_eq!(added.is_error, Some(false), "{added:?}");
    assert_eq!(
        rows(s.dir.path(), "grants").await,
        1,
        "the step-up kept the grant"
    );
}

/// Open a step-up link in `browser` and continue to the provider as `user`:
/// the page the provider's answer leads to, and what the provider was asked.
async fn follow_link(
    browser: &gumstack_tests::oauth::Browser,
    base: &str,
    link: &str,
    user: &str,
) -> (Page, Option<String>) {
    let page = browser.get(link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<code>write</code>"), "{}", page.body);
    let to_provider = browser
        .post(
            &format!("{base}/auth/reconnect"),
            &[
                ("pending", &page.input("pending").unwrap()),
                ("csrf", &page.input("csrf").unwrap()),
            ],
        )
        .await;
    let asked = asked_of_provider(&to_provider);
    let back = browser
        .get(&format!(
            "{}&mock_user={user}",
            to_provider.location.expect("to the provider")
        ))
        .await;
    (browser.get(&back.location.expect("back")).await, asked)
}

#[tokio::test]
async fn a_client_that_does_not_step_up_gets_a_link_that_widens_its_token() {
    let s = notes().await;
    let url = s.server.url.as_str();
    let base = url.trim_end_matches("/mcp");
    let client = OAuthClient::register(url).await;
    let (verifier, challenge) = pkce();
    let (_, done) = authorize(&client, &challenge, "mcp", "alice", |_| Some(Vec::new())).await;
    let (token_, _) = token(&client, &done.unwrap(), &verifier).await;

    // First the 403; the same token again (it did not act on it): the link.
    let add = || call(url, &token_, "add_note", json!({"text": "via link"}));
    assert_eq!(add().await.status, StatusCode::FORBIDDEN);
    let link = link_in(&add().await);
    assert!(
        link.starts_with(&format!("{base}/auth/reconnect?id=")),
        "{link}"
    );
    // Called again and again: the same link, one pending authorization.
    assert_eq!(link_in(&add().await), link);
    assert_eq!(link_in(&add().await), link);

    // In another browser the link does nothing.
    let stranger = gumstack_tests::oauth::Browser::default();
    let page = stranger.get(&link).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);

    // Signing in as another account at the provider changes nothing.
    let (other, _) = follow_link(&client.browser, base, &link, "bob").await;
    assert_eq!(other.status, StatusCode::FORBIDDEN, "{}", other.body);
    assert_eq!(add().await.status, StatusCode::OK);
    let link = link_in(&add().await);

    // The owner's browser: the provider is asked for the union, and the
    // client's own token may call the tool now.
    let (allowed, asked) = follow_link(&client.browser, base, &link, "alice").await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
    assert!(allowed.body.contains("Allowed"), "{}", allowed.body);
    assert_eq!(asked.as_deref(), Some("read write"));
    assert_eq!(text(&add().await), "alice@example.com has 1 notes");
    assert_eq!(rows(s.dir.path(), "grants").await, 1);

    // The link was single-use.
    assert_eq!(
        client.browser.get(&link).await.status,
        StatusCode::BAD_REQUEST
    );
}
