//! The audit log end to end: the `openai` example (`auth = cred`, stub OpenAI
//! on loopback) over HTTP on a real SQLite file records each call, writes the
//! last ones when stopped (SIGTERM), and its `audit` command prints them,
//! filtered, as JSON lines and as a table, with `Secret` arguments redacted.

use std::time::Duration;

use gumstack_tests::{
    CredServer, TEST_KEY, args, first_text, generate,
    oauth::{OAuthClient, connect_with_token},
    rows, run_example,
};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

const USERS_KEY: &str = "sk-users-own-key-4242";
const GOOD_KEY: &str = "sk-candidate-key-1111";
const BAD_KEY: &str = "bad-candidate-key-2222";

/// `openai audit ARGS...` on the server's data directory: its lines.
async fn audit(server: &CredServer, extra: &[&str]) -> String {
    let dir = server.data_dir.path().to_str().unwrap();
    let env = [
        ("GUMSTACK_DATA_DIR", dir),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
    ];
    let mut all = vec!["audit"];
    all.extend_from_slice(extra);
    let output = run_example("openai", &env, &all).await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "audit {extra:?}: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

async fn verify(client: &gumstack_tests::Client, key: &str) -> rmcp::model::CallToolResult {
    client
        .call_tool(
            CallToolRequestParams::new("verify_key").with_arguments(args(json!({"api_key": key}))),
        )
        .await
        .expect("tools/call answered")
}

#[tokio::test]
async fn every_call_is_recorded_with_its_caller_and_outcome_and_secrets_redacted() {
    let mut server = CredServer::start().await;
    let mcp = server.url().to_owned();
    let app = OAuthClient::register_named(&mcp, "Audited Client").await;
    let (token, _) = app.tokens(&[("api_key", USERS_KEY)]).await;
    let client = connect_with_token(&mcp, &token).await;

    let ok = generate(&client, "hello audit").await;
    assert_eq!(ok.is_error, Some(false), "{ok:?}");
    let accepted = verify(&client, GOOD_KEY).await;
    assert_eq!(accepted.is_error, Some(false), "{accepted:?}");
    let refused = verify(&client, BAD_KEY).await;
    assert_eq!(refused.is_error, Some(true), "{:?}", first_text(&refused));
    let unknown = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await;
    assert!(unknown.is_err(), "an unknown tool is an error reply");
    drop(client);

    // A clean stop writes what is still buffered.
    server.server.terminate();
    let stopped = tokio::time::timeout(Duration::from_secs(20), server.server.child.wait()).await;
    assert!(stopped.is_ok(), "the server stops on SIGTERM");
    assert_eq!(
        rows(server.data_dir.path(), "audit").await,
        4,
        "one row a call"
    );

    let text = audit(&server, &["--json"]).await;
    let records = json_lines(&text);
    let calls: Vec<(&str, &str)> = records
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            ("generate", "ok"),
            ("verify_key", "ok"),
            ("verify_key", "tool_error"),
            ("no_such_tool", "unknown"),
        ],
        "oldest first:\n{text}"
    );
    let grant = records[0]["grant"]
        .as_str()
        .expect("an HTTP caller's grant");
    for r in &records {
        assert_eq!(r["grant"], grant, "one user: {r}");
        assert_eq!(r["client"], app.client_id.as_str(), "{r}");
        assert_eq!(r["kind"], "tool", "{r}");
        assert!(r["duration_ms"].as_f64().unwrap() >= 0.0, "{r}");
        assert!(r["time"].as_str().unwrap().ends_with('Z'), "{r}");
    }
    assert_eq!(records[0]["arguments"], json!({"prompt": "hello audit"}));
    for r in &records[1..3] {
        assert_eq!(r["arguments"], json!({"api_key": "[redacted]"}), "{r}");
    }
    // No key, the user's stored one or one passed to a tool, is anywhere:
    // not in what `audit` prints, not in the table, not in the server's log.
    let pool = gumstack_tests::store_file(server.data_dir.path()).await;
    let stored: Vec<(String,)> = sqlx::query_as("SELECT arguments FROM audit")
        .fetch_all(&pool)
        .await
        .unwrap();
    let table = audit(&server, &[]).await;
    let log = server.server.log();
    for secret in [USERS_KEY, GOOD_KEY, BAD_KEY, token.as_str()] {
        assert!(!text.contains(secret), "{secret} in the JSON lines");
        assert!(!table.contains(secret), "{secret} in the table");
        assert!(!log.contains(secret), "{secret} in the log");
        assert!(
            stored.iter().all(|(a,)| !a.contains(secret)),
            "{secret} in the store"
        );
    }

    // Filters.
    // (arguments, expected calls, rule)
    let cases: [(&[&str], &[&str], &str); 6] = [
        (
            &["--tool", "verify_key"],
            &["verify_key", "verify_key"],
            "by tool",
        ),
        (&["--outcome", "tool_error"], &["verify_key"], "by outcome"),
        (
            &["--grant", grant],
            &["generate", "verify_key", "verify_key", "no_such_tool"],
            "by grant",
        ),
        (&["--grant", "local"], &[], "nothing local over HTTP"),
        (&["--limit", "1"], &["no_such_tool"], "the latest N"),
        (
            &["--since", "1h", "--client", &app.client_id],
            &["generate", "verify_key", "verify_key", "no_such_tool"],
            "since, by client",
        ),
    ];
    for (filter, expected, rule) in cases {
        let mut all = vec!["--json"];
        all.extend_from_slice(filter);
        let names: Vec<String> = json_lines(&audit(&server, &all).await)
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, expected, "{rule}");
    }
    assert!(
        audit(&server, &["--since", "2999-01-01T00:00:00Z"])
            .await
            .contains("No calls recorded"),
        "a table without rows says so"
    );
    let header: Vec<&str> = table.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "TIME",
            "GRANT",
            "CLIENT",
            "CALL",
            "OUTCOME",
            "DURATION",
            "ARGUMENTS"
        ]
    );
    assert_eq!(
        table.lines().count(),
        5,
        "a header and a line a call:\n{table}"
    );

    // A retention of 0 records nothing.
    server.restart(&[("GUMSTACK_AUDIT_RETENTION", "0")]).await;
    let (token, _) = app.tokens(&[("api_key", USERS_KEY)]).await;
    let client = connect_with_token(server.url(), &token).await;
    assert_eq!(generate(&client, "unrecorded").await.is_error, Some(false));
    drop(client);
    server.server.terminate();
    let _ = server.server.child.wait().await;
    assert_eq!(rows(server.data_dir.path(), "audit").await, 4, "no new row");
}

