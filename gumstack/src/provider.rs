//! The OAuth provider contract: what `auth = oauth(P)` needs of `P` (the
//! methods of the Python product's `AuthProvider`), what it returns, and what
//! `creds()` gives a tool. Ready-made providers are in [`crate::providers`].

use std::time::SystemTime;

use futures::future::BoxFuture;

use crate::{Result, Secret};

/// Tokens returned by a provider's token endpoint.
#[derive(Debug, Clone)]
pub struct TokenResponse {
    /// The access token sent to the provider's API.
    pub access_token: Secret,
    /// Used to get a new access token; `None` when the provider issues none.
    pub refresh_token: Option<Secret>,
    /// Seconds until the access token expires; `None` when it does not say.
    pub expires_in: Option<u64>,
    /// Granted scopes, space- or comma-separated as the provider writes them.
    pub scope: Option<String>,
}

impl TokenResponse {
    /// A response holding only an access token.
    pub fn new(access_token: impl Into<Secret>) -> Self {
        Self {
            access_token: access_token.into(),
            refresh_token: None,
            expires_in: None,
            scope: None,
        }
    }
}

/// A provider account, as [`AuthProvider::get_account`] describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// A stable identifier of the account at the provider (its subject); `None`
    /// when the provider does not say.
    pub id: Option<String>,
    /// A display name (an email, a login).
    pub nickname: String,
}

/// Whether [`AuthProvider::revoke`] did anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// The provider revoked the token.
    Revoked,
    /// The provider has no revocation endpoint; the grant is only forgotten locally.
    Unsupported,
}

/// How to authenticate with a third-party service over OAuth: the methods of the
/// Python product's `AuthProvider` (`get_url`, `exchange`, `refresh`,
/// `get_nickname`), plus `from_env`, and the optional `get_account` and `revoke`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an OAuth provider",
    label = "`{Self}` does not implement `AuthProvider`",
    note = "`auth = oauth(P)` needs `impl gumstack::AuthProvider for P` (from_env, name, get_url, exchange, refresh, get_nickname), or a ready-made provider from `gumstack::providers`"
)]
pub trait AuthProvider: Sized + Send + Sync + 'static {
    /// Build the provider when the host starts (read client id and secret from
    /// env here), so a missing setting stops start-up with a clear message.
    fn from_env() -> Result<Self>;

    /// Short name of the service, e.g. `"linear"`.
    fn name(&self) -> &str;

    /// The provider's authorization URL for this `redirect_uri` and `state`.
    /// Providers that support PKCE add [`Pkce::current`]'s challenge here and
    /// send its verifier in `exchange`.
    fn get_url(&self, redirect_uri: &str, state: &str) -> String;

    /// Exchange an authorization code for tokens.
    fn exchange(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> impl Future<Output = Result<TokenResponse>> + Send;

    /// Get a new access token with a refresh token.
    fn refresh(&self, refresh_token: &str) -> impl Future<Output = Result<TokenResponse>> + Send;

    /// A display name for the connected account (an email, a login).
    fn get_nickname(&self, access_token: &str) -> impl Future<Output = Result<String>> + Send;

    /// Who the connected account is: a stable id (the provider's subject, e.g.
    /// userinfo `sub` or `id`) and its display name.
    ///
    /// The id decides whether a disconnected grant may be reconnected: the host
    /// stores the new tokens in the old grant only when the account that signed in
    /// has the same id, and refuses when either id is unknown. The default asks
    /// [`get_nickname`](AuthProvider::get_nickname) and knows no id, so a refused
    /// grant is then always replaced by a fresh authorization.
    fn get_account(&self, access_token: &str) -> impl Future<Output = Result<Account>> + Send {
        async move {
            Ok(Account {
                id: None,
                nickname: self.get_nickname(access_token).await?,
            })
        }
    }

    /// Revoke a token at the provider. Optional: the default does nothing.
    fn revoke(&self, token: &str) -> impl Future<Output = Result<Revoked>> + Send {
        let _ = token;
        async { Ok(Revoked::Unsupported) }
    }

    /// What [`from_env`](AuthProvider::from_env) would read, without building
    /// the provider: its name, the scopes it asks for and the env vars it
    /// reads, for a `config` command and start-up checks.
    ///
    /// It reads no env var, except the one that sets the scopes (the presets'
    /// `<NAME>_SCOPES`), so that `scopes` are the ones actually asked for. The
    /// default is the type's short name, no scopes and no env vars; a provider
    /// that reads settings should say which:
    ///
    /// ```
    /// use gumstack::auth::{EnvSetting, ProviderDescription};
    /// # use gumstack::{AuthProvider, Result, TokenResponse};
    /// # struct Acme;
    /// # impl AuthProvider for Acme {
    /// #     fn from_env() -> Result<Self> { Ok(Acme) }
    /// #     fn name(&self) -> &str { "acme" }
    /// #     fn get_url(&self, _: &str, _: &str) -> String { String::new() }
    /// #     async fn exchange(&self, _: &str, _: &str) -> Result<TokenResponse> { unimplemented!() }
    /// #     async fn refresh(&self, _: &str) -> Result<TokenResponse> { unimplemented!() }
    /// #     async fn get_nickname(&self, _: &str) -> Result<String> { unimplemented!() }
    /// fn describe() -> ProviderDescription {
    ///     ProviderDescription::new("acme")
    ///         .with_scopes(["read"])
    ///         .with_env([
    ///             EnvSetting::required("ACME_CLIENT_ID", "client id of the OAuth app at Acme"),
    ///             EnvSetting::optional("ACME_REGION", "`eu` or `us` (default `us`)"),
    ///         ])
    /// }
    /// # }
    /// ```
    fn describe() -> ProviderDescription
    where
        Self: Sized,
    {
        ProviderDescription::new(short_type_name(std::any::type_name::<Self>()))
    }
}

