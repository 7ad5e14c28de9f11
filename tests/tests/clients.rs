//! The MCP clients people use, as they register: each registers the metadata it
//! sends (dynamic registration) or publishes (a client ID metadata document),
//! asks to be sent back where it listens, reaches the consent page, and goes
//! on to a working token. The bodies are from each client's source or
//! documentation, or captures where it publishes none (README, "Known
//! clients"). A document is served on loopback with its `client_id` set to
//! its URL there, the rest as published.

use gumstack_tests::{
    CredServer, MetadataDocument,
    oauth::{OAuthClient, Page, connect_with_token, pkce},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// How a client says who it is.
enum Registration {
    /// `POST /register` with this body.
    Dynamic(Value),
    /// A metadata document with this body.
    Document(Value),
}

/// What the consent page must say about where the user goes back.
enum Destination {
    Web(&'static str),
    ThisComputer(&'static str),
    App(&'static str),
}

struct KnownClient {
    registration: Registration,
    /// The redirect URI the client asks for at `/authorize`.
    redirect_uri: &'static str,
    /// The name the consent page shows.
    name: &'static str,
    destination: Destination,
}

/// Register `client` with a cred server, open its consent page, check what
/// it says, approve, enter credentials, redeem the code and call `/mcp`.
async fn connects(client: KnownClient) {
    let server = CredServer::start_with(&[("GUMSTACK_TEST_MODE", "1")]).await;
    // Kept alive while the server fetches it.
    let mut document = None;
    let oauth = match &client.registration {
        Registration::Dynamic(body) => {
            OAuthClient::register_with(server.url(), body, client.redirect_uri).await
        }
        Registration::Document(body) => {
            let served = MetadataDocument::serve_document(body.clone(), None, None).await;
            let oauth = OAuthClient::with_document(server.url(), &served.url, client.redirect_uri);
            document = Some(served);
            oauth
        }
    };
    let (verifier, challenge) = pkce();
    let consent = oauth
        .browser
        .get(&oauth.authorize_url(&challenge, "st"))
        .await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    check_consent(&consent, &client, document.as_ref());

    let form = oauth.decide(&consent, "approve").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let done = oauth.submit(&form, &[("api_key", "sk-ok")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let location = done.location.clone().unwrap();
    assert!(
        location.starts_with(&format!("{}?", client.redirect_uri)),
        "sent back to where it asked: {location}"
    );
    let code = done.redirect_param("code").expect("a code");
    let (status, tokens, _) = oauth.exchange(&code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let mcp = connect_with_token(server.url(), access).await;
    let tools = mcp.list_all_tools().await.expect("tools/list");
    assert!(!tools.is_empty());
}

fn check_consent(page: &Page, client: &KnownClient, document: Option<&MetadataDocument>) {
    let body = &page.body;
    assert!(
        body.contains(&format!("Allow “{}”", client.name)),
        "named: {body}"
    );
    let (says, warns) = match client.destination {
        Destination::Web(host) => (format!("sent back to <strong>{host}</strong>"), false),
        Destination::ThisComputer(address) => (
            format!("an application on this computer (<strong>{address}</strong>)"),
            false,
        ),
        Destination::App(scheme) => (format!("opens <strong>{scheme}:</strong> links"), true),
    };
    assert!(body.contains(&says), "{says}: {body}");
    assert_eq!(
        body.contains("Any installed application can claim"),
        warns,
        "a custom scheme is warned of, nothing else: {body}"
    );
    if let Some(document) = document {
        let host = url::Url::parse(&document.url).unwrap();
        let host = format!("{}:{}", host.host_str().unwrap(), host.port().unwrap());
        assert!(
            body.contains(&format!("published by <strong>{host}</strong>")),
            "the document's host: {body}"
        );
    } else {
        assert!(!body.contains("published by"), "{body}");
    }
}

#[tokio::test]
async fn claude_web_and_desktop_by_registration() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "client_name": "claudeai",
            "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "scope": "claudeai"
        })),
        redirect_uri: "https://claude.ai/api/mcp/auth_callback",
        name: "claudeai",
        destination: Destination::Web("claude.ai"),
    })
    .await;
}

#[tokio::test]
async fn claude_web_and_desktop_by_metadata_document() {
    connects(KnownClient {
        registration: Registration::Document(json!({
            "client_name": "Claude",
            "client_uri": "https://claude.ai",
            "redirect_uris": ["https://claude.ai/api/mcp/auth_callback"],
            "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none"
        })),
        redirect_uri: "https://claude.ai/api/mcp/auth_callback",
        name: "Claude",
        destination: Destination::Web("claude.ai"),
    })
    .await;
}

/// Claude Code's document lists loopback redirects without a port and
/// listens on an ephemeral one (OAuth 2.1 8.4.2).
#[tokio::test]
async fn claude_code_by_metadata_document_on_an_ephemeral_port() {
    connects(KnownClient {
        registration: Registration::Document(json!({
            "client_name": "Claude Code",
            "client_uri": "https://claude.ai",
            "redirect_uris": ["http://localhost/callback", "http://127.0.0.1/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none"
        })),
        redirect_uri: "http://localhost:54321/callback",
        name: "Claude Code",
        destination: Destination::ThisComputer("localhost:54321"),
    })
    .await;
}

#[tokio::test]
async fn claude_code_by_registration() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "client_name": "Claude Code (my-server)",
            "redirect_uris": ["http://localhost:54321/callback"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none"
        })),
        redirect_uri: "http://localhost:54321/callback",
        name: "Claude Code (my-server)",
        destination: Destination::ThisComputer("localhost:54321"),
    })
    .await;
}

