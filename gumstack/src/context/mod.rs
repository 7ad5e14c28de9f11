//! What a handler can do with the MCP request it serves: log to the client,
//! report progress, ask the client's model (sampling) or its user (elicitation),
//! notice cancellation, and tell subscribers a resource changed.
//!
//! A tool, resource, prompt or completer receives it by declaring a parameter of
//! type [`Context`] (any name, any position); it is not part of the input schema.
//!
//! ```no_run
//! use gumstack::prelude::*;
//!
//! struct Files;
//!
//! #[gumstack::server(auth = none)]
//! impl Files {
//!     /// Index every file, reporting progress.
//!     #[tool]
//!     async fn index(&self, ctx: Context) -> gumstack::Result<String> {
//!         for i in 0..10 {
//!             if ctx.is_cancelled() {
//!                 return Err(gumstack::Error::msg("cancelled"));
//!             }
//!             ctx.progress(f64::from(i), 10.0).await;
//!         }
//!         ctx.info("indexing done").await;
//!         Ok("indexed 10 files".into())
//!     }
//! }
//! ```

// rmcp marks logging and sampling deprecated (SEP-2577 replaces them in the
// 2026-07-28 protocol); the protocol versions clients speak today (2025-06-18,
// 2025-11-25, which the conformance suite tests) still define them.
#![allow(deprecated)]

mod ask;
mod elicit;
pub(crate) mod exchange;
mod level;
pub(crate) mod request_state;
mod roots;
mod sample;
mod state;
pub(crate) mod tasks;

use std::sync::Arc;

use rmcp::{
    RoleServer,
    model::{
        ClientCapabilities, LoggingMessageNotificationParam, ProgressNotificationParam,
        ProgressToken,
    },
    service::{Peer, RequestContext},
};
use tokio_util::sync::CancellationToken;

pub use elicit::{Elicit, Elicitation};
use exchange::Exchange;
pub use level::LogLevel;
pub use roots::Root;
pub use sample::{Sampled, Sampling};
#[doc(hidden)]
pub use state::ServerState;
pub(crate) use state::session_key;

/// The request a handler serves, as a parameter: `ctx: Context`.
///
/// Cheap to clone; a clone can move into a spawned task. Logging and progress
/// never fail the handler (a notification the client can no longer receive is
/// dropped); sampling and elicitation return an error when the client lacks the
/// capability or the exchange fails.
///
/// The same handler serves both protocol revisions. Under 2025-11-25 (a
/// session) an ask is a request to the client and the handler waits for the
/// answer; under 2026-07-28 (stateless) the call ends with the questions and
/// runs again from the start with the answers: see [`exchange`] for what a
/// handler can rely on.
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
    /// The key of this handle's next ask ([`Context::key`]).
    key: Option<Arc<str>>,
}

struct Inner {
    /// `None` for [`Context::detached`].
    peer: Option<Peer<RoleServer>>,
    ct: CancellationToken,
    progress_token: Option<ProgressToken>,
    /// The MCP session (HTTP `Mcp-Session-Id`, or the one stdio session); `None`
    /// in stateless HTTP, where nothing outlives a request.
    session: Option<String>,
    state: Option<&'static ServerState>,
    /// What the client declared it can do in this request's `_meta`
    /// (2026-07-28). `None` under a session: its `initialize` said, and the
    /// peer is asked only when a handler asks the client for something.
    caps: Option<ClientCapabilities>,
    /// 2026-07-28: the log level the request asked for (`_meta`); nothing is
    /// sent when it asked for none. `None` under a session, which has its own.
    request_log_level: Option<Option<LogLevel>>,
    input: Input,
}

/// How this request's handler gets input from the user.
enum Input {
    /// A request to the client on the session (2025-11-25 and before).
    Session,
    /// The request's rounds (2026-07-28 `tools/call`, `prompts/get`,
    /// `resources/read`).
    Rounds(Arc<Exchange>),
    /// A task's: asked through `tasks/get`, answered with `tasks/update`
    /// (after the answers the call had before it became a task).
    Task(Arc<Exchange>, rmcp::task_manager::TaskContext),
    /// No way to ask: a 2026-07-28 request of another method, or no client.
    Unavailable,
}

