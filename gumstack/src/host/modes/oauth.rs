//! `auth = oauth`: each user's provider tokens are a grant, refreshed as they
//! expire. Over HTTP the authorization server sends the user to the provider;
//! over stdio `login` prints the provider's URL and catches its answer on a
//! loopback port.

use std::{any::Any, collections::HashMap, sync::Arc};

use axum::{Router, extract::Query, http::StatusCode, response::Html, routing::get};

use crate::{
    AuthProvider, Error, ProviderDescription, Result,
    auth_server::{OAuthFlow, Settings},
    crypto,
    grants::{LOCAL_GRANT, OAuthGrants, Revocation, Vault},
    mode::{AuthMode, HostMode, OAuth, Transport},
    provider::Pkce,
    store::{Location, Sessions},
};

/// How long `login` waits for the browser's answer.
const LOGIN_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

pub(crate) struct State {
    /// `None` only over stdio, when the provider is not configured and
    /// `LOCAL_ACCESS_TOKEN` stands in for it.
    grants: Option<Arc<OAuthGrants>>,
    sessions: Arc<Sessions>,
}

impl State {
    fn grants(&self) -> Result<&Arc<OAuthGrants>> {
        self.grants.as_ref().ok_or_else(|| {
            Error::config("the OAuth provider is not configured: set its client id and secret")
        })
    }
}

impl<P: AuthProvider> HostMode for OAuth<P> {
    type State = State;
    type LoginOptions = LoginOptions;

    fn provider() -> Option<ProviderDescription> {
        Some(P::describe())
    }

    /// The provider; `None` when development tokens stand in for it.
    type Settings = Option<P>;

    fn settings(transport: Transport) -> Result<Option<P>> {
        provider::<P>(transport)
    }

    async fn open(location: &Location, name: &'static str, provider: Option<P>) -> Result<State> {
        let vault = Vault::open(&location.place(name)?, Self::KIND).await?;
        let sessions = Arc::new(Sessions::new(vault.store().clone()));
        let grants = provider.map(|provider| Arc::new(OAuthGrants::new(vault, provider)));
        Ok(State { grants, sessions })
    }

    fn grants(state: &State) -> Option<Arc<dyn Any + Send + Sync>> {
        state
            .grants
            .clone()
            .map(|g| g as Arc<dyn Any + Send + Sync>)
    }

    fn vault(state: &State) -> Option<&Vault> {
        state.grants.as_deref().map(OAuthGrants::vault)
    }

    fn sessions(state: &State) -> Option<Arc<Sessions>> {
        Some(state.sessions.clone())
    }

    fn http(state: &State, mcp: Router, settings: Settings) -> Result<Router> {
        let grants = state.grants()?;
        super::authorization_server(
            grants.vault().store(),
            &state.sessions,
            OAuthFlow {
                grants: grants.clone(),
            },
            mcp,
            settings,
        )
    }

    async fn ready(state: &State) -> Result<()> {
        state.grants()?.vault().check_key().await
    }

    async fn active_grants(state: &State) -> Result<Option<u64>> {
        state
            .sessions
            .store()
            .count_connected_grants()
            .await
            .map(Some)
    }

    async fn login(state: &State, name: &'static str, options: LoginOptions) -> Result<()> {
        loopback_login(state.grants()?, name, options.port.unwrap_or(0)).await
    }

    async fn logout(state: &State, name: &'static str) -> Result<()> {
        state.grants()?.revoke_and_delete(LOCAL_GRANT).await?;
        eprintln!("Logged out: the local credentials of {name} are deleted.");
        Ok(())
    }

    async fn revoke(state: &State, id: &str) -> Result<Option<Revocation>> {
        let grants = state.grants()?;
        if grants.vault().store().get_grant(id).await?.is_none() {
            return Ok(None);
        }
        grants.revoke_and_delete(id).await.map(Some)
    }
}

