//! A server as an orchestrator sees it: `/healthz` and `/readyz` answer probes
//! addressed to any host, `/readyz` fails when the key no longer opens the
//! store, and SIGTERM stops it without cutting off the calls it is answering.

use std::time::Duration;

use gumstack_tests::{CredServer, HttpServer, args, first_text};
use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;

/// GET `path` on the server of `mcp_url` with this `Host`.
async fn probe(mcp_url: &str, path: &str, host: &str) -> (StatusCode, String) {
    let url = mcp_url.replace("/mcp", path);
    let response = reqwest::Client::new()
        .get(url)
        .header("host", host)
        .send()
        .await
        .expect("probe");
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn probes_answer_whatever_the_host() {
    let server = CredServer::start().await;
    // A kubelet probes the pod's address, which is no allowed host.
    for host in ["127.0.0.1", "10.1.2.3:8000"] {
        assert_eq!(
            probe(server.url(), "/healthz", host).await,
            (StatusCode::OK, "ok\n".into())
        );
        assert_eq!(
            probe(server.url(), "/readyz", host).await,
            (StatusCode::OK, "ready\n".into())
        );
    }
    // The allowlist still guards everything else.
    let (status, _) = probe(
        server.url(),
        "/.well-known/oauth-authorization-server",
        "10.1.2.3:8000",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn not_ready_when_the_key_does_not_open_the_store() {
    let server = CredServer::start().await;
    let pool = gumstack_tests::store_file(server.data_dir.path()).await;
    // What another key sealed: this server's key cannot open it.
    sqlx::query("UPDATE meta SET value = 'v1.other.AAAA.AAAA' WHERE key = 'key_check'")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (status, body) = probe(server.url(), "/readyz", "127.0.0.1").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(
        !body.contains("key_check") && !body.contains("sealed"),
        "{body}"
    );
    assert_eq!(
        probe(server.url(), "/healthz", "127.0.0.1").await.0,
        StatusCode::OK,
        "alive all the same"
    );
    assert!(server.server.log().contains("not ready"));
}

/// `wait` on the `everything` example for `ms` milliseconds.
fn wait(ms: u64) -> CallToolRequestParams {
    CallToolRequestParams::new("wait").with_arguments(args(serde_json::json!({"ms": ms})))
}

async fn exit_within(server: &mut HttpServer, bound: Duration) -> std::process::ExitStatus {
    tokio::time::timeout(bound, server.child.wait())
        .await
        .unwrap_or_else(|_| panic!("the server did not exit within {bound:?}"))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_the_running_call_finish_then_exits() {
    let mut server =
        HttpServer::start("everything", &[("GUMSTACK_SHUTDOWN_GRACE", "30")], &[]).await;
    let client = server.connect().await;
    let call = tokio::spawn(async move {
        let result = client.call_tool(wait(1500)).await;
        (result, client)
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(200)).await;
    // No new connection once it is stopping.
    let refused = reqwest::Client::new()
        .get(server.url.replace("/mcp", "/healthz"))
        .send()
        .await;
    assert!(refused.is_err(), "a new connection is refused: {refused:?}");

    let (result, _client) = call.await.unwrap();
    let result = result.expect("the call in flight is answered");
    assert_eq!(first_text(&result), "waited 1500 ms");
    // It exits once the call is done, long before the 30 s grace; the
    // session's event stream does not hold it.
    let status = exit_within(&mut server, Duration::from_secs(10)).await;
    assert!(status.success(), "{status}");
    let log = server.log();
    assert!(log.contains("1 calls in flight"), "{log}");
    assert!(!log.contains("still running"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_call_longer_than_the_grace_is_stopped() {
    let mut server =
        HttpServer::start("everything", &[("GUMSTACK_SHUTDOWN_GRACE", "1")], &[]).await;
    let client = server.connect().await;
    let call = tokio::spawn(async move { client.call_tool(wait(20_000)).await.map(drop) });
    tokio::time::sleep(Duration::from_millis(300)).await;
    server.terminate();
    let status = exit_within(&mut server, Duration::from_secs(10)).await;
    assert!(status.success(), "{status}");
    // The call is cut off, never answered. (rmcp's client, by default, then
    // tries to resume the stream forever rather than fail the call.)
    match tokio::time::timeout(Duration::from_secs(2), call).await {
        Err(_elapsed) => {}
        Ok(joined) => assert!(joined.unwrap().is_err(), "no answer to a stopped call"),
    }
    let log = server.log();
    assert!(
        log.contains("1 calls still running 1 s after shutdown began"),
        "{log}"
    );
}
