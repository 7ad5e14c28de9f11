//! The audit log: one record per tool call, prompt or resource read (who,
//! which MCP client, what, with which arguments, how long, how it ended), and
//! a `tracing` span per call with the same fields.
//!
//! Recording is off the hot path: a call builds its record (the arguments
//! encoded once, `Secret` ones redacted, cut at 4 KiB: `encode`) and pushes
//! it into a bounded buffer without waiting; a background task (`writer`)
//! writes the buffer to the store in batches and purges records older than
//! the retention. A full buffer drops records (counted, with one warning)
//! rather than slow calls down. No credential is ever recorded: credentials
//! come from the store or env vars, never from a call's arguments, and a
//! tool's `Secret` arguments are replaced by `"[redacted]"`.
//!
//! The host installs the writer where the server has a store of grants
//! (`cred`, `oauth`); elsewhere (a `none` server, the testing kit) only the
//! span exists.

mod encode;
mod kinds;
mod writer;

use std::time::Instant;

use serde::Serialize;

use encode::tool_secrets;
pub use writer::flush;
pub(crate) use writer::install;

pub(crate) use kinds::now_ms;
pub use kinds::{Caller, Kind, Outcome};

/// A call being audited, from its start to [`Call::end`]. Dropped without
/// `end` (a round that ends with questions, a call that became a task), it
/// records nothing.
pub struct Call {
    span: tracing::Span,
    /// When it started; none when neither the log nor the span wants it.
    started: Option<Instant>,
    /// The record under way; none when the log is off.
    entry: Option<writer::Entry>,
}

impl Call {
    /// A tool call of `name` (of the server's table `tools`) with these
    /// arguments; those declared `Secret` are redacted.
    pub fn tool(
        tools: &'static [rmcp::model::Tool],
        name: &str,
        arguments: &serde_json::Map<String, serde_json::Value>,
        caller: Caller,
    ) -> Self {
        Self::start(Kind::Tool, name, caller, || {
            let secrets = tool_secrets(tools, name);
            encode::arguments(&encode::Redacted {
                arguments,
                secrets: &secrets,
            })
        })
    }

    /// Record at once a tool call the host refused before running it (the
    /// caller's scope does not allow it, say).
    pub fn refused(
        tools: &'static [rmcp::model::Tool],
        name: &str,
        arguments: &serde_json::Map<String, serde_json::Value>,
        caller: Caller,
    ) {
        Self::tool(tools, name, arguments, caller).end(Outcome::Refused);
    }

    /// A prompt (by name) or a resource read (by URI), with these arguments.
    pub fn other(kind: Kind, name: &str, arguments: &impl Serialize, caller: Caller) -> Self {
        Self::start(kind, name, caller, || encode::arguments(arguments))
    }

    fn start(kind: Kind, name: &str, caller: Caller, arguments: impl FnOnce() -> String) -> Self {
        let grant = caller.as_ref().map_or("local", |t| t.grant_id.as_str());
        let client = caller.as_ref().map_or("", |t| t.client_id.as_str());
        let span = tracing::debug_span!(
            target: "gumstack::audit",
            "call",
            kind = kind.label(),
            tool = name,
            grant,
            client,
            outcome = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let entry = writer::enabled().then(|| writer::Entry {
            at_ms: now_ms(),
            caller,
            kind,
            name: encode::name(name),
            arguments: arguments(),
        });
        let started = (entry.is_some() || !span.is_disabled()).then(Instant::now);
        Self {
            span,
            started,
            entry,
        }
    }

    /// The call's span, to run its handler in.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// The call ended so: record it.
    pub fn end(self, outcome: Outcome) {
        let Some(started) = self.started else { return };
        let took = started.elapsed();
        self.span.record("outcome", outcome.label());
        self.span.record("duration_ms", took.as_secs_f64() * 1000.0);
        if let Some(entry) = self.entry {
            writer::push(entry, outcome, took);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log written into memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn tools() -> &'static [rmcp::model::Tool] {
        let schema = crate::__private::InputSchema::new()
            .param::<String>("city", None, true)
            .param::<crate::Secret>("key", None, true)
            .finish();
        Box::leak(Box::new([rmcp::model::Tool::new("forecast", "", schema)]))
    }

    #[test]
    fn each_call_has_a_span_with_its_fields_and_never_its_arguments() {
        let log = Captured::default();
        let writer = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("gumstack::audit=debug")
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let arguments = serde_json::json!({"city": "Paris", "key": "sk-in-the-span?"});
        let arguments = arguments.as_object().unwrap();
        tracing::subscriber::with_default(subscriber, || {
            let call = Call::tool(tools(), "forecast", arguments, None);
            assert!(!call.span().is_disabled());
            call.end(Outcome::ToolError);
            Call::refused(tools(), "forecast", arguments, None);
        });
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        let closes: Vec<&str> = text.lines().filter(|l| l.contains("close")).collect();
        assert_eq!(closes.len(), 2, "{text}");
        for (line, outcome) in closes.iter().zip(["tool_error", "refused"]) {
            for field in [
                "kind=\"tool\"",
                "tool=\"forecast\"",
                "grant=\"local\"",
                &format!("outcome=\"{outcome}\""),
                "duration_ms=",
            ] {
                assert!(line.contains(field), "{field} in {line}");
            }
        }
        assert!(
            !text.contains("sk-in-the-span") && !text.contains("Paris"),
            "{text}"
        );
    }

    #[test]
    fn without_a_writer_nothing_is_encoded_and_without_a_span_no_clock_read() {
        let arguments = serde_json::Map::new();
        let call = Call::tool(tools(), "forecast", &arguments, None);
        // (Whether the span is off depends on the subscribers other tests of
        // this process registered: tracing caches a callsite's interest.)
        assert!(call.entry.is_none(), "no writer in this process");
        assert_eq!(call.started.is_none(), call.span().is_disabled());
    }
}
