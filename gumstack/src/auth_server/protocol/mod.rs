//! The protocol rules of the authorization server, as plain functions over
//! requests and records: no HTTP, no store, no clock (the time is passed in).
//! The handlers parse, load, call these, store, and answer.
//!
//! Each rule is tested here, table-driven; a row names the RFC section it
//! checks.

pub(crate) mod authorize;
pub(crate) mod client;
pub(crate) mod scope;
pub(crate) mod token;

/// A request a rule refuses: the error code of its RFC (RFC 6749 4.1.2.1 and
/// 5.2, RFC 7591 3.2.2) and a description for the client.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub error: &'static str,
    pub description: String,
}

pub(crate) fn refused(error: &'static str, description: impl Into<String>) -> Refused {
    Refused {
        error,
        description: description.into(),
    }
}
