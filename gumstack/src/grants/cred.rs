//! `cred` grants: the values a user entered (the credentials form, or `login`),
//! sealed, and read back as the server's [`Credentials`] type through a cache.

use std::{any::Any, collections::BTreeMap, sync::Arc};

use futures::future::BoxFuture;
use zeroize::Zeroizing;

use super::vault::{Owner, Vault};
use crate::{
    CredentialField, Credentials, Error, ErrorKind, Result, credentials::FormErrors, crypto,
    store::now,
};

const CACHE_CAPACITY: usize = 10_000;

type Check = dyn Fn(&BTreeMap<String, String>) -> BoxFuture<'static, FormErrors> + Send + Sync;

/// The grants of a `cred` server, for credentials of one type.
pub struct CredGrants {
    vault: Vault,
    fields: &'static [CredentialField],
    parse: fn(&BTreeMap<String, String>) -> FormErrors,
    check: Box<Check>,
    /// grant id -> its credentials (an `Arc<C>`, for the server's one `C`).
    cache: quick_cache::sync::Cache<String, Arc<dyn Any + Send + Sync>>,
}

impl CredGrants {
    /// Grants of credentials type `C`.
    pub fn new<C: Credentials>(vault: Vault) -> Self {
        Self {
            vault,
            fields: C::FIELDS,
            parse: parse_errors::<C>,
            check: Box::new(|values| {
                let values = values.clone();
                Box::pin(async move { check::<C>(&values).await })
            }),
            cache: quick_cache::sync::Cache::new(CACHE_CAPACITY),
        }
    }

    pub(crate) fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The fields of the credentials form.
    pub fn fields(&self) -> &'static [CredentialField] {
        self.fields
    }

    /// What is wrong with the submitted values, without the `validate` hook.
    pub(crate) fn parse_errors(&self, values: &BTreeMap<String, String>) -> FormErrors {
        (self.parse)(values)
    }

    /// Parse the submitted values and run the type's `validate` hook.
    pub(crate) async fn check(&self, values: &BTreeMap<String, String>) -> FormErrors {
        (self.check)(values).await
    }

    /// Seal `values` into a new grant for `client_id` (or replace grant `id`);
    /// returns its id.
    pub async fn create(
        &self,
        client_id: Option<&str>,
        id: Option<&str>,
        values: &BTreeMap<String, String>,
    ) -> Result<String> {
        let id = id.map_or_else(crypto::random, str::to_owned);
        let json = Zeroizing::new(serde_json::to_vec(values)?);
        let owner = Owner {
            nickname: None,
            account_id: None,
        };
        self.vault.put(&id, client_id, &json, owner, now()).await?;
        self.cache.remove(&id);
        Ok(id)
    }

    /// The credentials of grant `id`, or `None` when there is no such grant.
    pub async fn load<C: Credentials>(&self, id: &str) -> Result<Option<Arc<C>>> {
        if let Some(hit) = self.cache.get(id)
            && let Ok(creds) = hit.downcast::<C>()
        {
            return Ok(Some(creds));
        }
        let Some((_, plain)) = self.vault.get(id).await? else {
            return Ok(None);
        };
        let values: BTreeMap<String, String> = serde_json::from_slice(&plain)?;
        let creds = Arc::new(C::from_map(&values).map_err(|e| {
            Error::new(
                ErrorKind::Credentials,
                format!("the stored credentials no longer fit this server's fields ({e}); reconnect to enter them again"),
            )
        })?);
        self.cache.insert(id.to_owned(), creds.clone());
        Ok(Some(creds))
    }

    /// The values of grant `id`'s fields that are not secret (an
    /// organization, a user name): what permission groups may name as claims.
    /// Empty when there is no such grant.
    pub(crate) async fn claims(&self, id: &str) -> Result<BTreeMap<String, String>> {
        let Some((_, plain)) = self.vault.get(id).await? else {
            return Ok(BTreeMap::new());
        };
        let mut values: BTreeMap<String, String> = serde_json::from_slice(&plain)?;
        values.retain(|name, _| self.fields.iter().any(|f| f.name == name && !f.secret));
        Ok(values)
    }

    /// Forget a grant, its tokens and its cached credentials.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.vault.store().delete_grant(id).await?;
        self.cache.remove(id);
        Ok(())
    }
}

fn field_errors(e: crate::CredentialsError) -> FormErrors {
    let mut errors = FormErrors::default();
    for f in e.fields {
        let message = match f.invalid {
            None => format!("{} is required", f.field.label),
            Some(why) => format!("{}: {why}", f.field.label),
        };
        errors.fields.insert(f.field.name, message);
    }
    errors
}

fn parse_errors<C: Credentials>(values: &BTreeMap<String, String>) -> FormErrors {
    C::from_map(values)
        .err()
        .map(field_errors)
        .unwrap_or_default()
}

async fn check<C: Credentials>(values: &BTreeMap<String, String>) -> FormErrors {
    match C::from_map(values) {
        Err(e) => field_errors(e),
        Ok(creds) => FormErrors {
            form: creds.validate().await.err(),
            ..Default::default()
        },
    }
}
