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
    authz::tokens,
    seal::Sealer,
    store::{GrantRecord, Store, Timestamp, now},
};

/// The id of the one grant of the local (stdio) user.
pub(crate) const LOCAL_GRANT: &str = "local";

const CACHE_CAPACITY: usize = 10_000;
/// Refresh this long before the provider's expiry, so a token never expires mid-call.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
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
    fn get_nickname<'a>(&'a self, access_token: &'a str) -> BoxFuture<'a, Result<String>>;
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
    fn get_nickname<'a>(&'a self, access_token: &'a str) -> BoxFuture<'a, Result<String>> {
        Box::pin(AuthProvider::get_nickname(self, access_token))
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
        }
    }

    fn needs_refresh(&self) -> bool {
        self.expires_at
            .is_some_and(|at| at - (REFRESH_MARGIN.as_secs() as Timestamp) <= now())
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

/// OAuth credentials in the cache, with the expiry that decides a refresh.
struct CachedTokens {
    creds: Arc<OAuthCredentials>,
    refresh_at: Option<Timestamp>,
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
        nickname: Option<String>,
        created_at: Timestamp,
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let record = GrantRecord {
                sealed: self.sealer.seal(plain, &context(id)),
                id: id.to_owned(),
                client_id: client_id.map(str::to_owned),
                nickname,
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
        self.seal_and_store(&id, client_id, &json, nickname, now())
            .await?;
        Ok(id)
    }

    /// Seal the provider's tokens into a new grant (or replace grant `id`).
    pub async fn create_oauth(
        &self,
        client_id: Option<&str>,
        id: Option<&str>,
        tokens: TokenResponse,
        nickname: Option<String>,
    ) -> Result<String> {
        let id = id.map_or_else(tokens::random, str::to_owned);
        let stored = StoredTokens::from_response(tokens, None, None);
        let json = Zeroizing::new(serde_json::to_vec(&stored)?);
        self.seal_and_store(&id, client_id, &json, nickname, now())
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
                record.nickname.clone(),
                record.created_at,
            )
            .await?;
        }
        store_lock.release().await?;
        let creds = Arc::new(stored.credentials(record.nickname.clone()));
        let cached: Arc<dyn Any + Send + Sync> = Arc::new(CachedTokens {
            creds: creds.clone(),
            refresh_at: stored
                .expires_at
                .map(|at| at - REFRESH_MARGIN.as_secs() as Timestamp),
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
        match cached.refresh_at {
            Some(at) if at <= now() => None,
            _ => Some(cached.creds.clone()),
        }
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
            record.nickname,
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
