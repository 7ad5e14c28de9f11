//! Where grants are kept: the store, and the key that seals what they hold.
//! Both modes' grants seal their values here, bound to their row.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::{
    Error, Result,
    seal::Sealer,
    store::{self, GrantRecord, Place, SealedAt, Store, Timestamp, now},
};

/// The meta value sealed at start-up to check that the key opens the store.
pub(super) const KEY_CHECK: &str = "key_check";

/// The store and the sealing key of a `cred` or `oauth` server.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn Store>,
    sealer: Arc<Sealer>,
}

/// Who a grant's values belong to: the account's display name and stable id.
pub(crate) struct Owner {
    pub nickname: Option<String>,
    pub account_id: Option<String>,
}

impl Vault {
    /// A vault over an open store and a key (tests, benchmarks).
    pub fn new(store: Arc<dyn Store>, sealer: Sealer) -> Self {
        Self {
            store,
            sealer: Arc::new(sealer),
        }
    }

    /// Open the vault of a server of auth type `kind` at `place`: the store
    /// (refused if it belongs to another type) and the key, which must open what
    /// the store holds. Nothing is deleted when either check fails.
    pub(crate) async fn open(place: &Place, kind: &str) -> Result<Self> {
        // Every replica must open what the others sealed: a key file generated
        // per machine would not do.
        if place.database_url.is_some() && std::env::var_os("GUMSTACK_SECRET_KEY").is_none() {
            return Err(Error::config(
                "GUMSTACK_DATABASE_URL is set but GUMSTACK_SECRET_KEY is not: replicas sharing a database need the same sealing key (32 random bytes, base64), e.g. from `openssl rand -base64 32`",
            ));
        }
        let store = store::open_for(place, kind).await?;
        let vault = Self::new(store, Sealer::load(&place.data_dir)?);
        vault.check_key().await?;
        Ok(vault)
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub(crate) fn sealer(&self) -> &Arc<Sealer> {
        &self.sealer
    }

    /// Seal `plain` into grant `id` (a new row, or replacing its values), and
    /// mark it connected.
    pub(crate) async fn put(
        &self,
        id: &str,
        client_id: Option<&str>,
        plain: &[u8],
        owner: Owner,
        created_at: Timestamp,
    ) -> Result<()> {
        let record = GrantRecord {
            sealed: self.sealer.seal(plain, &context(id)),
            id: id.to_owned(),
            client_id: client_id.map(str::to_owned),
            nickname: owner.nickname,
            account_id: owner.account_id,
            created_at,
            updated_at: now(),
            disconnected: false,
        };
        self.store.put_grant(&record).await
    }

    /// Grant `id` and its opened values; `None` when there is no such grant.
    pub(crate) async fn get(&self, id: &str) -> Result<Option<(GrantRecord, Zeroizing<Vec<u8>>)>> {
        let Some(record) = self.store.get_grant(id).await? else {
            return Ok(None);
        };
        let plain = self.sealer.open(&record.sealed, &context(id))?;
        Ok(Some((record, plain)))
    }

    /// Check at start-up that the key opens what the store holds: a wrong key
    /// stops the server with a clear message and deletes nothing.
    pub async fn check_key(&self) -> Result<()> {
        match self.store.get_meta(KEY_CHECK).await? {
            Some(sealed) => self.sealer.open(&sealed, KEY_CHECK).map(drop),
            None => {
                self.store
                    .set_meta(KEY_CHECK, &self.sealer.seal(b"gumstack", KEY_CHECK))
                    .await
            }
        }
    }
}

/// What a grant's sealed values are bound to: a value moved to another row
/// does not open.
fn context(grant_id: &str) -> String {
    format!("grant:{grant_id}")
}

/// What the PKCE verifier toward the provider of a pending request is sealed
/// to.
pub(crate) fn verifier_context(pending_id: &str) -> String {
    format!("pending:{pending_id}")
}

/// What the value sealed at `at` is bound to.
pub(super) fn context_of(at: &SealedAt) -> String {
    match at {
        SealedAt::Grant(id) => context(id),
        SealedAt::Verifier(id) => verifier_context(id),
        SealedAt::Meta(key) => key.clone(),
    }
}
