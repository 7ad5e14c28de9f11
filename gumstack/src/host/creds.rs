//! `creds()` at run time: the grants the host opened, and which grant the
//! running call acts for. One slot holds the mode's grants (`CredGrants` or
//! `OAuthGrants`, put there by the mode at start-up); each mode's `creds()`
//! takes its own type from it.

use std::{
    any::Any,
    collections::BTreeMap,
    sync::{Arc, OnceLock},
};

use crate::{
    Credentials, Error, ErrorKind, OAuthCredentials, Result,
    auth_server::Identity,
    grants::{CredGrants, LOCAL_GRANT, OAuthGrants},
    mode::Transport,
};

/// The host running in this process (one per process: `run()` sets it once).
struct Runtime {
    /// The mode's grants; `None` in `none` mode, and for an `oauth` server run
    /// over stdio on a development token.
    grants: Option<Arc<dyn Any + Send + Sync>>,
    transport: Transport,
    /// The command that connects the local user (`<server> login`).
    login_hint: String,
    /// The public URL over HTTP (set once the listener is bound).
    issuer: OnceLock<String>,
}

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub(crate) fn install(
    grants: Option<Arc<dyn Any + Send + Sync>>,
    transport: Transport,
    login_hint: String,
) {
    let _ = RUNTIME.set(Runtime {
        grants,
        transport,
        login_hint,
        issuer: OnceLock::new(),
    });
}

/// Record the public URL once the HTTP listener is bound.
pub(crate) fn set_issuer(issuer: &str) {
    if let Some(runtime) = RUNTIME.get() {
        let _ = runtime.issuer.set(issuer.to_owned());
    }
}

tokio::task_local! {
    /// The grant of the request a tool runs for (set around each call over
    /// HTTP, from the bearer token).
    pub(crate) static CURRENT_GRANT: Option<Identity>;
}

/// The grant a call acts for: a request's (its checked token), or the local
/// user's (stdio).
struct Calling(Option<Identity>);

impl Calling {
    fn id(&self) -> &str {
        self.0.as_ref().map_or(LOCAL_GRANT, Identity::grant_id)
    }
}

impl Runtime {
    fn grants<G: Send + Sync + 'static>(&self) -> Option<&G> {
        self.grants.as_deref().and_then(|g| g.downcast_ref::<G>())
    }

    /// The grant the running call acts for: the request's over HTTP, the local
    /// user's over stdio.
    /// Borrowed from the checked token: nothing is copied per call.
    fn calling_grant(&self) -> Result<Calling> {
        match (
            self.transport,
            CURRENT_GRANT.try_with(Clone::clone).ok().flatten(),
        ) {
            (_, Some(identity)) => Ok(Calling(Some(identity))),
            (Transport::Stdio, None) => Ok(Calling(None)),
            (Transport::Http, None) => Err(Error::not_connected(
                "not connected: this request carries no authorization",
            )),
        }
    }

    fn reconnect_hint(&self) -> String {
        match self.transport {
            Transport::Stdio => format!("Run `{}` to connect your account again.", self.login_hint),
            Transport::Http => "The account must be connected again: your MCP client will ask you to authorize on its next request.".to_owned(),
        }
    }
}

/// `creds().await` of a `cred` server.
pub(crate) async fn cred<C: Credentials>() -> Result<Arc<C>> {
    // A tool called outside the host (a unit test): development values only.
    let Some((runtime, grants)) = RUNTIME
        .get()
        .and_then(|r| r.grants::<CredGrants>().map(|g| (r, g)))
    else {
        return local_env_creds::<C>();
    };
    if let Some(creds) = grants.load::<C>(runtime.calling_grant()?.id()).await? {
        return Ok(creds);
    }
    match runtime.transport {
        // Development values may stand in for a local login.
        Transport::Stdio if has_local_env::<C>() => local_env_creds::<C>(),
        Transport::Stdio => Err(Error::not_connected(format!(
            "not connected: no credentials are stored for the local user; run `{}` first (or set {} for development)",
            runtime.login_hint,
            local_names::<C>()
        ))),
        Transport::Http => Err(Error::not_connected(
            "not connected: this authorization was revoked; reconnect your MCP client to enter your credentials again",
        )),
    }
}