/// ChatGPT's document lists the methods it supports
/// (`token_endpoint_auth_methods_supported`) instead of the one it uses.
#[tokio::test]
async fn chatgpt_by_metadata_document() {
    connects(KnownClient {
        registration: Registration::Document(json!({
            "client_uri": "https://chatgpt.com/",
            "redirect_uris": ["https://chatgpt.com/connector_platform_oauth_redirect"],
            "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": "ChatGPT",
            "logo_uri": "https://persistent.oaistatic.com/sonic/misc/openai-logo.png",
            "token_endpoint_auth_signing_alg": "RS256",
            "jwks_uri": "https://chatgpt.com/oauth/jwks.json"
        })),
        redirect_uri: "https://chatgpt.com/connector_platform_oauth_redirect",
        name: "ChatGPT",
        destination: Destination::Web("chatgpt.com"),
    })
    .await;
}

#[tokio::test]
async fn chatgpt_by_registration() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "client_name": "ChatGPT",
            "redirect_uris": ["https://chatgpt.com/connector_platform_oauth_redirect"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none"
        })),
        redirect_uri: "https://chatgpt.com/connector_platform_oauth_redirect",
        name: "ChatGPT",
        destination: Destination::Web("chatgpt.com"),
    })
    .await;
}

fn cursor() -> Value {
    json!({
        "client_name": "Cursor",
        "redirect_uris": [
            "cursor://anysphere.cursor-mcp/oauth/callback",
            "https://www.cursor.com/agents/mcp/oauth/callback",
            "http://localhost:8787/callback"
        ],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "none"
    })
}

/// Cursor's editor is called back at its own scheme: the consent page warns
/// that any app can claim one.
#[tokio::test]
async fn cursor_at_its_own_scheme() {
    connects(KnownClient {
        registration: Registration::Dynamic(cursor()),
        redirect_uri: "cursor://anysphere.cursor-mcp/oauth/callback",
        name: "Cursor",
        destination: Destination::App("cursor"),
    })
    .await;
}

#[tokio::test]
async fn cursor_on_its_fixed_loopback_port() {
    connects(KnownClient {
        registration: Registration::Dynamic(cursor()),
        redirect_uri: "http://localhost:8787/callback",
        name: "Cursor",
        destination: Destination::ThisComputer("localhost:8787"),
    })
    .await;
}

