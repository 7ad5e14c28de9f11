//! What the audit log adds to a tool call on the hot path: `cargo bench -p
//! gumstack --bench audit`.
//!
//! Prints nanoseconds per call (median of 50 rounds of 1000 calls each) of
//! what `tools/call` does for the audit (start the record: encode the
//! arguments with the secret one redacted; end it: push it to the writer's
//! buffer), with no `tracing` subscriber, as `serve` runs by default:
//! - off: no writer installed (a `none` server, `GUMSTACK_AUDIT_RETENTION=0`);
//! - on: the writer installed on a real SQLite file, writing meanwhile
//!   (rounds are 20 ms apart so it keeps up; drops are reported).
//!
//! Then what the writer costs off the hot path: the CPU time (every thread
//! of the process: the runtime and SQLite's) and the wall time per row of
//! writing 100 000 records in batches of 512, as the writer does under load,
//! into a fresh SQLite file.

use std::{hint::black_box, sync::Arc, time::Instant};

use gumstack::{
    __private::{AuditCall, AuditOutcome, InputSchema, audit_flush, audit_install, tool},
    Secret,
    store::{AuditQuery, AuditRecord, Store},
};

const ROUNDS: usize = 50;
const CALLS: usize = 1000;
/// Rows written by the writer's measurement, and how many a batch.
const ROWS: usize = 100_000;
const BATCH: usize = 512;

fn table() -> &'static [rmcp::model::Tool] {
    let schema = InputSchema::new()
        .param::<String>("prompt", Some("What to ask"), true)
        .param::<Option<u32>>("max_tokens", None, false)
        .param::<Secret>("api_key", None, true)
        .finish();
    Box::leak(Box::new([tool(
        "generate",
        None,
        "Complete a prompt.",
        schema,
        None,
        [None; 4],
    )]))
}

async fn measure(tools: &'static [rmcp::model::Tool]) -> f64 {
    let arguments = serde_json::json!({
        "prompt": "Write a haiku about the audit log of an MCP server",
        "max_tokens": 256,
        "api_key": "sk-bench-0123456789abcdef",
    });
    let arguments = arguments.as_object().unwrap().clone();
    let mut per_call = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..CALLS {
            let call = AuditCall::tool(tools, black_box("generate"), &arguments, None);
            call.end(AuditOutcome::Ok);
        }
        per_call.push(started.elapsed().as_nanos() as f64 / CALLS as f64);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    per_call.sort_by(f64::total_cmp);
    per_call[ROUNDS / 2]
}

#[tokio::main]
async fn main() {
    let tools = table();
    let off = measure(tools).await;
    println!("audit off: {off:>7.0} ns per call");

    let dir = std::env::temp_dir().join(format!("gumstack-bench-audit-{}", std::process::id()));
    let store: Arc<dyn Store> = Arc::new(gumstack::store::open(&dir).await.expect("store"));
    audit_install(store.clone(), std::time::Duration::from_secs(3600));
    let on = measure(tools).await;
    audit_flush().await;
    let query = AuditQuery {
        limit: u32::MAX,
        ..AuditQuery::default()
    };
    let written = store.audit(&query).await.expect("read back").len();
    println!(
        "audit on:  {on:>7.0} ns per call ({written} of {} calls written)",
        ROUNDS * CALLS
    );
    let _ = std::fs::remove_dir_all(dir);
    writer().await;
}

/// The process's CPU time so far (user and system, every thread), from
/// `/proc/self/stat` (clock ticks of 10 ms: the run lasts seconds).
fn cpu_time() -> std::time::Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // The fields after the command's name (in parentheses, maybe with spaces).
    let fields: Vec<&str> = stat[stat.rfind(')').expect("stat") + 2..]
        .split(' ')
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    std::time::Duration::from_millis(ticks * 10)
}

/// The writer's cost per row: batches as the writer writes them under load.
async fn writer() {
    let dir = std::env::temp_dir().join(format!("gumstack-bench-writer-{}", std::process::id()));
    let store = gumstack::store::open(&dir).await.expect("store");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    // What a call of the load test looks like: a grant and client of 32
    // characters, a short tool name and arguments.
    let records: Vec<AuditRecord> = (0..ROWS)
        .map(|n| AuditRecord {
            id: format!("abcdefghijkl-{n:010}"),
            at_ms: now + (n / 20) as i64,
            grant_id: Some(format!("grant-{:027}", n % 8)),
            client_id: Some(format!("client-{:026}", n % 8)),
            kind: "tool".into(),
            name: "get_alerts".into(),
            arguments: r#"{"state":"CA"}"#.into(),
            duration_us: 42,
            outcome: "ok".into(),
        })
        .collect();
    let (cpu, wall) = (cpu_time(), Instant::now());
    for batch in records.chunks(BATCH) {
        store.put_audit(batch).await.expect("write");
    }
    let (cpu, wall) = (cpu_time() - cpu, wall.elapsed());
    println!(
        "writer:    {:>7.2} µs CPU, {:.2} µs wall per row ({ROWS} rows in batches of {BATCH})",
        cpu.as_secs_f64() * 1e6 / ROWS as f64,
        wall.as_secs_f64() * 1e6 / ROWS as f64,
    );
    let _ = std::fs::remove_dir_all(dir);
}
