//! Step-up authorization in front of `/mcp`: a `tools/call` whose tool needs
//! scopes (`#[tool(scopes(...))]`) that the caller's token lacks answers 403
//! `insufficient_scope`, naming them, before anything runs. The client then
//! authorizes again for them (the Python SDK and rmcp's client do it on their
//! own), and the same account's grant is kept.
//!
//! A client that cannot act on the 403 calls again with the same token. That
//! second call gets, instead, a tool error with a link (offered by URL-mode
//! elicitation too, where the client supports it): it opens, in the browser
//! that connected the grant, a page that asks the provider for the missing
//! scopes and gives them to the grant's tokens, the client's included.

use std::{
    borrow::Cow,
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{http::request::Parts, response::Response};
use rmcp::model::CallToolResult;
use serde::Deserialize;

use crate::{
    Server,
    auth_server::{self, Identity, ScopePolicy},
    context::Context,
    scopes::Scope,
    store::Store,
};

/// How long a refusal is remembered: a call with the same token to the same
/// tool within it gets the link.
const REMEMBERED: Duration = Duration::from_secs(10 * 60);
/// Refusals remembered at most (then the oldest half of the window is dropped).
const MAX_REMEMBERED: usize = 10_000;
/// How long a call waits for the client to answer the link's elicitation.
const ELICITATION_WAIT: Duration = Duration::from_secs(5);

/// What a server whose tools need scopes checks.
pub(crate) struct StepUp {
    policy: ScopePolicy,
    metadata_url: String,
    issuer: String,
    needs: fn(&str) -> &'static [Scope],
    /// Where links are kept (the grants' store).
    store: Option<Arc<dyn Store>>,
    /// (token hash, tool) -> its last refusal.
    refused: Mutex<HashMap<(String, String), Refusal>>,
}

/// The last refusal of one token for one tool.
struct Refusal {
    at: Instant,
    /// The link it was answered with: given again while it works, so a
    /// client calling in a loop opens one pending authorization, not one
    /// per call.
    link: Option<StepUpLink>,
}

/// What the gate decided about a request.
pub(super) enum Verdict {
    /// Nothing to check, or the token holds what the tool needs.
    Go,
    /// 403 `insufficient_scope`.
    Refuse(Response),
    /// The client did not act on the 403: the call is answered with this link.
    Link(StepUpLink),
}

/// A step-up link for one call, put in the request for the tool call to
/// answer with ([`offer`]).
#[derive(Debug, Clone)]
pub(crate) struct StepUpLink {
    url: String,
    missing: String,
}

/// The scope policy of server `S`: `mcp` alone unless it names scopes; then
/// its minimum and what its provider is always asked for are granted to every
/// authorization, and what its tools need may be asked for.
pub(super) fn policy<S: Server>() -> ScopePolicy {
    let table = S::__scope_table();
    if table.is_empty() {
        return ScopePolicy::default();
    }
    let configured = <S::Auth as crate::mode::HostMode>::provider()
        .map(|p| p.scopes)
        .unwrap_or_default();
    let always: Vec<&str> = S::__server_scopes()
        .iter()
        .map(|scope| -> &str { scope.name() })
        .chain(configured.iter().map(String::as_str))
        .collect();
    let needed: Vec<&str> = S::tools()
        .iter()
        .flat_map(|tool| S::__tool_scopes(&tool.name))
        .map(Scope::name)
        .collect();
    ScopePolicy::new(always, needed, table)
}

impl StepUp {
    /// `None` when no tool of `S` needs a scope: nothing to check.
    pub(crate) fn new<S: Server>(issuer: &str, store: Option<Arc<dyn Store>>) -> Option<Self> {
        let any = S::tools()
            .iter()
            .any(|tool| !S::__tool_scopes(&tool.name).is_empty());
        any.then(|| Self {
            policy: policy::<S>(),
            metadata_url: format!("{issuer}/.well-known/oauth-protected-resource/mcp"),
            issuer: issuer.to_owned(),
            needs: S::__tool_scopes,
            store,
            refused: Mutex::default(),
        })
    }

    /// Whether a `tools/call` in `body` may go on: its tool needs no scope
    /// the caller's token lacks.
    pub(super) async fn check(&self, parts: &Parts, body: &[u8]) -> Verdict {
        let Some(identity) = parts.extensions.get::<Identity>() else {
            return Verdict::Go;
        };
        let Some((name, missing)) = self.lacking(body, identity.scope()) else {
            return Verdict::Go;
        };
        let missing = missing.join(" ");
        let key = (identity.token_hash().to_owned(), name.clone().into_owned());
        if let Some(earlier) = self.refused_before(&key) {
            let link = match earlier {
                Some(link) if self.still_open(&link).await => Some(link),
                _ => self.link(identity, &missing).await,
            };
            if let Some(link) = link {
                self.remember(&key, &link);
                tracing::info!(tool = %name, %missing, "the client did not step up: answered with a link");
                return Verdict::Link(link);
            }
        }
        tracing::info!(tool = %name, %missing, "refused a tool call: the token lacks scopes (step-up asked)");
        let missing: Vec<&str> = missing.split(' ').collect();
        Verdict::Refuse(auth_server::insufficient_scope(
            &self.metadata_url,
            identity.scope(),
            &missing,
        ))
    }

    /// The tool a `tools/call` in `body` calls and the scopes it needs that
    /// `granted` lacks; `None` when it may go on (what every call pays).
    pub(crate) fn lacking<'b>(
        &self,
        body: &'b [u8],
        granted: &str,
    ) -> Option<(Cow<'b, str>, Vec<&'static str>)> {
        let name = called_tool(body)?;
        let missing = self.policy.missing(granted, (self.needs)(&name));
        (!missing.is_empty()).then_some((name, missing))
    }

    /// `Some` (with the link it was answered with, if any) when this token
    /// was refused this tool within [`REMEMBERED`]; the refusal is
    /// remembered from now either way.
    fn refused_before(&self, key: &(String, String)) -> Option<Option<StepUpLink>> {
        let now = Instant::now();
        let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if refused.len() >= MAX_REMEMBERED {
            refused.retain(|_, r| now.duration_since(r.at) < REMEMBERED / 2);
            if refused.len() >= MAX_REMEMBERED {
                refused.clear();
            }
        }
        let before = refused.insert(
            key.clone(),
            Refusal {
                at: now,
                link: None,
            },
        )?;
        (now.duration_since(before.at) < REMEMBERED).then_some(before.link)
    }

    fn remember(&self, key: &(String, String), link: &StepUpLink) {
        let mut refused = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(refusal) = refused.get_mut(key) {
            refusal.link = Some(link.clone());
        }
    }

    /// Whether `link` can still be opened (not used, not expired).
    async fn still_open(&self, link: &StepUpLink) -> bool {
        let (Some(store), Some(id)) = (&self.store, link.url.rsplit_once("id=").map(|(_, id)| id))
        else {
            return false;
        };
        matches!(
            store.get_pending(id).await,
            Ok(Some(pending)) if pending.expires_at >= crate::store::now() && pending.browser_hash.is_empty()
        )
    }

    async fn link(&self, identity: &Identity, missing: &str) -> Option<StepUpLink> {
        let store = self.store.as_ref()?;
        let scope = format!("{} {missing}", identity.scope());
        match auth_server::reconnect_link(
            store.as_ref(),
            &self.issuer,
            identity.grant_id(),
            Some(&scope),
        )
        .await
        {
            Ok(url) => Some(StepUpLink {
                url,
                missing: missing.to_owned(),
            }),
            Err(e) => {
                tracing::error!("making a step-up link failed: {e:#}");
                None
            }
        }
    }
}

