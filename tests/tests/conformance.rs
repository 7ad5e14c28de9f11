//! The official MCP conformance suites against the `everything` example: every
//! `server` scenario of `@modelcontextprotocol/conformance` (`--suite all`, no
//! expected-failures file) must pass, over streamable HTTP on loopback, in
//! both releases: 0.1.16 (2025-11-25 sessions) and 0.2.0-alpha.12 (2026-07-28
//! stateless requests, multi-round input, subscriptions/listen, tasks, and the
//! 2025-11-25 scenarios again).
//!
//! The suites need Node 22 or newer; the test installs it and each suite with
//! npm into `target/npm/<dir>` the first time ([`NodeInstall`]).

use std::{process::Stdio, time::Duration};

use gumstack_tests::{example_bin, npm::NodeInstall};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

/// Each release of the suite, and the directory it is installed in.
const SUITE_2025: (&str, &str) = ("conformance", "@modelcontextprotocol/conformance@0.1.16");
const SUITE_2026: (&str, &str) = (
    "conformance-2026",
    "@modelcontextprotocol/conformance@0.2.0-alpha.12",
);

/// The suite's verdict, from its summary.
#[derive(Debug)]
struct Summary {
    /// From `Running all suite (N scenarios)`.
    scenarios: usize,
    passed: Vec<String>,
    failed: Vec<String>,
}

/// Read `Running all suite (N scenarios)` and the `=== SUMMARY ===` lines
/// (`✓ name: 1 passed, 0 failed` / `✗ name: ...`).
fn parse_summary(output: &str) -> Option<Summary> {
    let scenarios = output
        .lines()
        .find_map(|l| l.strip_prefix("Running all suite ("))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let summary = output.split("=== SUMMARY ===").nth(1)?;
    let mut passed = Vec::new();
    let mut failed = Vec::new();
    for line in summary.lines() {
        let line = line.trim();
        let (list, rest) = if let Some(rest) = line.strip_prefix('✓') {
            (&mut passed, rest)
        } else if let Some(rest) = line.strip_prefix('✗') {
            (&mut failed, rest)
        } else {
            continue;
        };
        let name = rest.split(':').next().unwrap_or_default().trim();
        list.push(name.to_owned());
    }
    Some(Summary {
        scenarios,
        passed,
        failed,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_passes_every_scenario_of_the_2025_suite() {
    every_scenario_passes(SUITE_2025).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_passes_every_scenario_of_the_2026_suite() {
    every_scenario_passes(SUITE_2026).await;
}

async fn every_scenario_passes((dir, suite): (&str, &str)) {
    let node = NodeInstall::get(dir, &[suite]).await;

    // The fixture server, on a port of its own; its log tells where it listens.
    let mut server = Command::new(example_bin("everything"))
        .args(["serve", "--http", "127.0.0.1:0"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the everything example");
    let mut lines = BufReader::new(server.stderr.take().expect("piped stderr")).lines();
    let url = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("read server log") {
            if let Some(rest) = line.split("streamable HTTP at ").nth(1) {
                return rest.split_whitespace().next().map(str::to_owned);
            }
        }
        None
    })
    .await
    .expect("the everything example did not start within 30 s")
    .expect("the everything example exited before listening");
    // Keep draining its log so it never blocks on a full pipe.
    let server_log = tokio::spawn(async move {
        let mut log = String::new();
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
        }
        log
    });

    let run = node
        .command("@modelcontextprotocol/conformance", "dist/index.js")
        .args(["server", "--url", &url, "--suite", "all"])
        .stdin(Stdio::null())
        .output();
    let output = tokio::time::timeout(Duration::from_secs(600), run)
        .await
        .expect("the conformance suite finished within 10 minutes")
        .expect("run the conformance suite");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    drop(server);
    let log = server_log.await.unwrap_or_default();
    let report = || format!("conformance output:\n{text}\n\nserver log:\n{log}");
    let summary = parse_summary(&text)
        .unwrap_or_else(|| panic!("no summary in the suite's output\n{}", report()));
    assert!(
        summary.failed.is_empty(),
        "scenarios failed: {:?}\n{}",
        summary.failed,
        report()
    );
    assert_eq!(
        summary.passed.len(),
        summary.scenarios,
        "{} of {} scenarios passed\n{}",
        summary.passed.len(),
        summary.scenarios,
        report()
    );
    assert!(
        output.status.success(),
        "the suite exited with {}\n{}",
        output.status,
        report()
    );
    eprintln!(
        "conformance {suite}: {} of {} server scenarios passed",
        summary.passed.len(),
        summary.scenarios
    );
}

#[test]
fn summaries_are_read() {
    let output = "Running all suite (3 scenarios) against http://x/mcp\n\n\
                  === SUMMARY ===\n✓ ping: 1 passed, 0 failed\n✓ tools-list: 1 passed, 0 failed\n\
                  ✗ json-schema-2020-12: 3 passed, 1 failed\n\nTotal: 5 passed, 1 failed\n";
    let summary = parse_summary(output).unwrap();
    assert_eq!(summary.scenarios, 3);
    assert_eq!(summary.passed, ["ping", "tools-list"]);
    assert_eq!(summary.failed, ["json-schema-2020-12"]);
}
