//! The direct path (`host/direct.rs`): a call that can only be answered by one
//! message is served without rmcp's per-request machinery. These tests hold it
//! to rmcp's answers: the same request, once made to take the direct path and
//! once made to go to rmcp (an `Accept` with a weight, which rmcp reads and the
//! direct path leaves to it), must get the same status and the same JSON-RPC
//! message. A reply's `Content-Type` tells which path answered: rmcp answers a
//! 2026-07-28 call on a stateful server as an event stream, the direct path as
//! `application/json`. And what the direct path must leave to rmcp (a wrong
//! `Mcp-Name`, duplicated headers, an `Origin`, a log level) still gets rmcp's
//! answer.

use gumstack_tests::{CredServer, HttpServer, oauth::OAuthClient};
use serde_json::{Value, json};

const PLAIN_ACCEPT: &str = "application/json, text/event-stream";
/// Read by rmcp as the same thing; sends the request to rmcp.
const WEIGHTED_ACCEPT: &str = "application/json;q=1, text/event-stream";

struct Reply {
    status: u16,
    json: bool,
    message: Value,
}

fn meta_2026(caps: Value) -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": caps,
    })
}

/// A raw `tools/call` of `name` with `arguments` and `_meta`, with these
/// headers (`extra` added to the usual ones).
async fn post(
    url: &str,
    version: &str,
    body: Value,
    accept: &str,
    extra: &[(&str, &str)],
) -> Reply {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("accept", accept)
        .header("mcp-protocol-version", version)
        .json(&body);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("POST /mcp");
    let status = response.status().as_u16();
    let json = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let text = response.text().await.expect("body");
    let message = if json {
        serde_json::from_str(&text).unwrap_or(Value::Null)
    } else {
        // An event stream: the last `data:` line is the reply.
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .rfind(|data| !data.trim().is_empty())
            .and_then(|data| serde_json::from_str(data.trim()).ok())
            .unwrap_or_else(|| Value::String(text.clone()))
    };
    Reply {
        status,
        json,
        message,
    }
}

fn call_body(name: &str, arguments: Value, meta: Option<Value>) -> Value {
    let mut params = json!({"name": name, "arguments": arguments});
    if let Some(meta) = meta {
        params["_meta"] = meta;
    }
    json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params})
}

fn call_headers(name: &str) -> [(&str, &str); 2] {
    [("mcp-method", "tools/call"), ("mcp-name", name)]
}

/// Both paths, one request: the direct one must be taken, and agree with rmcp.
async fn same_answer(url: &str, name: &str, arguments: Value, caps: Value) -> Reply {
    let body = call_body(name, arguments, Some(meta_2026(caps)));
    let headers = call_headers(name);
    let direct = post(url, "2026-07-28", body.clone(), PLAIN_ACCEPT, &headers).await;
    let rmcp = post(url, "2026-07-28", body, WEIGHTED_ACCEPT, &headers).await;
    assert!(direct.json, "{name}: the direct path answers with JSON");
    assert!(
        !rmcp.json || rmcp.status != 200,
        "{name}: rmcp answers a 2026-07-28 call as an event stream"
    );
    assert_eq!(direct.status, rmcp.status, "{name}: status");
    assert_eq!(
        without_volatile(&direct.message),
        without_volatile(&rmcp.message),
        "{name}: message"
    );
    direct
}

/// A `requestState` is sealed with a fresh nonce each time: equal in shape,
/// never in bytes.
fn without_volatile(message: &Value) -> Value {
    let mut message = message.clone();
    if let Some(state) = message.pointer_mut("/result/requestState") {
        *state = json!("<sealed>");
    }
    message
}

#[tokio::test]
async fn the_direct_path_answers_every_kind_of_call_as_rmcp_does() {
    let server = HttpServer::start("everything", &[], &[]).await;
    let url = server.url.as_str();
    let elicit = json!({"elicitation": {}});
    // (tool, arguments, client capabilities, what the answer is)
    let cases = [
        ("test_simple_text", json!({}), json!({}), "a text result"),
        ("test_image_content", json!({}), json!({}), "an image"),
        (
            "test_multiple_content_types",
            json!({}),
            json!({}),
            "several blocks",
        ),
        (
            "greet",
            json!({"name": "Ada"}),
            json!({}),
            "an argument used",
        ),
        (
            "greet",
            json!({}),
            json!({}),
            "a missing argument: tool error",
        ),
        (
            "greet",
            json!({"name": 5}),
            json!({}),
            "a mistyped argument",
        ),
        ("test_error_handling", json!({}), json!({}), "a tool error"),
        (
            "test_tool_with_logging",
            json!({}),
            json!({}),
            "logs nobody asked for",
        ),
        (
            "test_input_required_result_elicitation",
            json!({}),
            elicit.clone(),
            "questions",
        ),
        (
            "test_missing_capability",
            json!({}),
            json!({}),
            "a capability missing",
        ),
        (
            "json_schema_2020_12_tool",
            json!({"name": "x"}),
            json!({}),
            "a 2020-12 schema",
        ),
    ];
    for (name, arguments, caps, what) in cases {
        let reply = same_answer(url, name, arguments, caps).await;
        assert!(
            reply.message.get("result").is_some() || reply.message.get("error").is_some(),
            "{what}: {:#}",
            reply.message
        );
    }
}

