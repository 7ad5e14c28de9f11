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
];

#[derive(Parser, Debug)]
#[command(disable_version_flag = false)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parse with the server's own name and version, not gumstack's.
    pub fn parse_from_env<S: Server>() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let about = S::INSTRUCTIONS.unwrap_or("An MCP server built with gumstack");
        let matches = Self::command()
            .name(S::NAME)
            .version(S::VERSION)
            .about(about)
            .get_matches();
        Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Serve MCP over stdio (for a local client) or streamable HTTP.
    Serve(Serve),
    /// Print this server's config.yaml (auth type and credential fields).
    Config,
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
    #[arg(long, env = "GUMSTACK_STATELESS")]
    pub stateless: bool,
}

/// HTTP settings after checking.
#[derive(Debug, Clone)]
pub(crate) struct HttpSettings {
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub stateless: bool,
}

impl Serve {
    pub fn http_settings(&self) -> Result<HttpSettings> {
        let mut allowed_hosts: Vec<String> = ["localhost", "127.0.0.1", "::1"]
            .into_iter()
            .map(String::from)
            .collect();
        if let Some(url) = &self.public_url {
            allowed_hosts.push(host_of(url)?);
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
