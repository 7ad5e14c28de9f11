//! One way to ask the client for input, whatever the protocol revision:
//! elicitation, sampling and roots all build an `InputRequest` and get back
//! the client's answer as JSON, from the session (2025-11-25) or from the
//! request's rounds (2026-07-28, [`exchange`](super::exchange)).

use std::sync::Arc;

use rmcp::model::{ClientCapabilities, InputRequest, ServerRequest};
use serde_json::Value;

use super::{
    Context, Input,
    exchange::{Kind, digest},
};
use crate::{Error, Result};

impl Context {
    /// This context, with `key` naming its next ask: the key of the input
    /// request under 2026-07-28 (`inputRequests.<key>`), for clients and
    /// tests that expect a given name. Without it, asks are keyed by kind and
    /// order (`elicitation-1`, `sampling-1`, `roots-1`).
    ///
    /// ```no_run
    /// # async fn f(ctx: gumstack::Context) -> gumstack::Result<()> {
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Name {
    ///     name: String,
    /// }
    /// let answer = ctx.key("user_name").elicit::<Name>("Your name?").await?;
    /// # Ok(()) }
    /// ```
    pub fn key(&self, key: impl Into<String>) -> Self {
        Self {
            inner: self.inner.clone(),
            key: Some(Arc::from(key.into())),
        }
    }

    /// Go on as a task (SEP-2663), for a tool declared
    /// `#[tool(task = "deferred")]`: under 2026-07-28, when the client
    /// supports tasks, the call answers with a task here and the tool runs
    /// again from the start as that task, with the answers it was given
    /// (asks before this point get them back; later ones wait for
    /// `tasks/update`). Otherwise it does nothing and the call goes on.
    ///
    /// Returns an error exactly when the tool is to stop: `ctx.become_task()?;`
    ///
    /// ```no_run
    /// # async fn f(ctx: gumstack::Context) -> gumstack::Result<String> {
    /// #[derive(serde::Deserialize, schemars::JsonSchema)]
    /// struct Name {
    ///     name: String,
    /// }
    /// let name = ctx.key("user_name").elicit::<Name>("Your name?").await?;
    /// ctx.become_task()?;
    /// // ... the long part, once, in the task.
    /// # Ok(String::new()) }
    /// ```
    pub fn become_task(&self) -> Result<()> {
        match &self.inner.input {
            Input::Rounds(exchange) if exchange.become_task() => {
                Err(Error::msg("continuing as a task"))
            }
            _ => Ok(()),
        }
    }

    /// Whether the client declared what `kind` needs (`url` for URL-mode
    /// elicitation). Clients that predate elicitation modes declare
    /// `elicitation: {}`, meaning forms.
    pub(super) fn supports(&self, kind: Kind, url: bool) -> bool {
        let declared = |caps: &ClientCapabilities| match kind {
            Kind::Elicitation => caps.elicitation.as_ref().is_some_and(|e| match url {
                true => e.url.is_some(),
                false => e.form.is_some() || e.url.is_none(),
            }),
            Kind::Sampling => caps.sampling.is_some(),
            Kind::Roots => caps.roots.is_some(),
        };
        match (&self.inner.caps, &self.inner.peer) {
            (Some(caps), _) => declared(caps),
            (None, Some(peer)) => peer.peer_info().is_some_and(|i| declared(&i.capabilities)),
            (None, None) => false,
        }
    }

    /// The error of an ask the client cannot answer; under 2026-07-28 the
    /// call then fails with `MissingRequiredClientCapability` naming it.
    pub(super) fn unsupported(&self, kind: Kind, capability: &str) -> Error {
        if self.inner.peer.is_none() && matches!(self.inner.input, Input::Unavailable) {
            return detached(kind);
        }
        if let Input::Rounds(exchange) = &self.inner.input {
            let builder = ClientCapabilities::builder();
            exchange.missing(match kind {
                Kind::Elicitation => builder.enable_elicitation().build(),
                Kind::Sampling => builder.enable_sampling().build(),
                Kind::Roots => builder.enable_roots().build(),
            });
        }
        Error::msg(format!(
            "the MCP client does not support {} (it declared no `{capability}` capability)",
            kind.name()
        ))
    }

    /// Ask the client; `build` gets an id that is the same on every run of
    /// this request (for a URL elicitation's id).
    pub(super) async fn ask(
        &self,
        kind: Kind,
        build: impl FnOnce(String) -> InputRequest,
    ) -> Result<Value> {
        match &self.inner.input {
            Input::Session => {
                let peer = self.peer(kind.name())?;
                let request = match build(random_id()) {
                    InputRequest::Elicitation(r) => ServerRequest::ElicitRequest(r),
                    InputRequest::CreateMessage(r) => ServerRequest::CreateMessageRequest(r),
                    InputRequest::ListRoots(r) => ServerRequest::ListRootsRequest(r),
                    _ => return Err(Error::msg("this kind of input request is not supported")),
                };
                let answer = peer
                    .send_request(request)
                    .await
                    .map_err(|e| Error::msg(format!("{} failed: {e}", kind.name())))?;
                serde_json::to_value(answer).map_err(|e| Error::msg(e.to_string()))
            }
            Input::Rounds(exchange) => {
                let key = exchange.key(kind, self.key.as_deref())?;
                let request = build(exchange.stable_id(&key));
                exchange.ask(key, kind, request).ok_or_else(|| {
                    // The call ends with the question; nobody reads this.
                    Error::msg("waiting for the client's answer (input required)")
                })
            }
            Input::Task(exchange, task) => {
                let key = exchange.key(kind, self.key.as_deref())?;
                let request = build(exchange.stable_id(&key));
                if let Some(answer) = exchange.answered(&key, kind, &digest(&request)) {
                    return Ok(answer);
                }
                task.request_input(key, request).await.map_err(|_| {
                    Error::msg(format!("{} ended: the task was cancelled", kind.name()))
                })
            }
            Input::Unavailable => Err(match &self.inner.peer {
                None => detached(kind),
                Some(_) => Error::msg(format!(
                    "{} is not possible in this request (under MCP 2026-07-28 only tools, prompts and resource reads can ask for input)",
                    kind.name()
                )),
            }),
        }
    }

    /// Parse the client's answer as `T`.
    pub(super) fn answer<T: serde::de::DeserializeOwned>(kind: Kind, answer: Value) -> Result<T> {
        serde_json::from_value(answer).map_err(|e| {
            Error::msg(format!(
                "{} failed: the client answered with something else ({e})",
                kind.name()
            ))
        })
    }
}

fn detached(kind: Kind) -> Error {
    Error::msg(format!(
        "{} needs an MCP client, and this handler runs outside one (a detached context)",
        kind.name()
    ))
}

/// A fresh id for a URL elicitation in a session (the client echoes it back).
fn random_id() -> String {
    crate::crypto::random()
}
