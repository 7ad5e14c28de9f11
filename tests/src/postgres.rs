//! A real PostgreSQL server for tests: [`fresh_database`] hands each caller a
//! brand-new empty database.
//!
//! The server is, in order of preference:
//!
//! 1. the one at `GUMSTACK_TEST_DATABASE_URL`, the admin URL of an existing
//!    server (a role allowed to `CREATE DATABASE`, e.g.
//!    `postgres://postgres:secret@127.0.0.1:5432/postgres`);
//! 2. a private cluster in `<target dir>/postgres` (`data/`, `log`, `port`,
//!    `password`), made with the `initdb` of Debian's `postgresql` package
//!    (`/usr/lib/postgresql/<version>/bin`, the newest) or the one on `PATH`.
//!    It is initialized on first use and started with `pg_ctl` when not running:
//!    port 55432 (or the next free one, chosen once and kept in `port`), listening
//!    on 127.0.0.1 (a random superuser password, kept in `password`) and on a
//!    Unix socket in that directory (0700; no password), which the returned URLs
//!    use (`postgres://postgres@localhost:<port>/<db>?host=<dir>`) unless its
//!    path is too long for a socket. fsync is off: it is a scratch server.
//!
//! The cluster is **left running** after the tests, so the next run starts
//! fast; stop it with `/usr/lib/postgresql/*/bin/pg_ctl stop -D
//! target/postgres/data` (as the `postgres` user if the tests ran as root, e.g.
//! through `runuser -u postgres --`), or delete `target/postgres` to start over.
//!
//! Several test binaries and test threads may call [`fresh_database`] at once:
//! the set-up is serialized by a lock file (`postgres/lock`, `flock`), and a
//! `postmaster.pid` left by a crash (its process gone, or its PID reused by
//! another program) is removed before starting.
//!
//! PostgreSQL refuses to run as root: when the tests run as root (CI), the
//! cluster's files belong to, and `initdb`/`pg_ctl` run as, the unprivileged
//! `postgres` user (created by Debian's package; `nobody` if there is none). If
//! that user cannot reach `<target dir>/postgres` (a checkout under `/root`),
//! the cluster lives in `/var/tmp/gumstack-test-postgres-<hash>` instead.
//!
//! Databases are named `gumstack_test_<unix time>_<pid>_<random>`; the first
//! call in each process drops those of test processes that are gone (on the
//! private cluster) or more than a day old and unused (on any server).
//!
//! Without PostgreSQL installed (and no `GUMSTACK_TEST_DATABASE_URL`) this
//! panics, telling to run `bash scripts/test.sh`: tests are never skipped.

use std::{
    fs,
    hash::{BuildHasher, DefaultHasher, Hasher, RandomState},
    io::Write,
    net::TcpListener,
    os::unix::{
        fs::{DirBuilderExt, OpenOptionsExt},
        process::CommandExt,
    },
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use sqlx::{AssertSqlSafe, Connection, postgres::PgConnection};
use url::Url;

/// Admin URL of an existing server to use instead of the private cluster.
pub const URL_ENV: &str = "GUMSTACK_TEST_DATABASE_URL";

/// The first port tried for the private cluster.
const FIRST_PORT: u16 = 55432;
const PREFIX: &str = "gumstack_test_";
/// Databases this old are dropped by later runs even if their process is alive.
const STALE_AFTER: u64 = 24 * 3600;

/// The URL (`postgres://...`) of a new, empty database of its own, on the server
/// of `GUMSTACK_TEST_DATABASE_URL` or on the private cluster (started if needed).
/// The database is not dropped at the end: a later run drops it.
///
/// Async (it runs its blocking set-up on tokio's blocking pool); call it from
/// any tokio runtime, e.g. `#[tokio::test]`.
pub async fn fresh_database() -> String {
    let (admin, private) = match std::env::var(URL_ENV) {
        Ok(url) if !url.trim().is_empty() => (url.trim().to_owned(), false),
        _ => (private_cluster().await, true),
    };
    let mut conn = connect(&admin, private).await;

    static CLEANED: AtomicBool = AtomicBool::new(false);
    if !CLEANED.swap(true, Ordering::SeqCst) {
        drop_stale_databases(&mut conn, private).await;
    }

    let name = format!(
        "{PREFIX}{}_{}_{:08x}",
        unix_time(),
        std::process::id(),
        random_u64() as u32
    );
    // The name is ours (letters, digits, `_`): nothing to quote.
    sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name} on {}: {e}", redact(&admin)));
    let _ = conn.close().await;

    let mut url = Url::parse(&admin).expect("admin URL parses");
    url.set_path(&format!("/{name}"));
    url.into()
}