/// VS Code prefers port 33418 and falls back to a random one when it is
/// taken: the portless `http://127.0.0.1/` it registers covers that.
#[tokio::test]
async fn vscode_by_registration_on_a_fallback_port() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "client_name": "Visual Studio Code",
            "client_uri": "https://code.visualstudio.com",
            "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
            "response_types": ["code"],
            "redirect_uris": [
                "https://insiders.vscode.dev/redirect",
                "https://vscode.dev/redirect",
                "http://127.0.0.1/",
                "http://127.0.0.1:33418/"
            ],
            "scope": "mcp",
            "token_endpoint_auth_method": "none",
            "application_type": "native"
        })),
        redirect_uri: "http://127.0.0.1:49517/",
        name: "Visual Studio Code",
        destination: Destination::ThisComputer("127.0.0.1:49517"),
    })
    .await;
}

#[tokio::test]
async fn vscode_by_metadata_document() {
    connects(KnownClient {
        registration: Registration::Document(json!({
            "client_name": "Visual Studio Code",
            "client_uri": "https://vscode.dev/product",
            "logo_uri": "https://code.visualstudio.com/assets/branding/code-stable.png",
            "grant_types": ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            "application_type": "native",
            "redirect_uris": ["http://127.0.0.1:33418/", "https://vscode.dev/redirect"]
        })),
        redirect_uri: "https://vscode.dev/redirect",
        name: "Visual Studio Code",
        destination: Destination::Web("vscode.dev"),
    })
    .await;
}

/// The Inspector sends an empty `scope` when the server advertises none it
/// knows of.
#[tokio::test]
async fn mcp_inspector() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "redirect_uris": ["http://localhost:6274/oauth/callback"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": "MCP Inspector",
            "client_uri": "https://github.com/modelcontextprotocol/inspector",
            "scope": "",
            "application_type": "native"
        })),
        redirect_uri: "http://localhost:6274/oauth/callback",
        name: "MCP Inspector",
        destination: Destination::ThisComputer("localhost:6274"),
    })
    .await;
}

/// mcp-remote asks for OpenID scopes this server does not define: it gets
/// `mcp`, and the token response says so.
#[tokio::test]
async fn mcp_remote_by_registration() {
    connects(KnownClient {
        registration: Registration::Dynamic(json!({
            "redirect_uris": ["http://localhost:14562/oauth/callback"],
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "client_name": "MCP CLI Proxy",
            "client_uri": "https://github.com/modelcontextprotocol/mcp-cli",
            "software_id": "2e6dc280-f3c3-4e01-99a7-8181dbd1d23d",
            "software_version": "0.1.38",
            "scope": "openid email profile"
        })),
        redirect_uri: "http://localhost:14562/oauth/callback",
        name: "MCP CLI Proxy",
        destination: Destination::ThisComputer("localhost:14562"),
    })
    .await;
}

/// What no client may register, with the reason the error names.
#[tokio::test]
async fn redirects_that_run_code_or_read_files_are_refused_at_registration() {
    let server = CredServer::start().await;
    let base = server.url().trim_end_matches("/mcp").to_owned();
    let http = reqwest::Client::new();
    for (uri, says) in [
        (
            "javascript:alert(document.cookie)",
            "is never a redirect URI",
        ),
        (
            "data:text/html,<script>1</script>",
            "is never a redirect URI",
        ),
        ("file:///etc/passwd", "is never a redirect URI"),
        ("vbscript:msgbox", "is never a redirect URI"),
        ("myapp://callback", "reverse-domain form"),
        ("http://app.example/cb", "not this machine"),
    ] {
        let response = http
            .post(format!("{base}/register"))
            .json(&json!({"client_name": "X", "redirect_uris": [uri]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{uri}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_redirect_uri", "{uri}");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.contains(says), "{uri}: {description}");
    }
}
