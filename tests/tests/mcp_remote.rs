//! `mcp-remote` (npm), the stdio proxy many desktop clients run for remote
//! servers, through a whole connection: rmcp's client speaks stdio to it, it
//! finds the cred server's authorization server, registers, prints the
//! authorization URL; the test is the person's browser (consent, the
//! credentials form), the redirect reaches mcp-remote's loopback callback, it
//! redeems the code, and the tool call goes through to the server.

use std::{process::Stdio, time::Duration};

use gumstack_tests::{CredServer, first_text, generate, npm::NodeInstall, oauth::Browser};
use reqwest::StatusCode;
use rmcp::{ServiceExt, transport::TokioChildProcess};
use tokio::io::{AsyncBufReadExt, BufReader};

const MCP_REMOTE: &str = "mcp-remote@0.15.1";

#[tokio::test(flavor = "multi_thread")]
async fn mcp_remote_connects_to_a_cred_server() {
    let node = NodeInstall::get("mcp-remote", &[MCP_REMOTE]).await;
    let server = CredServer::start().await;
    let config_dir = tempfile::tempdir().unwrap();
    let port = gumstack_tests::free_port().to_string();
    let mut command = node.command("mcp-remote", "dist/proxy.js");
    command
        .args([server.url(), &port])
        .env("MCP_REMOTE_CONFIG_DIR", config_dir.path())
        // Its opener runs `$BROWSER <url>` when no desktop is found: `true`
        // opens nothing, the test reads the URL from its log instead.
        .env("BROWSER", "true")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    let (transport, stderr) = TokioChildProcess::builder(command)
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcp-remote");

    let browser = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr.expect("piped stderr")).lines();
        let mut log = String::new();
        let mut url = None;
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains("/authorize?") {
                url = Some(line.trim().to_owned());
                break;
            }
        }
        let url = url.unwrap_or_else(|| panic!("no authorization URL in its log:\n{log}"));
        // Keep reading, so mcp-remote never blocks on a full pipe.
        let drain = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                log.push_str(&line);
                log.push('\n');
            }
            log
        });
        (url, drain)
    });
    let client = tokio::spawn(async move { ().serve(transport).await });

    let (url, log) = tokio::time::timeout(Duration::from_secs(60), browser)
        .await
        .expect("mcp-remote asked for authorization within 60 s")
        .unwrap();
    let person = Browser::default();
    let consent = person.get(&url).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    assert!(consent.body.contains("an application on this computer"));
    let base = server.url().trim_end_matches("/mcp");
    let form = person
        .post(
            &format!("{base}/authorize"),
            &[
                ("pending", &consent.input("pending").unwrap()),
                ("csrf", &consent.input("csrf").unwrap()),
                ("decision", "approve"),
            ],
        )
        .await;
    let done = person
        .post(
            &format!("{base}/authorize/credentials"),
            &[
                ("pending", &form.input("pending").unwrap()),
                ("csrf", &form.input("csrf").unwrap()),
                ("api_key", "sk-ok"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let callback = done.location.expect("back to mcp-remote");
    assert!(
        callback.starts_with(&format!("http://localhost:{port}/oauth/callback?code=")),
        "{callback}"
    );
    // The person's browser reaches mcp-remote's loopback listener.
    let answered = reqwest::get(&callback)
        .await
        .expect("mcp-remote's callback");
    assert!(answered.status().is_success(), "{}", answered.status());

    let client = tokio::time::timeout(Duration::from_secs(60), client)
        .await
        .expect("the MCP handshake through mcp-remote within 60 s")
        .unwrap()
        .unwrap_or_else(|e| panic!("handshake through mcp-remote: {e}"));
    let result = generate(&client, "hello").await;
    assert_eq!(result.is_error, Some(false), "{result:?}");
    let text = first_text(&result);
    assert!(
        text.contains("auth=Bearer sk-ok") && text.contains("prompt=hello"),
        "the user's credentials reached the tool: {text}"
    );
    drop(client);
    let log = log.await.unwrap_or_default();
    assert!(
        !log.contains("sk-ok"),
        "mcp-remote never sees the credentials"
    );
}