/// The admin URL of the private cluster, set up and started once per process.
async fn private_cluster() -> String {
    static URL: Mutex<Option<String>> = Mutex::new(None);
    let setup = tokio::task::spawn_blocking(|| {
        let mut url = URL.lock().unwrap_or_else(|e| e.into_inner());
        if url.is_none() {
            *url = Some(Cluster::locate().ensure_running());
        }
        url.clone().expect("set above")
    });
    match setup.await {
        Ok(url) => url,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// Connect as admin, waiting up to 30 s for a server still starting.
async fn connect(admin: &str, private: bool) -> PgConnection {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match PgConnection::connect(admin).await {
            Ok(conn) => return conn,
            Err(e) if Instant::now() < deadline && starting(&e) => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            Err(e) => {
                let hint = if private {
                    let dir = Cluster::locate().dir;
                    format!(
                        "; server log: {}; delete {} to start over",
                        dir.join("log").display(),
                        dir.display()
                    )
                } else {
                    format!(" (from {URL_ENV})")
                };
                panic!(
                    "cannot connect to PostgreSQL at {}: {e}{hint}",
                    redact(admin)
                );
            }
        }
    }
}

fn starting(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        // cannot_connect_now: starting up, or in recovery after a crash.
        sqlx::Error::Database(e) => e.code().as_deref() == Some("57P03"),
        _ => false,
    }
}

/// Drop the test databases of earlier runs; best effort (one in use stays).
async fn drop_stale_databases(conn: &mut PgConnection, private: bool) {
    let Ok(names) = sqlx::query_scalar::<_, String>(
        "SELECT datname FROM pg_database WHERE starts_with(datname, 'gumstack_test_')",
    )
    .fetch_all(&mut *conn)
    .await
    else {
        return;
    };
    let now = unix_time();
    for name in names {
        let mut parts = name[PREFIX.len()..].split('_');
        let (Some(Ok(created)), Some(Ok(pid))) = (
            parts.next().map(str::parse::<u64>),
            parts.next().map(str::parse::<u32>),
        ) else {
            continue;
        };
        // The private cluster only serves this machine's test processes.
        let orphan = private && !Path::new(&format!("/proc/{pid}")).exists();
        if orphan || now.saturating_sub(created) > STALE_AFTER {
            let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
                .execute(&mut *conn)
                .await;
        }
    }
}

/// The private cluster's place and the user its server runs as.
struct Cluster {
    /// `<target dir>/postgres` (or its `/var/tmp` stand-in when running as root).
    dir: PathBuf,
    /// The unprivileged user the server runs as when we are root.
    owner: Option<Owner>,
}

struct Owner {
    name: String,
    uid: u32,
    gid: u32,
}

