//! The command line of every gumstack server.

use std::net::SocketAddr;

use clap::{ArgGroup, Args, Parser, Subcommand};

use crate::{Error, Result, Server};

/// The `GUMSTACK_*` settings the host reads; any other one is reported at start-up.
pub(crate) const KNOWN_SETTINGS: &[&str] = &[
    "GUMSTACK_LOG",
    "GUMSTACK_HTTP",
    "GUMSTACK_PUBLIC_URL",
    "GUMSTACK_ALLOWED_HOSTS",
    "GUMSTACK_ALLOWED_ORIGINS",
    "GUMSTACK_STATELESS",
    "GUMSTACK_DATA_DIR",
    "GUMSTACK_DATABASE_URL",
    "GUMSTACK_SECRET_KEY",
    "GUMSTACK_PREVIOUS_SECRET_KEYS",
    "GUMSTACK_ACCESS_TOKEN_TTL",
    "GUMSTACK_TEST_MODE",
    "GUMSTACK_LOGIN_PORT",
    "GUMSTACK_MAX_BODY_BYTES",
    "GUMSTACK_MAX_CONNECTIONS",
    "GUMSTACK_HEADER_TIMEOUT",
    "GUMSTACK_SHUTDOWN_GRACE",
    "GUMSTACK_METRICS",
    "GUMSTACK_AUDIT_RETENTION",
    "GUMSTACK_PERMISSIONS",
];

#[derive(Parser, Debug)]
#[command(disable_version_flag = false)]
pub(crate) struct Cli<L: Args> {
    #[command(subcommand)]
    pub command: Command<L>,
}

impl<L: Args> Cli<L> {
    /// Parse with the server's own name and version, not gumstack's.
    pub fn parse_for<S: Server>() -> Self
    where
        S::Auth: crate::mode::HostMode<LoginOptions = L>,
    {
        use clap::{CommandFactory, FromArgMatches};
        let about = match S::INSTRUCTIONS {
            Some(instructions) => format!("{}: {instructions}", S::NAME),
            None => format!("{}: an MCP server", S::NAME),
        };
        let command = Self::command()
            .name(S::NAME)
            .version(S::VERSION)
            .about(about);
        let matches = super::admin::offer::<S, DataOpts>(command).get_matches();
        if let Some(admin) = super::admin::chosen(&matches) {
            return Self {
                command: Command::Admin(admin),
            };
        }
        Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command<L: Args> {
    /// Serve MCP over stdio (for a local client) or streamable HTTP.
    Serve(Serve),
    /// Print this server's config.yaml (auth type and credential fields).
    Config,
    /// Check a deployment from outside as a client meets it, then authorize
    /// as one; one line per problem with its fix, exit status 1 if any.
    Diagnose(Diagnose),
    /// `login`, `logout`, `grants`, `rotate-key`, `audit`: added by `parse_for` where
    /// the mode has grants.
    #[command(skip)]
    Admin(super::admin::Admin<DataOpts, L>),
}

#[derive(Args, Debug)]
pub(crate) struct Diagnose {
    /// The server's public URL, or its MCP URL.
    #[arg(value_name = "URL", env = "GUMSTACK_PUBLIC_URL")]
    pub url: String,
    /// `cred` servers: a credential to complete the authorization with, for
    /// each field of the form (repeat it).
    #[arg(long = "cred", value_name = "NAME=VALUE", value_parser = name_value)]
    pub creds: Vec<(String, String)>,
    /// Where the server keeps its state, to check the store and key too.
    #[command(flatten)]
    pub data: DataOpts,
}

fn name_value(arg: &str) -> std::result::Result<(String, String), String> {
    arg.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("{arg:?} is not NAME=VALUE"))
}

/// Where a `cred`/`oauth` server keeps its state.
#[derive(Args, Debug, Clone)]
pub(crate) struct DataOpts {
    /// Directory of the store and the generated key (created 0700); default
    /// `$XDG_DATA_HOME/gumstack/<server>` or `~/.local/share/gumstack/<server>`.
    #[arg(long, value_name = "DIR", env = "GUMSTACK_DATA_DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// A PostgreSQL database shared by several replicas (`postgres://...`)
    /// instead of the SQLite file in the data directory; needs
    /// GUMSTACK_SECRET_KEY, the same on every replica.
    #[arg(
        long,
        value_name = "URL",
        env = "GUMSTACK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

impl DataOpts {
    /// Where the store is, as the flags and env vars say.
    pub fn location(&self) -> crate::store::Location {
        crate::store::Location {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.clone(),
        }
    }
}

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("transport").required(true).args(["stdio", "http"])))]
pub(crate) struct Serve {
    /// Serve over stdin/stdout.
    #[arg(long)]
    pub stdio: bool,
    /// Serve streamable HTTP at http://ADDR/mcp, e.g. 127.0.0.1:8000.
    #[arg(long, value_name = "ADDR", env = "GUMSTACK_HTTP")]
    pub http: Option<SocketAddr>,
    /// The URL clients reach this server at (its host is allowed in `Host`).
    #[arg(long, value_name = "URL", env = "GUMSTACK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Extra `Host` header values to accept (comma-separated); loopback is always allowed.
    #[arg(
        long = "allowed-host",
        value_name = "HOST",
        env = "GUMSTACK_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// Browser origins allowed to call (comma-separated, with scheme); none by default.
    #[arg(
        long = "allowed-origin",
        value_name = "ORIGIN",
        env = "GUMSTACK_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// Answer each request on its own, with no MCP session (plain JSON replies).
    #[arg(long, env = "GUMSTACK_STATELESS", value_parser = clap::builder::BoolishValueParser::new())]
    pub stateless: bool,
    /// Lifetime of access tokens issued to MCP clients, in seconds.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "GUMSTACK_ACCESS_TOKEN_TTL",
        default_value_t = 3600
    )]
    pub access_token_ttl: u64,
    /// Largest request body `/mcp` accepts, in bytes (the authorization routes
    /// accept 64 KiB).
    #[arg(
        long,
        value_name = "BYTES",
        env = "GUMSTACK_MAX_BODY_BYTES",
        default_value_t = 4 * 1024 * 1024
    )]
    pub max_body_bytes: usize,
    /// Most connections open at once; more wait until one closes.
    #[arg(
        long,
        value_name = "N",
        env = "GUMSTACK_MAX_CONNECTIONS",
        default_value_t = 1024
    )]
    pub max_connections: usize,
    /// Seconds a connection has to send a request's headers, and may sit idle
    /// between requests, before it is closed.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "GUMSTACK_HEADER_TIMEOUT",
        default_value_t = 10
    )]
    pub header_timeout: u64,
    /// Seconds calls in flight may run on after SIGTERM or Ctrl-C, once the
    /// server stops accepting connections.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "GUMSTACK_SHUTDOWN_GRACE",
        default_value_t = 10
    )]
    pub shutdown_grace: u64,
    /// Serve Prometheus metrics at http://ADDR/metrics, on a listener of their
    /// own (e.g. 127.0.0.1:9100); off by default.
    #[arg(long, value_name = "ADDR", env = "GUMSTACK_METRICS")]
    pub metrics: Option<SocketAddr>,
    /// How long the audit log keeps a call (`cred` and `oauth` servers): a
    /// duration such as `30d`, `12h`, `90m`, `3600s` or `3600` (seconds); `0`
    /// records no call.
    #[arg(
        long,
        value_name = "DURATION",
        env = "GUMSTACK_AUDIT_RETENTION",
        default_value = "30d",
        value_parser = super::audit::duration
    )]
    pub audit_retention: std::time::Duration,
    /// The permission groups: which users may call which tools (YAML, read at
    /// start-up and again on SIGHUP). Without it every user may call every tool.
    #[arg(long, value_name = "FILE", env = "GUMSTACK_PERMISSIONS")]
    pub permissions: Option<std::path::PathBuf>,
    /// For tests only: accept client metadata documents over http and on private
    /// addresses. Refused unless the public URL is a loopback address.
    #[arg(long, env = "GUMSTACK_TEST_MODE", hide = true, value_parser = clap::builder::BoolishValueParser::new())]
    pub test_mode: bool,
    #[command(flatten)]
    pub data: DataOpts,
}

