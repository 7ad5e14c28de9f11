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

use std::{hint::black_box, sync::Arc, time::Instant};

use gumstack::{
    __private::{AuditCall, AuditOutcome, InputSchema, audit_flush, audit_install, tool},
    Secret,
    store::{AuditQuery, Store},
};

const ROUNDS: usize = 50;
const CALLS: usize = 1000;

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
}
