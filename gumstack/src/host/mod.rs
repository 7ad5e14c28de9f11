//! The host every server gets: the CLI, the transports, start-up checks, and the
//! state of `cred`/`oauth` servers (store, sealing key, grants).

mod cli;
mod config;
pub(crate) mod context;
mod http;
mod listener;
mod login;
mod sessions;

use std::{path::PathBuf, sync::Arc};

use rmcp::ServiceExt;

use crate::{
    Error, Result, Server,
    auth::AuthMode,
    grants::Grants,
    seal::Sealer,
    store::{self, Store},
};
use cli::{Cli, Command, DataOpts, Serve};
use context::{HostContext, Transport};
pub(crate) use sessions::Sessions;

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
            Ok(())
        }
        Command::Serve(serve) => serve_with(server, serve).await,
        Command::Login(data) => login::login::<S>(&open_state::<S>(&data, false).await?).await,
        Command::Logout(data) => login::logout::<S>(&open_state::<S>(&data, false).await?).await,
    }
}

/// What a `cred`/`oauth` server keeps between runs.
pub(crate) struct State {
    pub data_dir: PathBuf,
    pub store: Option<Arc<dyn Store>>,
    pub grants: Option<Arc<Grants>>,
}

/// Open the state of a server: the store (checked to belong to this auth type),
/// the sealing key, the grants. A `none` server has no state, unless it shares a
/// database with other replicas (for its MCP sessions).
async fn open_state<S: Server>(data: &DataOpts, dev_tokens_allowed: bool) -> Result<State> {
    let kind = <S::Auth as AuthMode>::KIND;
    if kind == "none" && data.database_url.is_none() {
        return Ok(State {
            data_dir: PathBuf::new(),
            store: None,
            grants: None,
        });
    }
    let data_dir = data.data_dir(S::NAME)?;
    let (store, place): (Arc<dyn Store>, String) = match &data.database_url {
        Some(url) => {
            // Every replica must open what the others sealed: a key file
            // generated per machine would not do.
            if kind != "none" && std::env::var_os("GUMSTACK_SECRET_KEY").is_none() {
                return Err(Error::config(
                    "GUMSTACK_DATABASE_URL is set but GUMSTACK_SECRET_KEY is not: replicas sharing a database need the same sealing key (32 random bytes, base64), e.g. from `openssl rand -base64 32`",
                ));
            }
            (
                Arc::new(store::connect(url).await?),
                "the database of GUMSTACK_DATABASE_URL".into(),
            )
        }
        None => (
            Arc::new(store::open(&data_dir).await?),
            format!("the data store in {}", data_dir.display()),
        ),
    };
    match store.auth_type().await? {
        None => store.set_auth_type(kind).await?,
        Some(stored) if stored == kind => {}
        Some(stored) => {
            return Err(Error::config(format!(
                "{place} belongs to a server with `auth = {stored}`, and this server has `auth = {kind}`: the auth type of a server cannot change. Nothing was deleted; use another {} for this server",
                if data.database_url.is_some() {
                    "database"
                } else {
                    "GUMSTACK_DATA_DIR"
                }
            )));
        }
    }
    if kind == "none" {
        return Ok(State {
            data_dir,
            store: Some(store),
            grants: None,
        });
    }
    let sealer = Sealer::load(&data_dir)?;
    let grants = match <S::Auth as AuthMode>::__grants(store.clone(), sealer) {
        Ok(grants) => grants.map(Arc::new),
        // Development tokens stand in for the provider over stdio.
        Err(e) if dev_tokens_allowed && std::env::var_os("LOCAL_ACCESS_TOKEN").is_some() => {
            tracing::warn!("the OAuth provider is not configured ({e}); using LOCAL_ACCESS_TOKEN");
            None
        }
        Err(e) => return Err(e),
    };
    if let Some(grants) = &grants {
        grants.check_key().await?;
    }
    Ok(State {
        data_dir,
        store: Some(store),
        grants,
    })
}

async fn serve_with<S>(server: S, serve: Serve) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    S::__prepare()?;
    let state = open_state::<S>(&serve.data, serve.http.is_none()).await?;
    let transport = if serve.http.is_some() {
        Transport::Http
    } else {
        Transport::Stdio
    };
    context::install(HostContext {
        grants: state.grants.clone(),
        login_hint: format!("{} login", S::NAME),
        transport,
        issuer: std::sync::OnceLock::new(),
    });
    let server = Arc::new(server);
    match serve.http {
        Some(addr) => http::serve(server, addr, serve.http_settings()?, state).await,
        None => {
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
