//! Handles on the per-call checks, for the benchmarks of what they cost
//! (`benches/scopes.rs`): the same code the HTTP host runs, outside it.

use crate::{Server, host::step_up::StepUp};

/// The step-up gate of server `S`: what each `tools/call` pays for scopes.
pub struct ScopeCheck(StepUp);

impl ScopeCheck {
    /// `None` when no tool of `S` needs a scope (the host then checks nothing).
    pub fn new<S: Server>() -> Option<Self> {
        StepUp::new::<S>("http://127.0.0.1", None).map(Self)
    }

    /// Whether the `tools/call` in `body` needs a scope `granted` lacks.
    pub fn lacks(&self, body: &[u8], granted: &str) -> bool {
        self.0.lacking(body, granted).is_some()
    }
}
