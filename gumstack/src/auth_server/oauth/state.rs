//! What `oauth` mode brings to the authorization server.

use std::sync::Arc;

use crate::grants::OAuthGrants;

use super::super::AuthServer;

/// What `oauth` mode brings to the authorization server: its grants (and
/// through them the provider).
pub(crate) struct OAuthFlow {
    pub grants: Arc<OAuthGrants>,
}

/// The authorization server of an `oauth` server.
pub(super) type Server = AuthServer<OAuthFlow>;
