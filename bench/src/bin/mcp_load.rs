//! End-to-end benchmarks, gumstack's `weather` example against the hand-written
//! rmcp server `plain_rmcp`, side by side in one run:
//!
//! 1. `get_alerts` tool-call latency (p50, p99) and throughput over streamable
//!    HTTP (stateful and stateless) and stdio, for 1, 2, 4 and 8 concurrent clients;
//! 2. the same over HTTP with bearer auth: `gum_cred` (`auth = cred`, the tool
//!    calls `self.creds().await`) against `plain_rmcp --bearer` (a hand-written
//!    SHA-256 token lookup in an axum middleware), one access token per client,
//!    obtained from gumstack's authorization server with the real OAuth flow;
//!    and with the protocol revisions side by side (`--only protocol`):
//!    `gum_cred` called by clients speaking 2026-07-28 (`server/discover`,
//!    stateless requests) and 2025-11-25 (`initialize`, a stateful session,
//!    SSE), against `plain_rmcp --bearer` called at 2026-07-28;
//!    and against the machine's ceiling (`--only ceiling`): `ceiling` (plain
//!    hyper, one JSON parse, a canned reply), plain rmcp and gumstack, every
//!    one driven by the same SDK-free HTTP/1.1 client (keep-alive, one
//!    prepared 2026-07-28 request), at 1, 8 and 32 connections, 3 runs, medians;
//! 3. the throughput of one `gum_cred` replica against two sharing one
//!    PostgreSQL database (a fresh one from `gumstack_tests::postgres`), the
//!    clients split between them;
//! 4. cold start: spawn to the first successful `tools/list` over stdio;
//! 5. resident memory per open idle HTTP session, at 1k and 10k sessions;
//! 6. release build time of the binary after touching its source file.
//!
//! ```sh
//! cargo run --release -p gumstack-bench --bin mcp_load
//! cargo run --release -p gumstack-bench --bin mcp_load -- --calls 200 --cold 5 --sessions 1000 --no-build
//! cargo run --release -p gumstack-bench --bin mcp_load -- --only auth --calls 300
//! cargo run --release -p gumstack-bench --bin mcp_load -- --only protocol --calls 300
//! cargo run --release -p gumstack-bench --bin mcp_load -- --only replicas --calls 300
//! ```
//!
//! Everything runs on loopback; every loop is bounded by a call count and a time
//! limit. Output is Markdown tables (the figures in `BENCHMARKS.md`).

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant, SystemTime},
};

use rmcp::{
    RoleClient, ServiceExt,
    model::{CallToolRequestParams, ProtocolVersion},
    service::{ClientLifecycleMode, ClientServiceExt, RunningService},
    transport::{
        ConfigureCommandExt, StreamableHttpClientTransport, TokioChildProcess,
        streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use sha2::{Digest, Sha256};
use tokio::process::{Child, Command};

type Client = RunningService<RoleClient, ()>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// No single measurement loop runs longer than this.
const RUN_LIMIT: Duration = Duration::from_secs(20);
const WARMUP_CALLS: usize = 50;
const CONCURRENCY: [usize; 4] = [1, 2, 4, 8];

/// A sealing key for `gum_cred`'s temporary store (base64 of 32 bytes; a
/// benchmark's throw-away data needs no secret key).
const BENCH_SEAL_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

#[derive(Clone, Copy, PartialEq)]
enum Section {
    Latency,
    Auth,
    Protocol,
    Ceiling,
    Access,
    Replicas,
    Cold,
    Memory,
    Build,
}

impl Section {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "latency" => Section::Latency,
            "auth" => Section::Auth,
            "protocol" => Section::Protocol,
            "ceiling" => Section::Ceiling,
            "access" => Section::Access,
            "replicas" => Section::Replicas,
            "cold" => Section::Cold,
            "memory" => Section::Memory,
            "build" => Section::Build,
            _ => return None,
        })
    }
}

struct Opts {
    calls: usize,
    cold: usize,
    sessions: Vec<usize>,
    build_runs: usize,
    /// Run only this section (`--only`); every section when `None`.
    only: Option<Section>,
    /// `--rows TEXT`: in the ceiling section, only rows naming TEXT get the
    /// full run (to profile one server).
    rows: Option<String>,
}

impl Opts {
    fn runs(&self, section: Section) -> bool {
        self.only.is_none_or(|only| only == section)
    }
}

impl Opts {
    fn parse() -> Self {
        let mut opts = Opts {
            calls: 2000,
            cold: 20,
            sessions: vec![1000, 10_000],
            build_runs: 1,
            only: None,
            rows: None,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            if arg == "--only" {
                let section = args.next().and_then(|v| Section::parse(&v));
                opts.only = Some(section.unwrap_or_else(|| usage(&arg)));
                continue;
            }
            if arg == "--rows" {
                opts.rows = Some(args.next().unwrap_or_else(|| usage(&arg)));
                continue;
            }
            let mut value = || -> usize {
                args.next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage(&arg))
            };
            match arg.as_str() {
                "--calls" => opts.calls = value(),
                "--cold" => opts.cold = value(),
                "--sessions" => {
                    let n = value();
                    opts.sessions = if n == 0 { vec![] } else { vec![n] };
                }
                "--build-runs" => opts.build_runs = value(),
                "--no-build" => opts.build_runs = 0,
                _ => usage(&arg),
            }
        }
        opts
    }
}

fn usage(arg: &str) -> ! {
    eprintln!(
        "unexpected argument `{arg}`\nusage: mcp_load [--calls N] [--cold N] [--sessions N] [--build-runs N | --no-build] [--rows TEXT] [--only latency|auth|protocol|ceiling|access|replicas|cold|memory|build]"
    );
    std::process::exit(2);
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    Gumstack,
    Plain,
    /// `auth = cred`, for the bearer-auth section.
    GumCred,
    /// Plain hyper with a canned reply: what the machine allows.
    Ceiling,
}

impl Which {
    fn bin(self) -> &'static str {
        match self {
            Which::Gumstack => "weather",
            Which::Plain => "plain_rmcp",
            Which::GumCred => "gum_cred",
            Which::Ceiling => "ceiling",
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ lives in the workspace")
        .to_owned()
}

fn bin_path(which: Which) -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    exe.parent().expect("target/<profile>").join(which.bin())
}

fn command(which: Which) -> Command {
    let mut cmd = Command::new(bin_path(which));
    cmd.env("WEATHER_API_KEY", "bench")
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .kill_on_drop(true);
    cmd
}

async fn cargo_build(package: &str, bin: &str) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace_root())
        .args(["build", "--release", "--quiet", "-p", package, "--bin", bin])
        .status()
        .await?;
    if !status.success() {
        return Err(format!("cargo build -p {package} --bin {bin} failed").into());
    }
    Ok(start.elapsed())
}

