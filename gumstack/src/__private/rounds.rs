//! The requests that can end with `InputRequiredResult` (2026-07-28
//! `tools/call`, `prompts/get`, `resources/read`): their context, and how
//! their result becomes a response.

use std::sync::Arc;

use rmcp::{
    ErrorData, RoleServer,
    model::{InputRequiredResult, InputResponses},
    service::RequestContext,
};
use serde::Serialize;

use crate::{
    audit,
    context::{
        self, Context, ServerState,
        exchange::{Exchange, Outcome},
        request_state::Binding,
    },
};

/// A request's rounds: none under a session, where asks go to the client.
pub struct Rounds {
    exchange: Option<Arc<Exchange>>,
    /// What the client sent back, opened by [`Rounds::receive`].
    received: Option<(Option<String>, Option<InputResponses>)>,
    /// Who the request's state and tasks belong to (stateless requests).
    principal: String,
    /// The audit of a prompt or resource read (a tool call's is the handler's).
    audit: Option<audit::Call>,
}

impl Rounds {
    /// The context of a request to `method` for `target` (a tool, prompt or
    /// resource) with these arguments, and its rounds. Synchronous: a call
    /// drops its `RequestContext` before its future runs.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        server: &'static str,
        method: &'static str,
        target: &str,
        arguments: &impl Serialize,
        request_state: Option<String>,
        input_responses: Option<InputResponses>,
        context: &RequestContext<RoleServer>,
        state: &'static ServerState,
    ) -> (Context, Self) {
        let kind = match method {
            "prompts/get" => Some(audit::Kind::Prompt),
            "resources/read" => Some(audit::Kind::Resource),
            _ => None,
        };
        let audit = kind.map(|kind| audit::Call::other(kind, target, arguments, caller(context)));
        if !context::stateless(context) {
            let rounds = Self {
                exchange: None,
                received: None,
                principal: String::new(),
                audit,
            };
            return (Context::in_session(context, state), rounds);
        }
        let arguments = serde_json::to_value(arguments).unwrap_or_default();
        let principal = principal(context);
        let binding = Binding::new(server, &principal, method, target, arguments);
        let exchange = Arc::new(Exchange::new(binding));
        let ctx = Context::with_exchange(context, state, exchange.clone());
        let rounds = Self {
            exchange: Some(exchange),
            received: Some((request_state, input_responses)),
            principal,
            audit,
        };
        (ctx, rounds)
    }

    /// Open the state the client sent back (refused when it is not this
    /// server's, for this caller and request, fresh and unused).
    pub async fn receive(&mut self) -> Result<(), ErrorData> {
        if let (Some(exchange), Some((state, responses))) = (&self.exchange, self.received.take()) {
            exchange.receive(state.as_deref(), responses).await?;
        }
        Ok(())
    }

    /// The response of a prompt or resource read: the questions if the
    /// handler asked something still unanswered (they win over the error the
    /// unanswered ask made it return), `MissingRequiredClientCapability` if it
    /// failed for want of one, else its result.
    pub fn conclude_result<R, Response>(
        mut self,
        result: Result<R, ErrorData>,
    ) -> Result<Response, ErrorData>
    where
        Response: From<R> + From<InputRequiredResult>,
    {
        let failed = result.is_err();
        let audit = self.audit.take();
        match self.finish(result, failed)? {
            Outcome::Done(result) => {
                if let Some(audit) = audit {
                    audit.end(if failed {
                        audit::Outcome::Error
                    } else {
                        audit::Outcome::Ok
                    });
                }
                result.map(Into::into)
            }
            Outcome::Input(input) => Ok(input.into()),
            // Only a tool call can become a task (`allow_task`).
            Outcome::Task => Err(ErrorData::internal_error(
                "only a tool call can continue as a task",
                None,
            )),
        }
    }
}

impl Rounds {
    /// Who the request is for: `grant:<id>`, or `none` (stateless requests).
    pub(crate) fn principal(&self) -> &str {
        &self.principal
    }

    /// The request's exchange (every 2026-07-28 request has one).
    pub(crate) fn exchange(&self) -> Option<&Arc<Exchange>> {
        self.exchange.as_ref()
    }

    /// How the handler's run ends (see [`Exchange::conclude`]); no exchange:
    /// with its result.
    pub(crate) fn finish<R>(&self, result: R, failed: bool) -> Result<Outcome<R>, ErrorData> {
        match &self.exchange {
            None => Ok(Outcome::Done(result)),
            Some(exchange) => exchange.conclude(result, failed),
        }
    }
}

/// The caller's token over authenticated HTTP (none: stdio's local user, a
/// `none` server).
fn caller(context: &RequestContext<RoleServer>) -> audit::Caller {
    context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth_server::Identity>())
        .map(|id| id.record().clone())
}

/// Who the state is bound to: the caller's grant over authenticated HTTP,
/// else `none` (a `none` server, or stdio's one local user).
pub(crate) fn principal(context: &RequestContext<RoleServer>) -> String {
    context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth_server::Identity>())
        .map_or_else(
            || "none".to_owned(),
            |id| format!("grant:{}", id.grant_id()),
        )
}
