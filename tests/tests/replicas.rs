//! Several replicas of one server sharing a PostgreSQL database, behind a
//! round-robin balancer: every request a client makes goes to the next replica.
//! The database is a real PostgreSQL server (see `gumstack_tests::postgres`).

use std::time::Duration;

use gumstack::testing::MockProvider;
use gumstack_tests::{
    HttpServer, TEST_KEY, args,
    balancer::Balancer,
    call_2026, first_text, generate, mcp_status,
    oauth::{OAuthClient, connect_with_token, pkce},
    postgres::fresh_database,
    request_2026, stub_openai,
};
use reqwest::StatusCode;
use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, CallToolResult},
    transport::StreamableHttpClientTransport,
};
use serde_json::{Value, json};

/// One replica: its own data directory (nothing shared through it), the
/// shared database, key and public URL.
async fn replica(
    example: &str,
    database: &str,
    public_url: &str,
    env: &[(&str, &str)],
    extra: &[&str],
) -> (HttpServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![
        ("GUMSTACK_DATA_DIR", dir.path().to_str().unwrap()),
        ("GUMSTACK_DATABASE_URL", database),
        ("GUMSTACK_SECRET_KEY", TEST_KEY),
        ("GUMSTACK_PUBLIC_URL", public_url),
    ];
    all.extend_from_slice(env);
    // Port 0: a port picked beforehand could be taken meanwhile by any outgoing
    // connection of the tests running alongside.
    (HttpServer::start(example, &all, extra).await, dir)
}

/// Whether the replica at `url` answers 401 to `token` within a second.
async fn refused_within_a_second(url: &str, token: &str) -> bool {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while tokio::time::Instant::now() < deadline {
        if mcp_status(url, token).await == StatusCode::UNAUTHORIZED {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

struct Pair {
    balancer: Balancer,
    replicas: Vec<(HttpServer, tempfile::TempDir)>,
}

impl Pair {
    /// `{balancer}/mcp`: the one URL clients know.
    fn mcp(&self) -> String {
        format!("{}/mcp", self.balancer.url)
    }
}

/// Two `openai` (`auth = cred`) replicas behind a balancer.
async fn cred_pair(extra: &[&str]) -> Pair {
    let database = fresh_database().await;
    let upstream = format!("http://{}/v1", stub_openai().await);
    let env = [("OPENAI_BASE_URL", upstream.as_str())];
    let (listener, public) = Balancer::bind().await;
    let a = replica("openai", &database, &public, &env, extra).await;
    let b = replica("openai", &database, &public, &env, extra).await;
    let balancer = Balancer::start(listener, public, &[&a.0.url, &b.0.url]);
    Pair {
        balancer,
        replicas: vec![a, b],
    }
}

#[tokio::test]
async fn a_client_alternating_between_replicas_sees_no_difference() {
    let pair = cred_pair(&[]).await;
    let mcp = pair.mcp();

    // Registration, consent, the credentials form, the redirect and the code
    // exchange each land on the replica after the previous one's.
    let client = OAuthClient::register(&mcp).await;
    let (access, refresh) = client.tokens(&[("api_key", "sk-alt")]).await;

    // One MCP session: initialize on one replica, every later message on the
    // other one in turn (which resumes the session from the database).
    let session = connect_with_token(&mcp, &access).await;
    let tools = session.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "generate"));
    for i in 0..6 {
        let result = generate(&session, &format!("p{i}")).await;
        assert_eq!(result.is_error, Some(false), "call {i}: {result:?}");
        assert!(
            first_text(&result).starts_with("auth=Bearer sk-alt "),
            "call {i}: {}",
            first_text(&result)
        );
    }
    let served = pair.balancer.served();
    assert!(
        served.iter().all(|&n| n >= 5),
        "both replicas served the client: {served:?}"
    );

    // Refresh-token rotation across replicas: rotated at one, the old token
    // replayed at the other is recognised as reuse and revokes the grant.
    let (status, rotated, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    let (status, replay, _) = client
        .token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{replay}");
    assert_eq!(replay["error"], "invalid_grant");
    let (status, after, _) = client
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &new_refresh),
        ])
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "the replay revoked the whole grant, on every replica: {after}"
    );
    // Both replicas refuse the revoked access tokens at once (the other one
    // hears of it through the database).
    let new_access = rotated["access_token"].as_str().unwrap();
    for replica in &pair.replicas {
        assert!(refused_within_a_second(&replica.0.url, new_access).await);
    }
}

