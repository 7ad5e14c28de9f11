//! What a running server counts, for the operator's Prometheus (`serve
//! --metrics ADDR`). Every metric name is here, recorded through the
//! `metrics` facade. Off unless asked: until the host installs the Prometheus
//! recorder (and calls [`enable`]), each record is one relaxed load of a flag,
//! so a server without `--metrics` builds no metric key per call.
//!
//! Labels take values from closed sets only (the outcomes below, and tool
//! names from the server's own table), so no client can grow the number of
//! series: a call to an unknown tool is counted without its name.

use std::{
    borrow::Cow,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

static ENABLED: AtomicBool = AtomicBool::new(false);

/// Record from now on (the host installed a recorder).
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Whether anything is recorded: callers skip their own work (a clock read)
/// when not.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// `gumstack_tool_calls_total{tool, outcome}`: tool calls answered.
pub const TOOL_CALLS: &str = "gumstack_tool_calls_total";
/// `gumstack_tool_call_duration_seconds{tool}`: how long tool calls ran.
pub const TOOL_CALL_DURATION: &str = "gumstack_tool_call_duration_seconds";
/// `gumstack_upstream_refreshes_total{outcome}`: refreshes of provider tokens.
pub const UPSTREAM_REFRESHES: &str = "gumstack_upstream_refreshes_total";
/// `gumstack_authorizations_total{outcome}`: MCP clients' authorizations.
pub const AUTHORIZATIONS: &str = "gumstack_authorizations_total";
/// `gumstack_active_grants`: users connected (grants in the store), read at
/// each scrape.
pub const ACTIVE_GRANTS: &str = "gumstack_active_grants";

/// Every metric with its help text, for the exporter.
pub const ALL: &[(&str, &str)] = &[
    (TOOL_CALLS, "Tool calls answered, by tool and outcome."),
    (
        TOOL_CALL_DURATION,
        "Time tool calls ran, by tool, in seconds.",
    ),
    (
        UPSTREAM_REFRESHES,
        "Refreshes of provider tokens: ok, refused (the user must reconnect) or failed.",
    ),
    (
        AUTHORIZATIONS,
        "Authorizations of MCP clients: started (consent shown), completed (code issued), denied by the user, refused (invalid request).",
    ),
    (ACTIVE_GRANTS, "Grants (connected users) in the store."),
];

/// Buckets of the tool-call histogram, in seconds: a tool that answers from
/// memory and one that waits on an upstream API both fall inside.
pub const DURATION_BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

/// How a tool call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolOutcome {
    /// The tool returned a result.
    Ok,
    /// The tool returned an error result (`isError`).
    Error,
    /// The tool panicked.
    Panicked,
    /// No tool of that name.
    Unknown,
}

impl ToolOutcome {
    fn label(self) -> &'static str {
        match self {
            ToolOutcome::Ok => "ok",
            ToolOutcome::Error => "error",
            ToolOutcome::Panicked => "panicked",
            ToolOutcome::Unknown => "unknown_tool",
        }
    }
}

/// A tool call of `tool` (a name from the server's table; ignored for
/// `Unknown`) ended as `outcome` after `took`.
pub fn tool_call(tool: Cow<'static, str>, outcome: ToolOutcome, took: Duration) {
    if !enabled() {
        return;
    }
    let tool = if outcome == ToolOutcome::Unknown {
        Cow::Borrowed("")
    } else {
        tool
    };
    ::metrics::counter!(TOOL_CALLS, "tool" => tool.clone(), "outcome" => outcome.label())
        .increment(1);
    if outcome != ToolOutcome::Unknown {
        ::metrics::histogram!(TOOL_CALL_DURATION, "tool" => tool.clone())
            .record(took.as_secs_f64());
    }
}

/// How a refresh of a provider token ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// New tokens stored.
    Ok,
    /// The provider refused the grant: disconnected until the user reconnects.
    Refused,
    /// The provider or the store failed (after retries).
    Failed,
}

/// A refresh of a provider token ended as `outcome`.
pub fn upstream_refresh(outcome: RefreshOutcome) {
    if !enabled() {
        return;
    }
    let outcome = match outcome {
        RefreshOutcome::Ok => "ok",
        RefreshOutcome::Refused => "refused",
        RefreshOutcome::Failed => "failed",
    };
    ::metrics::counter!(UPSTREAM_REFRESHES, "outcome" => outcome).increment(1);
}

/// A step of an MCP client's authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationOutcome {
    /// The consent page was shown.
    Started,
    /// A code was issued to the client.
    Completed,
    /// The user said no.
    Denied,
    /// The request was invalid (unknown client, bad redirect, PKCE...).
    Refused,
}

/// An authorization reached `outcome`.
pub fn authorization(outcome: AuthorizationOutcome) {
    if !enabled() {
        return;
    }
    let outcome = match outcome {
        AuthorizationOutcome::Started => "started",
        AuthorizationOutcome::Completed => "completed",
        AuthorizationOutcome::Denied => "denied",
        AuthorizationOutcome::Refused => "refused",
    };
    ::metrics::counter!(AUTHORIZATIONS, "outcome" => outcome).increment(1);
}

/// `count` grants are in the store.
pub fn active_grants(count: u64) {
    if !enabled() {
        return;
    }
    ::metrics::gauge!(ACTIVE_GRANTS).set(count as f64);
}