/// A provider as [`AuthProvider::describe`] tells it to an operator.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderDescription {
    /// Short name of the service, e.g. `"github"`.
    pub name: String,
    /// The scopes asked for at authorization, as `from_env` would set them now.
    pub scopes: Vec<String>,
    /// The env vars `from_env` reads.
    pub env: Vec<EnvSetting>,
}

impl ProviderDescription {
    /// A provider named `name` that asks for no scopes and reads no env var.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            scopes: Vec::new(),
            env: Vec::new(),
        }
    }

    /// With these scopes.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// With these env vars.
    pub fn with_env(mut self, env: impl IntoIterator<Item = EnvSetting>) -> Self {
        self.env = env.into_iter().collect();
        self
    }
}

/// An env var a provider reads in [`AuthProvider::from_env`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvSetting {
    /// Its name, e.g. `GITHUB_CLIENT_ID`.
    pub name: &'static str,
    /// Whether `from_env` fails without it.
    pub required: bool,
    /// What it holds, for a person.
    pub description: &'static str,
}

impl EnvSetting {
    /// A setting `from_env` cannot do without.
    pub const fn required(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            required: true,
            description,
        }
    }

    /// A setting with a default.
    pub const fn optional(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            required: false,
            description,
        }
    }
}

/// `a::b::Name<c::D>` -> `Name`.
fn short_type_name(full: &str) -> &str {
    let path = full.split('<').next().unwrap_or(full);
    path.rsplit("::").next().unwrap_or(path)
}

/// What `creds().await` returns on an `oauth` server: the calling user's tokens.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct OAuthCredentials {
    /// The access token to send to the provider.
    pub access_token: Secret,
    /// Usually `"Bearer"`.
    pub token_type: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// When the access token expires, if the provider said.
    pub expires_at: Option<SystemTime>,
    /// The connected account's display name.
    pub nickname: Option<String>,
}

impl OAuthCredentials {
    /// Credentials holding only an access token.
    pub fn bearer(access_token: impl Into<Secret>) -> Self {
        Self {
            access_token: access_token.into(),
            token_type: "Bearer".into(),
            scopes: Vec::new(),
            expires_at: None,
            nickname: None,
        }
    }
}