/// `login`: the provider's page in a browser, with the answer caught by a
/// one-shot server on a loopback port.
async fn loopback_login(grants: &OAuthGrants, name: &'static str, port: u16) -> Result<()> {
    let provider = grants.provider();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| {
            Error::config(format!(
                "cannot listen on 127.0.0.1:{port} for the sign-in callback: {e}"
            ))
        })?;
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr()?.port()
    );
    let state = crypto::random();
    let pkce = Pkce::generate();
    let url = pkce
        .clone()
        .sync_scope(|| provider.get_url(&redirect_uri, &state));
    eprintln!(
        "Connect {name} to your {} account: open this URL in a browser (the redirect URI {redirect_uri} must be allowed by the OAuth app):\n\n  {url}\n",
        provider.name()
    );
    let _ = std::process::Command::new("xdg-open")
        .arg(&url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();

    let answer = answer_with_state(listener, state).await?;
    if let Some(error) = answer.get("error") {
        return Err(Error::msg(format!(
            "{} refused the login: {error}",
            provider.name()
        )));
    }
    let code = answer
        .get("code")
        .ok_or_else(|| Error::msg("login failed: the answer has no code"))?;
    let tokens = pkce.scope(provider.exchange(code, &redirect_uri)).await?;
    let account = provider
        .get_account(tokens.access_token.expose())
        .await
        .ok();
    let nickname = account.as_ref().map(|a| a.nickname.clone());
    grants
        .create(None, Some(LOCAL_GRANT), tokens, account)
        .await?;
    eprintln!(
        "Connected{}. `{name} serve --stdio` will use this account.",
        nickname.map(|n| format!(" as {n}")).unwrap_or_default(),
    );
    Ok(())
}

/// The query of the first request to `/callback` that carries `state`.
/// Anything else reaching the port (another program, a stale tab) gets 400
/// and the login keeps waiting.
async fn answer_with_state(
    listener: tokio::net::TcpListener,
    state: String,
) -> Result<HashMap<String, String>> {
    let (tx, rx) = tokio::sync::oneshot::channel::<HashMap<String, String>>();
    let tx = std::sync::Mutex::new(Some(tx));
    let tx = Arc::new(tx);
    let app = Router::new().route(
        "/callback",
        get(move |Query(q): Query<HashMap<String, String>>| async move {
            if !q.get("state").is_some_and(|s| crypto::same(s, &state)) {
                return (
                    StatusCode::BAD_REQUEST,
                    Html("<!doctype html><title>Not this login</title><p>This answer does not belong to the login in progress.</p>"),
                );
            }
            if let Some(tx) = tx.lock().expect("callback sender").take() {
                let _ = tx.send(q);
            }
            (
                StatusCode::OK,
                Html("<!doctype html><title>Done</title><p>You can close this window and return to the terminal.</p>"),
            )
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let answer = tokio::time::timeout(LOGIN_WAIT, rx).await;
    server.abort();
    answer
        .map_err(|_| Error::msg("login timed out: no answer from the browser within 10 minutes"))?
        .map_err(|_| Error::msg("login cancelled"))
}

/// The provider from its env vars. Over stdio, development tokens
/// (`LOCAL_ACCESS_TOKEN`) may stand in for an unconfigured one: `None`.
fn provider<P: AuthProvider>(transport: Transport) -> Result<Option<P>> {
    match P::from_env() {
        Ok(provider) => Ok(Some(provider)),
        Err(e)
            if transport == Transport::Stdio
                && std::env::var_os("LOCAL_ACCESS_TOKEN").is_some() =>
        {
            tracing::warn!("the OAuth provider is not configured ({e}); using LOCAL_ACCESS_TOKEN");
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// `login` of an `oauth` server.
#[derive(clap::Args, Debug)]
pub(crate) struct LoginOptions {
    /// The loopback port the provider sends the browser back to,
    /// `http://127.0.0.1:PORT/callback`: the OAuth app must list it. Default:
    /// any free port (for providers that accept any loopback port).
    #[arg(long, value_name = "PORT", env = "GUMSTACK_LOGIN_PORT")]
    port: Option<u16>,
}