#[tokio::test]
async fn a_code_is_redeemed_once_whichever_replica_is_asked() {
    let pair = cred_pair(&[]).await;
    let client = OAuthClient::register(&pair.mcp()).await;
    let (verifier, challenge) = pkce();
    let code = client.code(&challenge, &[("api_key", "sk-code")]).await;
    // Straight to each replica, not through the balancer: the code issued by
    // whichever replica finished the flow is redeemed at the first, and the
    // second sees the reuse.
    let direct = |i: usize| {
        let base = pair.replicas[i].0.url.trim_end_matches("/mcp").to_owned();
        let client_id = client.client_id.clone();
        let code = code.clone();
        let verifier = verifier.clone();
        async move {
            let response = reqwest::Client::new()
                .post(format!("{base}/token"))
                .form(&[
                    ("client_id", client_id.as_str()),
                    ("grant_type", "authorization_code"),
                    ("code", code.as_str()),
                    ("redirect_uri", gumstack::testing::client::REDIRECT_URI),
                    ("code_verifier", verifier.as_str()),
                ])
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    let (first, tokens) = direct(0).await;
    assert_eq!(first, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let [url_0, url_1] = [0, 1].map(|i| pair.replicas[i].0.url.clone());
    // Both replicas accept it (and remember they checked it).
    for url in [&url_0, &url_1] {
        assert_ne!(mcp_status(url, access).await, StatusCode::UNAUTHORIZED);
    }
    let (second, body) = direct(1).await;
    assert_eq!(second, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"], "invalid_grant");
    // Reuse revokes what the code gave: at once on the replica that saw the
    // reuse, and on the other as soon as it hears of it (not after its cache
    // of checked tokens expires, 5 s).
    assert_eq!(mcp_status(&url_1, access).await, StatusCode::UNAUTHORIZED);
    assert!(refused_within_a_second(&url_0, access).await);
}

#[tokio::test]
async fn a_session_opened_on_one_replica_refuses_another_users_token_on_the_other() {
    let pair = cred_pair(&[]).await;
    let client = OAuthClient::register(&pair.mcp()).await;
    let (alice, _) = client.tokens(&[("api_key", "sk-alice")]).await;
    let (mallory, _) = client.tokens(&[("api_key", "sk-mallory")]).await;
    let post = |url: String, token: String, session: Option<String>, body: Value| async move {
        let mut request = reqwest::Client::new()
            .post(url)
            .bearer_auth(token)
            .header("Accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(session) = session {
            request = request
                .header("mcp-session-id", session)
                .header("mcp-protocol-version", "2025-11-25");
        }
        request.send().await.unwrap()
    };
    let [a, b] = [0, 1].map(|i| pair.replicas[i].0.url.clone());
    let opened = post(
        a,
        alice.clone(),
        None,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await;
    assert!(opened.status().is_success());
    let session = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let hijack = post(b.clone(), mallory, Some(session.clone()), list.clone()).await;
    assert_eq!(hijack.status(), StatusCode::FORBIDDEN);
    let owner = post(b, alice, Some(session), list).await;
    assert!(
        owner.status().is_success(),
        "the owner resumes the session on the other replica: {}",
        owner.status()
    );
    let body = owner.text().await.unwrap();
    assert!(body.contains("generate"), "{body}");
}

#[tokio::test]
async fn stateless_replicas_answer_any_request() {
    let pair = cred_pair(&["--stateless"]).await;
    let client = OAuthClient::register(&pair.mcp()).await;
    let (access, _) = client.tokens(&[("api_key", "sk-stateless")]).await;
    let session = connect_with_token(&pair.mcp(), &access).await;
    for i in 0..4 {
        let result = generate(&session, &format!("s{i}")).await;
        assert_eq!(result.is_error, Some(false), "call {i}: {result:?}");
    }
    assert!(pair.balancer.served().iter().all(|&n| n >= 4));
}

/// A 2026-07-28 question asked by one replica is answered at the other (the
/// key and the store are shared, no session is), and only once.
#[tokio::test]
async fn a_2026_07_28_question_from_one_replica_is_answered_at_the_other_once() {
    let pair = cred_pair(&[]).await;
    let client = OAuthClient::register(&pair.mcp()).await;
    let (token, _) = client.tokens(&[("api_key", "sk-two")]).await;
    let (a, b) = (&pair.replicas[0].0.url, &pair.replicas[1].0.url);
    let delete = json!({"name": "delete_file", "arguments": {"file_id": "file-7"}});
    let asked = call_2026(a, &token, delete).await;
    assert_eq!(asked["result"]["resultType"], "input_required", "{asked:#}");
    let key = asked["result"]["inputRequests"]
        .as_object()
        .and_then(|requests| requests.keys().next())
        .expect("one question")
        .clone();
    let retry = json!({
        "name": "delete_file",
        "arguments": {"file_id": "file-7"},
        "inputResponses": { key: {"action": "accept", "content": {"delete": true}} },
        "requestState": asked["result"]["requestState"],
    });
    let done = call_2026(b, &token, retry.clone()).await;
    assert_eq!(
        done["result"]["content"][0]["text"], "file-7 deleted",
        "{done:#}"
    );
    let replay = call_2026(a, &token, retry).await;
    assert_eq!(
        replay["error"]["code"], -32602,
        "spent on the other replica: {replay:#}"
    );
}

/// `tasks/get` of task `id` at `url`, until `status` (within 10 s).
async fn task_until(url: &str, id: &str, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let got = request_2026(url, None, "tasks/get", json!({"taskId": id}), tasks_caps()).await;
        if got["result"]["status"] == status || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn tasks_caps() -> Value {
    json!({"extensions": {"io.modelcontextprotocol/tasks": {}}})
}

/// Tasks are kept in the store by the replica that runs them: the other
/// replica answers `tasks/get` (and acknowledges cancelling a finished task),
/// a finished task is still there after a restart, and a task whose process
/// died reads as failed.
#[tokio::test]
async fn any_replica_reads_a_task_and_one_whose_process_died_reads_as_failed() {
    let database = fresh_database().await;
    let (_listener, public) = Balancer::bind().await;
    let mut a = replica("everything", &database, &public, &[], &[]).await;
    let b = replica("everything", &database, &public, &[], &[]).await;
    let start = |seconds: f64| json!({"name": "slow_compute", "arguments": {"seconds": seconds, "label": "r"}});
    let short = request_2026(&a.0.url, None, "tools/call", start(0.3), tasks_caps()).await;
    assert_eq!(short["result"]["resultType"], "task", "{short:#}");
    let id = short["result"]["taskId"].as_str().unwrap().to_owned();
    let done = task_until(&b.0.url, &id, "completed").await;
    assert_eq!(
        done["result"]["result"]["content"][0]["text"], "r: computed for 0.3 s",
        "read on the other replica: {done:#}"
    );
    let ack = request_2026(
        &b.0.url,
        None,
        "tasks/cancel",
        json!({"taskId": id}),
        tasks_caps(),
    )
    .await;
    assert!(ack["error"].is_null(), "{ack:#}");

    let long = request_2026(&a.0.url, None, "tools/call", start(60.0), tasks_caps()).await;
    let long_id = long["result"]["taskId"].as_str().unwrap().to_owned();
    let running = task_until(&b.0.url, &long_id, "working").await;
    assert_eq!(running["result"]["status"], "working", "{running:#}");
    let elsewhere = request_2026(
        &b.0.url,
        None,
        "tasks/cancel",
        json!({"taskId": long_id}),
        tasks_caps(),
    )
    .await;
    assert!(
        elsewhere["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("another replica"),
        "{elsewhere:#}"
    );

    // Replica A dies with the long task running; a new A starts on the same database.
    a.0.child.start_kill().unwrap();
    let _ = a.0.child.wait().await;
    a = replica("everything", &database, &public, &[], &[]).await;
    let kept = task_until(&a.0.url, &id, "completed").await;
    assert_eq!(
        kept["result"]["status"], "completed",
        "after a restart: {kept:#}"
    );
    let orphan = task_until(&a.0.url, &long_id, "failed").await;
    assert_eq!(orphan["result"]["status"], "failed", "{orphan:#}");
    assert!(
        orphan["result"]["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("stopped"),
        "{orphan:#}"
    );
}

/// Two `oauth2` replicas on the mock provider, and a client connected to the
/// account `login` through the balancer.
async fn oauth_pair(provider: &MockProvider) -> (Pair, String) {
    let database = fresh_database().await;
    let (listener, public) = Balancer::bind().await;
    let env: Vec<(String, String)> = provider.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let a = replica("oauth2", &database, &public, &env, &[]).await;
    let b = replica("oauth2", &database, &public, &env, &[]).await;
    let balancer = Balancer::start(listener, public, &[&a.0.url, &b.0.url]);
    let pair = Pair {
        balancer,
        replicas: vec![a, b],
    };
    // Tokens that have expired by their first use.
    provider.set_token_lifetime(Duration::from_secs(1));
    let client = OAuthClient::register(&pair.mcp()).await;
    let (access, _) = client.oauth_tokens("ada").await;
    gumstack_tests::until_tokens_expire().await;
    provider.set_token_lifetime(Duration::from_secs(3600));
    (pair, access)
}

async fn whoami(client: &gumstack_tests::Client) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new("whoami"))
        .await
        .expect("answered")
}

#[tokio::test]
async fn refresh_is_single_flight_across_replicas() {
    let provider = MockProvider::start().await;
    let (pair, access) = oauth_pair(&provider).await;
    provider.set_refresh_delay(Duration::from_millis(300));
    // 50 racing calls on each replica, straight to it.
    let a = connect_with_token(&pair.replicas[0].0.url, &access).await;
    let b = connect_with_token(&pair.replicas[1].0.url, &access).await;
    let calls = (0..100).map(|i| whoami(if i % 2 == 0 { &a } else { &b }));
    let results = futures::future::join_all(calls).await;
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result.is_error, Some(false), "call {i}: {result:?}");
    }
    assert_eq!(
        provider.refresh_requests(),
        1,
        "100 calls over two replicas cause one refresh request"
    );
    // And the new tokens are what both replicas use from now on.
    whoami(&a).await;
    whoami(&b).await;
    assert_eq!(provider.refresh_requests(), 1);
}

#[tokio::test]
async fn a_replica_killed_mid_refresh_leaves_a_usable_grant() {
    let provider = MockProvider::start().await;
    let (mut pair, access) = oauth_pair(&provider).await;
    provider.set_refresh_delay(Duration::from_secs(3));
    let a = connect_with_token(&pair.replicas[0].0.url, &access).await;
    let b = connect_with_token(&pair.replicas[1].0.url, &access).await;
    // Replica A starts the refresh and holds the lock...
    let stuck =
        tokio::spawn(async move { a.call_tool(CallToolRequestParams::new("whoami")).await });
    let started = tokio::time::Instant::now();
    while provider.refresh_requests() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no refresh began"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // ...and dies before it hears back or writes anything.
    pair.replicas[0].0.child.kill().await.unwrap();
    stuck.abort();
    provider.set_refresh_delay(Duration::ZERO);
    // Replica B takes over: the lock died with A's connection.
    let result = tokio::time::timeout(Duration::from_secs(20), whoami(&b))
        .await
        .expect("B was not blocked by the dead replica's lock");
    assert_eq!(result.is_error, Some(false), "{result:?}");
    assert_eq!(
        provider.refresh_requests(),
        2,
        "B refreshed again, with the refresh token A never replaced"
    );
}

#[tokio::test]
async fn none_servers_share_sessions_through_the_database() {
    let database = fresh_database().await;
    let (listener, public) = Balancer::bind().await;
    let env = [("WEATHER_API_KEY", "demo")];
    let a = replica("weather", &database, &public, &env, &[]).await;
    let b = replica("weather", &database, &public, &env, &[]).await;
    let balancer = Balancer::start(listener, public.clone(), &[&a.0.url, &b.0.url]);
    let session = ()
        .serve(StreamableHttpClientTransport::from_uri(format!(
            "{public}/mcp"
        )))
        .await
        .expect("MCP handshake through the balancer");
    for i in 0..4 {
        let result = session
            .call_tool(
                CallToolRequestParams::new("get_alerts")
                    .with_arguments(args(json!({"region": format!("r{i}")}))),
            )
            .await
            .expect("answered");
        assert_eq!(result.is_error, Some(false), "call {i}: {result:?}");
    }
    assert!(
        balancer.served().iter().all(|&n| n >= 3),
        "{:?}",
        balancer.served()
    );
}

#[tokio::test]
async fn bad_database_settings_stop_start_up_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().to_str().unwrap();
    let serve = ["serve", "--http", "127.0.0.1:0"];

    // Replicas must share the sealing key: a key file per machine will not do.
    let database = fresh_database().await;
    let stderr = gumstack_tests::start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", dir),
            ("GUMSTACK_DATABASE_URL", &database),
        ],
        &serve,
    )
    .await;
    assert!(
        stderr.contains("GUMSTACK_DATABASE_URL is set but GUMSTACK_SECRET_KEY is not"),
        "{stderr}"
    );

    // Only PostgreSQL takes a URL.
    let stderr = gumstack_tests::start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", dir),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            ("GUMSTACK_DATABASE_URL", "mysql://db/gumstack"),
        ],
        &serve,
    )
    .await;
    assert!(stderr.contains("must be a postgres:// URL"), "{stderr}");

    // An unreachable server is named, without its password, with the reason.
    let stderr = gumstack_tests::start_up_error(
        "openai",
        &[
            ("GUMSTACK_DATA_DIR", dir),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            (
                "GUMSTACK_DATABASE_URL",
                "postgres://gumstack:hunter2@127.0.0.1:9/gumstack",
            ),
        ],
        &serve,
    )
    .await;
    assert!(
        stderr.contains("cannot connect to the database of GUMSTACK_DATABASE_URL"),
        "{stderr}"
    );
    assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
    assert!(stderr.contains("refused"), "says why: {stderr}");
    assert!(!stderr.contains("hunter2"), "the password leaked: {stderr}");
}