// ---------------------------------------------------------------------------
// Statistics

struct Stats {
    p50: Duration,
    p99: Duration,
    throughput: f64,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn stats(mut latencies: Vec<Duration>, wall: Duration) -> Stats {
    latencies.sort_unstable();
    Stats {
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
        throughput: latencies.len() as f64 / wall.as_secs_f64(),
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn us(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e6)
}

fn ratio(gumstack: f64, plain: f64) -> String {
    if plain == 0.0 {
        "n/a".into()
    } else {
        format!("{:.3}", gumstack / plain)
    }
}

// ---------------------------------------------------------------------------
// Servers

struct HttpServer {
    child: Child,
    url: String,
    /// `gum_cred`'s store and sealing key directory, removed after the child.
    _data_dir: Option<tempfile::TempDir>,
}

async fn free_port() -> Result<u16, BoxError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    Ok(listener.local_addr()?.port())
}

async fn start_http(which: Which, stateless: bool) -> Result<HttpServer, BoxError> {
    start_http_with(which, stateless, &[], &[], None).await
}

async fn start_http_with(
    which: Which,
    stateless: bool,
    extra_args: &[&str],
    env: &[(&str, &str)],
    data_dir: Option<tempfile::TempDir>,
) -> Result<HttpServer, BoxError> {
    let port = free_port().await?;
    start_http_at(which, port, stateless, extra_args, env, data_dir).await
}

async fn start_http_at(
    which: Which,
    port: u16,
    stateless: bool,
    extra_args: &[&str],
    env: &[(&str, &str)],
    data_dir: Option<tempfile::TempDir>,
) -> Result<HttpServer, BoxError> {
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = command(which);
    cmd.args(["serve", "--http", &addr])
        .args(extra_args)
        .envs(env.iter().copied())
        .stdout(Stdio::null());
    if stateless {
        cmd.arg("--stateless");
    }
    let child = cmd.spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(&addr).await.is_err() {
        if Instant::now() > deadline {
            return Err(format!("{} did not listen on {addr}", which.bin()).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(HttpServer {
        child,
        url: format!("http://{addr}/mcp"),
        _data_dir: data_dir,
    })
}

async fn connect_stdio(which: Which) -> Result<Client, BoxError> {
    connect_stdio_with(which, &[]).await
}

async fn connect_stdio_with(which: Which, env: &[(&str, &str)]) -> Result<Client, BoxError> {
    let cmd = command(which).configure(|cmd| {
        cmd.args(["serve", "--stdio"]).envs(env.iter().copied());
    });
    let (transport, _stderr) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::null())
        .spawn()?;
    Ok(().serve(transport).await?)
}

fn alerts_call() -> CallToolRequestParams {
    let mut args = serde_json::Map::new();
    args.insert("region".into(), "Brittany".into());
    CallToolRequestParams::new("get_alerts").with_arguments(args)
}

async fn call(peer: &rmcp::Peer<RoleClient>) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let result = peer.call_tool(alerts_call()).await?;
    let elapsed = start.elapsed();
    if result.is_error == Some(true) {
        return Err(format!("tool error: {result:?}").into());
    }
    Ok(elapsed)
}

/// `clients` peers, each making `calls` calls back to back, all at once.
async fn drive(peers: Vec<rmcp::Peer<RoleClient>>, calls: usize) -> Result<Stats, BoxError> {
    // Warm up (connections, allocator, caches) before measuring.
    for peer in &peers {
        for _ in 0..WARMUP_CALLS {
            call(peer).await?;
        }
    }
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for peer in peers {
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(calls);
            for _ in 0..calls {
                if start.elapsed() > RUN_LIMIT {
                    break;
                }
                latencies.push(call(&peer).await?);
            }
            Ok::<_, BoxError>(latencies)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    Ok(stats(all, start.elapsed()))
}

/// `clients` MCP sessions; with `tokens`, client `i` sends `Authorization: Bearer tokens[i]`.
async fn http_load(
    url: &str,
    clients: usize,
    calls: usize,
    tokens: Option<&[String]>,
) -> Result<Stats, BoxError> {
    http_load_across(
        &[url],
        clients,
        calls,
        tokens,
        ClientLifecycleMode::Initialize,
    )
    .await
}

/// [`http_load`] with clients that speak 2026-07-28: `server/discover`, then
/// stateless requests (version and capabilities in each request's `_meta`).
async fn http_load_2026(
    url: &str,
    clients: usize,
    calls: usize,
    tokens: Option<&[String]>,
) -> Result<Stats, BoxError> {
    let lifecycle = ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    http_load_across(&[url], clients, calls, tokens, lifecycle).await
}

/// [`http_load`] with the clients spread over `urls`: client `i` talks to
/// `urls[i % urls.len()]` (client-side balancing).
async fn http_load_across(
    urls: &[&str],
    clients: usize,
    calls: usize,
    tokens: Option<&[String]>,
    lifecycle: ClientLifecycleMode,
) -> Result<Stats, BoxError> {
    let mut sessions = Vec::with_capacity(clients);
    for i in 0..clients {
        let url = urls[i % urls.len()];
        let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_owned());
        if let Some(tokens) = tokens {
            config = config.auth_header(tokens[i].clone());
        }
        let transport = StreamableHttpClientTransport::from_config(config);
        let session = ().serve_with_lifecycle(transport, lifecycle.clone()).await?;
        if let ClientLifecycleMode::Discover { .. } = lifecycle {
            let version = session.peer_info().map(|i| i.protocol_version.clone());
            if version != Some(ProtocolVersion::V_2026_07_28) {
                return Err(format!("{url} did not speak 2026-07-28 ({version:?})").into());
            }
        }
        sessions.push(session);
    }
    let peers = sessions.iter().map(|s| s.peer().clone()).collect();
    let stats = drive(peers, calls).await;
    for session in sessions {
        let _ = session.cancel().await;
    }
    stats
}

/// One stdio connection (stdio serves one client), `clients` callers in flight on it.
async fn stdio_load(which: Which, clients: usize, calls: usize) -> Result<Stats, BoxError> {
    let client = connect_stdio(which).await?;
    let peers = (0..clients).map(|_| client.peer().clone()).collect();
    let stats = drive(peers, calls).await;
    let _ = client.cancel().await;
    stats
}

struct Row {
    transport: &'static str,
    clients: usize,
    gumstack: Stats,
    plain: Stats,
}

fn print_latency_table(rows: &[Row]) {
    println!(
        "| transport | clients | p50 µs gumstack / plain | ratio | p99 µs gumstack / plain | ratio | calls/s gumstack / plain | ratio |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} / {} | {} | {} / {} | {} | {:.0} / {:.0} | {} |",
            r.transport,
            r.clients,
            us(r.gumstack.p50),
            us(r.plain.p50),
            ratio(r.gumstack.p50.as_secs_f64(), r.plain.p50.as_secs_f64()),
            us(r.gumstack.p99),
            us(r.plain.p99),
            ratio(r.gumstack.p99.as_secs_f64(), r.plain.p99.as_secs_f64()),
            r.gumstack.throughput,
            r.plain.throughput,
            ratio(r.gumstack.throughput, r.plain.throughput),
        );
    }
    println!();
}

async fn latency(opts: &Opts) -> Result<(), BoxError> {
    let mut rows = Vec::new();
    for (transport, stateless) in [("HTTP stateful", false), ("HTTP stateless", true)] {
        // Both servers run side by side for the whole series.
        let gumstack = start_http(Which::Gumstack, stateless).await?;
        let plain = start_http(Which::Plain, stateless).await?;
        for (i, clients) in CONCURRENCY.into_iter().enumerate() {
            let calls = opts.calls;
            // Alternate which server goes first, against drift.
            let (g, p) = if i % 2 == 0 {
                let p = http_load(&plain.url, clients, calls, None).await?;
                (http_load(&gumstack.url, clients, calls, None).await?, p)
            } else {
                let g = http_load(&gumstack.url, clients, calls, None).await?;
                (g, http_load(&plain.url, clients, calls, None).await?)
            };
            eprintln!("  {transport} x{clients} done");
            rows.push(Row {
                transport,
                clients,
                gumstack: g,
                plain: p,
            });
        }
        drop((gumstack.child, plain.child));
    }
    for (i, clients) in CONCURRENCY.into_iter().enumerate() {
        let (g, p) = if i % 2 == 0 {
            let p = stdio_load(Which::Plain, clients, opts.calls).await?;
            (stdio_load(Which::Gumstack, clients, opts.calls).await?, p)
        } else {
            let g = stdio_load(Which::Gumstack, clients, opts.calls).await?;
            (g, stdio_load(Which::Plain, clients, opts.calls).await?)
        };
        eprintln!("  stdio x{clients} done");
        rows.push(Row {
            transport: "stdio",
            clients,
            gumstack: g,
            plain: p,
        });
    }
    println!(
        "### Tool-call latency and throughput ({} calls per client after {WARMUP_CALLS} warm-up calls)\n",
        opts.calls
    );
    print_latency_table(&rows);
    Ok(())
}

// ---------------------------------------------------------------------------
// Latency with bearer auth

/// `gum_cred` on a fresh store in a temp directory.
async fn start_gum_cred(stateless: bool) -> Result<HttpServer, BoxError> {
    start_gum_cred_with(stateless, &[]).await
}

/// `gum_cred` on a fresh store, with these settings too.
async fn start_gum_cred_with(
    stateless: bool,
    extra: &[(&str, &str)],
) -> Result<HttpServer, BoxError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().to_str().ok_or("non-UTF-8 temp dir")?.to_owned();
    let mut env = vec![
        ("GUMSTACK_DATA_DIR", path.as_str()),
        ("GUMSTACK_SECRET_KEY", BENCH_SEAL_KEY),
    ];
    env.extend_from_slice(extra);
    start_http_with(Which::GumCred, stateless, &[], &env, Some(dir)).await
}

