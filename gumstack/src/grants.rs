//! Grants: what one user connected with, sealed in the store. In `cred` mode, the
//! values they entered; in `oauth` mode, the provider's tokens. `creds()` reads
//! them through a bounded cache so the hot path neither queries the store nor
//! decrypts; OAuth tokens about to expire are refreshed once per grant however
//! many calls race (single-flight), and the new tokens are stored before use.

use std::{
    any::Any,
    collections::{BTreeMap, HashMap},
    sync::Arc,
    time::{Duration, SystemTime},
};

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::{
    AuthProvider, CredentialField, Credentials, Error, ErrorKind, OAuthCredentials, Result,
    Revoked, Secret, TokenResponse,
    auth::Account,
    authz::tokens,
    seal::Sealer,
    store::{GrantRecord, Store, Timestamp, now},
};

/// The id of the one grant of the local (stdio) user.
pub(crate) const LOCAL_GRANT: &str = "local";

const CACHE_CAPACITY: usize = 10_000;
/// Refresh at most this long before the provider's expiry, so a token never
/// expires mid-call...
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// ...and at most this fraction of the token's lifetime before it: a token that
/// lives 5 s is used for 4 s, not refreshed on every call.
const REFRESH_MARGIN_DIVISOR: Timestamp = 5;
const REFRESH_ATTEMPTS: u32 = 4;

type Check =
    dyn Fn(&BTreeMap<String, String>) -> BoxFuture<'static, crate::authz::FormErrors> + Send + Sync;

/// `AuthProvider` with boxed futures, so the host can hold any provider.
pub(crate) trait DynProvider: Send + Sync {
    fn name(&self) -> &str;
    fn get_url(&self, redirect_uri: &str, state: &str) -> String;
    fn exchange<'a>(
        &'a self,
        code: &'a str,
        redirect_uri: &'a str,
    ) -> BoxFuture<'a, Result<TokenResponse>>;
    fn refresh<'a>(&'a self, refresh_token: &'a str) -> BoxFuture<'a, Result<TokenResponse>>;
    fn get_account<'a>(&'a self, access_token: &'a str) -> BoxFuture<'a, Result<Account>>;
    fn revoke<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Revoked>>;
}