impl Cluster {
    fn locate() -> Self {
        let dir = target_dir().join("postgres");
        if !is_root() {
            let cluster = Self { dir, owner: None };
            cluster.create_dir();
            return cluster;
        }
        let owner = Owner::unprivileged();
        let cluster = Self {
            dir,
            owner: Some(owner),
        };
        cluster.create_dir();
        if cluster.owner_can_use_dir() {
            return cluster;
        }
        // DefaultHasher::new() has fixed keys: the same directory every run.
        let mut hash = DefaultHasher::new();
        hash.write(cluster.dir.as_os_str().as_encoded_bytes());
        let fallback = PathBuf::from(format!(
            "/var/tmp/gumstack-test-postgres-{:016x}",
            hash.finish()
        ));
        // Made above, empty.
        let _ = fs::remove_dir(&cluster.dir);
        let cluster = Self {
            dir: fallback,
            ..cluster
        };
        cluster.create_dir();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Create the cluster's directory (0700), owned by the server's user.
    fn create_dir(&self) {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .unwrap_or_else(|e| panic!("create {}: {e}", self.dir.display()));
        self.give(&self.dir);
    }

    /// Make `path` the server user's (when we are root).
    fn give(&self, path: &Path) {
        if let Some(owner) = &self.owner {
            std::os::unix::fs::chown(path, Some(owner.uid), Some(owner.gid))
                .unwrap_or_else(|e| panic!("chown {} to {}: {e}", path.display(), owner.name));
        }
    }

    /// Whether the server's user can reach and write its directory (not so if a
    /// parent directory is closed to others, e.g. `/root`).
    fn owner_can_use_dir(&self) -> bool {
        self.command("sh")
            .current_dir("/")
            .args(["-c", r#"test -w "$1" && test -x "$1""#, "sh"])
            .arg(&self.dir)
            .status()
            .is_ok_and(|s| s.success())
    }

    /// `program` run as the server's user, in the cluster's directory.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.dir).stdin(Stdio::null());
        for var in [
            "PGDATA",
            "PGPORT",
            "PGHOST",
            "PGUSER",
            "PGPASSWORD",
            "PGDATABASE",
        ] {
            cmd.env_remove(var);
        }
        if let Some(owner) = &self.owner {
            // std drops the supplementary groups too when leaving root.
            cmd.uid(owner.uid).gid(owner.gid);
        }
        cmd
    }

    /// Initialize (once) and start (when not running) the cluster; its admin URL.
    fn ensure_running(&self) -> String {
        let bin = bin_dir();
        let lock = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(self.dir.join("lock"))
            .unwrap_or_else(|e| panic!("open {}: {e}", self.dir.join("lock").display()));
        lock.lock().expect("lock the PostgreSQL test cluster");

        let initialized = self.dir.join("initialized");
        if !initialized.exists() {
            self.init(&bin);
            fs::write(&initialized, "").expect("mark the cluster initialized");
        }
        let port: u16 = read(&self.dir.join("port"))
            .parse()
            .expect("a port number in postgres/port");
        let password = read(&self.dir.join("password"));
        if !self.postmaster_running(port) {
            self.start(&bin);
        }
        // The lock is released when `lock` is closed.
        let mut url = Url::parse(&format!("postgres://postgres@localhost:{port}/postgres"))
            .expect("a valid URL");
        match self.socket_dir() {
            // Trusted: only the server's user (and root) can enter the directory.
            // Much faster than a password over TCP: SCRAM costs ~50 ms a
            // connection in a debug build.
            Some(dir) => {
                url.query_pairs_mut().append_pair("host", &dir);
            }
            None => {
                url.set_host(Some("127.0.0.1")).expect("an IP host");
                url.set_password(Some(&password)).expect("a password");
            }
        }
        url.into()
    }

    /// The directory of the server's Unix socket: ours, if the socket's path
    /// fits in `sun_path` and in the setting's syntax.
    fn socket_dir(&self) -> Option<String> {
        let dir = self.dir.to_str()?;
        (dir.len() + "/.s.PGSQL.55432".len() < 100 && !dir.contains([',', '\'', '"']))
            .then(|| dir.to_owned())
    }

    /// `initdb`, and the server's settings: port, address, socket, no fsync.
    fn init(&self, bin: &Path) {
        let data = self.data();
        // Left over by an interrupted initdb.
        if data.exists() {
            fs::remove_dir_all(&data).unwrap_or_else(|e| panic!("remove {}: {e}", data.display()));
        }
        let port = (FIRST_PORT..FIRST_PORT + 100)
            .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
            .expect("a free port in 55432..55532");
        let password = format!("{:016x}{:016x}", random_u64(), random_u64());
        let password_file = self.dir.join("password");
        write_private(&password_file, &password);
        self.give(&password_file);
        write_private(&self.dir.join("port"), &port.to_string());

        eprintln!(
            "initializing a PostgreSQL test cluster in {} (port {port})",
            data.display()
        );
        run(self
            .command(bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
            .args(["--auth-host=scram-sha-256", "--auth-local=trust"])
            .arg(format!("--pwfile={}", password_file.display())));

        let socket_dir = self.socket_dir().unwrap_or_default();
        let settings = format!(
            "\n# gumstack tests (tests/src/postgres.rs): a private scratch server.\n\
             listen_addresses = '127.0.0.1'\n\
             port = {port}\n\
             unix_socket_directories = '{socket_dir}'\n\
             max_connections = 200\n\
             fsync = off\n\
             synchronous_commit = off\n\
             full_page_writes = off\n"
        );
        fs::OpenOptions::new()
            .append(true)
            .open(data.join("postgresql.conf"))
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .expect("configure the test cluster");
    }

    /// Whether the cluster's postmaster is running; removes a stale
    /// `postmaster.pid` (its process gone, or the PID now another program's).
    fn postmaster_running(&self, port: u16) -> bool {
        let pid_file = self.data().join("postmaster.pid");
        let Ok(text) = fs::read_to_string(&pid_file) else {
            return false;
        };
        let pid = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<u32>().ok());
        let running = match pid {
            // A postmaster works in its data directory.
            Some(pid) if Path::new("/proc/self/cwd").exists() => {
                let cwd = fs::read_link(format!("/proc/{pid}/cwd"));
                let data = fs::canonicalize(self.data());
                matches!((cwd, data), (Ok(cwd), Ok(data)) if cwd == data)
            }
            Some(_) => self
                .command(bin_dir().join("pg_ctl"))
                .arg("status")
                .arg("-D")
                .arg(self.data())
                .output()
                .is_ok_and(|o| o.status.success()),
            None => false,
        };
        if !running {
            eprintln!("removing the stale {}", pid_file.display());
            for stale in [
                pid_file,
                self.dir.join(format!(".s.PGSQL.{port}.lock")),
                self.dir.join(format!(".s.PGSQL.{port}")),
            ] {
                let _ = fs::remove_file(stale);
            }
        }
        running
    }

    fn start(&self, bin: &Path) {
        eprintln!(
            "starting the PostgreSQL test cluster in {}",
            self.dir.display()
        );
        let log = self.dir.join("log");
        let output = self
            .command(bin.join("pg_ctl"))
            .arg("start")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "120", "-s"])
            .output()
            .expect("run pg_ctl");
        if !output.status.success() {
            let log = fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            panic!(
                "pg_ctl start failed: {}\n{}\nlast lines of {}:\n{}\n(delete {} to start over)",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                self.dir.join("log").display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
                self.dir.display()
            );
        }
    }
}

