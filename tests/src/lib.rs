//! Helpers for gumstack's end-to-end tests: find the example binaries, start them
//! over stdio or HTTP, and connect rmcp's real MCP client to them.

use std::{path::PathBuf, process::Stdio, time::Duration};

pub mod balancer;
pub mod browser;
pub mod npm;
pub mod oauth;
pub mod postgres;
pub mod step_up;

use rmcp::{
    RoleClient, ServiceExt,
    service::RunningService,
    transport::{ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess},
};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

pub type Client = RunningService<RoleClient, ()>;

/// Path of an example binary (`weather`, `openai`, `linear`) built by
/// `cargo test --workspace` (the examples package's own tests make cargo build
/// them) or `cargo build --workspace`.
pub fn example_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> -> target/<profile>/<name>
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps");
    let bin = dir.join(name);
    assert!(
        bin.exists(),
        "example binary {} is missing: run `cargo build --workspace` (or `cargo test --workspace`) first",
        bin.display()
    );
    bin
}

/// A command for an example with a clean environment: only what the test sets.
pub fn example(name: &str, env: &[(&str, &str)]) -> Command {
    Command::new(example_bin(name)).configure(|cmd| {
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        // State of `cred`/`oauth` examples goes to a home of the test run's own.
        cmd.env("HOME", test_home());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.kill_on_drop(true);
    })
}

/// A home directory for the examples this test process starts, removed with the
/// system's temp files.
fn test_home() -> PathBuf {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    HOME.get_or_init(|| tempfile::tempdir().expect("temp home"))
        .path()
        .to_owned()
}

/// Connect rmcp's client to an example over stdio.
pub async fn connect_stdio(name: &str, env: &[(&str, &str)]) -> Client {
    let cmd = example(name, env).configure(|cmd| {
        cmd.args(["serve", "--stdio"]);
    });
    let (transport, _stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn example over stdio");
    ().serve(transport).await.expect("MCP handshake over stdio")
}

/// A running HTTP example; the process is killed on drop.
pub struct HttpServer {
    pub child: Child,
    /// `http://127.0.0.1:PORT/mcp`
    pub url: String,
    /// Its log (stderr) since it started listening.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl HttpServer {
    /// Start `name` with `serve --http 127.0.0.1:0 EXTRA...` and wait until it listens.
    pub async fn start(name: &str, env: &[(&str, &str)], extra: &[&str]) -> Self {
        Self::start_at(name, env, "127.0.0.1:0", extra).await
    }

    /// Start `name` listening on `addr`.
    pub async fn start_at(name: &str, env: &[(&str, &str)], addr: &str, extra: &[&str]) -> Self {
        let mut child = example(name, env)
            .args(["serve", "--http", addr])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn example over HTTP");
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = BufReader::new(stderr).lines();
        let url = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("read server log") {
                eprintln!("[{name}] {line}");
                if let Some(rest) = line.split("streamable HTTP at ").nth(1) {
                    return rest.split_whitespace().next().map(str::to_owned);
                }
            }
            None
        })
        .await
        .expect("server did not start within 30 s")
        .expect("server exited before listening");
        // Keep draining the log so the server never blocks on a full pipe.
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let kept = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[server] {line}");
                let mut kept = kept.lock().unwrap();
                kept.push_str(&line);
                kept.push('\n');
            }
        });
        Self { child, url, log }
    }

    /// Its log so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Send it SIGTERM, as an orchestrator stopping it does.
    pub fn terminate(&self) {
        let pid = self.child.id().expect("the server is running");
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {pid}");
    }

    pub async fn connect(&self) -> Client {
        ().serve(StreamableHttpClientTransport::from_uri(self.url.clone()))
            .await
            .expect("MCP handshake over HTTP")
    }
}

/// Run an example to completion and capture its output (for `config` and start-up errors).
pub async fn run_example(name: &str, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    tokio::time::timeout(
        Duration::from_secs(30),
        example(name, env).args(args).stdin(Stdio::null()).output(),
    )
    .await
    .expect("example finished within 30 s")
    .expect("run example")
}

