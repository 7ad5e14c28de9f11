//! `oauth` grants: the provider's tokens, sealed, refreshed before they expire.
//!
//! A call finds fresh tokens in the cache: no store read, no decryption. When
//! they are due, one task per grant refreshes ([`OAuthGrants::load`]: one at a
//! time in this process, under the store's lock across replicas), the rotated
//! tokens are stored before they are used, and the tasks that waited take them
//! from the cache. A provider that refuses the refresh token disconnects the
//! grant: it waits to be reconnected.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, SystemTime},
};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    Revocation,
    vault::{Owner, Vault},
};
use crate::telemetry::{self, RefreshOutcome};
use crate::{
    AuthProvider, Error, ErrorKind, OAuthCredentials, Result, Revoked, Secret, TokenResponse,
    crypto,
    provider::{Account, DynProvider},
    store::{GrantRecord, Timestamp, now},
};

const CACHE_CAPACITY: usize = 10_000;
/// Refresh at most this long before the provider's expiry, so a token never
/// expires mid-call...
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// ...and at most this fraction of the token's lifetime before it: a token that
/// lives 5 s is used for 4 s, not refreshed on every call.
const REFRESH_MARGIN_DIVISOR: Timestamp = 5;
const REFRESH_ATTEMPTS: u32 = 4;

/// The grants of an `oauth` server, for one provider.
pub struct OAuthGrants {
    vault: Vault,
    provider: Arc<dyn DynProvider>,
    cache: quick_cache::sync::Cache<String, Cached>,
    /// One refresh at a time per grant in this process; an entry lives while a
    /// task holds or waits for it.
    refreshing: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A grant's credentials in the cache, with the times that decide a refresh.
#[derive(Clone)]
struct Cached {
    creds: Arc<OAuthCredentials>,
    obtained_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

impl Cached {
    fn fresh(&self) -> Option<Arc<OAuthCredentials>> {
        (!refresh_due(self.obtained_at, self.expires_at, now())).then(|| self.creds.clone())
    }
}

impl OAuthGrants {
    /// Grants of `provider`.
    pub fn new<P: AuthProvider>(vault: Vault, provider: P) -> Self {
        Self {
            vault,
            provider: Arc::new(provider),
            cache: quick_cache::sync::Cache::new(CACHE_CAPACITY),
            refreshing: Mutex::default(),
        }
    }

    pub(crate) fn vault(&self) -> &Vault {
        &self.vault
    }

    pub(crate) fn provider(&self) -> &Arc<dyn DynProvider> {
        &self.provider
    }

    /// Seal the provider's tokens into a new grant for `client_id` (or replace
    /// grant `id`), for `account` (`None` when the provider could not say who
    /// signed in).
    pub async fn create(
        &self,
        client_id: Option<&str>,
        id: Option<&str>,
        tokens: TokenResponse,
        account: Option<Account>,
    ) -> Result<String> {
        let id = id.map_or_else(crypto::random, str::to_owned);
        let owner = match account {
            Some(a) => Owner {
                nickname: Some(a.nickname),
                account_id: a.id,
            },
            None => Owner {
                nickname: None,
                account_id: None,
            },
        };
        let stored = StoredTokens::from_response(tokens, None, None);
        self.put(&id, client_id, &stored, owner, now()).await?;
        Ok(id)
    }

    /// The credentials of grant `id`, refreshed first when they are due;
    /// `None` when there is no such grant.
    pub async fn load(&self, id: &str) -> Result<Option<Arc<OAuthCredentials>>> {
        if let Some(creds) = self.cache.get(id).and_then(|c| c.fresh()) {
            return Ok(Some(creds));
        }
        self.one_at_a_time(id).await
    }

    /// Single-flight: the first task for grant `id` reads (and refreshes) it,
    /// the others wait their turn and find its result in the cache.
    async fn one_at_a_time(&self, id: &str) -> Result<Option<Arc<OAuthCredentials>>> {
        let turn = self
            .refreshing
            .lock()
            .expect("refresh locks")
            .entry(id.to_owned())
            .or_default()
            .clone();
        let result = {
            let _turn = turn.lock().await;
            match self.cache.get(id).and_then(|c| c.fresh()) {
                Some(creds) => Ok(Some(creds)),
                None => self.read_and_refresh(id).await,
            }
        };
        // On every path, whatever the result: an entry nobody else holds goes.
        drop(turn);
        self.refreshing
            .lock()
            .expect("refresh locks")
            .retain(|_, turn| Arc::strong_count(turn) > 1);
        result
    }

    /// Under the store's lock (across replicas; whoever held it before has
    /// stored fresh tokens, which the read sees): read the grant, refresh its
    /// tokens if due, cache what it now holds.
    async fn read_and_refresh(&self, id: &str) -> Result<Option<Arc<OAuthCredentials>>> {
        let lock = self.vault.store().lock_grant(id).await?;
        let Some((record, plain)) = self.vault.get(id).await? else {
            return Ok(None);
        };
        if record.disconnected {
            return Err(Error::revoked(format!(
                "the {} account of this connection must be connected again",
                self.provider.name()
            )));
        }
        let mut tokens: StoredTokens = serde_json::from_slice(&plain)?;
        if tokens.needs_refresh() {
            tokens = self.refresh(&record, tokens).await?;
        }
        // Dropping the lock on an early return releases it too.
        lock.release().await?;
        let cached = Cached {
            creds: Arc::new(tokens.credentials(record.nickname.clone())),
            obtained_at: tokens.obtained_at,
            expires_at: tokens.expires_at,
        };
        self.cache.insert(id.to_owned(), cached.clone());
        Ok(Some(cached.creds))
    }