impl Owner {
    /// `postgres` (Debian's package creates it), else `nobody`.
    fn unprivileged() -> Self {
        for name in ["postgres", "nobody"] {
            let id = |flag: &str| {
                Command::new("id")
                    .args([flag, name])
                    .stderr(Stdio::null())
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            };
            if let (Some(uid), Some(gid)) = (id("-u"), id("-g")) {
                return Self {
                    name: name.into(),
                    uid,
                    gid,
                };
            }
        }
        panic!(
            "running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as"
        );
    }
}

/// The directory of `initdb`, `pg_ctl` and `postgres`: the newest
/// `/usr/lib/postgresql/<version>/bin` (Debian), else `initdb`'s on `PATH`.
fn bin_dir() -> PathBuf {
    let mut debian: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    debian.sort();
    if let Some((_, bin)) = debian.pop() {
        return bin;
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on PATH): \
                 run `bash scripts/test.sh`, which installs it, or `apt-get install postgresql`; \
                 or set {URL_ENV} to the admin URL of a running server"
            )
        })
}

/// The target directory of the running test binary (`target/<profile>/deps/x`):
/// the nearest ancestor with cargo's `CACHEDIR.TAG`, else `<workspace>/target`.
fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|dir| dir.join("CACHEDIR.TAG").exists())
                .map(Path::to_owned)
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn run(cmd: &mut Command) -> Output {
    let output = cmd.output().unwrap_or_else(|e| panic!("run {cmd:?}: {e}"));
    assert!(
        output.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn read(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .trim()
        .to_owned()
}

fn write_private(path: &Path, text: &str) {
    fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn unix_time() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// 64 random bits (std's hasher keys come from the OS's random source).
fn random_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    hasher.finish()
}

/// `url` without its password, for messages.
fn redact(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut url) => {
            if url.password().is_some() {
                let _ = url.set_password(Some("***"));
            }
            url.into()
        }
        Err(_) => "(unparsable URL)".into(),
    }
}