/// `plain_rmcp --bearer` accepting `tokens`.
async fn start_plain_bearer(stateless: bool, tokens: &[String]) -> Result<HttpServer, BoxError> {
    let joined = tokens.join(",");
    let env = [("PLAIN_BEARER_TOKENS", joined.as_str())];
    start_http_with(Which::Plain, stateless, &["--bearer"], &env, None).await
}

/// One access token per client, each for its own user, through gumstack's
/// authorization server the way a client gets one: dynamic registration,
/// consent, the credentials form, the code exchanged with PKCE.
async fn gumstack_tokens(mcp_url: &str, n: usize) -> Vec<String> {
    use gumstack::testing::client::OAuthClient;
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        // One registration each: the credentials form limits how often one
        // application submits it.
        let client = OAuthClient::register_named(mcp_url, &format!("mcp_load {i}")).await;
        let key = format!("key-{i}");
        let (access, _refresh) = client.tokens(&[("api_key", &key)]).await;
        tokens.push(access);
    }
    tokens
}

/// `n` opaque tokens for the hand-written server (64 hex digits each).
fn plain_tokens(n: usize) -> Vec<String> {
    let seed = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    (0..n)
        .map(|i| {
            let digest = Sha256::digest(format!("{seed}-{}-{i}", std::process::id()));
            digest.iter().map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

/// The auth layer is really there: no token and an unknown token both get 401.
async fn check_refuses(url: &str) -> Result<(), BoxError> {
    let http = reqwest::Client::new();
    let list = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"});
    for token in [None, Some("not-a-token")] {
        let mut request = http
            .post(url)
            .header("accept", "application/json, text/event-stream")
            .json(&list);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let status = request.send().await?.status();
        if status != reqwest::StatusCode::UNAUTHORIZED {
            return Err(format!("{url} answered {status} to token {token:?}, not 401").into());
        }
    }
    Ok(())
}

async fn auth_latency(opts: &Opts) -> Result<(), BoxError> {
    let max_clients = CONCURRENCY.into_iter().max().unwrap_or(1);
    let mut rows = Vec::new();
    for (transport, stateless) in [
        ("HTTP stateful + bearer", false),
        ("HTTP stateless + bearer", true),
    ] {
        let gumstack = start_gum_cred(stateless).await?;
        let g_tokens = gumstack_tokens(&gumstack.url, max_clients).await;
        let p_tokens = plain_tokens(max_clients);
        let plain = start_plain_bearer(stateless, &p_tokens).await?;
        check_refuses(&gumstack.url).await?;
        check_refuses(&plain.url).await?;
        for (i, clients) in CONCURRENCY.into_iter().enumerate() {
            let calls = opts.calls;
            let (g_url, p_url) = (gumstack.url.as_str(), plain.url.as_str());
            let (g_tok, p_tok) = (Some(g_tokens.as_slice()), Some(p_tokens.as_slice()));
            let (g, p) = if i % 2 == 0 {
                let p = http_load(p_url, clients, calls, p_tok).await?;
                (http_load(g_url, clients, calls, g_tok).await?, p)
            } else {
                let g = http_load(g_url, clients, calls, g_tok).await?;
                (g, http_load(p_url, clients, calls, p_tok).await?)
            };
            eprintln!("  {transport} x{clients} done");
            rows.push(Row {
                transport,
                clients,
                gumstack: g,
                plain: p,
            });
        }
        drop((gumstack.child, plain.child));
    }
    println!(
        "### Tool-call latency and throughput with bearer auth (gumstack `auth = cred` + `creds().await` / plain rmcp + hashed-token middleware; {} calls per client after {WARMUP_CALLS} warm-up calls, one token per client)\n",
        opts.calls
    );
    print_latency_table(&rows);
    Ok(())
}

/// The revisions side by side, bearer auth on: gumstack at 2026-07-28
/// (stateless) and at 2025-11-25 (a stateful session, answers on SSE), plain
/// rmcp at 2026-07-28. Ratios are against plain rmcp at 2026-07-28.
async fn protocol_latency(opts: &Opts) -> Result<(), BoxError> {
    let max_clients = CONCURRENCY.into_iter().max().unwrap_or(1);
    // One stateful server each: rmcp serves a 2026-07-28 request directly
    // (no session) whatever the server's mode, and sessions for 2025-11-25.
    let gumstack = start_gum_cred(false).await?;
    let g_tokens = gumstack_tokens(&gumstack.url, max_clients).await;
    let p_tokens = plain_tokens(max_clients);
    let plain = start_plain_bearer(false, &p_tokens).await?;
    check_refuses(&gumstack.url).await?;
    check_refuses(&plain.url).await?;
    println!(
        "### Tool-call latency and throughput by protocol revision, bearer auth on (gumstack `auth = cred` + `creds().await`; plain rmcp + hashed-token middleware; {} calls per client after {WARMUP_CALLS} warm-up calls)\n",
        opts.calls
    );
    println!(
        "| clients | calls/s gumstack 2026 / gumstack 2025 / plain 2026 | ratios to plain 2026 | p50 µs (same order) | p99 µs (same order) |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for clients in CONCURRENCY {
        let (g_tok, p_tok) = (Some(g_tokens.as_slice()), Some(p_tokens.as_slice()));
        // Interleaved, so drift in the machine's load spreads over all three.
        let modern = http_load_2026(&gumstack.url, clients, opts.calls, g_tok).await?;
        let plain_modern = http_load_2026(&plain.url, clients, opts.calls, p_tok).await?;
        let legacy = http_load(&gumstack.url, clients, opts.calls, g_tok).await?;
        eprintln!("  revisions x{clients} done");
        let all = [&modern, &legacy, &plain_modern];
        println!(
            "| {clients} | {:.0} / {:.0} / {:.0} | {} / {} | {} | {} |",
            modern.throughput,
            legacy.throughput,
            plain_modern.throughput,
            ratio(modern.throughput, plain_modern.throughput),
            ratio(legacy.throughput, plain_modern.throughput),
            all.map(|s| us(s.p50)).join(" / "),
            all.map(|s| us(s.p99)).join(" / "),
        );
    }
    println!();
    drop((gumstack.child, plain.child));
    Ok(())
}

// ---------------------------------------------------------------------------
// The machine's ceiling, with an SDK-free client

/// Which protocol revision a raw client speaks.
#[derive(Clone, Copy, PartialEq)]
enum Revision {
    /// 2026-07-28: every call a stateless POST carrying its own `_meta`.
    Modern,
    /// 2025-11-25: `initialize` once, then calls on the session (`Mcp-Session-Id`),
    /// each answered as an event stream.
    Session,
}

/// One keep-alive HTTP/1.1 connection sending one prepared request again and
/// again: the client costs the same for every server, and little.
struct RawClient {
    stream: tokio::net::TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
}

/// A POST of `body` to `/mcp` at `authority`, with `headers` (each ending in CRLF).
fn raw_post(authority: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "POST /mcp HTTP/1.1\r\nHost: {authority}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl RawClient {
    /// A client calling `get_alerts` on `url` with `token`, in `revision`.
    async fn connect(url: &str, token: Option<&str>, revision: Revision) -> Result<Self, BoxError> {
        let authority = url
            .strip_prefix("http://")
            .and_then(|rest| rest.split('/').next())
            .ok_or("an http:// URL")?;
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let stream = tokio::net::TcpStream::connect(authority).await?;
        stream.set_nodelay(true)?;
        let mut client = Self {
            stream,
            request: Vec::new(),
            buf: Vec::with_capacity(16 * 1024),
        };
        let arguments = serde_json::json!({"region": "Brittany"});
        client.request = match revision {
            Revision::Modern => {
                let body = serde_json::json!({
                    "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {
                        "name": "get_alerts", "arguments": arguments,
                        "_meta": {
                            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                            "io.modelcontextprotocol/clientCapabilities": {},
                        },
                    },
                });
                let headers = format!(
                    "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: get_alerts\r\n{auth}"
                );
                raw_post(authority, &headers, &body.to_string())
            }
            Revision::Session => {
                let initialize = serde_json::json!({
                    "jsonrpc": "2.0", "id": 0, "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-11-25", "capabilities": {},
                        "clientInfo": {"name": "raw", "version": "1"},
                    },
                });
                let (head, _) = client
                    .exchange(&raw_post(authority, &auth, &initialize.to_string()))
                    .await?;
                let session = head
                    .lines()
                    .find_map(|l| l.strip_prefix("mcp-session-id:"))
                    .map(|v| v.trim().to_owned())
                    .ok_or("no session id")?;
                let headers = format!(
                    "MCP-Protocol-Version: 2025-11-25\r\nMcp-Session-Id: {session}\r\n{auth}"
                );
                let initialized = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
                client
                    .exchange(&raw_post(authority, &headers, initialized))
                    .await?;
                let body = serde_json::json!({
                    "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": {"name": "get_alerts", "arguments": arguments},
                });
                raw_post(authority, &headers, &body.to_string())
            }
        };
        Ok(client)
    }

    /// Send `request`, read the whole response: its head (lower case) and body.
    async fn exchange(&mut self, request: &[u8]) -> Result<(String, String), BoxError> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.stream.write_all(request).await?;
        self.buf.clear();
        loop {
            if let Some(response) = complete_response(&self.buf)? {
                return Ok(response);
            }
            let mut chunk = [0u8; 8192];
            let n = self.stream.read(&mut chunk).await?;
            if n == 0 {
                return Err("the server closed the connection".into());
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn call(&mut self) -> Result<Duration, BoxError> {
        let start = Instant::now();
        let request = std::mem::take(&mut self.request);
        let response = self.exchange(&request).await;
        self.request = request;
        let (_, body) = response?;
        let elapsed = start.elapsed();
        if !body.contains("\"result\"") || body.contains("\"isError\":true") {
            return Err(format!("not a tool result: {body}").into());
        }
        Ok(elapsed)
    }
}

/// The head (lower case) and body of a complete HTTP/1.1 response in `buf`
/// (`Content-Length`, chunked, or no body: 202), or `None` while more is to come.
fn complete_response(buf: &[u8]) -> Result<Option<(String, String)>, BoxError> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let head = std::str::from_utf8(&buf[..end])?.to_ascii_lowercase();
    if head.starts_with("http/1.1 202") {
        return Ok(Some((head, String::new())));
    }
    if !head.starts_with("http/1.1 200") {
        return Err(format!("HTTP error: {}", head.lines().next().unwrap_or_default()).into());
    }
    let rest = &buf[end + 4..];
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(name).map(|v| v.trim().to_owned()))
    };
    if let Some(length) = header("content-length:") {
        let length: usize = length.parse()?;
        return Ok((rest.len() >= length).then(|| {
            (
                head.clone(),
                String::from_utf8_lossy(&rest[..length]).into_owned(),
            )
        }));
    }
    // Chunked: size in hex, CRLF, data, CRLF; a zero size ends it.
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let Some(line) = rest[at..].windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&rest[at..at + line])?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)?;
        let data = at + line + 2;
        if size == 0 {
            return Ok((rest.len() >= data + 2)
                .then(|| (head.clone(), String::from_utf8_lossy(&body).into_owned())));
        }
        if rest.len() < data + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&rest[data..data + size]);
        at = data + size + 2;
    }
}

