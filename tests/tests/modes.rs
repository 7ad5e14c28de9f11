//! The `cred` and `oauth` examples before the authorization server exists:
//! `creds()` reads `LOCAL_*` development variables, and otherwise says the user
//! is not connected.

use gumstack_tests::{args, connect_stdio, first_text, stub_openai};
use rmcp::model::CallToolRequestParams;
use serde_json::json;

#[tokio::test]
async fn cred_tool_without_credentials_says_not_connected() {
    let client = connect_stdio("openai", &[]).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("generate").with_arguments(args(json!({"prompt": "hi"}))),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = first_text(&result);
    assert!(text.starts_with("not connected"), "{text}");
    assert!(text.contains("LOCAL_API_KEY"), "{text}");
}

#[tokio::test]
async fn cred_tool_uses_development_credentials() {
    let upstream = stub_openai().await;
    let base = format!("http://{upstream}/v1");
    let client = connect_stdio(
        "openai",
        &[
            ("LOCAL_API_KEY", "sk-dev"),
            ("LOCAL_ORGANIZATION", "org-1"),
            ("OPENAI_BASE_URL", &base),
        ],
    )
    .await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("generate")
                .with_arguments(args(json!({"prompt": "hello", "model": "m1"}))),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(
        first_text(&result),
        "auth=Bearer sk-dev org=org-1 model=m1 prompt=hello"
    );
}

#[tokio::test]
async fn oauth_server_without_provider_settings_stops_start_up_naming_them() {
    let stderr = gumstack_tests::start_up_error("linear", &[], &["serve", "--stdio"]).await;
    assert!(stderr.contains("LINEAR_CLIENT_ID is not set"), "{stderr}");
}

#[tokio::test]
async fn oauth_tool_before_login_says_how_to_connect() {
    let client = connect_stdio(
        "linear",
        &[
            ("LINEAR_CLIENT_ID", "id"),
            ("LINEAR_CLIENT_SECRET", "secret"),
        ],
    )
    .await;
    let result = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = first_text(&result);
    assert!(text.starts_with("not connected"), "{text}");
    assert!(text.contains("Run `linear login`"), "{text}");
}

#[tokio::test]
async fn oauth_tool_uses_development_token() {
    let client = connect_stdio(
        "linear",
        &[
            ("LOCAL_ACCESS_TOKEN", "lin-dev"),
            ("LOCAL_NICKNAME", "ada@example.com"),
        ],
    )
    .await;
    let result = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false));
    assert_eq!(
        first_text(&result),
        "Connected to Linear as ada@example.com."
    );
}
