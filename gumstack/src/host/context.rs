//! What `creds()` needs at run time: the host's grants, and who is calling.

use std::{
    collections::BTreeMap,
    sync::{Arc, OnceLock},
};

use crate::{
    Credentials, Error, ErrorKind, Result,
    grants::{Grants, LOCAL_GRANT},
};

/// The host running in this process (one per process: `run()` sets it once).
pub(crate) struct HostContext {
    /// `None` in `none` mode, which keeps no state.
    pub grants: Option<Arc<Grants>>,
    /// The command that connects the local user (`<server> login`).
    pub login_hint: String,
    pub transport: Transport,
    /// The public URL over HTTP (set once the listener is bound).
    pub issuer: OnceLock<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Stdio,
    Http,
}

static HOST: OnceLock<HostContext> = OnceLock::new();

pub(crate) fn install(context: HostContext) {
    let _ = HOST.set(context);
}

/// Record the public URL once the HTTP listener is bound.
pub(crate) fn set_issuer(issuer: &str) {
    if let Some(host) = HOST.get() {
        let _ = host.issuer.set(issuer.to_owned());
    }
}

tokio::task_local! {
    /// The grant of the request a tool runs for (set around each tool call).
    pub(crate) static CURRENT_GRANT: Option<String>;
}

/// `creds().await` of a `cred` server.
pub(crate) async fn cred_creds<C: Credentials>() -> Result<Arc<C>> {
    let Some(host) = HOST.get() else {
        // A tool called outside the host (a unit test): development values only.
        return local_env_creds::<C>();
    };
    let Some(grants) = &host.grants else {
        return local_env_creds::<C>();
    };
    let grant = CURRENT_GRANT.try_with(Clone::clone).ok().flatten();
    let grant = match (host.transport, grant) {
        (_, Some(grant)) => grant,
        (Transport::Stdio, None) => LOCAL_GRANT.to_owned(),
        (Transport::Http, None) => {
            return Err(Error::not_connected(
                "not connected: this request carries no authorization",
            ));
        }
    };
    if let Some(creds) = grants.load::<C>(&grant).await? {
        return Ok(creds);
    }
    match host.transport {
        // Development values may stand in for a local login.
        Transport::Stdio if has_local_env::<C>() => local_env_creds::<C>(),
        Transport::Stdio => Err(Error::not_connected(format!(
            "not connected: no credentials are stored for the local user; run `{}` first (or set {} for development)",
            host.login_hint,
            local_names::<C>()
        ))),
        Transport::Http => Err(Error::not_connected(
            "not connected: this authorization was revoked; reconnect your MCP client to enter your credentials again",
        )),
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

/// `creds().await` of an `oauth` server: the caller's tokens, refreshed first if
/// they are about to expire.
pub(crate) async fn oauth_creds() -> Result<Arc<crate::OAuthCredentials>> {
    let grants = HOST.get().and_then(|h| h.grants.as_ref().map(|g| (h, g)));
    let Some((host, grants)) = grants else {
        return local_access_token();
    };
    let grant = match (
        host.transport,
        CURRENT_GRANT.try_with(Clone::clone).ok().flatten(),
    ) {
        (_, Some(grant)) => grant,
        (Transport::Stdio, None) => LOCAL_GRANT.to_owned(),
        (Transport::Http, None) => {
            return Err(Error::not_connected(
                "not connected: this request carries no authorization",
            ));
        }
    };
    match grants.load_oauth(&grant).await {
        Ok(Some(creds)) => Ok(creds),
        Ok(None)
            if host.transport == Transport::Stdio
                && std::env::var_os("LOCAL_ACCESS_TOKEN").is_some() =>
        {
            local_access_token()
        }
        Ok(None) => Err(reconnect(host)),
        Err(e) if e.kind() == ErrorKind::Revoked => {
            Err(reconnect_revoked(host, grants, &grant, e).await)
        }
        Err(e) => Err(e),
    }
}

/// How long a tool call waits for the client to answer the reconnect elicitation.
const ELICITATION_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The provider refused the grant: over HTTP, make a reconnect link and offer it
/// to the user through the client (URL-mode elicitation where supported); the
/// tool's error carries the link either way.
async fn reconnect_revoked(
    host: &HostContext,
    grants: &crate::grants::Grants,
    grant: &str,
    error: Error,
) -> Error {
    let Some(issuer) = host
        .issuer
        .get()
        .filter(|_| host.transport == Transport::Http)
    else {
        return Error::not_connected(format!("{error}. {}", reconnect_hint(host)));
    };
    let url = match crate::authz::reconnect::link(grants.store().as_ref(), issuer, grant).await {
        Ok(url) => url,
        Err(e) => {
            tracing::error!("making a reconnect link failed: {e:#}");
            return Error::not_connected(format!("{error}. {}", reconnect_hint(host)));
        }
    };
    let message = format!("{error}. Reconnect it here, then try again: {url}");
    let ctx = crate::context::Context::current();
    // Wait briefly for the client to take the link; the tool error carries it too,
    // so a user who answers later loses nothing.
    let asked = tokio::time::timeout(
        ELICITATION_WAIT,
        ctx.elicit_url(
            format!("{error}. Open this page to reconnect your account."),
            url.clone(),
        ),
    )
    .await;
    match asked {
        Ok(Ok(answer)) => {
            tracing::info!("reconnect link offered to the client ({})", answer.action())
        }
        Ok(Err(e)) => tracing::debug!("no URL elicitation: {e}"),
        Err(_) => tracing::debug!("the client did not answer the URL elicitation in time"),
    }
    Error::not_connected(message)
}

fn reconnect_hint(host: &HostContext) -> String {
    match host.transport {
        Transport::Stdio => format!("Run `{}` to connect your account again.", host.login_hint),
        Transport::Http => "The account must be connected again: your MCP client will ask you to authorize on its next request.".to_owned(),
    }
}

fn reconnect(host: &HostContext) -> Error {
    Error::not_connected(format!(
        "not connected: no account is connected. {}",
        reconnect_hint(host)
    ))
}

/// Development token: `LOCAL_ACCESS_TOKEN` (and `LOCAL_NICKNAME`).
fn local_access_token() -> Result<Arc<crate::OAuthCredentials>> {
    let token = std::env::var("LOCAL_ACCESS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    match token {
        Some(token) => {
            let mut creds = crate::OAuthCredentials::bearer(token);
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
