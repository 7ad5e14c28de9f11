//! What a call is and how it ended, as the audit log names them.

use std::sync::Arc;

use crate::{store::TokenRecord, telemetry::ToolOutcome};

/// What was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `tools/call`.
    Tool,
    /// `prompts/get`.
    Prompt,
    /// `resources/read`.
    Resource,
}

impl Kind {
    /// Its name in the log.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Tool => "tool",
            Kind::Prompt => "prompt",
            Kind::Resource => "resource",
        }
    }
}

impl From<ToolOutcome> for Outcome {
    fn from(outcome: ToolOutcome) -> Self {
        match outcome {
            ToolOutcome::Ok => Outcome::Ok,
            ToolOutcome::Error => Outcome::ToolError,
            ToolOutcome::Panicked => Outcome::Panic,
            ToolOutcome::Unknown => Outcome::Unknown,
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It returned a result.
    Ok,
    /// A tool returned an error result (`isError`).
    ToolError,
    /// A prompt or resource read answered with an error.
    Error,
    /// The host refused it before it ran (e.g. the caller's scope does not
    /// allow it).
    Refused,
    /// The handler panicked.
    Panic,
    /// No tool of that name.
    Unknown,
}

impl Outcome {
    /// Every outcome, for parsing a filter.
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::ToolError,
        Outcome::Error,
        Outcome::Refused,
        Outcome::Panic,
        Outcome::Unknown,
    ];

    /// Its name in the log.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::ToolError => "tool_error",
            Outcome::Error => "error",
            Outcome::Refused => "refused",
            Outcome::Panic => "panic",
            Outcome::Unknown => "unknown",
        }
    }
}

/// The caller of a call: its token's record (grant and client), none for the
/// local user and `none` servers.
pub type Caller = Option<Arc<TokenRecord>>;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
