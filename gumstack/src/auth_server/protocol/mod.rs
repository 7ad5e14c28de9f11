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
