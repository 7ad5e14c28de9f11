//! The generated `ServerHandler`, driven in-process by rmcp's client over an
//! in-memory pipe: every return type, sync and async tools, a panicking tool.

use gumstack::prelude::*;
use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, CallToolResult, JsonObject},
};
use serde_json::{Value, json};

#[derive(serde::Serialize, schemars::JsonSchema)]
struct Sum {
    total: i64,
}

struct Kit;

#[gumstack::server(auth = none, name = "kit", version = "9.9.9")]
impl Kit {
    /// Adds numbers.
    #[tool(idempotent)]
    fn add(&self, a: i64, b: i64) -> Sum {
        Sum { total: a + b }
    }

    /// Lists numbers.
    #[tool]
    async fn range(&self, n: u8) -> Vec<u8> {
        (0..n).collect()
    }

    /// Says hello.
    #[tool(name = "say-hello", title = "Hello")]
    fn hello(&self) -> &'static str {
        "hello"
    }

    /// Does nothing.
    #[tool]
    async fn noop(&self) {}

    /// Two content blocks.
    #[tool]
    fn blocks(&self) -> Vec<Content> {
        vec![Content::text("one"), Content::text("two")]
    }

    /// Reads a file that does not exist.
    #[tool]
    async fn fails(&self) -> Result<String, std::io::Error> {
        tokio::fs::read_to_string("/nonexistent/gumstack").await
    }

    /// Panics.
    #[tool]
    fn boom(&self) -> String {
        panic!("kaboom")
    }
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    name: &'static str,
    args: Value,
) -> CallToolResult {
    let mut params = CallToolRequestParams::new(name);
    if let Value::Object(map) = args {
        params = params.with_arguments(JsonObject::from_iter(map));
    }
    client.call_tool(params).await.expect("answered")
}

fn text(result: &CallToolResult) -> Vec<&str> {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.as_str())
        .collect()
}

#[tokio::test]
async fn every_return_type_round_trips() {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let running = Kit.serve(server_io).await.expect("server handshake");
        let _ = running.waiting().await;
    });
    let client = ().serve(client_io).await.expect("client handshake");

    let info = client.peer_info().unwrap();
    let server_info = info.server_info.as_ref().unwrap();
    assert_eq!(
        (server_info.name.as_str(), server_info.version.as_str()),
        ("kit", "9.9.9")
    );

    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "add",
            "range",
            "say-hello",
            "noop",
            "blocks",
            "fails",
            "boom"
        ]
    );
    let hello = &tools[2];
    assert_eq!(hello.title.as_deref(), Some("Hello"));
    assert_eq!(
        *hello.input_schema,
        *rmcp::handler::server::common::schema_for_empty_input()
    );
    let range_output = Value::Object((**tools[1].output_schema.as_ref().unwrap()).clone());
    assert_eq!(range_output["properties"]["result"]["type"], "array");

    let r = call(&client, "add", json!({"a": 2, "b": 40})).await;
    assert_eq!(r.structured_content, Some(json!({"total": 42})));
    let r = call(&client, "range", json!({"n": 3})).await;
    assert_eq!(r.structured_content, Some(json!({"result": [0, 1, 2]})));
    let r = call(&client, "say-hello", json!({})).await;
    assert_eq!(text(&r), ["hello"]);
    let r = call(&client, "noop", json!({})).await;
    assert_eq!((r.is_error, r.content.len()), (Some(false), 0));
    let r = call(&client, "blocks", json!({})).await;
    assert_eq!(text(&r), ["one", "two"]);
    let r = call(&client, "fails", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert!(text(&r)[0].contains("No such file"), "{:?}", text(&r));
    let r = call(&client, "say-hello", json!({"loud": true})).await;
    assert_eq!(
        text(&r),
        [
            "invalid arguments for tool `say-hello`: unknown argument `loud`; this tool takes no arguments"
        ]
    );

    // A panic answers the call with an error, and the server goes on serving.
    let r = call(&client, "boom", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert_eq!(
        text(&r),
        ["tool `boom` failed unexpectedly (it panicked); see the server log"]
    );
    let r = call(&client, "add", json!({"a": 1, "b": 1})).await;
    assert_eq!(r.structured_content, Some(json!({"total": 2})));
}