/// The answer to a call the client did not step up for: a tool error with
/// the link, which the client is also offered by URL-mode elicitation where
/// it supports it (a user who answers later loses nothing).
pub(crate) async fn offer(link: &StepUpLink, tool: &str, ctx: &Context) -> CallToolResult {
    let message = format!(
        "`{tool}` needs more than this connection may do ({}).",
        link.missing
    );
    if ctx.can_elicit_url() {
        let asked = tokio::time::timeout(
            ELICITATION_WAIT,
            ctx.elicit_url(
                format!("{message} Open this page to allow it."),
                link.url.clone(),
            ),
        )
        .await;
        match asked {
            Ok(Ok(answer)) => {
                tracing::info!("step-up link offered to the client ({})", answer.action())
            }
            Ok(Err(e)) => tracing::debug!("no URL elicitation: {e}"),
            Err(_) => tracing::debug!("the client did not answer the URL elicitation in time"),
        }
    }
    crate::tools::output::tool_error(format!(
        "{message} Allow it here, then call the tool again: {}",
        link.url
    ))
}

/// The tool a JSON-RPC `tools/call` request names; `None` for anything else
/// (rmcp answers what is malformed).
fn called_tool(body: &[u8]) -> Option<Cow<'_, str>> {
    #[derive(Deserialize)]
    struct Request<'a> {
        #[serde(borrow)]
        method: Option<Cow<'a, str>>,
        #[serde(borrow)]
        params: Option<Params<'a>>,
    }
    #[derive(Deserialize)]
    struct Params<'a> {
        #[serde(borrow)]
        name: Option<Cow<'a, str>>,
    }
    let request: Request = serde_json::from_slice(body).ok()?;
    if request.method.as_deref() != Some("tools/call") {
        return None;
    }
    request.params?.name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tool_a_request_calls() {
        let cases: &[(&str, Option<&str>)] = &[
            (
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"create_issue","arguments":{"a":[1,{"b":2}]}}}"#,
                Some("create_issue"),
            ),
            (
                r#"{"params":{"name":"x\u0079"},"method":"tools/call","id":"a","jsonrpc":"2.0"}"#,
                Some("xy"),
            ),
            (
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"create_issue"}}"#,
                None,
            ),
            (r#"{"jsonrpc":"2.0","id":1,"method":"tools/call"}"#, None),
            (
                r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}"#,
                None,
            ),
            (r#"[{"method":"tools/call","params":{"name":"x"}}]"#, None),
            (r#"{"method":"tools/call","params":{"name":1}}"#, None),
            ("not json", None),
        ];
        for (body, expected) in cases {
            assert_eq!(called_tool(body.as_bytes()).as_deref(), *expected, "{body}");
        }
    }
}