/// `clients` raw connections, `calls` calls each, all at once.
async fn raw_load(
    url: &str,
    clients: usize,
    calls: usize,
    tokens: Option<&[String]>,
    revision: Revision,
) -> Result<Stats, BoxError> {
    let mut conns = Vec::with_capacity(clients);
    for i in 0..clients {
        let token = tokens.map(|t| t[i % t.len()].as_str());
        let mut conn = RawClient::connect(url, token, revision).await?;
        for _ in 0..WARMUP_CALLS {
            conn.call().await?;
        }
        conns.push(conn);
    }
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for mut conn in conns {
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(calls);
            for _ in 0..calls {
                if start.elapsed() > RUN_LIMIT {
                    break;
                }
                latencies.push(conn.call().await?);
            }
            Ok::<_, BoxError>(latencies)
        });
    }
    let mut all = Vec::new();
    while let Some(done) = tasks.join_next().await {
        all.extend(done??);
    }
    Ok(stats(all, start.elapsed()))
}

/// Every server, the ceiling first, by the same raw client, in both revisions:
/// 2026-07-28 calls (one POST, one answer) and 2025-11-25 calls on a session
/// (an event stream each), at 1, 8 and 32 connections, three runs each, the
/// median run by throughput. The baseline of the aims is plain rmcp on a
/// 2025-11-25 session, what a server written on rmcp serves to today's clients.
async fn ceiling(opts: &Opts) -> Result<(), BoxError> {
    const CONNECTIONS: [usize; 3] = [1, 8, 32];
    let max = CONNECTIONS.into_iter().max().unwrap_or(1);
    let ceiling = start_http(Which::Ceiling, false).await?;
    let plain = start_http(Which::Plain, false).await?;
    let gum = start_http(Which::Gumstack, false).await?;
    let cred = start_gum_cred(false).await?;
    let cred_tokens = gumstack_tokens(&cred.url, max).await;
    let plain_tokens_ = plain_tokens(max);
    let plain_bearer = start_plain_bearer(false, &plain_tokens_).await?;
    let (modern, session) = (Revision::Modern, Revision::Session);
    let plain_bearer_tokens = Some(plain_tokens_.as_slice());
    let cred_tokens = Some(cred_tokens.as_slice());
    type Row<'a> = (&'a str, &'a str, Option<&'a [String]>, Revision);
    let servers: [Row; 9] = [
        ("ceiling (hyper, canned reply)", &ceiling.url, None, modern),
        ("plain rmcp, 2025-11-25 session", &plain.url, None, session),
        ("plain rmcp, 2026-07-28", &plain.url, None, modern),
        (
            "gumstack `none`, 2025-11-25 session",
            &gum.url,
            None,
            session,
        ),
        ("gumstack `none`, 2026-07-28", &gum.url, None, modern),
        (
            "plain rmcp + bearer, 2025-11-25 session",
            &plain_bearer.url,
            plain_bearer_tokens,
            session,
        ),
        (
            "plain rmcp + bearer, 2026-07-28",
            &plain_bearer.url,
            plain_bearer_tokens,
            modern,
        ),
        (
            "gumstack `cred` + bearer + `creds()`, 2025-11-25 session",
            &cred.url,
            cred_tokens,
            session,
        ),
        (
            "gumstack `cred` + bearer + `creds()`, 2026-07-28",
            &cred.url,
            cred_tokens,
            modern,
        ),
    ];
    // Each row's baseline: plain rmcp on a session, with bearer when it has one.
    let baseline = |i: usize| if i >= 5 { 5 } else { 1 };
    println!(
        "### Against the machine's ceiling: tool calls by one SDK-free HTTP/1.1 client (keep-alive; {} calls per connection after {WARMUP_CALLS} warm-up calls; median of 3 runs)\n",
        opts.calls
    );
    println!(
        "| server, revision | connections | calls/s | share of ceiling | × plain rmcp session | p50 µs | p99 µs | p99 × plain rmcp session |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for connections in CONNECTIONS {
        let mut medians = Vec::new();
        for (name, url, tokens, revision) in servers {
            // `--rows TEXT` (to profile one server): the others run once, briefly.
            let calls = match &opts.rows {
                Some(rows) if !name.contains(rows.as_str()) => WARMUP_CALLS,
                _ => opts.calls,
            };
            let mut runs = Vec::new();
            for _ in 0..3 {
                runs.push(raw_load(url, connections, calls, tokens, revision).await?);
            }
            runs.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
            medians.push(runs.swap_remove(1));
        }
        eprintln!("  ceiling x{connections} done");
        let top = medians[0].throughput;
        for (i, ((name, _, _, _), s)) in servers.iter().zip(&medians).enumerate() {
            let base = &medians[baseline(i)];
            println!(
                "| {name} | {connections} | {:.0} | {} | {} | {} | {} | {} |",
                s.throughput,
                ratio(s.throughput, top),
                ratio(s.throughput, base.throughput),
                us(s.p50),
                us(s.p99),
                ratio(s.p99.as_secs_f64(), base.p99.as_secs_f64()),
            );
        }
    }
    println!();
    println!("Peak resident memory (VmHWM) of each server after every run above:\n");
    println!("| server | peak MiB |\n|---|---:|");
    for (name, server) in [
        ("ceiling", &ceiling),
        ("plain rmcp", &plain),
        ("gumstack `none`", &gum),
        ("plain rmcp + bearer", &plain_bearer),
        ("gumstack `cred`", &cred),
    ] {
        let pid = server.child.id().ok_or("the server exited")?;
        println!("| {name} | {:.1} |", peak_kib(pid)? as f64 / 1024.0);
    }
    println!();
    drop((
        ceiling.child,
        plain.child,
        gum.child,
        cred.child,
        plain_bearer.child,
    ));
    Ok(())
}

