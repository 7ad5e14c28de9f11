//! Grants: what one user connected with. In `cred` mode, the values they entered,
//! sealed as JSON; `creds()` reads them through a bounded cache so the hot path
//! neither queries the store nor decrypts.

use std::{any::Any, collections::BTreeMap, sync::Arc};

use futures::future::BoxFuture;
use zeroize::Zeroizing;

use crate::{
    CredentialField, Credentials, Result,
    authz::tokens,
    seal::Sealer,
    store::{GrantRecord, Store, now},
};

/// The id of the one grant of the local (stdio) user.
pub(crate) const LOCAL_GRANT: &str = "local";

const CACHE_CAPACITY: usize = 10_000;

type Check =
    dyn Fn(&BTreeMap<String, String>) -> BoxFuture<'static, crate::authz::FormErrors> + Send + Sync;

pub struct Grants {
    store: Arc<dyn Store>,
    sealer: Sealer,
    fields: &'static [CredentialField],
    check: Box<Check>,
    cache: quick_cache::sync::Cache<String, Arc<dyn Any + Send + Sync>>,
}

impl Grants {
    /// Grants of credentials type `C`.
    pub fn new<C: Credentials>(store: Arc<dyn Store>, sealer: Sealer) -> Self {
        Self {
            store,
            sealer,
            fields: C::FIELDS,
            check: Box::new(|values| {
                let values = values.clone();
                Box::pin(async move { check::<C>(&values).await })
            }),
            cache: quick_cache::sync::Cache::new(CACHE_CAPACITY),
        }
    }

    pub fn fields(&self) -> &'static [CredentialField] {
        self.fields
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Parse the submitted values and run the type's `validate` hook.
    pub async fn check(&self, values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
        (self.check)(values).await
    }

    /// Seal `values` into a new grant (or replace grant `id`); returns its id.
    pub async fn create(
        &self,
        client_id: Option<&str>,
        id: Option<&str>,
        values: &BTreeMap<String, String>,
        nickname: Option<String>,
    ) -> Result<String> {
        let id = id.map_or_else(tokens::random, str::to_owned);
        let json = Zeroizing::new(serde_json::to_vec(values)?);
        let created = now();
        let record = GrantRecord {
            sealed: self.sealer.seal(&json, &context(&id)),
            id: id.clone(),
            client_id: client_id.map(str::to_owned),
            nickname,
            created_at: created,
            updated_at: created,
        };
        self.store.put_grant(&record).await?;
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
        let Some(record) = self.store.get_grant(id).await? else {
            return Ok(None);
        };
        let plain = self.sealer.open(&record.sealed, &context(id))?;
        let values: BTreeMap<String, String> = serde_json::from_slice(&plain)?;
        let creds = Arc::new(C::from_map(&values).map_err(|e| {
            crate::Error::new(
                crate::ErrorKind::Credentials,
                format!("the stored credentials no longer fit this server's fields ({e}); reconnect to enter them again"),
            )
        })?);
        self.cache.insert(id.to_owned(), creds.clone());
        Ok(Some(creds))
    }

    /// Forget a grant, its tokens and its cached credentials.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.store.delete_grant(id).await?;
        self.cache.remove(id);
        Ok(())
    }

    /// Check at start-up that the key opens what the store holds: a wrong key
    /// stops the server with a clear message and deletes nothing.
    pub async fn check_key(&self) -> Result<()> {
        const CHECK: &str = "key_check";
        match self.store.get_meta(CHECK).await? {
            Some(sealed) => self.sealer.open(&sealed, CHECK).map(drop),
            None => {
                self.store
                    .set_meta(CHECK, &self.sealer.seal(b"gumstack", CHECK))
                    .await
            }
        }
    }
}

fn context(grant_id: &str) -> String {
    format!("grant:{grant_id}")
}

async fn check<C: Credentials>(values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
    let mut errors = crate::authz::FormErrors::default();
    match C::from_map(values) {
        Err(e) => {
            for f in e.fields {
                let message = match f.invalid {
                    None => format!("{} is required", f.field.label),
                    Some(why) => format!("{}: {why}", f.field.label),
                };
                errors.fields.insert(f.field.name, message);
            }
        }
        Ok(creds) => {
            if let Err(why) = creds.validate().await {
                errors.form = Some(why);
            }
        }
    }
    errors
}
