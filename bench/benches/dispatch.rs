//! The framework's own cost per tool call, without a network or a second
//! process: rmcp's client and a server in one process, joined by an in-memory
//! pipe, on one thread. Both servers answer the same `get_alerts` call with the
//! same text, so what differs is only what sits between rmcp and the tool:
//! gumstack's generated dispatch (argument parsing per parameter, the request
//! context, the grant scope, panic isolation, result conversion) against the
//! hand-written handler of `gumstack_bench::plain`.
//!
//! `cargo bench -p gumstack-bench --bench dispatch` prints the median time per
//! call of each server over 15 rounds of 20,000 calls, rounds alternating
//! between the two servers.

use std::time::{Duration, Instant};

use gumstack::prelude::*;
use gumstack_bench::plain::Plain;
use rmcp::{
    ServerHandler, ServiceExt,
    model::{CallToolRequestParams, JsonObject},
    service::RunningService,
};

struct Weather;

#[gumstack::server(auth = none)]
impl Weather {
    /// Whether a weather alert is in force for a region.
    #[tool(read_only)]
    fn get_alerts(&self, region: String) -> String {
        format!("No weather alerts in force for {region}.")
    }
}

const ROUNDS: usize = 15;
const CALLS: usize = 20_000;

type Client = RunningService<rmcp::RoleClient, ()>;

async fn connect<S: ServerHandler>(server: S) -> Client {
    let (client_io, server_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let running = server.serve(server_io).await.expect("server handshake");
        let _ = running.waiting().await;
    });
    ().serve(client_io).await.expect("client handshake")
}

async fn round(client: &Client, arguments: &JsonObject) -> Duration {
    let start = Instant::now();
    for _ in 0..CALLS {
        let result = client
            .call_tool(CallToolRequestParams::new("get_alerts").with_arguments(arguments.clone()))
            .await
            .expect("answered");
        assert_eq!(result.is_error, Some(false));
    }
    start.elapsed() / CALLS as u32
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let gumstack = connect(Weather).await;
        let plain = connect(Plain::new()).await;
        let arguments: JsonObject =
            serde_json::from_value(serde_json::json!({"region": "north"})).expect("object");
        // Same answer from both, or the comparison means nothing.
        for client in [&gumstack, &plain] {
            let result = client
                .call_tool(CallToolRequestParams::new("get_alerts").with_arguments(arguments.clone()))
                .await
                .expect("answered");
            assert_eq!(
                serde_json::to_value(&result.content).unwrap(),
                serde_json::json!([{"type": "text", "text": "No weather alerts in force for north."}])
            );
        }
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        round(&gumstack, &arguments).await;
        round(&plain, &arguments).await;
        for i in 0..ROUNDS {
            if i % 2 == 0 {
                ours.push(round(&gumstack, &arguments).await);
                theirs.push(round(&plain, &arguments).await);
            } else {
                theirs.push(round(&plain, &arguments).await);
                ours.push(round(&gumstack, &arguments).await);
            }
        }
        let (ours, theirs) = (median(ours), median(theirs));
        println!("tool call through rmcp in one process (median of {ROUNDS} x {CALLS} calls, one thread)");
        println!("| server | µs per call |");
        println!("|---|---:|");
        println!("| gumstack (`auth = none`) | {:.2} |", ours.as_secs_f64() * 1e6);
        println!("| hand-written rmcp | {:.2} |", theirs.as_secs_f64() * 1e6);
        println!(
            "ratio gumstack / plain: {:.3} ({:+.0} ns per call)",
            ours.as_secs_f64() / theirs.as_secs_f64(),
            (ours.as_secs_f64() - theirs.as_secs_f64()) * 1e9
        );
    });
}