#[tokio::test]
async fn follow_prints_calls_as_they_are_recorded() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let server = CredServer::start().await;
    let app = OAuthClient::register_named(server.url(), "Followed").await;
    let (token, _) = app.tokens(&[("api_key", USERS_KEY)]).await;
    let client = connect_with_token(server.url(), &token).await;
    assert_eq!(generate(&client, "before").await.is_error, Some(false));

    let dir = server.data_dir.path().to_str().unwrap();
    let env = [
        ("GUMSTACK_DATA_DIR", dir),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
    ];
    let mut follow = gumstack_tests::example("openai", &env)
        .args(["audit", "--follow", "--json", "--tool", "generate"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("audit --follow");
    let mut lines = BufReader::new(follow.stdout.take().unwrap()).lines();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(15), lines.next_line())
            .await
            .expect("a line within 15 s")
            .unwrap()
            .expect("audit --follow keeps running")
    };
    // What was there, then what comes (batched, polled every second).
    let first: Value = serde_json::from_str(&next().await).unwrap();
    assert_eq!(first["arguments"]["prompt"], "before");
    for prompt in ["after 1", "after 2"] {
        assert_eq!(generate(&client, prompt).await.is_error, Some(false));
        let line: Value = serde_json::from_str(&next().await).unwrap();
        assert_eq!(line["arguments"]["prompt"], prompt, "{line}");
    }
    let _ = follow.kill().await;
}
