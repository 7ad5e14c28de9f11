//! The README's quick start, followed as a newcomer would: a fresh crate with
//! exactly its `Cargo.toml` (only gumstack's path pointed at this checkout)
//! and its `src/main.rs` builds on its own, outside this workspace, and the
//! binary runs.
//!
//! Offline: the crate gets this workspace's `Cargo.lock` (so it resolves to
//! the crates already in the registry cache) and builds into this workspace's
//! target directory (so it reuses what is compiled there).

use std::{
    path::{Path, PathBuf},
    process::Command,
};

const MANIFEST_MARKER: &str = "<!-- quick start: Cargo.toml";
const MAIN_MARKER: &str = "<!-- quick start: src/main.rs";
/// The line of the README's `Cargo.toml` that names gumstack.
const GUMSTACK_LINE: &str = r#"gumstack = { path = "../gumstack/gumstack" }"#;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the examples live in the workspace")
        .to_owned()
}

/// The code block that follows `marker`.
fn block_after<'a>(readme: &'a str, marker: &str) -> &'a str {
    let at = readme
        .find(marker)
        .unwrap_or_else(|| panic!("README has no {marker:?}"));
    let rest = &readme[at..];
    let open = rest.find("\n```").expect("a code block after the marker") + 1;
    let body = open + rest[open..].find('\n').expect("the fence's line") + 1;
    let close = body + rest[body..].find("\n```\n").expect("the block ends") + 1;
    &rest[body..close]
}

/// The directory of this test binary's profile's target: `target/debug/deps/x` -> `target`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors()
        .nth(3)
        .expect("test binary lives in <target>/<profile>/deps")
        .to_owned()
}

#[test]
fn the_quick_start_builds_as_written() {
    let workspace = workspace();
    let readme = std::fs::read_to_string(workspace.join("README.md")).expect("README.md");
    let manifest = block_after(&readme, MANIFEST_MARKER);
    let main = block_after(&readme, MAIN_MARKER);
    assert_eq!(
        manifest.matches(GUMSTACK_LINE).count(),
        1,
        "the README's Cargo.toml names gumstack as {GUMSTACK_LINE:?}:\n{manifest}"
    );
    assert!(
        main.contains("#[tokio::main]"),
        "the README's main.rs has a main:\n{main}"
    );
    let gumstack = workspace.join("gumstack");
    let manifest = manifest.replace(
        GUMSTACK_LINE,
        &format!(
            "gumstack = {{ path = {:?} }}",
            gumstack.display().to_string()
        ),
    );

    // Outside the workspace, so cargo sees a crate of its own.
    let dir = std::env::temp_dir().join(format!("gumstack-quick-start-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main).unwrap();
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let target = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = Command::new(&cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    assert!(
        build.status.success(),
        "the quick start does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let warnings = String::from_utf8_lossy(&build.stderr);
    assert!(
        !warnings.contains("warning"),
        "the quick start builds with warnings:\n{warnings}"
    );

    let config = Command::new(target.join("debug/my-server"))
        .arg("config")
        .env_clear()
        .output()
        .expect("run the quick start's binary");
    let yaml = String::from_utf8_lossy(&config.stdout);
    assert!(config.status.success(), "{yaml}");
    assert!(yaml.contains("name: \"my-server\"\n"), "{yaml}");
    assert!(yaml.contains("  type: cred\n"), "{yaml}");
    assert!(yaml.contains("    - name: \"api_key\"\n"), "{yaml}");
    let _ = std::fs::remove_dir_all(&dir);
}
