//! `diagnose URL` run as an operator would, from the server's own binary,
//! against running servers: a correct `cred` deployment (authorized all the
//! way with `--cred`, and the grant it made removed again), one whose public
//! URL is not the one clients use, an `oauth` server (up to the provider), a
//! `none` server, and an address where nothing listens.

use gumstack_tests::{CredServer, HttpServer, OAuthServer, TEST_KEY, free_port, rows, run_example};

/// `diagnose` of example `name` with `env` and `args`: its exit status and stdout.
async fn diagnose(name: &str, env: &[(&str, &str)], args: &[&str]) -> (bool, String) {
    let mut all = vec!["diagnose"];
    all.extend_from_slice(args);
    let output = run_example(name, env, &all).await;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (output.status.success(), format!("{stdout}{stderr}"))
}

fn problems(report: &str) -> Vec<&str> {
    report
        .lines()
        .filter(|l| l.starts_with("PROBLEM"))
        .collect()
}

#[tokio::test]
async fn a_correct_cred_deployment_passes_and_its_test_grant_is_removed() {
    let server = CredServer::start().await;
    let dir = server.data_dir.path().to_str().unwrap();
    let env = [
        ("GUMSTACK_DATA_DIR", dir),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
    ];
    let (ok, report) = diagnose(
        "openai",
        &env,
        &[server.url(), "--cred", "api_key=sk-diagnose"],
    )
    .await;
    assert!(ok, "{report}");
    assert!(problems(&report).is_empty(), "{report}");
    for line in [
        "/readyz: ready",
        "401 without a token, challenge names the resource metadata",
        "/.well-known/oauth-protected-resource/mcp: resource is",
        "issuer is authorization_servers[0]",
        "the store opens here and the key opens what it holds",
        "the consent page is shown, with its browser cookie",
        "the credentials are accepted and a code comes back",
        "the token is accepted at /mcp (initialize)",
        "the grant made by diagnose is disconnected again",
        "No problems found.",
    ] {
        assert!(report.contains(line), "{line:?} in\n{report}");
    }
    assert!(
        !report.contains("sk-diagnose"),
        "no secret printed: {report}"
    );
    assert_eq!(rows(server.data_dir.path(), "grants").await, 0, "{report}");

    // Without --cred it stops at the form, and says how to go on.
    let (ok, report) = diagnose("openai", &env, &[server.url()]).await;
    assert!(ok, "{report}");
    assert!(report.contains("give --cred NAME=VALUE"), "{report}");
}

#[tokio::test]
async fn a_public_url_that_is_not_the_clients_url_is_named_with_its_fix() {
    // The server believes it is at localhost; clients use 127.0.0.1.
    let port = free_port();
    let server =
        CredServer::start_with(&[("GUMSTACK_PUBLIC_URL", &format!("http://localhost:{port}"))])
            .await;
    let (ok, report) = diagnose("openai", &[], &[&server.url().replace("/mcp", "/")]).await;
    assert!(!ok, "exit status 1:\n{report}");
    let found = problems(&report);
    assert!(!found.is_empty(), "{report}");
    for line in &found {
        assert!(
            line.contains("; fix: "),
            "each problem with its fix: {line}"
        );
    }
    assert!(
        found
            .iter()
            .any(|l| l.contains(&format!("\"http://localhost:{port}/mcp\""))
                && l.contains("GUMSTACK_PUBLIC_URL")),
        "{report}"
    );
    assert!(report.contains("problems found"), "{report}");
    let _ = server;
}

#[tokio::test]
async fn an_oauth_deployment_is_checked_up_to_the_provider() {
    let s = OAuthServer::start(&[]).await;
    let server = &s.server;
    let env = s.env();
    let (ok, report) = diagnose("oauth2", &env, &[&server.url]).await;
    assert!(ok, "{report}");
    let callback = server.url.replace("/mcp", "/auth/callback");
    assert!(
        report.contains("approving sends the browser to the provider"),
        "{report}"
    );
    assert!(
        report.contains(&format!("must list {callback} as a redirect")),
        "{report}"
    );
}

#[tokio::test]
async fn a_none_server_and_an_address_where_nothing_listens() {
    let server = HttpServer::start("weather", &[("WEATHER_API_KEY", "k")], &[]).await;
    let (ok, report) = diagnose("weather", &[("WEATHER_API_KEY", "k")], &[&server.url]).await;
    assert!(ok, "{report}");
    assert!(report.contains("answers initialize"), "{report}");

    let nowhere = format!("http://127.0.0.1:{}", free_port());
    let (ok, report) = diagnose("weather", &[("WEATHER_API_KEY", "k")], &[&nowhere]).await;
    assert!(!ok, "{report}");
    let found = problems(&report);
    assert_eq!(found.len(), 1, "{report}");
    assert!(found[0].contains("cannot connect"), "{report}");

    let (ok, report) = diagnose("weather", &[("WEATHER_API_KEY", "k")], &["mcp.example.com"]).await;
    assert!(!ok, "{report}");
    assert!(report.contains("is not an http(s) URL"), "{report}");
}