/// The type of a handler's context parameter: `gumstack::Context`, and nothing
/// else (a parameter of a type named `Context` is taken for it).
#[diagnostic::on_unimplemented(
    message = "this `{Self}` parameter is not `gumstack::Context`",
    label = "gumstack passes the request's context to a parameter whose type is named `Context`",
    note = "take `ctx: gumstack::Context`, or rename your own type so gumstack does not mistake it for the context"
)]
pub trait IsContext {
    #[doc(hidden)]
    const __CHECK: () = ();
}

impl IsContext for Context {}

tokio::task_local! {
    /// The context of the tool call running on this task. `Server::call_tool`
    /// takes no request context, so `__private::call_tool` puts it here around
    /// the call (as it does the caller's grant) and the generated arm takes it.
    static CURRENT: Context;
}

impl Context {
    /// The context of one MCP request (used by the generated handler).
    #[doc(hidden)]
    pub fn from_request(request: &RequestContext<RoleServer>, state: &'static ServerState) -> Self {
        match stateless(request) {
            true => Self::new(request, state, Input::Unavailable, true),
            false => Self::in_session(request, state),
        }
    }

    /// The context of a request of a 2025-11-25 session (or older).
    pub(crate) fn in_session(
        request: &RequestContext<RoleServer>,
        state: &'static ServerState,
    ) -> Self {
        Self::new(request, state, Input::Session, false)
    }

    /// The context of a request that can end with `InputRequiredResult`.
    pub(crate) fn with_exchange(
        request: &RequestContext<RoleServer>,
        state: &'static ServerState,
        exchange: Arc<Exchange>,
    ) -> Self {
        Self::new(request, state, Input::Rounds(exchange), true)
    }

