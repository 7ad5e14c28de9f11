//! The host every server gets: the command line, the transports, start-up,
//! and `creds()` at run time. What differs between the auth modes is in
//! [`modes`], one file each; everything here is generic over the mode.

mod admin;
mod audit;
mod cli;
mod config;
pub(crate) mod creds;
mod diagnose;
mod direct;
mod health;
mod http;
mod listener;
mod metrics;
mod modes;
pub(crate) mod permissions;
mod reconnect;
mod shutdown;
pub(crate) mod step_up;

use std::sync::Arc;

use rmcp::ServiceExt;

use crate::{
    Error, Result, Server,
    mode::{HostMode, Transport},
};
use cli::{Cli, Command, DataOpts, Serve};

/// Parse the command line and run it: what the generated `run()` calls.
pub async fn run<S>(server: S) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    let cli = Cli::parse_for::<S>();
    init_logging();
    warn_on_unknown_settings();
    match cli.command {
        Command::Config => {
            print!("{}", config::render::<S>());
            // The operator's permission groups, as the server would read them
            // (a `none` server has no users, and refuses them at start-up).
            if let Some(path) = std::env::var_os("GUMSTACK_PERMISSIONS")
                && <S::Auth as crate::mode::AuthMode>::KIND != "none"
            {
                let names = permissions::Names::of::<S>();
                print!(
                    "{}",
                    permissions::read(std::path::Path::new(&path), &names)?.render()
                );
            }
            Ok(())
        }
        Command::Serve(serve) => serve_with(server, serve).await,
        Command::Diagnose(d) => {
            diagnose::run::<S>(diagnose::Request {
                url: d.url,
                creds: d.creds,
                location: d.data.location(),
            })
            .await
        }
        Command::Admin(command) => admin::run::<S, _>(command, DataOpts::location).await,
    }
}

async fn serve_with<S>(server: S, serve: Serve) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    let transport = if serve.http.is_some() {
        Transport::Http
    } else {
        Transport::Stdio
    };
    let (settings, mode) = settings::<S>(&serve, transport)?;
    // Build the tool table now: a mistake in it (an argument mirrored into a
    // header that is not a string, number or boolean) stops start-up.
    let _ = S::tools();
    let state = Arc::new(S::Auth::open(&serve.data.location(), S::NAME, mode).await?);
    if let Some(addr) = serve.metrics {
        metrics::spawn::<S>(addr, state.clone()).await?;
    }
    install_request_states::<S>(&state)?;
    creds::install(
        S::Auth::grants(&state),
        transport,
        format!("{} login", S::NAME),
    );
    // The audit log lives beside the grants (`cred`, `oauth`); a retention of
    // 0 turns it off. Every call has its span either way.
    if let Some(vault) = S::Auth::vault(&state)
        && !serve.audit_retention.is_zero()
    {
        crate::audit::install(vault.store().clone(), serve.audit_retention);
    }
    let server = Arc::new(server);
    S::__set_instance(server.clone());
    let served = match serve.http {
        Some(addr) => {
            let settings = settings.expect("checked for HTTP");
            http::serve::<S>(server, addr, settings, state).await
        }
        None => {
            tracing::info!(server = S::NAME, "serving MCP over stdio");
            let running = server
                .serve(rmcp::transport::stdio())
                .await
                .map_err(|e| Error::msg(format!("stdio handshake failed: {e}")))?;
            running
                .waiting()
                .await
                .map_err(|e| Error::msg(format!("stdio session ended abnormally: {e}")))
                .map(drop)
        }
    };
    // A clean stop loses no record.
    crate::audit::flush().await;
    served
}

/// The key that seals 2026-07-28 `requestState`s, and the store that spends
/// them: the vault's where the mode has one; for a `none` server,
/// `GUMSTACK_SECRET_KEY` if set (replicas must share it), else a key of this
/// process, and the session store if there is a database.
fn install_request_states<S: Server>(state: &<S::Auth as HostMode>::State) -> Result<()> {
    let (sealer, store) = match S::Auth::vault(state) {
        Some(vault) => (vault.sealer().clone(), Some(vault.store().clone())),
        None => {
            let sealer = if crate::seal::key_in_env() {
                crate::seal::Sealer::load(std::path::Path::new("."))?
            } else {
                crate::context::request_state::random_sealer()
            };
            let store = S::Auth::sessions(state).map(|s| s.store().clone());
            (Arc::new(sealer), store)
        }
    };
    crate::context::request_state::install(sealer, store);
    Ok(())
}

/// Every setting checked before anything is opened or created: the HTTP
/// settings, the env vars of a `none` server's credentials, the provider's.
/// All problems are reported at once, one per line.
#[allow(clippy::type_complexity)]
fn settings<S: Server>(
    serve: &Serve,
    transport: Transport,
) -> Result<(Option<cli::HttpSettings>, <S::Auth as HostMode>::Settings)> {
    let mut problems = Vec::new();
    let http = match serve.http.map(|_| serve.http_settings()).transpose() {
        Ok(http) => http,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    problems.extend(S::__prepare().err());
    let mode = S::Auth::settings(transport).map_err(|e| problems.push(e));
    match (problems.len(), mode) {
        (0, Ok(mode)) => Ok((http, mode)),
        (1, _) => Err(problems.remove(0)),
        (n, _) => Err(Error::config(format!(
            "{n} problems with the settings:\n  {}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        ))),
    }
}

/// Logs go to stderr: stdout belongs to the stdio transport.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("GUMSTACK_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info,rmcp=warn,sqlx=warn"));
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
