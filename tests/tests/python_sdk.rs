//! `auth = cred` over HTTP driven by a second real MCP client: the official
//! Python SDK (`mcp` on PyPI). `tests/python/cred_flow.py` lets the SDK's
//! `OAuthClientProvider` discover, register, authorize (its redirect handler
//! walks the consent page and the credentials form) and exchange the code, then
//! lists the tools, calls `generate` over streamable HTTP, and calls it again
//! after a refresh with the rotated refresh token.
//!
//! The SDK lives in a venv at `target/python-venv`, created on first use from
//! `tests/python/requirements.txt` and recreated when that file (or the Python
//! interpreter) changes. Needs `python3` with `venv` and `pip`; the test fails,
//! not skips, without them.

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use gumstack_tests::{CredServer, OAuthServer};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The workspace root (this crate is `tests/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// Cargo's target directory, found from this test executable
/// (`<target>/[<triple>/]<profile>/deps/<test>`): the nearest ancestor holding
/// the `CACHEDIR.TAG` cargo writes there.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .map(Path::to_owned)
        .or_else(|| exe.ancestors().nth(3).map(Path::to_owned))
        .expect("test binary lives in <target>/<profile>/deps")
}

/// Run `cmd` to completion within `limit`, capturing its output.
fn run(cmd: &mut Command, limit: Duration, what: &str) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    // Drain both pipes on threads so a chatty child never blocks.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buf).map(|_| buf)
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buf).map(|_| buf)
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    std::process::Output {
        status,
        stdout: out.join().unwrap().unwrap_or_default(),
        stderr: err.join().unwrap().unwrap_or_default(),
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `python3` must be there, with `venv` and `pip`: fail with what to install.
fn require_python() -> String {
    const INSTALL: &str = "this test runs the official MCP Python SDK and needs Python 3.10+ \
        with venv and pip (Debian: `apt-get install python3 python3-venv python3-pip`)";
    let version = match Command::new("python3").arg("--version").output() {
        Ok(out) if out.status.success() => text(&out.stdout) + &text(&out.stderr),
        Ok(out) => panic!(
            "`python3 --version` failed: {}\n{INSTALL}",
            text(&out.stderr)
        ),
        Err(e) => panic!("python3 is not on PATH ({e}): {INSTALL}"),
    };
    let minor = version
        .trim()
        .strip_prefix("Python 3.")
        .and_then(|rest| rest.split('.').next())
        .and_then(|minor| minor.parse::<u32>().ok());
    assert!(
        minor.is_some_and(|minor| minor >= 10),
        "python3 is `{}`: {INSTALL}",
        version.trim()
    );
    for module in ["venv", "pip"] {
        let out = Command::new("python3")
            .args(["-m", module, "--help"])
            .stdout(Stdio::null())
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "`python3 -m {module}` is not available: {}\n{INSTALL}",
            text(&out.stderr)
        );
    }
    version.trim().to_owned()
}

/// The venv's interpreter, after making sure the venv matches
/// `tests/python/requirements.txt`. A file lock keeps two test processes from
/// building it at once; the stamp (hash of requirements and Python version) is
/// written last, so a half-built venv is rebuilt.
fn python_venv() -> PathBuf {
    let python_version = require_python();
    let requirements = repo_root().join("tests/python/requirements.txt");
    let wanted = {
        let mut hash = Sha256::new();
        hash.update(fs::read(&requirements).expect("read tests/python/requirements.txt"));
        hash.update(python_version.as_bytes());
        format!("{:x}", hash.finalize())
    };
    let target = target_dir();
    fs::create_dir_all(&target).expect("create the target dir");
    let venv = target.join("python-venv");
    let stamp = venv.join("gumstack-requirements.sha256");
    let python = venv.join("bin/python");

    let lock = File::create(target.join("python-venv.lock")).expect("create the venv lock file");
    lock.lock().expect("lock the venv");
    if fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) && python.exists() {
        return python;
    }
    eprintln!(
        "creating {} from {} ({python_version})",
        venv.display(),
        requirements.display()
    );
    if venv.exists() {
        fs::remove_dir_all(&venv).expect("remove the outdated venv");
    }
    let out = run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        Duration::from_secs(300),
        "python3 -m venv",
    );
    assert!(
        out.status.success(),
        "`python3 -m venv {}` failed (Debian needs python3-venv):\n{}{}",
        venv.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "-r",
            ])
            .arg(&requirements),
        Duration::from_secs(900),
        "pip install",
    );
    assert!(
        out.status.success(),
        "`pip install -r {}` into {} failed (it needs PyPI or a mirror):\n{}{}",
        requirements.display(),
        venv.display(),
        text(&out.stdout),
        text(&out.stderr)
    );
    fs::write(&stamp, &wanted).expect("write the venv stamp");
    python
}

#[tokio::test]
async fn the_official_python_sdk_authorizes_and_calls_with_the_users_key() {
    let server = CredServer::start().await;
    let report = python_script("cred_flow.py", &[server.url()]).await;

    assert_eq!(
        report["tools"],
        serde_json::json!(["generate", "delete_file", "verify_key"]),
        "{report:#}"
    );
    let answer = report["text"].as_str().expect("a text result");
    assert!(
        answer.starts_with("auth=Bearer sk-python org=org-py"),
        "the call reached OpenAI with the key entered in the form: {answer}"
    );
    assert!(answer.ends_with("prompt=from python"), "{answer}");
    assert_eq!(report["token"]["token_type"], "Bearer", "{report:#}");
    assert_eq!(report["token"]["has_refresh_token"], true, "{report:#}");

    // Once the SDK thinks the access token expired, it refreshes (the server
    // rotates the refresh token) instead of sending the person through the
    // pages again, and the new token carries the same credentials.
    assert_eq!(
        report["authorizations"], 1,
        "a refresh, not a second authorization: {report:#}"
    );
    assert_eq!(report["refresh"]["new_access_token"], true, "{report:#}");
    assert_eq!(
        report["refresh"]["rotated_refresh_token"], true,
        "{report:#}"
    );
    let after = report["text_after_refresh"]
        .as_str()
        .expect("a text result");
    assert!(
        after.starts_with("auth=Bearer sk-python org=org-py")
            && after.ends_with("prompt=after refresh"),
        "{after}"
    );
}

/// Run `tests/python/<script> ARGS...` with the SDK's venv; the JSON report
/// it prints.
async fn python_script(script: &str, args: &[&str]) -> Value {
    let python = tokio::task::spawn_blocking(python_venv)
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    let mut cmd = tokio::process::Command::new(&python);
    cmd.arg(repo_root().join("tests/python").join(script))
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .unwrap_or_else(|_| panic!("{script} finished within 120 s"))
        .unwrap_or_else(|e| panic!("run {script}: {e}"));
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\nstdout: {stdout}\nstderr: {stderr}",
        output.status
    );
    eprintln!("{script} stdout: {stdout}stderr: {stderr}");
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}): {stdout}\n{stderr}"))
}

/// The SDK's default client discovers that the server speaks 2026-07-28 and
/// uses it: each stateless request carries the bearer token, and the
/// confirmation `delete_file` asks reaches the SDK as an `InputRequiredResult`
/// that it answers and retries.
#[tokio::test]
async fn the_python_sdk_speaks_2026_07_28_to_a_cred_server_and_answers_its_question() {
    let server = CredServer::start().await;
    let report = python_script("modern_flow.py", &["cred", server.url()]).await;
    assert_eq!(report["protocol_version"], "2026-07-28", "{report:#}");
    assert_eq!(
        report["tools"],
        serde_json::json!(["generate", "delete_file", "verify_key"]),
        "{report:#}"
    );
    let text = report["text"].as_str().expect("a text result");
    assert!(
        text.starts_with("auth=Bearer sk-python org=org-py") && text.ends_with("prompt=from 2026"),
        "{text}"
    );
    assert_eq!(
        report["asked"],
        serde_json::json!(["Delete file-9 from your OpenAI account?"]),
        "{report:#}"
    );
    assert_eq!(report["deleted"], "file-9 deleted", "{report:#}");
    assert_eq!(report["authorizations"], 1, "{report:#}");
}

#[tokio::test]
async fn the_python_sdk_speaks_2026_07_28_to_an_oauth_server() {
    let server = OAuthServer::start(&[]).await;
    let report = python_script("modern_flow.py", &["oauth", &server.server.url]).await;
    assert_eq!(report["protocol_version"], "2026-07-28", "{report:#}");
    assert_eq!(report["tools"], serde_json::json!(["whoami"]), "{report:#}");
    let whoami = report["whoami"].as_str().expect("a text result");
    assert!(whoami.contains("mock-"), "the provider user: {whoami}");
    assert_eq!(report["authorizations"], 1, "{report:#}");
}

#[tokio::test]
async fn the_python_sdk_steps_up_to_the_scope_a_tool_needs() {
    let server = OAuthServer::start_example("notes", &[("OAUTH_SCOPES", "read")]).await;
    let report = python_script("modern_flow.py", &["notes", &server.server.url]).await;
    assert_eq!(report["before"], r#"{"result":[]}"#, "{report:#}");
    // `add_note` was refused with 403 insufficient_scope; the SDK authorized
    // again for the union the challenge named, and the retry ran.
    assert_eq!(
        report["added"], "user@example.com has 1 notes",
        "{report:#}"
    );
    assert_eq!(
        report["after"], r#"{"result":["from Python"]}"#,
        "{report:#}"
    );
    assert_eq!(report["authorizations"], 2, "{report:#}");
    let asked = report["scopes_asked"].as_array().expect("scopes asked");
    assert!(
        asked[1]
            .as_str()
            .is_some_and(|s| s.split(' ').any(|t| t == "write")),
        "the step-up asks for write: {report:#}"
    );
    // One grant for the one account: the step-up kept it.
    assert_eq!(gumstack_tests::rows(server.dir.path(), "grants").await, 1);
}
