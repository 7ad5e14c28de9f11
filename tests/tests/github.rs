//! The `github` example (the README's OAuth walkthrough) against a stand-in for
//! GitHub's REST API, over stdio with a development token: its tools send the
//! user's token, and a token GitHub refuses (`401`) comes back as an error that
//! says how to connect again.

use gumstack_tests::{args, connect_stdio, first_text};
use rmcp::model::CallToolRequestParams;
use serde_json::json;

/// Accepts `Bearer gho_good` only; creating an issue echoes its title.
async fn stub_github() -> String {
    use axum::{
        Json, Router,
        extract::Path,
        http::{HeaderMap, StatusCode},
        routing::get,
    };
    use serde_json::Value;
    fn authorized(headers: &HeaderMap) -> Result<(), (StatusCode, Json<Value>)> {
        match headers.get("authorization").and_then(|v| v.to_str().ok()) {
            Some("Bearer gho_good") => Ok(()),
            _ => Err((
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "Bad credentials"})),
            )),
        }
    }
    async fn list(
        headers: HeaderMap,
        Path((owner, name)): Path<(String, String)>,
    ) -> Result<Json<Value>, (StatusCode, Json<Value>)> {
        authorized(&headers)?;
        Ok(Json(json!([{
            "number": 1,
            "title": format!("first issue of {owner}/{name}"),
            "html_url": format!("https://github.example/{owner}/{name}/issues/1"),
        }])))
    }
    async fn create(
        headers: HeaderMap,
        Path((owner, name)): Path<(String, String)>,
        Json(body): Json<Value>,
    ) -> Result<(StatusCode, Json<Value>), (StatusCode, Json<Value>)> {
        authorized(&headers)?;
        Ok((
            StatusCode::CREATED,
            Json(json!({
                "number": 42,
                "title": body["title"],
                "html_url": format!("https://github.example/{owner}/{name}/issues/42"),
            })),
        ))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let app = Router::new().route("/repos/{owner}/{name}/issues", get(list).post(create));
        axum::serve(listener, app).await.unwrap();
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn tools_send_the_users_token_and_a_refused_one_says_how_to_reconnect() {
    let api = stub_github().await;
    let good = connect_stdio(
        "github",
        &[("LOCAL_ACCESS_TOKEN", "gho_good"), ("GITHUB_API_URL", &api)],
    )
    .await;
    let created = good
        .call_tool(
            CallToolRequestParams::new("create_issue")
                .with_arguments(args(json!({"repo": "o/r", "title": "Broken link"}))),
        )
        .await
        .unwrap();
    assert_eq!(created.is_error, Some(false), "{created:?}");
    assert_eq!(
        created.structured_content,
        Some(
            json!({"number": 42, "title": "Broken link", "url": "https://github.example/o/r/issues/42"})
        )
    );
    let listed = good
        .call_tool(
            CallToolRequestParams::new("list_issues").with_arguments(args(json!({"repo": "o/r"}))),
        )
        .await
        .unwrap();
    assert_eq!(listed.is_error, Some(false), "{listed:?}");
    assert!(
        first_text(&listed).contains("first issue of o/r"),
        "{listed:?}"
    );

    let refused = connect_stdio(
        "github",
        &[
            ("LOCAL_ACCESS_TOKEN", "gho_revoked"),
            ("GITHUB_API_URL", &api),
        ],
    )
    .await;
    let result = refused
        .call_tool(
            CallToolRequestParams::new("create_issue")
                .with_arguments(args(json!({"repo": "o/r", "title": "t"}))),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let text = first_text(&result);
    assert!(
        text.starts_with("GitHub refused the access token"),
        "{text}"
    );
    assert!(
        text.contains("/accounts") && text.contains("`github login`"),
        "{text}"
    );
}

#[tokio::test]
async fn without_the_oauth_app_start_up_names_both_settings() {
    let stderr = gumstack_tests::start_up_error("github", &[], &["serve", "--stdio"]).await;
    assert!(
        stderr.contains("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set"),
        "{stderr}"
    );
}

#[tokio::test]
async fn start_up_reports_every_wrong_setting_at_once_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("github");
    let stderr = gumstack_tests::start_up_error(
        "github",
        &[
            ("GUMSTACK_DATA_DIR", data_dir.to_str().unwrap()),
            ("GUMSTACK_MAX_CONNECTIONS", "0"),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(stderr.contains("2 problems with the settings:"), "{stderr}");
    assert!(stderr.contains("GUMSTACK_MAX_CONNECTIONS"), "{stderr}");
    assert!(stderr.contains("GITHUB_CLIENT_ID"), "{stderr}");
    assert!(!data_dir.exists(), "no data directory, store or key yet");
}
