//! Grants: what one user connected with, sealed in the store. In `cred` mode,
//! the values they entered ([`CredGrants`]); in `oauth` mode, the provider's
//! tokens, refreshed as they expire ([`OAuthGrants`]). `creds()` reads them
//! through a bounded cache, so the hot path neither queries the store nor
//! decrypts.

mod cred;
mod oauth;
mod vault;

pub use cred::CredGrants;
pub use oauth::OAuthGrants;
pub use vault::Vault;

/// The id of the one grant of the local (stdio) user.
pub(crate) const LOCAL_GRANT: &str = "local";
