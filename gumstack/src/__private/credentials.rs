//! What `#[derive(Credentials)]` and the generated `creds()` call.

use std::sync::{Arc, OnceLock};

use crate::{
    CredentialField, Credentials, CredentialsError, FieldError, OAuthCredentials, Result,
    credentials::CredentialValue,
};

/// Parse one required field, recording what is wrong.
pub fn required_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: Option<String>,
    errors: &mut CredentialsError,
) -> Option<T> {
    match raw {
        None => {
            errors.fields.push(FieldError {
                field,
                invalid: None,
            });
            None
        }
        Some(raw) => parse_field(field, raw, errors),
    }
}

/// Parse one `Option<T>` field; blank means `None`.
pub fn optional_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: Option<String>,
    errors: &mut CredentialsError,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) if raw.trim().is_empty() => Some(None),
        Some(raw) => parse_field(field, raw, errors).map(Some),
    }
}

fn parse_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: String,
    errors: &mut CredentialsError,
) -> Option<T> {
    match T::parse_credential(raw) {
        Ok(v) => Some(v),
        Err(why) => {
            errors.fields.push(FieldError {
                field,
                invalid: Some(why),
            });
            None
        }
    }
}

/// Blank values count as missing.
pub fn non_blank(raw: Option<String>) -> Option<String> {
    raw.filter(|v| !v.trim().is_empty())
}

/// `none` mode start-up: read the credentials from env into the server's cell.
pub fn load_env_creds<C: Credentials>(cell: &OnceLock<C>) -> Result<()> {
    if cell.get().is_none() {
        let creds = crate::credentials::from_env::<C>()?;
        let _ = cell.set(creds);
    }
    Ok(())
}

/// `none` mode `creds()` called outside `run()` (a unit test calling a tool
/// directly): read env now. The host has already checked env at start-up, so a
/// served tool never reaches the panic.
#[cold]
pub fn env_creds_outside_host<C: Credentials>() -> C {
    match crate::credentials::from_env::<C>() {
        Ok(c) => c,
        Err(e) => panic!("gumstack: creds() called before the host started: {e}"),
    }
}

/// `cred` mode: the calling user's grant (or, for development, `LOCAL_<FIELD>`).
pub async fn cred_creds<C: Credentials>() -> Result<Arc<C>> {
    crate::host::creds::cred::<C>().await
}

/// `oauth` mode: the caller's tokens, refreshed when about to expire.
pub async fn oauth_creds() -> Result<Arc<OAuthCredentials>> {
    crate::host::creds::oauth().await
}
