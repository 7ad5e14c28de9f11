//! `login` of an `oauth` server over stdio: the provider's URL is printed, the
//! browser's answer comes to a loopback callback, and `serve --stdio` then uses
//! (and refreshes) the stored account; `logout` revokes it at the provider.

use std::{process::Stdio, time::Duration};

use gumstack::testing::MockProvider;
use gumstack_tests::{TEST_KEY, connect_stdio, example, first_text, until_tokens_expire};
use rmcp::model::CallToolRequestParams;
use tokio::io::{AsyncBufReadExt, BufReader};

#[tokio::test]
async fn login_over_a_loopback_callback_then_serve_and_logout() {
    let provider = MockProvider::start().await;
    provider.set_token_lifetime(Duration::from_secs(1));
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_str().unwrap().to_owned();
    let mut env: Vec<(String, String)> = provider.env();
    env.push(("GUMSTACK_DATA_DIR".into(), dir_path));
    env.push(("GUMSTACK_SECRET_KEY".into(), TEST_KEY.into()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // A fixed port, as an OAuth app that lists one exact redirect URI needs.
    let port = gumstack_tests::free_port();
    let mut login = example("oauth2", &env)
        .args(["login", "--port", &port.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(login.stderr.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(url) = line.trim().strip_prefix(&provider.url("/authorize")) {
                return format!("{}{url}", provider.url("/authorize"));
            }
        }
        panic!("login printed no provider URL");
    })
    .await
    .unwrap();
    // Anything else reaching the loopback callback first (another program, a
    // forged redirect) is refused, and the login keeps waiting for the real answer.
    let callback = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("redirect_uri in the provider URL");
    assert_eq!(callback, format!("http://127.0.0.1:{port}/callback"));
    let forged = reqwest::get(format!("{callback}?code=forged&state=forged"))
        .await
        .unwrap();
    assert_eq!(forged.status(), reqwest::StatusCode::BAD_REQUEST);
    let no_state = reqwest::get(format!("{callback}?code=forged"))
        .await
        .unwrap();
    assert_eq!(no_state.status(), reqwest::StatusCode::BAD_REQUEST);

    // The person's browser: the provider approves and redirects to the loopback callback.
    let page = reqwest::get(&url).await.unwrap();
    assert!(page.status().is_success());
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("You can close this window")
    );
    let status = tokio::time::timeout(Duration::from_secs(30), login.wait())
        .await
        .unwrap()
        .unwrap();
    let mut rest = String::new();
    while let Ok(Some(line)) = lines.next_line().await {
        rest.push_str(&line);
    }
    assert!(status.success(), "{rest}");
    assert!(rest.contains("Connected as user@example.com"), "{rest}");

    // Serving over stdio uses the stored account, refreshing its short-lived token.
    until_tokens_expire().await;
    provider.set_token_lifetime(Duration::from_secs(3600));
    let client = connect_stdio("oauth2", &env).await;
    let result = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false), "{}", first_text(&result));
    assert_eq!(
        result.structured_content.unwrap()["result"]["login"],
        "user"
    );
    assert_eq!(provider.refreshes(), 1);
    client.cancel().await.unwrap();

    let output = example("oauth2", &env)
        .arg("logout")
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(provider.revocations(), 1, "logout revokes at the provider");
    let client = connect_stdio("oauth2", &env).await;
    let result = client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(
        first_text(&result).contains("Run `oauth2 login`"),
        "{}",
        first_text(&result)
    );
}
