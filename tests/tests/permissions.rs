//! Permission groups (`GUMSTACK_PERMISSIONS`) on the `notes` example against
//! the mock provider: a user sees and may call only the tools of their
//! groups; `SIGHUP` reads the file again, whole or not at all; a bad file
//! stops start-up; `config` prints the groups.

use std::time::Duration;

use gumstack_tests::{
    OAuthServer, oauth::OAuthClient, request_2026, run_example, start_up_error, step_up::tool_names,
};
use serde_json::{Value, json};

const GROUPS: &str = r#"
default: readers
groups:
  readers:
    tools: [list_notes]
  writers:
    tools: ["*"]
    members: ["nickname:alice@example.com"]
"#;

/// The server with `text` as its permissions file (scopes out of the way:
/// every connection is granted `write`).
async fn start(text: &str) -> (OAuthServer, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap().keep();
    let file = dir.join("permissions.yaml");
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap().to_owned();
    let s = OAuthServer::start_example(
        "notes",
        &[
            ("OAUTH_SCOPES", "read write"),
            ("GUMSTACK_PERMISSIONS", &path),
        ],
    )
    .await;
    (s, file)
}

async fn add(url: &str, token: &str) -> Value {
    request_2026(
        url,
        Some(token),
        "tools/call",
        json!({"name": "add_note", "arguments": {"text": "hi"}}),
        json!({}),
    )
    .await["result"]
        .clone()
}

fn hang_up(s: &OAuthServer) {
    let pid = s.server.child.id().unwrap();
    let sent = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// Wait until `f` holds (a reload is asynchronous), at most 5 s.
async fn until<F: AsyncFn() -> bool>(f: F) -> bool {
    for _ in 0..50 {
        if f().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn each_user_sees_and_calls_only_the_tools_of_their_groups() {
    let (s, file) = start(GROUPS).await;
    let url = s.server.url.as_str();
    let client = OAuthClient::register(url).await;
    let (alice, _) = client.oauth_tokens("alice").await;
    let (bob, _) = client.oauth_tokens("bob").await;

    assert_eq!(tool_names(url, &alice).await, ["list_notes", "add_note"]);
    assert_eq!(tool_names(url, &bob).await, ["list_notes"]);
    assert_eq!(add(url, &alice).await["isError"], false);
    let refused = add(url, &bob).await;
    assert_eq!(refused["isError"], true, "{refused}");
    let text = refused["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("You may not call `add_note`") && text.contains("your groups: readers"),
        "{text}"
    );
    // An unknown tool is still rmcp's error, not a refusal that names it.
    let unknown = request_2026(
        url,
        Some(&bob),
        "tools/call",
        json!({"name": "no_such_tool", "arguments": {}}),
        json!({}),
    )
    .await;
    assert!(unknown["error"].is_object(), "{unknown}");

    // A bad file on SIGHUP changes nothing, and says why in the log.
    std::fs::write(&file, GROUPS.replace("[list_notes]", "[list_note]")).unwrap();
    hang_up(&s);
    assert!(
        until(async || s.server.log().contains("no tool `list_note`")).await,
        "{}",
        s.server.log()
    );
    assert_eq!(tool_names(url, &bob).await, ["list_notes"]);
    assert_eq!(tool_names(url, &alice).await, ["list_notes", "add_note"]);

    // bob joins the writers: after SIGHUP he may add notes.
    std::fs::write(
        &file,
        GROUPS.replace(
            r#"["nickname:alice@example.com"]"#,
            r#"["nickname:alice@example.com", "nickname:bob@example.com"]"#,
        ),
    )
    .unwrap();
    hang_up(&s);
    assert!(until(async || tool_names(url, &bob).await.len() == 2).await);
    assert_eq!(add(url, &bob).await["isError"], false);
}

#[tokio::test]
async fn a_bad_file_stops_start_up_and_config_prints_the_groups() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permissions.yaml");
    std::fs::write(
        &file,
        GROUPS.replace("default: readers", "default: editors"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let env = [
        ("OAUTH_AUTHORIZE_URL", "http://127.0.0.1:9/authorize"),
        ("OAUTH_TOKEN_URL", "http://127.0.0.1:9/token"),
        ("OAUTH_CLIENT_ID", "c"),
        ("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap()),
        ("GUMSTACK_SECRET_KEY", gumstack_tests::TEST_KEY),
        ("GUMSTACK_PERMISSIONS", path),
    ];
    let error = start_up_error("notes", &env, &["serve", "--http", "127.0.0.1:0"]).await;
    assert!(
        error.contains("permissions.yaml") && error.contains("`default` names no group: `editors`"),
        "{error}"
    );

    std::fs::write(&file, GROUPS).unwrap();
    let config = run_example("notes", &env, &["config"]).await;
    let printed = String::from_utf8_lossy(&config.stdout);
    assert!(config.status.success(), "{printed}");
    assert!(
        printed.contains("permissions:\n  default: \"readers\"\n"),
        "{printed}"
    );
    assert!(
        printed.contains("      members: [\"nickname:alice@example.com\"]"),
        "{printed}"
    );
}

#[tokio::test]
async fn a_server_without_users_refuses_a_permissions_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permissions.yaml");
    std::fs::write(&file, "groups:\n  all:\n    tools: [\"*\"]\n").unwrap();
    let env = [
        ("WEATHER_API_KEY", "k"),
        ("GUMSTACK_PERMISSIONS", file.to_str().unwrap()),
    ];
    let error = start_up_error("weather", &env, &["serve", "--http", "127.0.0.1:0"]).await;
    assert!(error.contains("a `none` server has no users"), "{error}");
}
