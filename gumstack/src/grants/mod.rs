//! Grants: what one user connected with, sealed in the store. In `cred` mode,
//! the values they entered ([`CredGrants`]); in `oauth` mode, the provider's
//! tokens, refreshed as they expire ([`OAuthGrants`]). `creds()` reads them
//! through a bounded cache, so the hot path neither queries the store nor
//! decrypts.

mod cred;
mod oauth;
mod rotation;
mod vault;

pub use cred::CredGrants;
pub use oauth::OAuthGrants;
pub(crate) use rotation::Resealed;
pub use vault::Vault;
pub(crate) use vault::verifier_context;

/// The id of the one grant of the local (stdio) user.
pub(crate) const LOCAL_GRANT: &str = "local";

/// What revoking a grant did besides deleting it here with its tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Revocation {
    /// A `cred` grant: nothing was issued anywhere else.
    Local,
    /// The provider (named) revoked its token.
    AtProvider(String),
    /// The provider (named) has no revocation endpoint.
    Unsupported(String),
    /// The provider (named) did not confirm the revocation, for this reason.
    Failed(String, String),
}
