//! Running a tool for a caller: the grant `creds()` reads and the context
//! around the call, a panic caught (for a call and for a task alike).

use rmcp::model::CallToolResult;

use crate::{Server, context::Context};

/// Run tool `name` as the caller of `grant`, with `ctx` as its context. A
/// panic is caught and logged (the server keeps serving); `Ok(None)` is an
/// unknown tool.
pub(crate) async fn run_tool<S: Server>(
    server: &S,
    name: &str,
    arguments: rmcp::model::JsonObject,
    grant: Option<crate::auth_server::Identity>,
    ctx: Context,
) -> std::thread::Result<Option<CallToolResult>> {
    let call = std::panic::AssertUnwindSafe(
        crate::host::creds::CURRENT_GRANT
            .scope(grant, ctx.scope(server.call_tool(name, arguments))),
    );
    let outcome = futures::FutureExt::catch_unwind(call).await;
    if let Err(panic) = &outcome {
        let reason = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        tracing::error!(tool = %name, "tool panicked: {reason}");
    }
    outcome
}

/// The error of a call to a tool the server does not have.
pub(crate) fn unknown_tool(name: &str) -> rmcp::ErrorData {
    rmcp::ErrorData::invalid_params(format!("unknown tool `{name}`"), None)
}

/// What the client is told of a panicked tool (the panic is in the log).
pub(crate) fn panicked(name: &str) -> String {
    format!("tool `{name}` failed unexpectedly (it panicked); see the server log")
}

/// What telemetry and the audit log count a call's outcome as.
pub(super) fn classify(
    outcome: &std::thread::Result<Option<CallToolResult>>,
) -> crate::telemetry::ToolOutcome {
    use crate::telemetry::ToolOutcome;
    match outcome {
        Ok(Some(result)) if result.is_error == Some(true) => ToolOutcome::Error,
        Ok(Some(_)) => ToolOutcome::Ok,
        Ok(None) => ToolOutcome::Unknown,
        Err(_) => ToolOutcome::Panicked,
    }
}
