//! The trait `#[gumstack::server]` implements.

use std::{future::Future, sync::Arc};

use rmcp::model::{CallToolResult, JsonObject, Tool};

use crate::{context::tasks::TaskSupport, mode::AuthMode, scopes::Scope};

/// A gumstack server: implemented by `#[gumstack::server(...)]`, never by hand.
///
/// One type has exactly one implementation, so one auth mode: a second
/// `#[server]` on the same type is a conflicting-implementation error.
pub trait Server: Send + Sync + Sized + 'static {
    /// The auth mode from `auth = ...`.
    type Auth: AuthMode;
    /// `name = "..."`, by default the server crate's package name.
    const NAME: &'static str;
    /// `version = "..."`, by default the server crate's package version.
    const VERSION: &'static str;
    /// `instructions = "..."`.
    const INSTRUCTIONS: Option<&'static str>;

    /// The tool table, built once.
    fn tools() -> &'static [Tool];

    /// Call tool `name`; `None` when there is no such tool.
    fn call_tool<'a>(
        &'a self,
        name: &'a str,
        arguments: JsonObject,
    ) -> impl Future<Output = Option<CallToolResult>> + Send + 'a;

    /// Start-up work of the auth mode (`none`: read and check env credentials).
    #[doc(hidden)]
    fn __prepare() -> crate::Result<()>;

    /// How tool `name` runs as a task: `#[tool(task = "...")]`.
    #[doc(hidden)]
    fn __task_support(name: &str) -> TaskSupport {
        let _ = name;
        TaskSupport::Never
    }

    /// The provider's scopes tool `name` needs: `#[tool(scopes(...))]`.
    #[doc(hidden)]
    fn __tool_scopes(name: &str) -> &'static [Scope] {
        let _ = name;
        &[]
    }

    /// What every connection asks for: `#[gumstack::server(scopes(...))]`.
    #[doc(hidden)]
    fn __server_scopes() -> &'static [Scope] {
        &[]
    }

    /// Every scope the provider defines (what one covers), when the server
    /// names any.
    #[doc(hidden)]
    fn __scope_table() -> &'static [Scope] {
        &[]
    }

    /// The server the host runs, for work that outlives a request (tasks).
    #[doc(hidden)]
    fn __instance() -> Option<Arc<Self>> {
        None
    }

    /// Record the server the host runs ([`Server::__instance`]).
    #[doc(hidden)]
    fn __set_instance(server: Arc<Self>) {
        let _ = server;
    }
}
