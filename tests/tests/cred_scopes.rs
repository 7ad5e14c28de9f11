//! Scopes of a `cred` server (its own MCP-level permissions) and permission
//! groups by a claim, on the `journal` example: every connection may read
//! (`journal:read`, the server's minimum), `write_entry` needs
//! `journal:write`. There is no provider: the user consents, and a client
//! that authorizes again for more, in the browser that connected it, keeps
//! the credentials entered then (the same grant). And the audit log of a
//! call that runs as a task.

use gumstack_tests::{
    HttpServer, TEST_KEY,
    oauth::{Browser, OAuthClient, Page, pkce},
    request_2026, rows, run_example, start_up_error,
    step_up::{Answer, call, consent, link_in, result, text, token, tool_names},
};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Journal {
    server: HttpServer,
    dir: tempfile::TempDir,
}

async fn journal(extra: &[(&str, &str)]) -> Journal {
    let dir = tempfile::tempdir().unwrap();
    let mut env = vec![
        ("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap()),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
    ];
    env.extend_from_slice(extra);
    let server = HttpServer::start("journal", &env, &[]).await;
    Journal { server, dir }
}

async fn write(url: &str, token: &str) -> Answer {
    call(url, token, "write_entry", json!({"text": "deployed"})).await
}

async fn read(url: &str, token: &str) -> String {
    text(&call(url, token, "read_journal", json!({})).await)
}

/// Approve `consent`, with `ticked` optional scopes left ticked: the
/// credentials form.
async fn approve(client: &OAuthClient, consent: &Page, ticked: &[&str]) -> Page {
    let (pending, csrf) = (
        consent.input("pending").unwrap(),
        consent.input("csrf").unwrap(),
    );
    let boxes: Vec<String> = ticked.iter().map(|s| format!("scope:{s}")).collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("pending", &pending),
        ("csrf", &csrf),
        ("decision", "approve"),
    ];
    form.extend(boxes.iter().map(|b| (b.as_str(), "on")));
    let page = client
        .browser
        .post(&format!("{}/authorize", client.base), &form)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

/// A whole first authorization for `scope` with `team`'s credentials and
/// the optional scopes `ticked`: the token and its scope.
async fn connect(
    client: &OAuthClient,
    scope: &str,
    team: &str,
    ticked: &[&str],
) -> (String, String) {
    let (verifier, challenge) = pkce();
    let page = consent(client, &challenge, scope).await;
    let form = approve(client, &page, ticked).await;
    let done = client
        .submit(&form, &[("team", team), ("code", "1234")])
        .await;
    token(client, &done, &verifier).await
}

const KEEP: &str = "Keep my saved credentials";

#[tokio::test]
async fn the_metadata_and_the_challenge_name_the_servers_own_scopes() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let base = url.trim_end_matches("/mcp");
    for path in [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-authorization-server",
    ] {
        let doc: Value = reqwest::get(format!("{base}{path}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            doc["scopes_supported"],
            json!(["mcp", "journal:read", "journal:write"]),
            "{path}: {doc}"
        );
    }
    let challenge = reqwest::Client::new()
        .post(url)
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(challenge.status(), StatusCode::UNAUTHORIZED);
    let header = challenge.headers()["www-authenticate"].to_str().unwrap();
    assert!(header.contains(r#"scope="mcp journal:read""#), "{header}");
}

#[tokio::test]
async fn a_write_without_the_scope_steps_up_and_keeps_the_credentials() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let client = OAuthClient::register(url).await;

    // A client that asks for nothing gets the minimum: it may read, not write.
    let (first, scope) = connect(&client, "mcp", "ops", &[]).await;
    assert_eq!(scope, "mcp journal:read");
    assert_eq!(read(url, &first).await, r#"{"result":[]}"#);
    let refused = write(url, &first).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let challenge = refused.challenge.unwrap();
    assert!(
        challenge.contains(r#"error="insufficient_scope""#),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"scope="mcp journal:read journal:write""#),
        "{challenge}"
    );

    // It authorizes again for the union, in the same browser: the consent
    // page offers the new scope, and the form keeps the credentials.
    let (verifier, code_challenge) = pkce();
    let page = consent(&client, &code_challenge, "mcp journal:read journal:write").await;
    assert!(
        page.body.contains(r#"name="scope:journal:write""#),
        "{}",
        page.body
    );
    assert!(page.body.contains("Write in your team"), "{}", page.body);
    let form = approve(&client, &page, &["journal:write"]).await;
    assert!(form.body.contains(KEEP), "{}", form.body);
    let done = client.submit(&form, &[("keep", "1")]).await;
    let (second, scope) = token(&client, &done, &verifier).await;
    assert_eq!(scope, "mcp journal:read journal:write");

    // The same grant: the new token writes as `ops`, the old one reads it.
    assert_eq!(text(&write(url, &second).await), "ops has 1 entries");
    assert!(read(url, &first).await.contains("deployed"));
    // The old token keeps what it held (refused before: now the link).
    assert_eq!(result(&write(url, &first).await)["isError"], true);
    assert_eq!(rows(j.dir.path(), "grants").await, 1);

    // The form is single use: keeping twice finds nothing.
    let again = client.submit(&form, &[("keep", "1")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
}

#[tokio::test]
async fn only_the_browser_that_connected_may_keep_the_credentials() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let client = OAuthClient::register(url).await;
    connect(&client, "mcp", "ops", &[]).await;

    // The same client in another browser: no button, and the answer a
    // hand-made form gets is a refusal that changes nothing.
    let elsewhere = OAuthClient {
        browser: Browser::default(),
        base: client.base.clone(),
        client_id: client.client_id.clone(),
        http: reqwest::Client::new(),
        redirect_uri: client.redirect_uri.clone(),
    };
    let (_, code_challenge) = pkce();
    let page = consent(&elsewhere, &code_challenge, "mcp journal:write").await;
    let form = approve(&elsewhere, &page, &["journal:write"]).await;
    assert!(!form.body.contains(KEEP), "{}", form.body);
    let refused = elsewhere.submit(&form, &[("keep", "1")]).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains("Nothing saved here"),
        "{}",
        refused.body
    );

    // Another client in the first browser: its own grant, nothing kept.
    let other = OAuthClient::register_named(url, "Other Client").await;
    let other = OAuthClient {
        browser: client.browser.clone(),
        ..other
    };
    let (_, code_challenge) = pkce();
    let page = consent(&other, &code_challenge, "mcp").await;
    let form = approve(&other, &page, &[]).await;
    assert!(!form.body.contains(KEEP), "{}", form.body);
    assert_eq!(rows(j.dir.path(), "grants").await, 1);
}

#[tokio::test]
async fn an_unticked_scope_is_not_granted() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let client = OAuthClient::register(url).await;
    let (token_, scope) = connect(&client, "mcp journal:write", "ops", &[]).await;
    assert_eq!(scope, "mcp journal:read");
    assert_eq!(write(url, &token_).await.status, StatusCode::FORBIDDEN);
    let (token_, scope) = connect(&client, "mcp journal:write", "ops", &["journal:write"]).await;
    assert_eq!(scope, "mcp journal:read journal:write");
    assert_eq!(text(&write(url, &token_).await), "ops has 1 entries");
}

#[tokio::test]
async fn a_client_that_does_not_step_up_gets_a_link_its_owner_allows() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let base = url.trim_end_matches("/mcp");
    let client = OAuthClient::register(url).await;
    let (token_, _) = connect(&client, "mcp", "ops", &[]).await;

    // The 403, then (the client did not act on it) the link.
    assert_eq!(write(url, &token_).await.status, StatusCode::FORBIDDEN);
    let link = link_in(&write(url, &token_).await);
    assert!(
        link.starts_with(&format!("{base}/auth/reconnect?id=")),
        "{link}"
    );
    assert_eq!(link_in(&write(url, &token_).await), link);

    // In another browser it does nothing.
    let stranger = Browser::default();
    assert_eq!(stranger.get(&link).await.status, StatusCode::FORBIDDEN);

    // The owner's browser: the page names the scope; allowing it (from this
    // origin only) widens the client's own token.
    let page = client.browser.get(&link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("<code>journal:write</code>"),
        "{}",
        page.body
    );
    let form = [
        ("pending", page.input("pending").unwrap()),
        ("csrf", page.input("csrf").unwrap()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cross_site = client
        .browser
        .post_with(
            &format!("{base}/auth/reconnect"),
            &form,
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(
        cross_site.status,
        StatusCode::FORBIDDEN,
        "{}",
        cross_site.body
    );
    assert_eq!(write(url, &token_).await.status, StatusCode::OK);
    let wrong_csrf = client
        .browser
        .post(
            &format!("{base}/auth/reconnect"),
            &[("pending", form[0].1), ("csrf", "x")],
        )
        .await;
    assert_ne!(wrong_csrf.status, StatusCode::OK, "{}", wrong_csrf.body);

    let allowed = client
        .browser
        .post(&format!("{base}/auth/reconnect"), &form)
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.body);
    assert!(allowed.body.contains("Allowed"), "{}", allowed.body);
    assert_eq!(text(&write(url, &token_).await), "ops has 1 entries");

    // Single use: a replay, or the link again, finds nothing.
    let replay = client
        .browser
        .post(&format!("{base}/auth/reconnect"), &form)
        .await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST, "{}", replay.body);
    assert_eq!(
        client.browser.get(&link).await.status,
        StatusCode::BAD_REQUEST
    );
}

const GROUPS: &str = r#"
default: readers
groups:
  readers:
    tools: [read_journal]
  writers:
    tools: ["*"]
    members: ["claim:team=ops"]
"#;

#[tokio::test]
async fn a_group_names_its_members_by_a_claim() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permissions.yaml");
    std::fs::write(&file, GROUPS).unwrap();
    let j = journal(&[("GUMSTACK_PERMISSIONS", file.to_str().unwrap())]).await;
    let url = j.server.url.as_str();
    let all = "mcp journal:write";
    let write_scope = ["journal:write"];

    let ops = OAuthClient::register_named(url, "Ops").await;
    let (ops, _) = connect(&ops, all, "ops", &write_scope).await;
    assert_eq!(
        tool_names(url, &ops).await,
        ["read_journal", "export_journal", "write_entry"]
    );
    assert_eq!(text(&write(url, &ops).await), "ops has 1 entries");

    // `opsx` is not `ops`: the default group, which may not write.
    let dev = OAuthClient::register_named(url, "Dev").await;
    let (dev, _) = connect(&dev, all, "opsx", &write_scope).await;
    assert_eq!(tool_names(url, &dev).await, ["read_journal"]);
    let refused = write(url, &dev).await;
    let result = result(&refused);
    assert_eq!(result["isError"], true, "{result}");
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("You may not call `write_entry` on this server (your groups: readers)"),
        "{result}"
    );
}

#[tokio::test]
async fn a_claim_must_be_a_field_that_is_not_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("permissions.yaml");
    std::fs::write(
        &file,
        "groups:\n  a:\n    tools: [\"*\"]\n    members: [\"claim:code=1234\"]\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let error = start_up_error(
        "journal",
        &[
            ("GUMSTACK_DATA_DIR", data.path().to_str().unwrap()),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            ("GUMSTACK_PERMISSIONS", file.to_str().unwrap()),
        ],
        &["serve", "--http", "127.0.0.1:0"],
    )
    .await;
    assert!(
        error.contains("no claim `code` on this server (its claims: team)"),
        "{error}"
    );
}

/// A tool call that becomes a task is audited once, when the task ends, with
/// its caller.
#[tokio::test]
async fn a_call_run_as_a_task_is_audited_when_it_ends() {
    let j = journal(&[]).await;
    let url = j.server.url.as_str();
    let client = OAuthClient::register(url).await;
    let (token_, _) = connect(&client, "mcp", "ops", &[]).await;
    let caps = json!({"extensions": {"io.modelcontextprotocol/tasks": {}}});
    let started = request_2026(
        url,
        Some(&token_),
        "tools/call",
        json!({"name": "export_journal", "arguments": {}}),
        caps.clone(),
    )
    .await;
    assert_eq!(started["result"]["resultType"], "task", "{started:#}");
    let id = started["result"]["taskId"].as_str().unwrap().to_owned();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let got = request_2026(
            url,
            Some(&token_),
            "tasks/get",
            json!({"taskId": id}),
            caps.clone(),
        )
        .await;
        if got["result"]["status"] == "completed" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{got:#}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The writer lingers up to 100 ms per batch; a clean stop flushes it.
    j.server.terminate();
    let mut server = j.server;
    let _ = server.child.wait().await;
    let dir = j.dir.path().to_str().unwrap();
    let output = run_example(
        "journal",
        &[
            ("GUMSTACK_DATA_DIR", dir),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
        ],
        &["audit", "--json", "--tool", "export_journal"],
    )
    .await;
    let stdout = String::from_utf8(output.stdout).unwrap();
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 1, "{stdout}");
    assert_eq!(records[0]["outcome"], "ok", "{stdout}");
    assert_eq!(records[0]["client"], client.client_id.as_str(), "{stdout}");
}