// ---------------------------------------------------------------------------
// One replica against two on a shared PostgreSQL database

/// What the permission groups and the audit log cost a tool call over HTTP:
/// `gum_cred` with both off (no permissions file, `GUMSTACK_AUDIT_RETENTION=0`)
/// against both on (a file whose groups every caller is checked against, and
/// every call recorded in the store), side by side, 2026-07-28 calls with
/// bearer auth, the runs of the two interleaved. (The step-up gate needs an
/// `oauth` server with scopes: its per-call cost is `cargo bench -p gumstack
/// --bench scopes`.)
async fn access(opts: &Opts) -> Result<(), BoxError> {
    const CONNECTIONS: [usize; 2] = [1, 8];
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("permissions.yaml");
    // Every caller is in no group, so the default decides: the check runs
    // in full (a grant read once, then the cached answer) and allows the call.
    std::fs::write(
        &file,
        "default: everyone\ngroups:\n  everyone:\n    tools: [get_alerts]\n  admins:\n    tools: [\"*\"]\n    members: [\"client:nobody\"]\n",
    )?;
    let file = file.to_str().ok_or("non-UTF-8 temp dir")?;
    let no_audit = ("GUMSTACK_AUDIT_RETENTION", "0");
    let audit = ("GUMSTACK_AUDIT_RETENTION", "30d");
    let groups = ("GUMSTACK_PERMISSIONS", file);
    let settings: [(&str, Vec<(&str, &str)>); 4] = [
        ("off", vec![no_audit]),
        ("permission groups", vec![no_audit, groups]),
        ("audit log", vec![audit]),
        ("both", vec![audit, groups]),
    ];
    let max = CONNECTIONS.into_iter().max().unwrap_or(1);
    let mut servers = Vec::new();
    for (name, env) in &settings {
        let server = start_gum_cred_with(false, env).await?;
        let tokens = gumstack_tokens(&server.url, max).await;
        servers.push((*name, server, tokens));
    }
    println!(
        "### Permission groups and audit log, on against off (`gum_cred`, bearer auth, 2026-07-28 calls; {} calls per connection after {WARMUP_CALLS} warm-up calls; median of 5 runs, the servers' runs interleaved)\n",
        opts.calls
    );
    println!("| on | connections | calls/s | × off | p50 µs | p99 µs |");
    println!("|---|---:|---:|---:|---:|---:|");
    for connections in CONNECTIONS {
        let mut runs: Vec<Vec<Stats>> = servers.iter().map(|_| Vec::new()).collect();
        for _ in 0..5 {
            for ((_, server, tokens), runs) in servers.iter().zip(&mut runs) {
                runs.push(
                    raw_load(
                        &server.url,
                        connections,
                        opts.calls,
                        Some(tokens),
                        Revision::Modern,
                    )
                    .await?,
                );
            }
        }
        let medians: Vec<Stats> = runs
            .into_iter()
            .map(|mut r| {
                r.sort_by(|a, b| a.throughput.total_cmp(&b.throughput));
                r.swap_remove(2)
            })
            .collect();
        for ((name, _, _), s) in servers.iter().zip(&medians) {
            println!(
                "| {name} | {connections} | {:.0} | {} | {} | {} |",
                s.throughput,
                ratio(s.throughput, medians[0].throughput),
                us(s.p50),
                us(s.p99),
            );
        }
    }
    println!();
    Ok(())
}