impl<P: AuthProvider> DynProvider for P {
    fn name(&self) -> &str {
        AuthProvider::name(self)
    }
    fn get_url(&self, redirect_uri: &str, state: &str) -> String {
        AuthProvider::get_url(self, redirect_uri, state)
    }
    fn exchange<'a>(
        &'a self,
        code: &'a str,
        redirect_uri: &'a str,
    ) -> BoxFuture<'a, Result<TokenResponse>> {
        Box::pin(AuthProvider::exchange(self, code, redirect_uri))
    }
    fn refresh<'a>(&'a self, refresh_token: &'a str) -> BoxFuture<'a, Result<TokenResponse>> {
        Box::pin(AuthProvider::refresh(self, refresh_token))
    }
    fn get_account<'a>(&'a self, access_token: &'a str) -> BoxFuture<'a, Result<Account>> {
        Box::pin(AuthProvider::get_account(self, access_token))
    }
    fn revoke<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<Revoked>> {
        Box::pin(AuthProvider::revoke(self, token))
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

enum Mode {
    Cred {
        fields: &'static [CredentialField],
        parse: fn(&BTreeMap<String, String>) -> crate::authz::FormErrors,
        check: Box<Check>,
    },
    OAuth {
        provider: Arc<dyn DynProvider>,
        /// One refresh at a time per grant.
        refreshing: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    },
}

pub struct Grants {
    store: Arc<dyn Store>,
    sealer: Sealer,
    mode: Mode,
    cache: quick_cache::sync::Cache<String, Arc<dyn Any + Send + Sync>>,
}

/// OAuth credentials in the cache, with the times that decide a refresh.
struct CachedTokens {
    creds: Arc<OAuthCredentials>,
    obtained_at: Option<Timestamp>,
    expires_at: Option<Timestamp>,
}

impl Grants {
    fn with_mode(store: Arc<dyn Store>, sealer: Sealer, mode: Mode) -> Self {
        Self {
            store,
            sealer,
            mode,
            cache: quick_cache::sync::Cache::new(CACHE_CAPACITY),
        }
    }

    /// Grants of credentials type `C` (`cred` mode).
    pub fn new<C: Credentials>(store: Arc<dyn Store>, sealer: Sealer) -> Self {
        let check: Box<Check> = Box::new(|values| {
            let values = values.clone();
            Box::pin(async move { check::<C>(&values).await })
        });
        Self::with_mode(
            store,
            sealer,
            Mode::Cred {
                fields: C::FIELDS,
                parse: parse_errors::<C>,
                check,
            },
        )
    }

    /// Grants of provider `P` (`oauth` mode).
    pub fn oauth<P: AuthProvider>(store: Arc<dyn Store>, sealer: Sealer, provider: P) -> Self {
        Self::with_mode(
            store,
            sealer,
            Mode::OAuth {
                provider: Arc::new(provider),
                refreshing: std::sync::Mutex::new(HashMap::new()),
            },
        )
    }

    /// The form fields (`cred` mode); none in `oauth` mode.
    pub fn fields(&self) -> &'static [CredentialField] {
        match &self.mode {
            Mode::Cred { fields, .. } => fields,
            Mode::OAuth { .. } => &[],
        }
    }

    pub(crate) fn provider(&self) -> Option<&Arc<dyn DynProvider>> {
        match &self.mode {
            Mode::OAuth { provider, .. } => Some(provider),
            Mode::Cred { .. } => None,
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// What is wrong with the submitted values, without the `validate` hook.
    pub fn parse_errors(&self, values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
        match &self.mode {
            Mode::Cred { parse, .. } => parse(values),
            Mode::OAuth { .. } => crate::authz::FormErrors::default(),
        }
    }

    /// What seals grants (and the provider-leg PKCE verifiers of pending requests).
    pub(crate) fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// Parse the submitted values and run the type's `validate` hook.
    pub async fn check(&self, values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
        match &self.mode {
            Mode::Cred { check, .. } => check(values).await,
            Mode::OAuth { .. } => crate::authz::FormErrors::default(),
        }
    }

    fn seal_and_store<'a>(
        &'a self,
        id: &'a str,
        client_id: Option<&'a str>,
        plain: &'a [u8],
        account: (Option<String>, Option<String>),
        created_at: Timestamp,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let (nickname, account_id) = account;
            let record = GrantRecord {
                sealed: self.sealer.seal(plain, &context(id)),
                id: id.to_owned(),
                client_id: client_id.map(str::to_owned),
                nickname,
                account_id,
                created_at,
                updated_at: now(),
                disconnected: false,
            };
            self.store.put_grant(&record).await?;
            self.cache.remove(id);
            Ok(())
        })
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
        self.seal_and_store(&id, client_id, &json, (nickname, None), now())
            .await?;
        Ok(id)
    }

    /// Seal the provider's tokens into a new grant (or replace grant `id`), for
    /// `account` (`None` when the provider could not say who signed in).
    pub async fn create_oauth(
        &self,
        client_id: Option<&str>,
        id: Option<&str>,
        tokens: TokenResponse,
        account: Option<Account>,
    ) -> Result<String> {
        let id = id.map_or_else(tokens::random, str::to_owned);
        let stored = StoredTokens::from_response(tokens, None, None);
        let json = Zeroizing::new(serde_json::to_vec(&stored)?);
        let account = account.map_or((None, None), |a| (Some(a.nickname), a.id));
        self.seal_and_store(&id, client_id, &json, account, now())
            .await?;
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
            Error::new(
                ErrorKind::Credentials,
                format!("the stored credentials no longer fit this server's fields ({e}); reconnect to enter them again"),
            )
        })?);
        self.cache.insert(id.to_owned(), creds.clone());
        Ok(Some(creds))
    }

    /// The OAuth credentials of grant `id`, refreshed first when they are about to
    /// expire; `None` when there is no such grant.
    pub async fn load_oauth(&self, id: &str) -> Result<Option<Arc<OAuthCredentials>>> {
        if let Some(creds) = self.cached_fresh(id) {
            return Ok(Some(creds));
        }
        let Mode::OAuth {
            provider,
            refreshing,
        } = &self.mode
        else {
            return Err(Error::config("this server does not use OAuth"));
        };
        // Single-flight: one task refreshes, the others wait and reuse its result.
        let lock = refreshing
            .lock()
            .expect("refresh locks")
            .entry(id.to_owned())
            .or_default()
            .clone();
        let _guard = lock.lock().await;
        if let Some(creds) = self.cached_fresh(id) {
            return Ok(Some(creds));
        }
        // Across replicas: the store's lock. Whoever held it before us has stored
        // fresh tokens, which the read below sees; dropping it on an early return
        // releases it.
        let store_lock = self.store.lock_grant(id).await?;
        let Some(record) = self.store.get_grant(id).await? else {
            return Ok(None);
        };
        if record.disconnected {
            return Err(Error::revoked(format!(
                "the {} account of this connection must be connected again",
                provider.name()
            )));
        }
        let plain = self.sealer.open(&record.sealed, &context(id))?;
        let mut stored: StoredTokens = serde_json::from_slice(&plain)?;
        if stored.needs_refresh() {
            let Some(refresh_token) = stored.refresh_token.clone() else {
                self.disconnect(id).await?;
                return Err(Error::revoked(format!(
                    "the {} access token expired and the provider gave no refresh token",
                    provider.name()
                )));
            };
            let fresh = match refresh_with_retry(provider.as_ref(), &refresh_token).await {
                Ok(fresh) => fresh,
                Err(e) if e.kind() == ErrorKind::Revoked => {
                    // The provider refused the grant for good: the connection
                    // waits to be reconnected, and the client's next request
                    // gets 401 (its refresh token works again once reconnected).
                    tracing::info!(
                        grant = id,
                        "{} refused the refresh token; grant disconnected",
                        provider.name()
                    );
                    self.disconnect(id).await?;
                    return Err(e);
                }
                Err(e) => return Err(e),
            };
            stored = StoredTokens::from_response(fresh, stored.refresh_token, stored.scope);
            // The rotated refresh token is stored before the new access token is used.
            let json = Zeroizing::new(serde_json::to_vec(&stored)?);
            self.seal_and_store(
                id,
                record.client_id.as_deref(),
                &json,
                (record.nickname.clone(), record.account_id.clone()),
                record.created_at,
            )
            .await?;
        }
        store_lock.release().await?;
        let creds = Arc::new(stored.credentials(record.nickname.clone()));
        let cached: Arc<dyn Any + Send + Sync> = Arc::new(CachedTokens {
            creds: creds.clone(),
            obtained_at: stored.obtained_at,
            expires_at: stored.expires_at,
        });
        self.cache.insert(id.to_owned(), cached);
        drop(_guard);
        refreshing
            .lock()
            .expect("refresh locks")
            .retain(|_, l| Arc::strong_count(l) > 1);
        Ok(Some(creds))
    }

    fn cached_fresh(&self, id: &str) -> Option<Arc<OAuthCredentials>> {
        let hit = self.cache.get(id)?;
        let cached = hit.downcast_ref::<CachedTokens>()?;
        (!refresh_due(cached.obtained_at, cached.expires_at, now())).then(|| cached.creds.clone())
    }

    /// Mark a grant disconnected: its access tokens go, the grant stays for a
    /// reconnection.
    pub(crate) async fn disconnect(&self, id: &str) -> Result<()> {
        self.store.set_grant_disconnected(id, true).await?;
        self.cache.remove(id);
        Ok(())
    }

    /// Replace a disconnected grant's tokens after the user reconnected it.
    pub(crate) async fn reconnect(&self, id: &str, tokens: TokenResponse) -> Result<()> {
        let Some(record) = self.store.get_grant(id).await? else {
            return Err(Error::msg("this connection no longer exists"));
        };
        let stored = StoredTokens::from_response(tokens, None, None);
        let json = Zeroizing::new(serde_json::to_vec(&stored)?);
        self.seal_and_store(
            id,
            record.client_id.as_deref(),
            &json,
            (record.nickname, record.account_id),
            record.created_at,
        )
        .await
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

fn context(grant_id: &str) -> String {
    format!("grant:{grant_id}")
}

fn field_errors(e: crate::CredentialsError) -> crate::authz::FormErrors {
    let mut errors = crate::authz::FormErrors::default();
    for f in e.fields {
        let message = match f.invalid {
            None => format!("{} is required", f.field.label),
            Some(why) => format!("{}: {why}", f.field.label),
        };
        errors.fields.insert(f.field.name, message);
    }
    errors
}

fn parse_errors<C: Credentials>(values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
    C::from_map(values)
        .err()
        .map(field_errors)
        .unwrap_or_default()
}

async fn check<C: Credentials>(values: &BTreeMap<String, String>) -> crate::authz::FormErrors {
    match C::from_map(values) {
        Err(e) => field_errors(e),
        Ok(creds) => crate::authz::FormErrors {
            form: creds.validate().await.err(),
            ..Default::default()
        },
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
