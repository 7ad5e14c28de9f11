//! `serve --metrics ADDR`: what an operator's Prometheus scrapes from a
//! running `oauth` server (the `oauth2` example on gumstack's mock provider),
//! after authorizations that complete, are denied and are refused, a refresh
//! and tool calls, one of them to a tool that does not exist.

use std::time::Duration;

use gumstack_tests::{
    OAuthServer, free_port,
    oauth::{OAuthClient, connect_with_token, pkce},
    until_tokens_expire,
};
use rmcp::model::CallToolRequestParams;

async fn scrape(metrics: &str) -> String {
    let response = reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .expect("scrape");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "the Prometheus text format"
    );
    response.text().await.unwrap()
}

/// The value of the sample `series` (name and labels as exposed).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|value| value.parse().expect("a number"))
}

#[tokio::test]
async fn an_operator_sees_calls_refreshes_authorizations_and_grants() {
    let metrics = format!("127.0.0.1:{}", free_port());
    let s = OAuthServer::start(&[("GUMSTACK_METRICS", &metrics)]).await;
    let (provider, server) = (&s.provider, &s.server);

    // Nothing yet but the help of what will come.
    let before = scrape(&metrics).await;
    assert_eq!(
        sample(&before, "gumstack_active_grants"),
        Some(0.0),
        "{before}"
    );

    // One user connects, with tokens that expire at once: the first call refreshes.
    provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&server.url).await;
    let (access, _) = client.oauth_tokens("ada").await;
    until_tokens_expire().await;
    provider.set_token_lifetime(Duration::from_secs(3600));
    let mcp = connect_with_token(&server.url, &access).await;
    for _ in 0..2 {
        let result = mcp
            .call_tool(CallToolRequestParams::new("whoami"))
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(false), "{result:?}");
    }
    // A client probing names: counted, but not under the names it made up.
    for name in ["nope", "also-not-a-tool"] {
        assert!(
            mcp.call_tool(CallToolRequestParams::new(name))
                .await
                .is_err()
        );
    }
    // Another user says no; a request for an unknown client is refused.
    let (_, challenge) = pkce();
    let consent = client
        .browser
        .get(&client.authorize_url(&challenge, "s1"))
        .await;
    client.decide(&consent, "deny").await;
    let refused = reqwest::get(format!(
        "{}?response_type=code&client_id=unknown&redirect_uri=http://127.0.0.1/cb",
        server.url.replace("/mcp", "/authorize")
    ))
    .await
    .unwrap();
    assert_eq!(refused.status(), 400);

    let text = scrape(&metrics).await;
    let expect = [
        (
            r#"gumstack_tool_calls_total{tool="whoami",outcome="ok"}"#,
            2.0,
        ),
        (
            r#"gumstack_tool_calls_total{tool="",outcome="unknown_tool"}"#,
            2.0,
        ),
        (
            r#"gumstack_tool_call_duration_seconds_count{tool="whoami"}"#,
            2.0,
        ),
        (
            r#"gumstack_tool_call_duration_seconds_bucket{tool="whoami",le="+Inf"}"#,
            2.0,
        ),
        (r#"gumstack_upstream_refreshes_total{outcome="ok"}"#, 1.0),
        (r#"gumstack_authorizations_total{outcome="started"}"#, 2.0),
        (r#"gumstack_authorizations_total{outcome="completed"}"#, 1.0),
        (r#"gumstack_authorizations_total{outcome="denied"}"#, 1.0),
        (r#"gumstack_authorizations_total{outcome="refused"}"#, 1.0),
        ("gumstack_active_grants", 1.0),
    ];
    for (series, value) in expect {
        assert_eq!(sample(&text, series), Some(value), "{series} in\n{text}");
    }
    assert!(
        !text.contains("nope") && !text.contains("also-not-a-tool"),
        "{text}"
    );
    assert!(
        text.contains("# HELP gumstack_tool_calls_total Tool calls answered"),
        "{text}"
    );
    assert!(!text.contains(&access), "no token in the metrics");

    // Not on the MCP listener: clients never see it.
    let on_mcp = reqwest::get(server.url.replace("/mcp", "/metrics"))
        .await
        .unwrap();
    assert_eq!(on_mcp.status(), 404);
}

#[tokio::test]
async fn without_the_setting_nothing_is_served() {
    let s = OAuthServer::start(&[]).await;
    let server = &s.server;
    assert!(!server.log().contains("metrics"), "{}", server.log());
    let on_mcp = reqwest::get(server.url.replace("/mcp", "/metrics"))
        .await
        .unwrap();
    assert_eq!(on_mcp.status(), 404);
}
