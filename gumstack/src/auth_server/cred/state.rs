//! What `cred` mode brings to the authorization server.

use std::{sync::Arc, time::Duration};

use crate::{
    auth_server::{AuthServer, rate::Limiter},
    grants::CredGrants,
};

/// Submissions that reach the `validate` hook, per client: a burst of this
/// many, then one every [`VALIDATE_EVERY`]. The hook may try a key at the
/// provider; unbounded, the form would test stolen keys at speed.
const VALIDATE_BURST: u32 = 10;
const VALIDATE_EVERY: Duration = Duration::from_secs(6);
/// Longest accepted value of one field.
pub(super) const MAX_FIELD_BYTES: usize = 8 * 1024;

/// What `cred` mode brings to the authorization server.
pub(crate) struct CredFlow {
    pub grants: Arc<CredGrants>,
    pub validations: Limiter,
}

impl CredFlow {
    pub fn new(grants: Arc<CredGrants>) -> Self {
        Self {
            grants,
            validations: Limiter::new(VALIDATE_BURST, VALIDATE_EVERY),
        }
    }
}

pub(super) type Server = AuthServer<CredFlow>;