    /// New tokens from the provider, stored (the rotated refresh token with
    /// them) before they are used. A refusal disconnects the grant.
    async fn refresh(&self, record: &GrantRecord, tokens: StoredTokens) -> Result<StoredTokens> {
        let name = self.provider.name();
        let Some(refresh_token) = tokens.refresh_token.as_deref() else {
            telemetry::upstream_refresh(RefreshOutcome::Refused);
            return Err(self
                .disconnected(
                    &record.id,
                    Error::revoked(format!(
                        "the {name} access token expired and the provider gave no refresh token"
                    )),
                )
                .await);
        };
        let fresh = match refresh_with_retry(self.provider.as_ref(), refresh_token).await {
            Ok(fresh) => fresh,
            Err(e) if e.kind() == ErrorKind::Revoked => {
                telemetry::upstream_refresh(RefreshOutcome::Refused);
                tracing::info!(grant = record.id, "{name} refused the refresh token");
                return Err(self.disconnected(&record.id, e).await);
            }
            Err(e) => {
                telemetry::upstream_refresh(RefreshOutcome::Failed);
                return Err(e);
            }
        };
        let tokens = StoredTokens::from_response(fresh, tokens.refresh_token, tokens.scope);
        let owner = Owner {
            nickname: record.nickname.clone(),
            account_id: record.account_id.clone(),
        };
        self.put(
            &record.id,
            record.client_id.as_deref(),
            &tokens,
            owner,
            record.created_at,
        )
        .await
        .inspect_err(|_| telemetry::upstream_refresh(RefreshOutcome::Failed))?;
        telemetry::upstream_refresh(RefreshOutcome::Ok);
        Ok(tokens)
    }

    /// The provider refused grant `id` for good: it waits to be reconnected,
    /// and the client's next request gets 401 (its refresh token works again
    /// once reconnected). Returns `why`, or the store's error.
    async fn disconnected(&self, id: &str, why: Error) -> Error {
        match self.disconnect(id).await {
            Ok(()) => why,
            Err(e) => e,
        }
    }

    /// Seal `tokens` into grant `id`.
    async fn put(
        &self,
        id: &str,
        client_id: Option<&str>,
        tokens: &StoredTokens,
        owner: Owner,
        created_at: Timestamp,
    ) -> Result<()> {
        let json = Zeroizing::new(serde_json::to_vec(tokens)?);
        self.vault
            .put(id, client_id, &json, owner, created_at)
            .await?;
        self.cache.remove(id);
        Ok(())
    }

    /// Mark a grant disconnected: its access tokens go, the grant stays for a
    /// reconnection.
    pub(crate) async fn disconnect(&self, id: &str) -> Result<()> {
        self.vault.store().set_grant_disconnected(id, true).await?;
        self.cache.remove(id);
        Ok(())
    }

    /// Replace a disconnected grant's tokens after the user reconnected it.
    pub(crate) async fn reconnect(&self, id: &str, tokens: TokenResponse) -> Result<()> {
        let Some(record) = self.vault.store().get_grant(id).await? else {
            return Err(Error::msg("this connection no longer exists"));
        };
        let owner = Owner {
            nickname: record.nickname,
            account_id: record.account_id,
        };
        let stored = StoredTokens::from_response(tokens, None, None);
        self.put(
            id,
            record.client_id.as_deref(),
            &stored,
            owner,
            record.created_at,
        )
        .await
    }

    /// Forget a grant, its tokens and its cached credentials.
    pub async fn delete(&self, id: &str) -> Result<()> {
        self.vault.store().delete_grant(id).await?;
        self.cache.remove(id);
        Ok(())
    }