/// A `gum_cred` replica at `port` on the shared database `database`; `public` is
/// the issuer and the audience of every token, the same on every replica (the
/// load balancer's URL in production).
async fn start_replica(
    port: u16,
    stateless: bool,
    database: &str,
    public: &str,
) -> Result<HttpServer, BoxError> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().to_str().ok_or("non-UTF-8 temp dir")?.to_owned();
    let env = [
        ("GUMSTACK_DATA_DIR", path.as_str()),
        ("GUMSTACK_SECRET_KEY", BENCH_SEAL_KEY),
        ("GUMSTACK_DATABASE_URL", database),
        ("GUMSTACK_PUBLIC_URL", public),
    ];
    start_http_at(Which::GumCred, port, stateless, &[], &env, Some(dir)).await
}

struct ReplicaRow {
    transport: &'static str,
    clients: usize,
    one: Stats,
    two: Stats,
}

async fn replicas(opts: &Opts) -> Result<(), BoxError> {
    let max_clients = CONCURRENCY.into_iter().max().unwrap_or(1);
    let database = gumstack_tests::postgres::fresh_database().await;
    // The public URL is replica 1's first address: the tokens are got through
    // it (the OAuth client checks `iss`), then every replica, stateless ones
    // included, is told it.
    let first_port = free_port().await?;
    let public = format!("http://127.0.0.1:{first_port}");
    let mut tokens: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (transport, stateless) in [
        ("HTTP stateful + bearer", false),
        ("HTTP stateless + bearer", true),
    ] {
        let port = if tokens.is_empty() {
            first_port
        } else {
            free_port().await?
        };
        let r1 = start_replica(port, stateless, &database, &public).await?;
        let r2 = start_replica(free_port().await?, stateless, &database, &public).await?;
        if tokens.is_empty() {
            // Once: they live in the shared store, valid on every replica.
            tokens = gumstack_tokens(&r1.url, max_clients).await;
        }
        check_refuses(&r1.url).await?;
        check_refuses(&r2.url).await?;
        let (one_urls, two_urls) = ([r1.url.as_str()], [r1.url.as_str(), r2.url.as_str()]);
        let tok = Some(tokens.as_slice());
        for (i, clients) in CONCURRENCY.into_iter().enumerate() {
            let calls = opts.calls;
            // Alternate which configuration goes first, against drift.
            let (one, two) = if i % 2 == 0 {
                let two = http_load_across(
                    &two_urls,
                    clients,
                    calls,
                    tok,
                    ClientLifecycleMode::Initialize,
                )
                .await?;
                (
                    http_load_across(
                        &one_urls,
                        clients,
                        calls,
                        tok,
                        ClientLifecycleMode::Initialize,
                    )
                    .await?,
                    two,
                )
            } else {
                let one = http_load_across(
                    &one_urls,
                    clients,
                    calls,
                    tok,
                    ClientLifecycleMode::Initialize,
                )
                .await?;
                (
                    one,
                    http_load_across(
                        &two_urls,
                        clients,
                        calls,
                        tok,
                        ClientLifecycleMode::Initialize,
                    )
                    .await?,
                )
            };
            eprintln!("  replicas {transport} x{clients} done");
            rows.push(ReplicaRow {
                transport,
                clients,
                one,
                two,
            });
        }
        drop((r1.child, r2.child));
    }
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "### One replica vs two sharing a PostgreSQL database (`gum_cred`, client `i` to replica `i % 2`; {} calls per client after {WARMUP_CALLS} warm-up calls, one token per client)\n",
        opts.calls
    );
    println!(
        "Caveat: on this {cores}-core machine the load generator, both replicas and PostgreSQL share the cores, so a ratio near 1 is expected; with 1 client only replica 1 is used.\n"
    );
    println!(
        "| transport | clients | p50 µs one / two | p99 µs one / two | calls/s one / two | ratio two / one |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} / {} | {} / {} | {:.0} / {:.0} | {} |",
            r.transport,
            r.clients,
            us(r.one.p50),
            us(r.two.p50),
            us(r.one.p99),
            us(r.two.p99),
            r.one.throughput,
            r.two.throughput,
            ratio(r.two.throughput, r.one.throughput),
        );
    }
    println!();
    Ok(())
}