#[tokio::test]
async fn a_stateless_2025_server_answers_directly_as_rmcp_does() {
    let server = HttpServer::start("everything", &[], &["--stateless"]).await;
    let url = server.url.as_str();
    for (name, arguments) in [
        ("greet", json!({"name": "Ada"})),
        ("test_error_handling", json!({})),
        ("no_such_tool", json!({})),
    ] {
        let body = call_body(name, arguments, None);
        let direct = post(url, "2025-11-25", body.clone(), PLAIN_ACCEPT, &[]).await;
        let rmcp = post(url, "2025-11-25", body, WEIGHTED_ACCEPT, &[]).await;
        assert_eq!(direct.status, rmcp.status, "{name}");
        assert_eq!(direct.message, rmcp.message, "{name}");
        // 2025-11-25 results keep their legacy shape.
        assert!(
            direct.message["result"].get("resultType").is_none(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn what_the_direct_path_must_not_take_still_gets_rmcps_answer() {
    let server = HttpServer::start("everything", &[], &[]).await;
    let url = server.url.as_str();
    let body = || call_body("greet", json!({"name": "Ada"}), Some(meta_2026(json!({}))));
    // (headers, accept, expected status, why)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, u16, &'a str);
    let cases: [Case; 5] = [
        (
            &[
                ("mcp-method", "tools/call"),
                ("mcp-name", "test_simple_text"),
            ],
            PLAIN_ACCEPT,
            400,
            "Mcp-Name names another tool",
        ),
        (
            &[
                ("mcp-method", "tools/call"),
                ("mcp-name", "greet"),
                ("mcp-name", "greet"),
            ],
            PLAIN_ACCEPT,
            400,
            "Mcp-Name twice",
        ),
        (&[("mcp-name", "greet")], PLAIN_ACCEPT, 400, "no Mcp-Method"),
        (
            &[("mcp-method", "tools/call"), ("mcp-name", "greet")],
            "application/json",
            406,
            "no event streams accepted",
        ),
        (
            &[
                ("mcp-method", "tools/call"),
                ("mcp-name", "greet"),
                ("origin", "http://evil.example"),
            ],
            PLAIN_ACCEPT,
            403,
            "a page of another origin",
        ),
    ];
    for (headers, accept, status, why) in cases {
        let reply = post(url, "2026-07-28", body(), accept, headers).await;
        assert_eq!(reply.status, status, "{why}: {:?}", reply.message);
    }

    // An unknown tool is rmcp's to answer.
    let unknown = call_body("no_such_tool", json!({}), Some(meta_2026(json!({}))));
    let headers = call_headers("no_such_tool");
    let reply = post(url, "2026-07-28", unknown, PLAIN_ACCEPT, &headers).await;
    assert!(!reply.json);
    assert_eq!(
        reply.message["error"]["code"], -32602,
        "{:?}",
        reply.message
    );

    // A version in the header that is not the one in `_meta`.
    let reply = post(
        url,
        "2025-11-25",
        body(),
        PLAIN_ACCEPT,
        &call_headers("greet"),
    )
    .await;
    assert_eq!(reply.status, 400, "{:?}", reply.message);

    // A log level asked for: the messages come, so rmcp streams them.
    let mut meta = meta_2026(json!({}));
    meta["io.modelcontextprotocol/logLevel"] = json!("debug");
    let logged = call_body("test_tool_with_logging", json!({}), Some(meta));
    let headers = call_headers("test_tool_with_logging");
    let reply = post(url, "2026-07-28", logged, PLAIN_ACCEPT, &headers).await;
    assert!(!reply.json, "a call that may log is streamed");
    assert_eq!(reply.status, 200);
    assert!(reply.message.get("result").is_some(), "{:?}", reply.message);
}

#[tokio::test]
async fn a_direct_call_acts_for_its_own_token_only() {
    let server = CredServer::start().await;
    let url = server.url();
    let (alice, _) = OAuthClient::register(url)
        .await
        .tokens(&[("api_key", "sk-alice")])
        .await;
    let (bob, _) = OAuthClient::register(url)
        .await
        .tokens(&[("api_key", "sk-bob")])
        .await;
    let body = call_body(
        "generate",
        json!({"prompt": "p"}),
        Some(meta_2026(json!({}))),
    );
    let headers = call_headers("generate");
    for (token, key) in [(&alice, "sk-alice"), (&bob, "sk-bob"), (&alice, "sk-alice")] {
        let auth = format!("Bearer {token}");
        let mut with_token = headers.to_vec();
        with_token.push(("authorization", auth.as_str()));
        let reply = post(url, "2026-07-28", body.clone(), PLAIN_ACCEPT, &with_token).await;
        assert!(reply.json, "taken by the direct path");
        let text = reply.message["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_default();
        assert!(text.starts_with(&format!("auth=Bearer {key} ")), "{text}");
    }
    // Without a token, or with an unknown one, nothing is served.
    for auth in [None, Some("Bearer not-a-token")] {
        let mut refused = headers.to_vec();
        if let Some(auth) = auth {
            refused.push(("authorization", auth));
        }
        let reply = post(url, "2026-07-28", body.clone(), PLAIN_ACCEPT, &refused).await;
        assert_eq!(reply.status, 401, "{auth:?}");
    }
}