/// Run an example that must refuse to start; its stderr (the reason).
pub async fn start_up_error(name: &str, env: &[(&str, &str)], args: &[&str]) -> String {
    let output = run_example(name, env, args).await;
    assert!(
        !output.status.success(),
        "{name} {args:?} was expected to fail"
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Text of the first content block of a tool result.
pub fn first_text(result: &rmcp::model::CallToolResult) -> &str {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.as_str())
        .expect("a text content block")
}

/// `json!({...})` as the arguments object of a call.
pub fn args(value: serde_json::Value) -> rmcp::model::JsonObject {
    value.as_object().expect("arguments are an object").clone()
}

/// A raw 2026-07-28 `tools/call` (`params`: name, arguments, and any
/// `inputResponses`/`requestState`) with this bearer token, from a client that
/// declares elicitation; the JSON-RPC answer.
pub async fn call_2026(url: &str, token: &str, params: serde_json::Value) -> serde_json::Value {
    let caps = serde_json::json!({"elicitation": {}});
    request_2026(url, Some(token), "tools/call", params, caps).await
}

/// A raw 2026-07-28 request of `method` from a client declaring `caps`; the
/// JSON-RPC answer (from a JSON body, or the last event of a stream).
pub async fn request_2026(
    url: &str,
    token: Option<&str>,
    method: &str,
    mut params: serde_json::Value,
    caps: serde_json::Value,
) -> serde_json::Value {
    params["_meta"] = serde_json::json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": caps,
    });
    // `Mcp-Name` is the tool's name, or the task's id.
    let name = params["name"]
        .as_str()
        .or_else(|| params["taskId"].as_str())
        .map(str::to_owned);
    let mut request = reqwest::Client::new()
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method)
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}));
    if let Some(name) = name {
        request = request.header("mcp-name", name);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let text = request
        .send()
        .await
        .expect("POST /mcp")
        .text()
        .await
        .expect("body");
    let json = text
        .lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .next_back()
        .unwrap_or(&text)
        .trim()
        .to_owned();
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A stand-in for OpenAI's chat completions endpoint on loopback, answering with
/// what it was sent so tests see whose key arrived.
pub async fn stub_openai() -> std::net::SocketAddr {
    use axum::{Json, Router, http::HeaderMap, routing::post};
    use serde_json::{Value, json};
    async fn complete(headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
        let auth = headers["authorization"]
            .to_str()
            .unwrap_or_default()
            .to_owned();
        let org = headers
            .get("openai-organization")
            .map(|v| v.to_str().unwrap_or_default().to_owned());
        let answer = format!(
            "auth={auth} org={} model={} prompt={}",
            org.unwrap_or_default(),
            body["model"].as_str().unwrap_or_default(),
            body["messages"][0]["content"].as_str().unwrap_or_default()
        );
        Json(json!({"choices": [{"message": {"content": answer}}]}))
    }
    /// Keys starting with `sk-` are valid.
    async fn models(headers: HeaderMap) -> axum::http::StatusCode {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if auth.starts_with("Bearer sk-") {
            axum::http::StatusCode::OK
        } else {
            axum::http::StatusCode::UNAUTHORIZED
        }
    }
    /// Deletes any file of a key starting with `sk-`.
    async fn delete_file(
        headers: HeaderMap,
        axum::extract::Path(id): axum::extract::Path<String>,
    ) -> Json<Value> {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        Json(json!({"id": id, "object": "file", "deleted": auth.starts_with("Bearer sk-")}))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            Router::new()
                .route("/v1/chat/completions", post(complete))
                .route("/v1/models", axum::routing::get(models))
                .route("/v1/files/{id}", axum::routing::delete(delete_file)),
        )
        .await
        .unwrap();
    });
    addr
}

/// Call the `openai` example's `generate` tool (the stub answers with the
/// credentials it was sent).
pub async fn generate(client: &Client, prompt: &str) -> rmcp::model::CallToolResult {
    client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("generate")
                .with_arguments(args(serde_json::json!({"prompt": prompt}))),
        )
        .await
        .expect("tools/call answered")
}

/// The `openai` example over HTTP with its own data directory and key, talking to
/// a stub OpenAI on loopback.
pub struct CredServer {
    pub server: HttpServer,
    pub data_dir: std::sync::Arc<tempfile::TempDir>,
    pub upstream: String,
    /// Kept across restarts: the URL is the audience of every token.
    pub addr: String,
}

/// A loopback port free right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A fixed sealing key for tests (base64 of 32 bytes).
pub const TEST_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

impl CredServer {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// Started with these settings too (e.g. `GUMSTACK_TEST_MODE`, a public URL).
    pub async fn start_with(extra_env: &[(&str, &str)]) -> Self {
        let upstream = format!("http://{}/v1", stub_openai().await);
        let data_dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
        let addr = format!("127.0.0.1:{}", free_port());
        let server = Self::start_in(&data_dir, &upstream, &addr, extra_env).await;
        Self {
            server,
            data_dir,
            upstream,
            addr,
        }
    }

    /// Another server process on the same data directory (a restart).
    pub async fn restart(&mut self, extra_env: &[(&str, &str)]) {
        let _ = self.server.child.kill().await;
        let _ = self.server.child.wait().await;
        self.server = Self::start_in(&self.data_dir, &self.upstream, &self.addr, extra_env).await;
    }

    async fn start_in(
        dir: &tempfile::TempDir,
        upstream: &str,
        addr: &str,
        extra_env: &[(&str, &str)],
    ) -> HttpServer {
        let dir = dir.path().to_str().expect("utf-8 temp path").to_owned();
        let mut env = vec![
            ("GUMSTACK_DATA_DIR", dir.as_str()),
            ("GUMSTACK_SECRET_KEY", TEST_KEY),
            ("OPENAI_BASE_URL", upstream),
        ];
        env.extend_from_slice(extra_env);
        HttpServer::start_at("openai", &env, addr, &[]).await
    }