// ---------------------------------------------------------------------------
// Cold start

async fn cold_start_once(which: Which, env: &[(&str, &str)]) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let client = connect_stdio_with(which, env).await?;
    let tools = client.list_tools(None).await?;
    let elapsed = start.elapsed();
    if !tools.tools.iter().any(|t| t.name == "get_alerts") {
        return Err(format!("{} lists no get_alerts", which.bin()).into());
    }
    let _ = client.cancel().await;
    Ok(elapsed)
}

/// Spawn `which` serving HTTP and time it to its first answer to a POST of
/// `initialize` at `/mcp` (a `cred` server answers 401, its challenge: it
/// listens only once its store is open and its key loaded). Connection
/// attempts are refused at once until it listens, so they are retried at
/// once.
async fn http_cold_start_once(which: Which, env: &[(&str, &str)]) -> Result<Duration, BoxError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let port = free_port().await?;
    let addr = format!("127.0.0.1:{port}");
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"cold","version":"1"}}}"#;
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let start = Instant::now();
    let mut child = command(which)
        .args(["serve", "--http", &addr])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .spawn()?;
    let deadline = start + Duration::from_secs(30);
    let status = loop {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(&addr).await {
            stream.write_all(request.as_bytes()).await?;
            let mut head = [0u8; 12];
            stream.read_exact(&mut head).await?;
            break String::from_utf8_lossy(&head[9..12]).into_owned();
        }
        if Instant::now() > deadline {
            return Err(format!("{} did not listen on {addr}", which.bin()).into());
        }
        tokio::task::yield_now().await;
    };
    let elapsed = start.elapsed();
    let _ = child.kill().await;
    let expected = if matches!(which, Which::GumCred) {
        "401"
    } else {
        "200"
    };
    if status != expected {
        return Err(format!("{} answered {status} to its first request", which.bin()).into());
    }
    Ok(elapsed)
}

async fn cold_start(opts: &Opts) -> Result<(), BoxError> {
    if opts.cold == 0 {
        return Ok(());
    }
    // `gum_cred` starts on a data directory it has used before (its store
    // exists, its migrations are done): what a restart opens.
    let dir = tempfile::tempdir()?;
    let path = dir.path().to_str().ok_or("non-UTF-8 temp dir")?.to_owned();
    let cred_env = [
        ("GUMSTACK_DATA_DIR", path.as_str()),
        ("GUMSTACK_SECRET_KEY", BENCH_SEAL_KEY),
    ];
    cold_start_once(Which::GumCred, &cred_env).await?;
    let (mut g, mut c, mut p) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..opts.cold {
        g.push(cold_start_once(Which::Gumstack, &[]).await?);
        c.push(cold_start_once(Which::GumCred, &cred_env).await?);
        p.push(cold_start_once(Which::Plain, &[]).await?);
    }
    // A first start: an empty data directory, so the store is created and
    // every migration runs.
    let mut first = Vec::new();
    for _ in 0..opts.cold {
        let fresh = tempfile::tempdir()?;
        let fresh_path = fresh
            .path()
            .to_str()
            .ok_or("non-UTF-8 temp dir")?
            .to_owned();
        let env = [
            ("GUMSTACK_DATA_DIR", fresh_path.as_str()),
            ("GUMSTACK_SECRET_KEY", BENCH_SEAL_KEY),
        ];
        first.push(cold_start_once(Which::GumCred, &env).await?);
    }
    // Over HTTP, each server spawned to its first answer.
    let (mut hg, mut hc, mut hp) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..opts.cold {
        hg.push(http_cold_start_once(Which::Gumstack, &[]).await?);
        hc.push(http_cold_start_once(Which::GumCred, &cred_env).await?);
        hp.push(http_cold_start_once(Which::Plain, &[]).await?);
    }
    let (g, c, p) = (median(g), median(c), median(p));
    let first = median(first);
    let (hg, hc, hp) = (median(hg), median(hc), median(hp));
    println!(
        "### Cold start (spawn to first `tools/list` over stdio, median of {})\n",
        opts.cold
    );
    let ms = |d: Duration| format!("{:.2}", d.as_secs_f64() * 1e3);
    println!(
        "| gumstack `none` ms | gumstack `cred` ms (store opened) | plain ms | ratio `none` | ratio `cred` |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {} |\n",
        ms(g),
        ms(c),
        ms(p),
        ratio(g.as_secs_f64(), p.as_secs_f64()),
        ratio(c.as_secs_f64(), p.as_secs_f64())
    );
    println!(
        "First start of gumstack `cred` (an empty data directory: the store created, every migration run): {} ms\n",
        ms(first)
    );
    println!(
        "### Cold start over HTTP (spawn to the first answer to a POST of `initialize` at `/mcp`; `cred` answers its 401 challenge, after opening its store and loading its key; median of {})\n",
        opts.cold
    );
    println!(
        "| gumstack `none` ms | gumstack `cred` ms | plain ms | ratio `none` | ratio `cred` |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {} | {} |\n",
        ms(hg),
        ms(hc),
        ms(hp),
        ratio(hg.as_secs_f64(), hp.as_secs_f64()),
        ratio(hc.as_secs_f64(), hp.as_secs_f64())
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Memory per idle session

fn rss_kib(pid: u32) -> Result<u64, BoxError> {
    status_kib(pid, "VmRSS:")
}

/// A process's peak resident set so far.
fn peak_kib(pid: u32) -> Result<u64, BoxError> {
    status_kib(pid, "VmHWM:")
}

fn status_kib(pid: u32, field: &str) -> Result<u64, BoxError> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("no {field} in /proc/PID/status").into())
}

