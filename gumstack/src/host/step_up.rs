//! Step-up authorization in front of `/mcp`: a `tools/call` whose tool needs
//! scopes (`#[tool(scopes(...))]`) that the caller's token lacks answers 403
//! `insufficient_scope`, naming them, before anything runs. The client then
//! authorizes again for them (the Python SDK and rmcp's client do it on their
//! own), and the same account's grant is kept.

use std::borrow::Cow;

use axum::{http::request::Parts, response::Response};
use serde::Deserialize;

use crate::{
    Server,
    auth_server::{self, Identity, ScopePolicy},
    scopes::Scope,
};

/// What a server whose tools need scopes checks.
pub(super) struct StepUp {
    policy: ScopePolicy,
    metadata_url: String,
    needs: fn(&str) -> &'static [Scope],
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
    pub(super) fn new<S: Server>(issuer: &str) -> Option<Self> {
        let any = S::tools()
            .iter()
            .any(|tool| !S::__tool_scopes(&tool.name).is_empty());
        any.then(|| Self {
            policy: policy::<S>(),
            metadata_url: format!("{issuer}/.well-known/oauth-protected-resource/mcp"),
            needs: S::__tool_scopes,
        })
    }

    /// The 403 for a `tools/call` in `body` whose tool needs scopes the
    /// caller's token lacks; `None` to go on.
    pub(super) fn refusal(&self, parts: &Parts, body: &[u8]) -> Option<Response> {
        let identity = parts.extensions.get::<Identity>()?;
        let name = called_tool(body)?;
        let needed = (self.needs)(&name);
        if needed.is_empty() {
            return None;
        }
        let missing = self.policy.missing(identity.scope(), needed);
        if missing.is_empty() {
            return None;
        }
        tracing::info!(
            tool = %name,
            missing = %missing.join(" "),
            "refused a tool call: the token lacks scopes (step-up asked)"
        );
        Some(auth_server::insufficient_scope(
            &self.metadata_url,
            identity.scope(),
            &missing,
        ))
    }
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
