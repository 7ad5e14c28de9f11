//! The `cred` and `oauth` examples before the authorization server exists:
//! `creds()` reads `LOCAL_*` development variables, and otherwise says the user
//! is not connected.

use std::net::SocketAddr;

use axum::{Json, Router, http::HeaderMap, routing::post};
use gumstack_tests::{args, connect_stdio, first_text};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

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

/// A stand-in for OpenAI's chat completions endpoint on loopback, echoing what
/// it was sent so the test sees the user's key and organization arrive.
async fn stub_openai() -> SocketAddr {
    async fn complete(headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
        let auth = headers["authorization"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        let org = headers
            .get("openai-organization")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let answer = format!(
            "auth={auth} org={} model={} prompt={}",
            org.unwrap_or_default(),
            body["model"].as_str().unwrap_or_default(),
            body["messages"][0]["content"].as_str().unwrap_or_default()
        );
        Json(json!({"choices": [{"message": {"content": answer}}]}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            Router::new().route("/v1/chat/completions", post(complete)),
        )
        .await
        .unwrap();
    });
    addr
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
async fn oauth_tool_without_token_says_not_connected() {
    let client = connect_stdio("linear", &[]).await;
    let result = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let text = first_text(&result);
    assert!(text.starts_with("not connected"), "{text}");
    assert!(text.contains("LOCAL_ACCESS_TOKEN"), "{text}");
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
