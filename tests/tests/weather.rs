//! The weather example (`auth = none`) driven by rmcp's MCP client, over stdio and
//! over streamable HTTP: discovery, schemas, calls, bad arguments.

use gumstack_tests::{Client, HttpServer, args, connect_stdio, first_text, run_example};
use rmcp::model::CallToolRequestParams;
use serde_json::json;

const ENV: &[(&str, &str)] = &[("WEATHER_API_KEY", "test-key")];

async fn call(
    client: &Client,
    tool: &'static str,
    arguments: serde_json::Value,
) -> rmcp::model::CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(tool).with_arguments(args(arguments)))
        .await
        .expect("tools/call answered")
}

/// Everything a client sees, the same over either transport.
async fn exercise(client: &Client) {
    let info = client.peer_info().expect("server info after initialize");
    let server_info = info.server_info.as_ref().expect("serverInfo");
    assert_eq!(server_info.name, "weather");
    assert_eq!(server_info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        info.instructions.as_deref(),
        Some("Weather forecasts. Call get_forecast with a city name.")
    );

    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["get_forecast", "get_alerts"]);

    let forecast = &tools[0];
    assert_eq!(
        forecast.description.as_deref(),
        Some("Forecast for a city, up to 7 days ahead.")
    );
    assert_eq!(forecast.title.as_deref(), Some("Get forecast"));
    let schema = serde_json::Value::Object((*forecast.input_schema).clone());
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["required"], json!(["city"]));
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["city"]["type"], "string");
    assert_eq!(
        schema["properties"]["city"]["description"],
        "City name, e.g. \"Paris\""
    );
    assert_eq!(
        schema["properties"]["days"]["type"],
        json!(["integer", "null"])
    );
    // An enum parameter references its definition, which travels with the schema.
    assert_eq!(
        schema["properties"]["detail"]["anyOf"][0]["$ref"],
        "#/$defs/Detail"
    );
    assert!(schema["$defs"]["Detail"].is_object());
    let output = serde_json::Value::Object(
        (**forecast
            .output_schema
            .as_ref()
            .expect("structured tools have an output schema"))
        .clone(),
    );
    assert_eq!(output["type"], "object");
    assert_eq!(output["required"], json!(["city", "units", "days"]));
    let annotations = forecast.annotations.as_ref().expect("annotations");
    assert_eq!(annotations.read_only_hint, Some(true));
    assert_eq!(annotations.idempotent_hint, Some(true));
    assert_eq!(annotations.open_world_hint, Some(true));
    assert_eq!(annotations.destructive_hint, None);

    // Text tools have no output schema.
    assert!(tools[1].output_schema.is_none());

    // A structured result carries structuredContent and the same JSON as text.
    let result = call(
        client,
        "get_forecast",
        json!({"city": "Paris", "days": 2, "detail": "full"}),
    )
    .await;
    assert_eq!(result.is_error, Some(false));
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent");
    assert_eq!(structured["city"], "Paris");
    assert_eq!(structured["units"], "metric");
    assert_eq!(structured["days"].as_array().map(Vec::len), Some(2));
    assert!(structured["days"][0]["wind_kph"].is_u64());
    let text: serde_json::Value =
        serde_json::from_str(first_text(&result)).expect("text copy is JSON");
    assert_eq!(text, structured);

    let result = call(client, "get_alerts", json!({"region": "Brittany"})).await;
    assert_eq!(
        first_text(&result),
        "No weather alerts in force for Brittany."
    );
    assert!(result.structured_content.is_none());

    // The tool's own error comes back as an isError result.
    let result = call(client, "get_forecast", json!({"city": "Oslo", "days": 9})).await;
    assert_eq!(result.is_error, Some(true));
    assert_eq!(first_text(&result), "days must be between 1 and 7, got 9");

    // Bad arguments: every problem named, no crash.
    let result = call(
        client,
        "get_forecast",
        json!({"citty": "Paris", "days": "three"}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        first_text(&result),
        "invalid arguments for tool `get_forecast`: missing required argument `city`; \
         argument `days`: invalid type: string \"three\", expected u32; \
         unknown argument `citty`; expected `city`, `days`, `detail`"
    );
    let result = call(
        client,
        "get_forecast",
        json!({"city": "Paris", "detail": "verbose"}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    assert!(
        first_text(&result)
            .contains("argument `detail`: unknown variant `verbose`, expected `brief` or `full`"),
        "{}",
        first_text(&result)
    );

    // An unknown tool is a protocol error, and the server keeps serving.
    let error = client
        .call_tool(CallToolRequestParams::new("get_horoscope"))
        .await
        .expect_err("unknown tool is an error");
    assert!(
        error.to_string().contains("unknown tool `get_horoscope`"),
        "{error}"
    );
    let result = call(client, "get_alerts", json!({"region": "Alps"})).await;
    assert_eq!(result.is_error, Some(false));
}

#[tokio::test]
async fn over_stdio() {
    let client = connect_stdio("weather", ENV).await;
    exercise(&client).await;
    client.cancel().await.expect("clean shutdown");
}

#[tokio::test]
async fn over_http() {
    let server = HttpServer::start("weather", ENV, &[]).await;
    let client = server.connect().await;
    exercise(&client).await;
    client.cancel().await.expect("clean shutdown");
}

#[tokio::test]
async fn over_stateless_http() {
    let server = HttpServer::start("weather", ENV, &["--stateless"]).await;
    let client = server.connect().await;
    exercise(&client).await;
}

#[tokio::test]
async fn missing_api_key_stops_start_up_naming_the_variable() {
    let output = run_example("weather", &[], &["serve", "--stdio"]).await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing environment variable WEATHER_API_KEY (API Key)"),
        "{stderr}"
    );
    // Nothing on stdout: it belongs to the MCP client.
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn foreign_host_header_is_refused_unless_allowed() {
    let server = HttpServer::start("weather", ENV, &[]).await;
    let initialize = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                   "clientInfo": {"name": "t", "version": "1"}}
    });
    let http = reqwest::Client::new();
    let post = |host: &'static str| {
        http.post(&server.url)
            .header("Host", host)
            .header("Accept", "application/json, text/event-stream")
            .json(&initialize)
            .send()
    };
    // DNS rebinding protection: a page on evil.example resolving to 127.0.0.1.
    assert_eq!(post("evil.example").await.unwrap().status(), 403);
    assert!(post("localhost").await.unwrap().status().is_success());

    let public = HttpServer::start(
        "weather",
        ENV,
        &[
            "--public-url",
            "https://mcp.example.com",
            "--allowed-host",
            "internal.example:8443",
        ],
    )
    .await;
    for host in ["mcp.example.com", "internal.example:8443"] {
        let status = http
            .post(&public.url)
            .header("Host", host)
            .header("Accept", "application/json, text/event-stream")
            .json(&initialize)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.is_success(), "{host}: {status}");
    }
}
