//! The host every server gets: the CLI, the transports, start-up checks.

mod cli;
mod config;
mod http;

use std::sync::Arc;

use rmcp::ServiceExt;

use crate::{Error, Result, Server};
use cli::{Cli, Command, Serve};

/// Parse the command line and run it: what the generated `run()` calls.
pub async fn run<S>(server: S) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    let cli = Cli::parse_from_env::<S>();
    init_logging();
    warn_on_unknown_settings();
    match cli.command {
        Command::Config => {
            print!("{}", config::render::<S>());
            Ok(())
        }
        Command::Serve(serve) => serve_with(server, serve).await,
    }
}

async fn serve_with<S>(server: S, serve: Serve) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    S::__prepare()?;
    let server = Arc::new(server);
    match (serve.stdio, serve.http) {
        (_, Some(addr)) => http::serve(server, addr, serve.http_settings()?).await,
        _ => {
            tracing::info!(server = S::NAME, "serving MCP over stdio");
            let running = server
                .serve(rmcp::transport::stdio())
                .await
                .map_err(|e| Error::msg(format!("stdio handshake failed: {e}")))?;
            running
                .waiting()
                .await
                .map_err(|e| Error::msg(format!("stdio session ended abnormally: {e}")))?;
            Ok(())
        }
    }
}

/// Logs go to stderr: stdout belongs to the stdio transport.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GUMSTACK_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// A misspelt setting would otherwise be ignored without a word.
fn warn_on_unknown_settings() {
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if name.starts_with("GUMSTACK_") && !cli::KNOWN_SETTINGS.contains(&name) {
            tracing::warn!(
                "ignoring unknown setting {name}; known: {}",
                cli::KNOWN_SETTINGS.join(", ")
            );
        }
    }
}
