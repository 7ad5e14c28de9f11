//! What a tool's scopes cost each call: `cargo bench -p gumstack --bench scopes`.
//!
//! The step-up gate runs in front of `/mcp` on every request of a server whose
//! tools name scopes: it reads the method and tool name of the body and checks
//! the token's scopes against what the tool needs. Printed: nanoseconds per
//! call (median of 15 runs of 200k calls) for a tool with no scopes and one
//! with two (one covered by an implication), each with a token that has them,
//! and for a token that lacks one (the refusal's check, before the 403 is
//! built). A server whose tools name no scope has no gate: nothing to measure.

use std::{hint::black_box, time::Instant};

use gumstack::{__private::ScopeCheck, prelude::*, providers::GitHubProvider};

struct GitHub;

#[gumstack::server(auth = oauth(GitHubProvider), name = "bench", scopes(read_user))]
impl GitHub {
    /// Needs nothing beyond the minimum.
    #[tool]
    fn list_issues(&self, repo: String) -> String {
        repo
    }

    /// Needs two scopes.
    #[tool(scopes(public_repo, repo_status))]
    fn create_issue(&self, repo: String, title: String) -> String {
        format!("{repo}: {title}")
    }
}

/// A 2026-07-28 call as clients send it: arguments and `_meta` first-class.
fn body(tool: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "jsonrpc": "2.0", "id": 17, "method": "tools/call",
        "params": {
            "name": tool,
            "arguments": {"repo": "rust-lang/rust", "title": "A title of a realistic length for an issue"},
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}, "url": {}}, "sampling": {}},
            },
        },
    }))
    .expect("JSON")
}

fn ns_per_call(mut f: impl FnMut() -> bool) -> f64 {
    const CALLS: u32 = 200_000;
    let mut runs: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..CALLS {
                black_box(f());
            }
            start.elapsed().as_nanos() as f64 / f64::from(CALLS)
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn main() {
    let gate = ScopeCheck::new::<GitHub>().expect("a tool names scopes");
    let (plain, scoped) = (body("list_issues"), body("create_issue"));
    let rows = [
        ("tool with no scopes", &plain, "mcp read:user", false),
        (
            "tool with two scopes, token has them",
            &scoped,
            "mcp read:user repo",
            false,
        ),
        (
            "tool with two scopes, token lacks one",
            &scoped,
            "mcp read:user public_repo",
            true,
        ),
    ];
    println!("step-up gate, per tools/call (median of 15 x 200k calls):");
    for (what, body, granted, lacks) in rows {
        assert_eq!(gate.lacks(body, granted), lacks, "{what}");
        let ns = ns_per_call(|| gate.lacks(black_box(body), black_box(granted)));
        println!("  {what:<40} {ns:>7.0} ns");
    }
}
