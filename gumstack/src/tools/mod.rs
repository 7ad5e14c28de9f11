//! What generated tool code calls: argument parsing and result conversion.

pub(crate) mod args;
pub(crate) mod output;

/// A content block of a tool result (text, image, audio, embedded resource).
pub use rmcp::model::ContentBlock as Content;
