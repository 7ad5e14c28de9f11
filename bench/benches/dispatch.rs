//! The framework's own cost per tool call, without a network or a second
//! process: rmcp's client and a server in one process, joined by an in-memory
//! pipe, on one thread. Both servers answer the same `get_alerts` call with the
//! same text, so what differs is only what sits between rmcp and the tool:
//! gumstack's generated dispatch (argument parsing per parameter, the request
//! context, the grant scope, panic isolation, result conversion) against the
//! hand-written handler of `gumstack_bench::plain`.
//!
//! `cargo bench -p gumstack-bench --bench dispatch` runs 41 pairs of rounds of
//! 5,000 calls (one round per server, which goes first alternating) and prints
//! the median time per call of each server and the median and quartiles of the
//! per-pair ratio: on a shared VM the speed drifts from second to second, and a
//! ratio of two adjacent rounds cancels most of the drift.

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

const ROUNDS: usize = 41;
const CALLS: usize = 5_000;

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
        let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        round(&gumstack, &arguments).await;
        round(&plain, &arguments).await;
        for i in 0..ROUNDS {
            let (a, b) = if i % 2 == 0 {
                let a = round(&gumstack, &arguments).await;
                (a, round(&plain, &arguments).await)
            } else {
                let b = round(&plain, &arguments).await;
                (round(&gumstack, &arguments).await, b)
            };
            ours.push(a);
            theirs.push(b);
            ratios.push(a.as_secs_f64() / b.as_secs_f64());
        }
        ratios.sort_by(f64::total_cmp);
        let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
        let (ours, theirs) = (median(ours), median(theirs));
        println!(
            "tool call through rmcp in one process ({ROUNDS} pairs of rounds of {CALLS} calls, one thread)"
        );
        println!("| server | µs per call (median round) |");
        println!("|---|---:|");
        println!("| gumstack (`auth = none`) | {:.2} |", ours.as_secs_f64() * 1e6);
        println!("| hand-written rmcp | {:.2} |", theirs.as_secs_f64() * 1e6);
        println!(
            "ratio gumstack / plain per pair: median {:.3}, quartiles {:.3}–{:.3} ({:+.0} ns per call at the median)",
            quartile(2),
            quartile(1),
            quartile(3),
            (quartile(2) - 1.0) * theirs.as_secs_f64() * 1e9
        );
    });
}