    pub fn url(&self) -> &str {
        &self.server.url
    }
}

/// The HTTP status of a `tools/list` POST to `/mcp` with this bearer token: 401
/// once the token is revoked or its grant is gone.
pub async fn mcp_status(mcp_url: &str, token: &str) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(mcp_url)
        .bearer_auth(token)
        .header("Accept", "application/json, text/event-stream")
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .expect("POST /mcp")
        .status()
}

/// Wait until 1-second tokens of the mock provider, issued just now, are due for
/// a refresh: the host uses tokens obtained within the current second as they
/// are, and refreshes a 1 s token when it expires.
pub async fn until_tokens_expire() {
    tokio::time::sleep(Duration::from_millis(1100)).await;
}

/// The SQLite store an example keeps in `data_dir`, opened beside it.
pub async fn store_file(data_dir: &std::path::Path) -> sqlx::SqlitePool {
    let db = data_dir.join("gumstack.db");
    sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("open the example's SQLite store")
}

/// How many rows `table` of the store in `data_dir` holds: what a refused
/// request must not have added.
pub async fn rows(data_dir: &std::path::Path, table: &str) -> i64 {
    let pool = store_file(data_dir).await;
    let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&pool)
        .await
        .expect("count rows");
    pool.close().await;
    n
}

/// A client ID metadata document served on loopback (servers accept http and
/// loopback documents only with `GUMSTACK_TEST_MODE`).
pub struct MetadataDocument {
    /// Its URL: the client's `client_id`.
    pub url: String,
    /// How many times it was fetched.
    pub fetched: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl MetadataDocument {
    /// A document for `redirect_uri`, naming itself as `client_id` (or
    /// `claimed_id`, a lie), sent with `cache_control` when given.
    pub async fn serve(
        redirect_uri: &str,
        claimed_id: Option<&str>,
        cache_control: Option<&'static str>,
    ) -> Self {
        let document = serde_json::json!({
            "client_name": "Metadata Document Client",
            "redirect_uris": [redirect_uri],
            "token_endpoint_auth_method": "none",
        });
        Self::serve_document(document, claimed_id, cache_control).await
    }

    /// `document` (a shipping client's, say) at a loopback URL, its
    /// `client_id` set to that URL (or `claimed_id`).
    pub async fn serve_document(
        mut document: serde_json::Value,
        claimed_id: Option<&str>,
        cache_control: Option<&'static str>,
    ) -> Self {
        use axum::{Json, Router, response::IntoResponse, routing::get};
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/client.json", listener.local_addr().unwrap());
        let fetched = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = fetched.clone();
        document["client_id"] = claimed_id.unwrap_or(&url).into();
        tokio::spawn(async move {
            let app = Router::new().route(
                "/client.json",
                get(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    let mut response = Json(document.clone()).into_response();
                    if let Some(value) = cache_control {
                        response
                            .headers_mut()
                            .insert("cache-control", value.parse().unwrap());
                    }
                    async move { response }
                }),
            );
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, fetched }
    }

    pub fn fetches(&self) -> usize {
        self.fetched.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A client whose `client_id` is this document, on the server at `mcp_url`.
    pub fn client(&self, mcp_url: &str) -> oauth::OAuthClient {
        oauth::OAuthClient::with_document(mcp_url, &self.url, oauth::REDIRECT_URI)
    }
}

/// The `oauth2` example against gumstack's mock provider, in its own data
/// directory, with the fixed test key.
pub struct OAuthServer {
    pub provider: gumstack::testing::MockProvider,
    pub server: HttpServer,
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl OAuthServer {
    /// Started with these settings too (each replaces the default of its name).
    pub async fn start(extra: &[(&str, &str)]) -> Self {
        Self::start_example("oauth2", extra).await
    }

    /// Example `bin` (an `oauth` server configured like `oauth2`) against the
    /// mock provider, with these settings too.
    pub async fn start_example(bin: &str, extra: &[(&str, &str)]) -> Self {
        let provider = gumstack::testing::MockProvider::start().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut env: Vec<(String, String)> = provider.env();
        env.push((
            "GUMSTACK_DATA_DIR".into(),
            dir.path().to_str().expect("utf-8 temp path").into(),
        ));
        env.push(("GUMSTACK_SECRET_KEY".into(), TEST_KEY.into()));
        for (k, v) in extra {
            env.retain(|(name, _)| name != k);
            env.push(((*k).into(), (*v).into()));
        }
        let server = {
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            HttpServer::start(bin, &env, &[]).await
        };
        Self {
            provider,
            server,
            dir,
            env,
        }
    }

    /// The settings it runs with, for other commands of the same binary.
    pub fn env(&self) -> Vec<(&str, &str)> {
        self.env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}