    /// The context of a tool call that runs as a task: no log messages or
    /// progress (the request that started it is over), cancelled by
    /// `tasks/cancel` (`ct`).
    pub(crate) fn for_task(
        state: &'static ServerState,
        caps: ClientCapabilities,
        exchange: Arc<Exchange>,
        task: rmcp::task_manager::TaskContext,
        ct: CancellationToken,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                peer: None,
                ct,
                progress_token: None,
                session: None,
                state: Some(state),
                caps: Some(caps),
                request_log_level: Some(None),
                input: Input::Task(exchange, task),
            }),
            key: None,
        }
    }

    /// What a 2026-07-28 request declared the client can do (`None` under a
    /// session).
    pub(crate) fn request_capabilities(&self) -> Option<&ClientCapabilities> {
        self.inner.caps.as_ref()
    }

    fn new(
        request: &RequestContext<RoleServer>,
        state: &'static ServerState,
        input: Input,
        stateless: bool,
    ) -> Self {
        let request_log_level = stateless.then(|| request.meta.log_level().map(LogLevel::from_mcp));
        Self {
            inner: Arc::new(Inner {
                peer: Some(request.peer.clone()),
                ct: request.ct.clone(),
                progress_token: request.meta.get_progress_token(),
                session: state::session_key(request),
                state: Some(state),
                caps: stateless.then(|| request.client_capabilities().unwrap_or_default()),
                request_log_level,
                input,
            }),
            key: None,
        }
    }

    /// A context with no client behind it, for calling a handler directly (a
    /// unit test): logging and progress do nothing, sampling and elicitation
    /// return an error, and it is never cancelled.
    pub fn detached() -> Self {
        Self {
            inner: Arc::new(Inner {
                peer: None,
                ct: CancellationToken::new(),
                progress_token: None,
                session: None,
                state: None,
                caps: None,
                request_log_level: None,
                input: Input::Unavailable,
            }),
            key: None,
        }
    }

    /// Run `f` with `self` as the current tool call's context.
    pub(crate) async fn scope<F: Future>(self, f: F) -> F::Output {
        CURRENT.scope(self, f).await
    }

    /// The context of the tool call on this task, or a detached one when a tool
    /// is called outside the host.
    #[doc(hidden)]
    pub fn current() -> Self {
        CURRENT
            .try_with(Clone::clone)
            .unwrap_or_else(|_| Self::detached())
    }

    // ---- logging ----

    /// Send a log message to the client (`notifications/message`), if the client
    /// asked for messages of this level: under a session with
    /// `logging/setLevel` (`info` and above when it did not); under 2026-07-28
    /// in the request's `_meta` (nothing when it did not).
    pub async fn log(&self, level: LogLevel, message: impl Into<String>) {
        let Some(peer) = &self.inner.peer else { return };
        let threshold = match (
            self.inner.request_log_level,
            self.inner.state,
            &self.inner.session,
        ) {
            (Some(None), _, _) => return,
            (Some(Some(asked)), _, _) => asked,
            (None, Some(state), Some(session)) => state.level(session),
            _ => state::DEFAULT_LEVEL,
        };
        if level < threshold {
            return;
        }
        let param = LoggingMessageNotificationParam::new(level.to_mcp(), message.into().into());
        if let Err(e) = peer.notify_logging_message(param).await {
            tracing::debug!("log message not delivered to the client: {e}");
        }
    }

    /// [`log`](Self::log) at `debug`.
    pub async fn debug(&self, message: impl Into<String>) {
        self.log(LogLevel::Debug, message).await
    }

    /// [`log`](Self::log) at `info`.
    pub async fn info(&self, message: impl Into<String>) {
        self.log(LogLevel::Info, message).await
    }

    /// [`log`](Self::log) at `warning`.
    pub async fn warning(&self, message: impl Into<String>) {
        self.log(LogLevel::Warning, message).await
    }

    /// [`log`](Self::log) at `error`.
    pub async fn error(&self, message: impl Into<String>) {
        self.log(LogLevel::Error, message).await
    }

    // ---- progress ----

    /// Report progress (`notifications/progress`): `progress` should grow with
    /// every call; `total` is `None` when unknown. Does nothing when the request
    /// carried no progress token (the client did not ask).
    pub async fn progress(&self, progress: f64, total: impl Into<Option<f64>>) {
        self.send_progress(progress, total.into(), None).await
    }

    /// [`progress`](Self::progress) with a message for the user.
    pub async fn progress_message(
        &self,
        progress: f64,
        total: impl Into<Option<f64>>,
        message: impl Into<String>,
    ) {
        self.send_progress(progress, total.into(), Some(message.into()))
            .await
    }

    async fn send_progress(&self, progress: f64, total: Option<f64>, message: Option<String>) {
        let (Some(peer), Some(token)) = (&self.inner.peer, &self.inner.progress_token) else {
            return;
        };
        let mut param = ProgressNotificationParam::new(token.clone(), progress);
        param.total = total;
        param.message = message;
        if let Err(e) = peer.notify_progress(param).await {
            tracing::debug!("progress not delivered to the client: {e}");
        }
    }

    // ---- cancellation ----

    /// Whether the client cancelled this request (`notifications/cancelled`).
    ///
    /// Cancellation is cooperative: gumstack does not drop a handler's future
    /// part-way (that could, say, lose a rotated refresh token between receiving
    /// and storing it); a long handler checks this, or races
    /// [`cancelled`](Self::cancelled), and stops early.
    pub fn is_cancelled(&self) -> bool {
        self.inner.ct.is_cancelled()
    }

    /// Completes when the client cancels this request: `tokio::select!` it
    /// against the work.
    pub async fn cancelled(&self) {
        self.inner.ct.cancelled().await
    }

    // ---- subscriptions ----

    /// Tell every client subscribed to `uri` (`resources/subscribe`) that the
    /// resource changed (`notifications/resources/updated`). Returns how many
    /// sessions were notified.
    pub async fn notify_resource_updated(&self, uri: &str) -> usize {
        match self.inner.state {
            Some(state) => state.notify_updated(uri).await,
            None => 0,
        }
    }

    fn peer(&self, what: &str) -> crate::Result<&Peer<RoleServer>> {
        self.inner.peer.as_ref().ok_or_else(|| {
            crate::Error::msg(format!(
                "{what} needs an MCP client, and this handler runs outside one (a detached context)"
            ))
        })
    }
}

/// Whether the request is a 2026-07-28 one (no session: each request carries
/// its version and the client's capabilities in `_meta`).
pub(crate) fn stateless(request: &RequestContext<RoleServer>) -> bool {
    request
        .protocol_version()
        .is_some_and(|version| !version.has_initialize())
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("detached", &self.inner.peer.is_none())
            .field("session", &self.inner.session)
            .field("progress", &self.inner.progress_token.is_some())
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
