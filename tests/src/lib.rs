//! Helpers for gumstack's end-to-end tests: find the example binaries, start them
//! over stdio or HTTP, and connect rmcp's real MCP client to them.

use std::{path::PathBuf, process::Stdio, time::Duration};

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
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.kill_on_drop(true);
    })
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
}

impl HttpServer {
    /// Start `name` with `serve --http 127.0.0.1:0 EXTRA...` and wait until it listens.
    pub async fn start(name: &str, env: &[(&str, &str)], extra: &[&str]) -> Self {
        let mut child = example(name, env)
            .args(["serve", "--http", "127.0.0.1:0"])
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
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("[server] {line}");
            }
        });
        Self { child, url }
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