/// HTTP settings after checking.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub stateless: bool,
    pub public_url: Option<String>,
    pub access_token_ttl: std::time::Duration,
    pub test_mode: bool,
    pub max_body_bytes: usize,
    pub max_connections: usize,
    pub header_timeout: std::time::Duration,
    pub shutdown_grace: std::time::Duration,
    pub permissions: Option<std::path::PathBuf>,
}

impl Serve {
    pub fn http_settings(&self) -> Result<HttpSettings> {
        let mut allowed_hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .into_iter()
            .map(String::from)
            .collect();
        let public_url = match &self.public_url {
            Some(url) => {
                allowed_hosts.push(host_of(url)?);
                Some(url.trim_end_matches('/').to_owned())
            }
            None => None,
        };
        for (name, value) in [
            (
                "--access-token-ttl (GUMSTACK_ACCESS_TOKEN_TTL)",
                self.access_token_ttl,
            ),
            (
                "--header-timeout (GUMSTACK_HEADER_TIMEOUT)",
                self.header_timeout,
            ),
            (
                "--max-connections (GUMSTACK_MAX_CONNECTIONS)",
                self.max_connections as u64,
            ),
            (
                "--max-body-bytes (GUMSTACK_MAX_BODY_BYTES)",
                self.max_body_bytes as u64,
            ),
        ] {
            if value == 0 {
                return Err(Error::config(format!("{name} must be at least 1")));
            }
        }
        for host in &self.allowed_hosts {
            let host = host.trim();
            if host.is_empty() || host.contains('/') {
                return Err(Error::config(format!(
                    "invalid allowed host {host:?}: give a host name or host:port, without scheme or path"
                )));
            }
            allowed_hosts.push(host.to_owned());
        }
        Ok(HttpSettings {
            allowed_hosts,
            allowed_origins: self.allowed_origins.clone(),
            stateless: self.stateless,
            public_url,
            access_token_ttl: std::time::Duration::from_secs(self.access_token_ttl),
            test_mode: self.test_mode,
            max_body_bytes: self.max_body_bytes,
            max_connections: self.max_connections,
            header_timeout: std::time::Duration::from_secs(self.header_timeout),
            shutdown_grace: std::time::Duration::from_secs(self.shutdown_grace),
            permissions: self.permissions.clone(),
        })
    }
}

/// The authority of `url` (`host` or `host:port`).
fn host_of(url: &str) -> Result<String> {
    let invalid = || {
        Error::config(format!(
            "invalid public URL {url:?} (GUMSTACK_PUBLIC_URL / --public-url): expected http(s)://host[:port][/path]"
        ))
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(invalid)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err(invalid());
    }
    Ok(authority.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_url_host_is_allowed() {
        assert_eq!(
            host_of("https://mcp.example.com/base").unwrap(),
            "mcp.example.com"
        );
        assert_eq!(host_of("http://h:8080").unwrap(), "h:8080");
        assert!(host_of("ftp://h").is_err());
        assert!(host_of("https://user@h").is_err());
    }
}