/// `creds().await` of an `oauth` server: the caller's tokens, refreshed first
/// if they are due. A grant the provider refused is offered for reconnection.
pub(crate) async fn oauth() -> Result<Arc<OAuthCredentials>> {
    let Some((runtime, grants)) = RUNTIME
        .get()
        .and_then(|r| r.grants::<OAuthGrants>().map(|g| (r, g)))
    else {
        return local_access_token();
    };
    let calling = runtime.calling_grant()?;
    let grant = calling.id();
    match grants.load(grant).await {
        Ok(Some(creds)) => Ok(creds),
        Ok(None)
            if runtime.transport == Transport::Stdio
                && std::env::var_os("LOCAL_ACCESS_TOKEN").is_some() =>
        {
            local_access_token()
        }
        Ok(None) => Err(Error::not_connected(format!(
            "not connected: no account is connected. {}",
            runtime.reconnect_hint()
        ))),
        Err(e) if e.kind() == ErrorKind::Revoked => {
            let issuer = runtime
                .issuer
                .get()
                .filter(|_| runtime.transport == Transport::Http);
            Err(match issuer {
                Some(issuer) => super::reconnect::offer(grants, issuer, grant, e).await,
                None => Error::not_connected(format!("{e}. {}", runtime.reconnect_hint())),
            })
        }
        Err(e) => Err(e),
    }
}

fn local_name(field: &str) -> String {
    format!("LOCAL_{}", field.to_ascii_uppercase())
}

fn local_names<C: Credentials>() -> String {
    C::FIELDS
        .iter()
        .filter(|f| f.required)
        .map(|f| local_name(f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

fn has_local_env<C: Credentials>() -> bool {
    C::FIELDS
        .iter()
        .any(|f| std::env::var(local_name(f.name)).is_ok_and(|v| !v.trim().is_empty()))
}

/// Development values: `LOCAL_<FIELD>` env vars.
fn local_env_creds<C: Credentials>() -> Result<Arc<C>> {
    let values: BTreeMap<String, String> = C::FIELDS
        .iter()
        .filter_map(|f| {
            std::env::var(local_name(f.name))
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (f.name.to_owned(), v))
        })
        .collect();
    if values.is_empty() {
        return Err(Error::not_connected(format!(
            "not connected: no credentials for this user; for development set {}",
            local_names::<C>()
        )));
    }
    C::from_map(&values).map(Arc::new).map_err(|e| {
        let detail: Vec<String> = e
            .fields
            .iter()
            .map(|f| match &f.invalid {
                None => format!("missing {} ({})", local_name(f.field.name), f.field.label),
                Some(why) => format!("invalid {}: {why}", local_name(f.field.name)),
            })
            .collect();
        Error::new(
            ErrorKind::Credentials,
            format!(
                "development credentials are incomplete: {}",
                detail.join("; ")
            ),
        )
    })
}

/// Development token: `LOCAL_ACCESS_TOKEN` (and `LOCAL_NICKNAME`).
fn local_access_token() -> Result<Arc<OAuthCredentials>> {
    let token = std::env::var("LOCAL_ACCESS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    match token {
        Some(token) => {
            let mut creds = OAuthCredentials::bearer(token);
            creds.nickname = std::env::var("LOCAL_NICKNAME")
                .ok()
                .filter(|n| !n.trim().is_empty());
            Ok(Arc::new(creds))
        }
        None => Err(Error::not_connected(
            "not connected: no account is connected; run `<server> login`, or set LOCAL_ACCESS_TOKEN for development",
        )),
    }
}