/// The PKCE pair of the upstream authorization in progress (RFC 7636, S256).
///
/// `get_url(redirect_uri, state)` and `exchange(code, redirect_uri)`, as the
/// Python product defines them, have no room for a verifier, so the host makes one per
/// authorization, keeps it with the pending request, and lends it to the provider
/// while it runs `get_url` and `exchange`.
#[derive(Clone)]
pub struct Pkce {
    /// `code_challenge` (with `code_challenge_method=S256`) for the authorization URL.
    pub challenge: String,
    /// `code_verifier` for the token request.
    pub verifier: String,
}

/// The verifier is a secret until the code is exchanged: never printed.
impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .field("verifier", &"[REDACTED]")
            .finish()
    }
}

tokio::task_local! {
    static PKCE: Pkce;
}

impl Pkce {
    /// A fresh pair.
    pub fn generate() -> Self {
        let verifier = crate::crypto::random();
        Self {
            challenge: crate::crypto::pkce_challenge(&verifier),
            verifier,
        }
    }

    /// The pair of the current `get_url` or `exchange` call, if the host set one.
    pub fn current() -> Option<Pkce> {
        PKCE.try_with(Clone::clone).ok()
    }

    /// Run `f` with this pair as [`Pkce::current`].
    pub(crate) async fn scope<F: Future>(self, f: F) -> F::Output {
        PKCE.scope(self, f).await
    }

    /// Run a sync `f` with this pair as [`Pkce::current`].
    pub(crate) fn sync_scope<R>(self, f: impl FnOnce() -> R) -> R {
        PKCE.sync_scope(self, f)
    }
}

tokio::task_local! {
    static EXTRA_SCOPES: Vec<String>;
}

/// The scopes the host asks for in the current `get_url` call on top of the
/// provider's own: those of a step-up (a tool needs more than the connection
/// has). A provider that builds its own authorization URL adds them to its
/// `scope` parameter; [`OAuth2Provider`](crate::providers::OAuth2Provider)
/// and the presets do.
pub fn extra_scopes() -> Vec<String> {
    EXTRA_SCOPES.try_with(Clone::clone).unwrap_or_default()
}

/// Run `f` (a `get_url` call) with `scopes` as [`extra_scopes`].
pub(crate) fn with_extra_scopes<R>(scopes: Vec<String>, f: impl FnOnce() -> R) -> R {
    EXTRA_SCOPES.sync_scope(scopes, f)
}

/// [`AuthProvider`] with boxed futures, so the host can hold any provider.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A provider that keeps the default `describe`.
    struct Acme;

    impl AuthProvider for Acme {
        fn from_env() -> Result<Self> {
            Ok(Acme)
        }
        fn name(&self) -> &str {
            "acme"
        }
        fn get_url(&self, _: &str, _: &str) -> String {
            String::new()
        }
        async fn exchange(&self, _: &str, _: &str) -> Result<TokenResponse> {
            Ok(TokenResponse::new("t"))
        }
        async fn refresh(&self, _: &str) -> Result<TokenResponse> {
            Ok(TokenResponse::new("t"))
        }
        async fn get_nickname(&self, _: &str) -> Result<String> {
            Ok("a".into())
        }
    }

    #[test]
    fn the_default_description_is_the_short_type_name_and_nothing_else() {
        assert_eq!(Acme::describe(), ProviderDescription::new("Acme"));
        assert!(Acme::describe().scopes.is_empty() && Acme::describe().env.is_empty());
    }

    #[test]
    fn short_type_names_drop_the_path_and_generics() {
        let cases = [
            ("Acme", "Acme"),
            ("my_crate::auth::Acme", "Acme"),
            (
                "gumstack::providers::GitHubProvider<my::Scopes>",
                "GitHubProvider",
            ),
        ];
        for (full, short) in cases {
            assert_eq!(short_type_name(full), short, "{full}");
        }
    }

    #[test]
    fn pkce_debug_hides_the_verifier() {
        let pkce = Pkce::generate();
        let printed = format!("{pkce:?}");
        assert!(!printed.contains(&pkce.verifier), "{printed}");
        assert!(printed.contains(&pkce.challenge), "{printed}");
    }
}
