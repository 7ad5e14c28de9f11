//! Paths for generated code only: no semver guarantees.
//!
//! Everything the macros emit goes through `::gumstack::__private`, so a server
//! crate needs no direct dependency on rmcp, serde_json or schemars. Glue only:
//! the crates generated code names, re-exports of the runtime pieces it calls,
//! and the helpers of `user_type` (one error per mistake), `credentials`
//! (the derive and `creds()`), `handler` (the `ServerHandler` delegation) and
//! `catalog` (descriptors and small requests).

mod bench;
mod call;
mod catalog;
mod credentials;
mod handler;
mod rounds;
mod tasks;
mod user_type;

pub use rmcp;
pub use schemars;
pub use serde;
pub use serde_json;

pub use crate::context::tasks::TaskSupport;
pub use crate::scopes::{CredentialScopes, DefinesScopes, Scope};
pub use bench::ScopeCheck;
pub use catalog::*;
pub use credentials::*;
pub use handler::*;
pub use rounds::Rounds;
pub use tasks::{cancel_task, get_task, update_task};
pub use user_type::*;

/// For the benchmark of what auditing adds to a call (`benches/audit.rs`).
pub use crate::audit::{Call as AuditCall, Outcome as AuditOutcome, flush as audit_flush};
pub use crate::completion::{
    CompletionOutput, IntoCompletion, UncheckedCompletion, completion_error, no_completion,
};
pub use crate::context::{Context, ServerState};
/// For benchmarks of the `creds()` hot path (`benches/creds.rs`).
pub use crate::grants::{CredGrants, OAuthGrants, Vault};
pub use crate::host::run;
pub use crate::mode::{CredAuth, NoAuth, OAuth};
pub use crate::prompts::{IntoPrompt, PromptArgs, PromptOutput, UncheckedPrompt, prompt_error};
pub use crate::resources::{
    IntoJsonResource, IntoResourceContents, ResourceOutput, UncheckedResourceOutput, UriPart,
    UriTemplate, UriVars, not_found as resource_not_found, resource_error,
};
pub use crate::tools::{
    args::Args,
    output::{
        IntoContent, IntoStructured, NoSchema, Output, OutputSchema, StructuredSchema, tool_error,
    },
};

/// Start the audit writer on `store` (what `serve` does for `cred` and
/// `oauth` servers), for the benchmark of its cost (`benches/audit.rs`).
pub fn audit_install(
    store: std::sync::Arc<dyn crate::store::Store>,
    retention: std::time::Duration,
) {
    crate::audit::install(store, retention);
}