    /// Revoke a grant at the provider (its refresh token, which ends its access
    /// tokens too at providers that have both; best effort: a provider that does
    /// not answer is logged), then forget it. Says what the provider did.
    pub(crate) async fn revoke_and_delete(&self, id: &str) -> Result<Revocation> {
        let name = self.provider.name().to_owned();
        let revocation = match self.vault.get(id).await {
            Ok(Some((_, plain))) => match serde_json::from_slice::<StoredTokens>(&plain) {
                Ok(tokens) => {
                    let token = tokens
                        .refresh_token
                        .as_deref()
                        .unwrap_or(&tokens.access_token);
                    match self.provider.revoke(token).await {
                        Ok(Revoked::Revoked) => Revocation::AtProvider(name),
                        Ok(Revoked::Unsupported) => Revocation::Unsupported(name),
                        Err(e) => {
                            tracing::warn!("{name} did not confirm the revocation: {e:#}");
                            Revocation::Failed(name, format!("{e:#}"))
                        }
                    }
                }
                Err(e) => Revocation::Failed(name, format!("its tokens do not parse: {e}")),
            },
            Ok(None) => Revocation::Failed(name, "there is no such grant".into()),
            Err(e) => {
                tracing::warn!("reading the tokens to revoke failed: {e:#}");
                Revocation::Failed(name, format!("its tokens could not be read: {e}"))
            }
        };
        self.delete(id).await?;
        Ok(revocation)
    }
}

/// What an `oauth` grant holds, sealed.
#[derive(Serialize, Deserialize)]
struct StoredTokens {
    access_token: String,
    refresh_token: Option<String>,
    token_type: String,
    scope: Option<String>,
    expires_at: Option<Timestamp>,
    /// When the access token was obtained; with `expires_at`, its lifetime.
    /// (Absent in grants stored before it was recorded.)
    #[serde(default)]
    obtained_at: Option<Timestamp>,
}

/// When tokens obtained at `obtained_at` and expiring at `expires_at` are
/// refreshed: `REFRESH_MARGIN` before expiry, or a fifth of their lifetime if
/// that is shorter. `None`: they do not expire.
fn refresh_at(obtained_at: Option<Timestamp>, expires_at: Option<Timestamp>) -> Option<Timestamp> {
    let expires_at = expires_at?;
    let margin = REFRESH_MARGIN.as_secs() as Timestamp;
    let margin = match obtained_at {
        Some(obtained) => margin.min((expires_at - obtained).max(0) / REFRESH_MARGIN_DIVISOR),
        None => margin,
    };
    Some(expires_at - margin)
}

/// Whether tokens must be refreshed `now`. Tokens obtained this very second are
/// used as they are, whatever their lifetime: another call just refreshed them,
/// and asking again would only repeat its work (a provider that answers
/// `expires_in: 0` is not asked once per call).
fn refresh_due(
    obtained_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> bool {
    refresh_at(obtained_at, expires_at).is_some_and(|at| at <= now)
        && obtained_at.is_none_or(|obtained| obtained < now)
}

impl StoredTokens {
    fn from_response(
        tokens: TokenResponse,
        previous_refresh: Option<String>,
        previous_scope: Option<String>,
    ) -> Self {
        Self {
            access_token: tokens.access_token.expose().to_owned(),
            // Providers that do not rotate send no new refresh token: keep the old one.
            refresh_token: tokens
                .refresh_token
                .map(|t| t.expose().to_owned())
                .or(previous_refresh),
            token_type: "Bearer".into(),
            scope: tokens.scope.or(previous_scope),
            expires_at: tokens.expires_in.map(|s| now() + s as Timestamp),
            obtained_at: Some(now()),
        }
    }

    fn needs_refresh(&self) -> bool {
        refresh_due(self.obtained_at, self.expires_at, now())
    }

    fn credentials(&self, nickname: Option<String>) -> OAuthCredentials {
        OAuthCredentials {
            access_token: Secret::new(self.access_token.clone()),
            token_type: self.token_type.clone(),
            scopes: self
                .scope
                .as_deref()
                .map(|s| {
                    s.split([' ', ','])
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            expires_at: self
                .expires_at
                .map(|at| SystemTime::UNIX_EPOCH + Duration::from_secs(at.max(0) as u64)),
            nickname,
        }
    }
}

/// Transient failures (network, 5xx, rate limits) are retried with exponential
/// backoff; a refusal is not.
async fn refresh_with_retry(
    provider: &dyn DynProvider,
    refresh_token: &str,
) -> Result<TokenResponse> {
    let mut delay = Duration::from_millis(100);
    let mut attempt = 1;
    loop {
        match provider.refresh(refresh_token).await {
            Ok(tokens) => return Ok(tokens),
            Err(e) if e.is_transient() && attempt < REFRESH_ATTEMPTS => {
                tracing::warn!(
                    "refreshing the {} token failed (attempt {attempt}): {e}; retrying",
                    provider.name()
                );
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_fits_the_token_lifetime() {
        // (obtained, expires, now, due)
        let cases = [
            // one hour: refreshed 60 s before expiry
            (Some(0), Some(3600), 3539, false),
            (Some(0), Some(3600), 3540, true),
            // five seconds: a fifth of the lifetime (1 s) before expiry
            (Some(100), Some(105), 103, false),
            (Some(100), Some(105), 104, true),
            // two minutes: 24 s before
            (Some(0), Some(120), 95, false),
            (Some(0), Some(120), 96, true),
            // obtained this second: used as it is, even when it lives 0 s
            (Some(50), Some(50), 50, false),
            (Some(50), Some(50), 51, true),
            // never expires
            (Some(0), None, 1_000_000, false),
            // stored before `obtained_at` was kept: the old 60 s margin
            (None, Some(1000), 939, false),
            (None, Some(1000), 940, true),
        ];
        for (obtained, expires, now, due) in cases {
            assert_eq!(
                refresh_due(obtained, expires, now),
                due,
                "obtained {obtained:?}, expires {expires:?}, now {now}"
            );
        }
    }
}
