//! `login` / `logout` for the local user of a `cred` server, and `serve --stdio`
//! using what `login` stored.

use std::process::Stdio;

use gumstack_tests::{TEST_KEY, args, connect_stdio, example, first_text, stub_openai};
use rmcp::model::CallToolRequestParams;
use serde_json::json;
use tokio::io::AsyncWriteExt;

/// Run `openai <command>` with `input` on stdin (not a terminal: one value a line).
async fn run_with_input(env: &[(&str, &str)], command: &str, input: &str) -> std::process::Output {
    let mut child = example("openai", env)
        .arg(command)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).await.unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

#[tokio::test]
async fn login_stores_the_local_credentials_and_logout_forgets_them() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_str().unwrap().to_owned();
    let upstream = format!("http://{}/v1", stub_openai().await);
    let env = [
        ("GUMSTACK_DATA_DIR", dir_path.as_str()),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
        ("OPENAI_BASE_URL", upstream.as_str()),
    ];

    // A blank required field is refused, naming it.
    let output = run_with_input(&env, "login", "\norg-1\n").await;
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("API Key is required"), "{stderr}");

    let output = run_with_input(&env, "login", "sk-local\norg-1\n").await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("Connected."), "{stderr}");
    assert!(!stderr.contains("sk-local"), "the secret is not echoed");
    // The data directory is private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.path().join("secret.key"));
        // GUMSTACK_SECRET_KEY is set, so no key file is written.
        assert!(key.is_err());
        let db = std::fs::read(dir.path().join("gumstack.db")).unwrap();
        assert!(
            !String::from_utf8_lossy(&db).contains("sk-local"),
            "sealed at rest"
        );
        let _ = PermissionsExt::mode(&std::fs::metadata(dir.path()).unwrap().permissions());
    }

    let client = connect_stdio("openai", &env).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("generate").with_arguments(args(json!({"prompt": "p"}))),
        )
        .await
        .unwrap();
    assert_eq!(
        first_text(&result),
        "auth=Bearer sk-local org=org-1 model=gpt-4o-mini prompt=p"
    );
    client.cancel().await.unwrap();

    let output = run_with_input(&env, "logout", "").await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let client = connect_stdio("openai", &env).await;
    let result = client
        .call_tool(
            CallToolRequestParams::new("generate").with_arguments(args(json!({"prompt": "p"}))),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(
        first_text(&result).contains("run `openai login` first"),
        "{}",
        first_text(&result)
    );
}

#[tokio::test]
async fn a_new_data_directory_is_created_private() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("state");
    let dir_path = dir.to_str().unwrap().to_owned();
    let output = run_with_input(&[("GUMSTACK_DATA_DIR", dir_path.as_str())], "logout", "").await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let key = std::fs::metadata(dir.join("secret.key"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(key, 0o600);
    }
}