/// `initialize` + `notifications/initialized` with raw HTTP; the session stays open.
async fn open_session(http: &reqwest::Client, url: &str) -> Result<(), BoxError> {
    let init = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": { "name": "mcp_load", "version": "0.1.0" }
        }
    });
    let response = http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .json(&init)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("initialize: HTTP {}", response.status()).into());
    }
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .ok_or("initialize answered without mcp-session-id")?
        .to_owned();
    tokio::time::timeout(Duration::from_secs(5), response.bytes()).await??;
    let initialized = serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let response = http
        .post(url)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", session)
        .header("mcp-protocol-version", "2025-11-25")
        .json(&initialized)
        .send()
        .await?;
    if !response.status().is_success() {
        return Err(format!("notifications/initialized: HTTP {}", response.status()).into());
    }
    Ok(())
}

async fn open_sessions(url: &str, n: usize) -> Result<(), BoxError> {
    const WORKERS: usize = 16;
    let http = reqwest::Client::new();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let (http, url) = (http.clone(), url.to_owned());
        let share = n / WORKERS + usize::from(w < n % WORKERS);
        tasks.spawn(async move {
            for _ in 0..share {
                open_session(&http, &url).await?;
            }
            Ok::<_, BoxError>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(())
}

/// KiB per session at each step of `steps` (cumulative session counts).
async fn memory_for(which: Which, steps: &[usize]) -> Result<(u64, Vec<f64>), BoxError> {
    let server = start_http(which, false).await?;
    let pid = server.child.id().ok_or("server exited")?;
    // Settle, then one session so lazily built state is not counted per session.
    open_sessions(&server.url, 1).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let base = rss_kib(pid)?;
    let mut opened = 1;
    let mut per_session = Vec::new();
    for &target in steps {
        open_sessions(&server.url, target - (opened - 1)).await?;
        opened = target + 1;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let rss = rss_kib(pid)?;
        per_session.push(rss.saturating_sub(base) as f64 / target as f64);
    }
    Ok((base, per_session))
}

async fn memory(opts: &Opts) -> Result<(), BoxError> {
    if opts.sessions.is_empty() {
        return Ok(());
    }
    let mut steps = opts.sessions.clone();
    steps.sort_unstable();
    let (g_base, g) = memory_for(Which::Gumstack, &steps).await?;
    let (p_base, p) = memory_for(Which::Plain, &steps).await?;
    println!("### Memory per open idle session (stateful HTTP, VmRSS growth / sessions)\n");
    println!(
        "Baseline RSS with one session: gumstack {g_base} KiB, plain {p_base} KiB.\n\n| sessions | gumstack KiB/session | plain KiB/session | ratio |\n|---:|---:|---:|---:|"
    );
    for (i, n) in steps.iter().enumerate() {
        println!(
            "| {n} | {:.1} | {:.1} | {} |",
            g[i],
            p[i],
            ratio(g[i], p[i])
        );
    }
    println!();
    Ok(())
}

// ---------------------------------------------------------------------------
// Build time after touching one tool

fn touch(path: &Path) -> Result<(), BoxError> {
    std::fs::File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())?;
    Ok(())
}

async fn build_time(opts: &Opts) -> Result<(), BoxError> {
    if opts.build_runs == 0 {
        return Ok(());
    }
    let root = workspace_root();
    let (mut g, mut p) = (Vec::new(), Vec::new());
    for _ in 0..opts.build_runs {
        touch(&root.join("examples/src/bin/weather.rs"))?;
        g.push(cargo_build("gumstack-examples", "weather").await?);
        touch(&root.join("bench/src/bin/plain_rmcp.rs"))?;
        p.push(cargo_build("gumstack-bench", "plain_rmcp").await?);
    }
    let (g, p) = (median(g), median(p));
    println!(
        "### Release build after touching the tool's file (`cargo build --release --bin ...`, median of {})\n",
        opts.build_runs
    );
    println!("| gumstack (weather) s | plain s | ratio |\n|---:|---:|---:|");
    println!(
        "| {:.1} | {:.1} | {} |\n",
        g.as_secs_f64(),
        p.as_secs_f64(),
        ratio(g.as_secs_f64(), p.as_secs_f64())
    );
    Ok(())
}

// ---------------------------------------------------------------------------

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores, {cpu}, MemTotal {mem}")
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let opts = Opts::parse();
    eprintln!("building the servers (release)...");
    let runs_any = |sections: &[Section]| sections.iter().any(|&s| opts.runs(s));
    // `--only build` builds its own.
    if runs_any(&[
        Section::Latency,
        Section::Ceiling,
        Section::Cold,
        Section::Memory,
    ]) {
        cargo_build("gumstack-examples", "weather").await?;
    }
    if runs_any(&[
        Section::Latency,
        Section::Auth,
        Section::Protocol,
        Section::Ceiling,
        Section::Cold,
        Section::Memory,
    ]) {
        cargo_build("gumstack-bench", "plain_rmcp").await?;
    }
    if runs_any(&[
        Section::Auth,
        Section::Protocol,
        Section::Ceiling,
        Section::Access,
        Section::Replicas,
        Section::Cold,
    ]) {
        cargo_build("gumstack-bench", "gum_cred").await?;
    }
    if runs_any(&[Section::Ceiling]) {
        cargo_build("gumstack-bench", "ceiling").await?;
    }
    println!("## gumstack vs plain rmcp 3.11 ({})\n", machine());
    println!(
        "Ratios are gumstack / plain: above 1 means gumstack is slower (latency, memory, time) or faster (calls/s).\n"
    );
    if opts.runs(Section::Latency) {
        eprintln!("latency and throughput...");
        latency(&opts).await?;
    }
    if opts.runs(Section::Auth) {
        eprintln!("latency and throughput with bearer auth...");
        auth_latency(&opts).await?;
    }
    if opts.runs(Section::Protocol) {
        eprintln!("latency and throughput by protocol revision...");
        protocol_latency(&opts).await?;
    }
    if opts.runs(Section::Ceiling) {
        eprintln!("against the machine's ceiling...");
        ceiling(&opts).await?;
    }
    if opts.runs(Section::Access) {
        eprintln!("permission groups and audit log, on against off...");
        access(&opts).await?;
    }
    if opts.runs(Section::Replicas) {
        eprintln!("one replica vs two on PostgreSQL...");
        replicas(&opts).await?;
    }
    if opts.runs(Section::Cold) {
        eprintln!("cold start...");
        cold_start(&opts).await?;
    }
    if opts.runs(Section::Memory) {
        eprintln!("memory per session...");
        memory(&opts).await?;
    }
    if opts.runs(Section::Build) {
        eprintln!("build time...");
        build_time(&opts).await?;
    }
    Ok(())
}
