//! Ready-made OAuth providers: a standards-based [`OAuth2Provider`] configured
//! with endpoints, and presets built on it for Linear, GitHub, Slack and Google.
//!
//! A preset reads its OAuth app from `<NAME>_CLIENT_ID` and
//! `<NAME>_CLIENT_SECRET` (a missing one stops start-up, all of them named in
//! one error), and asks for the scopes its documentation lists. Other scopes
//! come from the operator, as `<NAME>_SCOPES` (space- or comma-separated, e.g.
//! `GITHUB_SCOPES="repo read:user"`), or from the server's code, as a type
//! parameter: the host builds the provider with
//! [`AuthProvider::from_env`], so the scopes a server's tools need are part of
//! the type named in `auth = oauth(...)`. `<NAME>_SCOPES`, when set, wins.
//!
//! ```no_run
//! use gumstack::prelude::*;
//! use gumstack::providers::{GitHubProvider, Scopes};
//!
//! /// What the tools below need: `create_issue` writes to repositories.
//! struct IssueScopes;
//!
//! impl Scopes for IssueScopes {
//!     const SCOPES: &'static [&'static str] = &["repo", "read:user"];
//! }
//!
//! struct GitHub;
//!
//! #[gumstack::server(auth = oauth(GitHubProvider<IssueScopes>))]
//! impl GitHub {
//!     /// Who am I?
//!     #[tool(read_only)]
//!     async fn whoami(&self) -> gumstack::Result<String> {
//!         Ok(self.creds().await?.nickname.clone().unwrap_or_default())
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> gumstack::Result<()> {
//!     GitHub.run().await
//! }
//! ```
//!
//! Code that builds a provider itself (a test, a provider of your own that
//! wraps a preset) sets scopes with the builder instead:
//!
//! ```no_run
//! use gumstack::{AuthProvider, providers::GitHubProvider};
//!
//! # fn main() -> gumstack::Result<()> {
//! let github = GitHubProvider::from_env()?.with_scopes(["repo", "read:user"]);
//! assert_eq!(github.scopes(), ["repo", "read:user"]);
//! # Ok(())
//! # }
//! ```

mod scopes;

use std::{collections::HashMap, marker::PhantomData, time::Duration};

use serde_json::Value;

pub use scopes::{GitHubScope, GoogleScope, LinearScope, SlackScope};

use crate::{
    AuthProvider, Error, Result, Revoked, Secret, TokenResponse,
    provider::{Account, EnvSetting, Pkce, ProviderDescription, extra_scopes},
    scopes::{DefinesScopes, ScopeSet},
};

const HTTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An OAuth 2.0 provider described by its endpoints.
#[derive(Debug, Clone)]
pub struct OAuth2Provider {
    /// Short name of the service, shown to users (`"github"`).
    pub name: String,
    /// The authorization endpoint the user is sent to.
    pub authorize_url: String,
    /// The token endpoint codes and refresh tokens are exchanged at.
    pub token_url: String,
    /// Answers the access token's owner as JSON; the nickname is read from it.
    pub userinfo_url: Option<String>,
    /// RFC 7009 revocation endpoint, if the provider has one.
    pub revoke_url: Option<String>,
    /// This server's client id at the provider.
    pub client_id: String,
    /// Its client secret (sent in the token request's form).
    pub client_secret: Option<Secret>,
    /// The scopes asked for at authorization.
    pub scopes: Vec<String>,
    /// `" "` for most providers; `","` for Linear.
    pub scope_separator: &'static str,
    /// Send a PKCE challenge (S256) to the provider.
    pub pkce: bool,
    /// Userinfo fields tried in order for the nickname (e.g. `email`, `login`).
    pub nickname_fields: Vec<String>,
    /// Userinfo fields tried in order for the account's stable id (`sub`, `id`):
    /// a reconnection is accepted only for the same id.
    pub account_id_fields: Vec<String>,
    /// Ask `userinfo_url` with this GraphQL query (a POST) instead of a GET, and
    /// read the account from the object at this JSON pointer of the answer
    /// (Linear: `{ viewer { id name email } }` at `/data/viewer`).
    pub userinfo_graphql: Option<(String, String)>,
    /// Extra query parameters of the authorization URL.
    pub extra_authorize_params: Vec<(String, String)>,
    http: reqwest::Client,
}

/// Where settings are read from: the process's env vars, or a table in tests.
type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// An env var, blank counting as unset.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Scopes as an operator writes them: space- or comma-separated.
fn parse_scopes(value: &str) -> Vec<String> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The scopes of setting `name` if it holds any, else `default`.
fn scopes_from(lookup: Lookup, name: &str, default: &[&str]) -> Vec<String> {
    lookup(name)
        .map(|value| parse_scopes(&value))
        .filter(|scopes| !scopes.is_empty())
        .unwrap_or_else(|| default.iter().map(|s| (*s).to_owned()).collect())
}

/// The values of `settings`, or one error naming every required one that is
/// missing, so an operator fixes them all at once.
fn read_settings(
    provider: &str,
    settings: &[EnvSetting],
    lookup: Lookup,
) -> Result<HashMap<&'static str, String>> {
    let mut values = HashMap::new();
    let mut missing = Vec::new();
    for setting in settings {
        match lookup(setting.name) {
            Some(value) => {
                values.insert(setting.name, value);
            }
            None if setting.required => missing.push(setting),
            None => {}
        }
    }
    if missing.is_empty() {
        return Ok(values);
    }
    let names: Vec<&str> = missing.iter().map(|s| s.name).collect();
    let (names, verb, them) = match names.as_slice() {
        [one] => ((*one).to_owned(), "is", "it"),
        [init @ .., last] => (format!("{} and {last}", init.join(", ")), "are", "them"),
        [] => unreachable!("some setting is missing"),
    };
    let what: Vec<String> = missing
        .iter()
        .map(|s| format!("{}: {}", s.name, s.description))
        .collect();
    Err(Error::config(format!(
        "{names} {verb} not set: the {provider} OAuth provider needs {them} ({})",
        what.join("; ")
    )))
}

/// The settings `OAuth2Provider::from_env_vars` reads.
const OAUTH2_SETTINGS: [EnvSetting; 8] = [
    EnvSetting::required(
        "OAUTH_AUTHORIZE_URL",
        "the provider's authorization endpoint",
    ),
    EnvSetting::required("OAUTH_TOKEN_URL", "the provider's token endpoint"),
    EnvSetting::required("OAUTH_CLIENT_ID", "client id of the OAuth app"),
    EnvSetting::optional("OAUTH_CLIENT_SECRET", "its client secret"),
    EnvSetting::optional(
        "OAUTH_USERINFO_URL",
        "answers who the token's owner is (the account's id and nickname)",
    ),
    EnvSetting::optional("OAUTH_REVOKE_URL", "RFC 7009 revocation endpoint"),
    EnvSetting::optional(
        "OAUTH_SCOPES",
        "scopes to ask for, space- or comma-separated (default: none)",
    ),
    EnvSetting::optional(
        "OAUTH_NAME",
        "short name of the service shown to users (default `oauth2`)",
    ),
];

impl OAuth2Provider {
    /// A provider with the usual defaults: space-separated scopes, PKCE on, the
    /// nickname from `email`, `login`, `preferred_username` or `name`.
    pub fn new(
        name: impl Into<String>,
        authorize_url: impl Into<String>,
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Option<Secret>,
    ) -> Self {
        Self {
            name: name.into(),
            authorize_url: authorize_url.into(),
            token_url: token_url.into(),
            userinfo_url: None,
            revoke_url: None,
            client_id: client_id.into(),
            client_secret,
            scopes: Vec::new(),
            scope_separator: " ",
            pkce: true,
            nickname_fields: ["email", "login", "preferred_username", "name"]
                .map(String::from)
                .to_vec(),
            account_id_fields: ["sub", "id", "user_id"].map(String::from).to_vec(),
            userinfo_graphql: None,
            extra_authorize_params: Vec::new(),
            http: reqwest::Client::builder()
                .timeout(HTTP_TIMEOUT)
                .build()
                .expect("an HTTP client with a timeout builds"),
        }
    }

    /// Everything from env: `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL` and
    /// `OAUTH_CLIENT_ID` (required; every missing one is named in one error),
    /// `OAUTH_CLIENT_SECRET`, `OAUTH_USERINFO_URL`, `OAUTH_REVOKE_URL`,
    /// `OAUTH_SCOPES` (space- or comma-separated; none by default) and
    /// `OAUTH_NAME` (default `oauth2`).
    pub fn from_env_vars() -> Result<Self> {
        Self::from_lookup(&env_var)
    }

    fn from_lookup(lookup: Lookup) -> Result<Self> {
        let mut values = read_settings("oauth2", &OAUTH2_SETTINGS, lookup)?;
        let mut take = |name| values.remove(name);
        let mut provider = Self::new(
            take("OAUTH_NAME").unwrap_or_else(|| "oauth2".into()),
            take("OAUTH_AUTHORIZE_URL").unwrap_or_default(),
            take("OAUTH_TOKEN_URL").unwrap_or_default(),
            take("OAUTH_CLIENT_ID").unwrap_or_default(),
            take("OAUTH_CLIENT_SECRET").map(Secret::new),
        );
        provider.userinfo_url = take("OAUTH_USERINFO_URL");
        provider.revoke_url = take("OAUTH_REVOKE_URL");
        provider.scopes = scopes_from(lookup, "OAUTH_SCOPES", &[]);
        Ok(provider)
    }

    fn describe_with(lookup: Lookup) -> ProviderDescription {
        ProviderDescription::new("oauth2")
            .with_scopes(scopes_from(lookup, "OAUTH_SCOPES", &[]))
            .with_env(OAUTH2_SETTINGS)
    }

    /// The same provider asking for `scopes` instead.
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    fn client_form(&self) -> Vec<(&'static str, String)> {
        let mut form = vec![("client_id", self.client_id.clone())];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose().to_owned()));
        }
        form
    }

    async fn token_request(&self, mut form: Vec<(&'static str, String)>) -> Result<TokenResponse> {
        form.extend(self.client_form());
        let response = self
            .http
            .post(&self.token_url)
            .header("Accept", "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| {
                Error::unavailable(format!("{} token endpoint unreachable: {e}", self.name))
            })?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        // Some providers (GitHub) answer errors with 200 and an `error` field.
        if let Some(error) = body["error"].as_str() {
            let description = body["error_description"].as_str().unwrap_or_default();
            let message = format!(
                "{} refused the token request: {error} {description}",
                self.name
            );
            return Err(match error {
                "invalid_grant"
                | "bad_refresh_token"
                | "bad_verification_code"
                | "token_revoked" => Error::revoked(message),
                "temporarily_unavailable" | "slow_down" => Error::unavailable(message),
                _ => Error::msg(message),
            });
        }
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(Error::unavailable(format!(
                "{} token endpoint answered {status}",
                self.name
            )));
        }
        let Some(access_token) = body["access_token"].as_str() else {
            return Err(Error::msg(format!(
                "{} token endpoint answered {status} without an access_token",
                self.name
            )));
        };
        let mut tokens = TokenResponse::new(access_token);
        tokens.refresh_token = body["refresh_token"].as_str().map(Secret::from);
        tokens.expires_in = body["expires_in"]
            .as_u64()
            .or_else(|| body["expires_in"].as_str().and_then(|s| s.parse().ok()));
        tokens.scope = body["scope"].as_str().map(str::to_owned);
        Ok(tokens)
    }
}

impl AuthProvider for OAuth2Provider {
    fn from_env() -> Result<Self> {
        Self::from_env_vars()
    }

    /// Named `oauth2` (`OAUTH_NAME` renames it when it is built; not read here),
    /// with the scopes of `OAUTH_SCOPES`.
    fn describe() -> ProviderDescription {
        Self::describe_with(&env_var)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn get_url(&self, redirect_uri: &str, state: &str) -> String {
        let mut params: Vec<(String, String)> = vec![
            ("response_type".into(), "code".into()),
            ("client_id".into(), self.client_id.clone()),
            ("redirect_uri".into(), redirect_uri.into()),
            ("state".into(), state.into()),
        ];
        // Its own scopes, and those a step-up asks for on top.
        let mut scopes = self.scopes.clone();
        for extra in extra_scopes() {
            if !scopes.contains(&extra) {
                scopes.push(extra);
            }
        }
        if !scopes.is_empty() {
            params.push(("scope".into(), scopes.join(self.scope_separator)));
        }
        if self.pkce
            && let Some(pkce) = Pkce::current()
        {
            params.push(("code_challenge".into(), pkce.challenge));
            params.push(("code_challenge_method".into(), "S256".into()));
        }
        params.extend(self.extra_authorize_params.iter().cloned());
        match url::Url::parse_with_params(&self.authorize_url, &params) {
            Ok(url) => url.into(),
            Err(_) => self.authorize_url.clone(),
        }
    }

    async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<TokenResponse> {
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", redirect_uri.to_owned()),
        ];
        if self.pkce
            && let Some(pkce) = Pkce::current()
        {
            form.push(("code_verifier", pkce.verifier));
        }
        self.token_request(form).await
    }

    async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        self.token_request(vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.to_owned()),
        ])
        .await
    }

    async fn get_nickname(&self, access_token: &str) -> Result<String> {
        Ok(self.get_account(access_token).await?.nickname)
    }

    /// From one userinfo request: the first of `account_id_fields` (a string or a
    /// number) and of `nickname_fields`. Without a userinfo URL the id is unknown
    /// and the nickname is the provider's name.
    async fn get_account(&self, access_token: &str) -> Result<Account> {
        let Some(url) = &self.userinfo_url else {
            return Ok(Account {
                id: None,
                nickname: self.name.clone(),
            });
        };
        let request = match &self.userinfo_graphql {
            Some((query, _)) => self
                .http
                .post(url)
                .json(&serde_json::json!({ "query": query })),
            None => self.http.get(url),
        };
        let response = request
            .bearer_auth(access_token)
            .header("Accept", "application/json")
            .header("User-Agent", "gumstack")
            .send()
            .await
            .map_err(|e| Error::unavailable(format!("{} userinfo unreachable: {e}", self.name)))?;
        if response.status().as_u16() == 401 {
            return Err(Error::revoked(format!(
                "{} refused the access token",
                self.name
            )));
        }
        let body: Value = response.json().await?;
        let info = match &self.userinfo_graphql {
            Some((_, pointer)) => body.pointer(pointer).unwrap_or(&Value::Null),
            None => &body,
        };
        Ok(account_from_userinfo(
            info,
            &self.account_id_fields,
            &self.nickname_fields,
            &self.name,
        ))
    }

    async fn revoke(&self, token: &str) -> Result<Revoked> {
        let Some(url) = &self.revoke_url else {
            return Ok(Revoked::Unsupported);
        };
        let mut form = vec![("token", token.to_owned())];
        form.extend(self.client_form());
        let response = self.http.post(url).form(&form).send().await?;
        if response.status().is_success() {
            Ok(Revoked::Revoked)
        } else {
            Err(Error::msg(format!(
                "{} revocation answered {}",
                self.name,
                response.status()
            )))
        }
    }
}

/// The account a userinfo answer describes: the first id field present (strings
/// and numbers; GitHub's `id` is a number) and the first nickname field.
fn account_from_userinfo(
    info: &Value,
    id_fields: &[String],
    nickname_fields: &[String],
    fallback_nickname: &str,
) -> Account {
    let id = id_fields.iter().find_map(|f| match &info[f.as_str()] {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let nickname = nickname_fields
        .iter()
        .find_map(|f| info[f.as_str()].as_str().filter(|s| !s.is_empty()))
        .unwrap_or(fallback_nickname)
        .to_owned();
    Account { id, nickname }
}

/// Provider `P` with its scopes as the type `S` (made with
/// [`scopes!`](crate::scopes!)), so tools can name them in `scopes(...)`:
/// for a provider that does not define its own, such as [`OAuth2Provider`].
///
/// ```
/// use gumstack::providers::{OAuth2Provider, WithScopes};
///
/// gumstack::scopes! {
///     /// Acme's scopes.
///     pub struct AcmeScopes {
///         /// Read your projects.
///         read = "read",
///         /// Change your projects.
///         write = "write" implies ["read"],
///     }
/// }
///
/// /// For `auth = oauth(Acme)`.
/// type Acme = WithScopes<OAuth2Provider, AcmeScopes>;
/// ```
pub struct WithScopes<P, S> {
    provider: P,
    scopes: PhantomData<fn() -> S>,
}

impl<P, S> WithScopes<P, S> {
    /// `provider`, with the scopes of `S`.
    pub fn new(provider: P) -> Self {
        Self {
            provider,
            scopes: PhantomData,
        }
    }

    /// The provider it wraps.
    pub fn provider(&self) -> &P {
        &self.provider
    }
}

impl<P: std::fmt::Debug, S> std::fmt::Debug for WithScopes<P, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("WithScopes").field(&self.provider).finish()
    }
}

impl<P, S: ScopeSet> DefinesScopes for WithScopes<P, S> {
    type Scopes = S;
}

impl<P: AuthProvider, S: ScopeSet> AuthProvider for WithScopes<P, S> {
    fn from_env() -> Result<Self> {
        P::from_env().map(Self::new)
    }
    fn name(&self) -> &str {
        self.provider.name()
    }
    fn get_url(&self, redirect_uri: &str, state: &str) -> String {
        self.provider.get_url(redirect_uri, state)
    }
    async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<TokenResponse> {
        self.provider.exchange(code, redirect_uri).await
    }
    async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        self.provider.refresh(refresh_token).await
    }
    async fn get_nickname(&self, access_token: &str) -> Result<String> {
        self.provider.get_nickname(access_token).await
    }
    async fn get_account(&self, access_token: &str) -> Result<Account> {
        self.provider.get_account(access_token).await
    }
    async fn revoke(&self, token: &str) -> Result<Revoked> {
        self.provider.revoke(token).await
    }
    fn describe() -> ProviderDescription {
        P::describe()
    }
}

/// The scopes a preset asks for, chosen by a server's code: the type parameter
/// of [`LinearProvider`], [`GitHubProvider`], [`SlackProvider`] and
/// [`GoogleProvider`] (the default is the preset's own, e.g.
/// [`GitHubDefaultScopes`]). The operator's `<NAME>_SCOPES`, when set, wins.
///
/// ```
/// use gumstack::providers::{GitHubProvider, Scopes};
///
/// struct IssueScopes;
///
/// impl Scopes for IssueScopes {
///     const SCOPES: &'static [&'static str] = &["repo", "read:user"];
/// }
///
/// /// For `auth = oauth(GitHub)`.
/// type GitHub = GitHubProvider<IssueScopes>;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not say which scopes to ask for",
    label = "`{Self}` does not implement `gumstack::providers::Scopes`",
    note = "implement it: `impl gumstack::providers::Scopes for {Self} {{ const SCOPES: &'static [&'static str] = &[\"...\"]; }}`"
)]
pub trait Scopes: 'static {
    /// The scopes, spelt as the provider spells them.
    const SCOPES: &'static [&'static str];
}

/// The scopes [`LinearProvider`] asks for unless told otherwise: `read`, `write`.
#[derive(Debug, Clone, Copy)]
pub struct LinearDefaultScopes;

impl Scopes for LinearDefaultScopes {
    const SCOPES: &'static [&'static str] = &["read", "write"];
}

/// The scopes [`GitHubProvider`] asks for unless told otherwise: `read:user`.
#[derive(Debug, Clone, Copy)]
pub struct GitHubDefaultScopes;

impl Scopes for GitHubDefaultScopes {
    const SCOPES: &'static [&'static str] = &["read:user"];
}

/// The scopes [`SlackProvider`] asks for unless told otherwise: `openid`, `email`, `profile`.
#[derive(Debug, Clone, Copy)]
pub struct SlackDefaultScopes;

impl Scopes for SlackDefaultScopes {
    const SCOPES: &'static [&'static str] = &["openid", "email", "profile"];
}

/// The scopes [`GoogleProvider`] asks for unless told otherwise: `openid`, `email`.
#[derive(Debug, Clone, Copy)]
pub struct GoogleDefaultScopes;

impl Scopes for GoogleDefaultScopes {
    const SCOPES: &'static [&'static str] = &["openid", "email"];
}

/// A preset: a named type for `auth = oauth(...)`, configured from env, with
/// scopes from its type parameter.
macro_rules! preset {
    (
        $(#[$doc:meta])*
        $ty:ident<$defaults:ident>, scopes = $scope:ident,
        name = $name:literal, env = $prefix:literal, register = $register:literal,
        $build:expr
    ) => {
        $(#[$doc])*
        pub struct $ty<S = $defaults> {
            provider: OAuth2Provider,
            scopes: PhantomData<fn() -> S>,
        }

        impl $ty {
            /// The preset with its default scopes, from env (see
            /// [`AuthProvider::from_env`], which builds any `S`).
            pub fn from_env() -> Result<Self> {
                <Self as AuthProvider>::from_env()
            }
        }

        impl<S> $ty<S> {
            /// The same provider asking for `scopes` instead of those of `S`
            /// and of the env var.
            pub fn with_scopes<T: Into<String>>(
                mut self,
                scopes: impl IntoIterator<Item = T>,
            ) -> Self {
                self.provider = self.provider.with_scopes(scopes);
                self
            }

            /// The scopes it asks for at authorization.
            pub fn scopes(&self) -> &[String] {
                &self.provider.scopes
            }

            /// The OAuth 2.0 provider it is: endpoints, client id, scopes.
            pub fn oauth2(&self) -> &OAuth2Provider {
                &self.provider
            }
        }

        impl<S: Scopes> $ty<S> {
            const SETTINGS: [EnvSetting; 3] = [
                EnvSetting::required(
                    concat!($prefix, "_CLIENT_ID"),
                    concat!("client id of the OAuth app registered at ", $register),
                ),
                EnvSetting::required(concat!($prefix, "_CLIENT_SECRET"), "its client secret"),
                EnvSetting::optional(
                    concat!($prefix, "_SCOPES"),
                    "scopes to ask for instead of the server's, space- or comma-separated",
                ),
            ];

            fn scopes_with(lookup: Lookup) -> Vec<String> {
                scopes_from(lookup, concat!($prefix, "_SCOPES"), S::SCOPES)
            }

            fn from_lookup(lookup: Lookup) -> Result<Self> {
                let mut values = read_settings($name, &Self::SETTINGS, lookup)?;
                let mut take = |name| values.remove(name).unwrap_or_default();
                let (id, secret) = (
                    take(concat!($prefix, "_CLIENT_ID")),
                    take(concat!($prefix, "_CLIENT_SECRET")),
                );
                let build: fn(String, Secret) -> OAuth2Provider = $build;
                let provider = build(id, Secret::new(secret));
                Ok(Self {
                    provider: provider.with_scopes(Self::scopes_with(lookup)),
                    scopes: PhantomData,
                })
            }

            fn describe_with(lookup: Lookup) -> ProviderDescription {
                ProviderDescription::new($name)
                    .with_scopes(Self::scopes_with(lookup))
                    .with_env(Self::SETTINGS)
            }
        }

        impl<S> DefinesScopes for $ty<S> {
            type Scopes = $scope;
        }

        impl<S> std::fmt::Debug for $ty<S> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.provider).finish()
            }
        }

        impl<S> Clone for $ty<S> {
            fn clone(&self) -> Self {
                Self {
                    provider: self.provider.clone(),
                    scopes: PhantomData,
                }
            }
        }

        impl<S: Scopes> AuthProvider for $ty<S> {
            #[doc = concat!(
                "`", $prefix, "_CLIENT_ID` and `", $prefix, "_CLIENT_SECRET` (required), `",
                $prefix, "_SCOPES` (optional)."
            )]
            fn from_env() -> Result<Self> {
                Self::from_lookup(&env_var)
            }
            fn name(&self) -> &str {
                $name
            }
            fn get_url(&self, redirect_uri: &str, state: &str) -> String {
                self.provider.get_url(redirect_uri, state)
            }
            async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<TokenResponse> {
                self.provider.exchange(code, redirect_uri).await
            }
            async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
                self.provider.refresh(refresh_token).await
            }
            async fn get_nickname(&self, access_token: &str) -> Result<String> {
                self.provider.get_nickname(access_token).await
            }
            async fn get_account(&self, access_token: &str) -> Result<Account> {
                self.provider.get_account(access_token).await
            }
            async fn revoke(&self, token: &str) -> Result<Revoked> {
                self.provider.revoke(token).await
            }
            #[doc = concat!(
                "`", $name, "`, the scopes of `", $prefix,
                "_SCOPES` or else of `S`, and the three env vars above."
            )]
            fn describe() -> ProviderDescription {
                Self::describe_with(&env_var)
            }
        }
    };
}

preset!(
    /// Linear. Register an OAuth application at
    /// <https://linear.app/settings/api/applications/new>; env
    /// `LINEAR_CLIENT_ID`, `LINEAR_CLIENT_SECRET`.
    ///
    /// Scopes (comma-separated in the authorization URL): by default `read` and
    /// `write` ([`LinearDefaultScopes`]); Linear also knows `issues:create`,
    /// `comments:create` and `admin`. Others from `LINEAR_SCOPES` (e.g.
    /// `LINEAR_SCOPES=read,issues:create`) or the type parameter (see
    /// [`Scopes`]). The account is the GraphQL `viewer` (its `id`, and its
    /// `email` or `name`).
    LinearProvider<LinearDefaultScopes>, scopes = LinearScope,
    name = "linear", env = "LINEAR", register = "https://linear.app/settings/api/applications/new",
    |id, secret| {
        let mut p = OAuth2Provider::new("linear", "https://linear.app/oauth/authorize", "https://api.linear.app/oauth/token", id, Some(secret));
        p.revoke_url = Some("https://api.linear.app/oauth/revoke".into());
        // Linear has no userinfo endpoint: its GraphQL API names the viewer.
        p.userinfo_url = Some("https://api.linear.app/graphql".into());
        p.userinfo_graphql = Some(("{ viewer { id name email } }".into(), "/data/viewer".into()));
        p.scope_separator = ",";
        p
    }
);

preset!(
    /// GitHub. Register an OAuth app at <https://github.com/settings/developers>;
    /// env `GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`.
    ///
    /// Scopes: by default `read:user` only ([`GitHubDefaultScopes`]), enough to
    /// name the account, not to touch a repository: a tool that creates issues
    /// or reads private code needs `repo` (or `public_repo`); see GitHub's list
    /// at <https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps>.
    /// Others from `GITHUB_SCOPES` (e.g. `GITHUB_SCOPES="repo read:user"`) or the
    /// type parameter (see [`Scopes`]). The nickname is the `login` of
    /// `/user`, the account id its numeric `id`.
    ///
    /// Tokens of a GitHub OAuth app do not expire and come without a refresh
    /// token; they stop working when the user revokes the app at GitHub.
    GitHubProvider<GitHubDefaultScopes>, scopes = GitHubScope,
    name = "github", env = "GITHUB", register = "https://github.com/settings/developers",
    |id, secret| {
        let mut p = OAuth2Provider::new("github", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", id, Some(secret));
        p.userinfo_url = Some("https://api.github.com/user".into());
        p.nickname_fields = vec!["login".into(), "name".into()];
        p
    }
);

preset!(
    /// Slack, through its OpenID Connect sign-in ("Sign in with Slack"). Create
    /// an app at <https://api.slack.com/apps>; env `SLACK_CLIENT_ID`,
    /// `SLACK_CLIENT_SECRET`.
    ///
    /// Scopes: by default `openid`, `email` and `profile`
    /// ([`SlackDefaultScopes`]), the only ones Slack's OpenID Connect endpoint
    /// takes: the token identifies the user and cannot call Web API methods such
    /// as `chat.postMessage` (those need Slack's `oauth/v2` flow with
    /// `user_scope`, which this preset does not speak). `SLACK_SCOPES` and the
    /// type parameter (see [`Scopes`]) replace them.
    SlackProvider<SlackDefaultScopes>, scopes = SlackScope,
    name = "slack", env = "SLACK", register = "https://api.slack.com/apps",
    |id, secret| {
        let mut p = OAuth2Provider::new("slack", "https://slack.com/openid/connect/authorize", "https://slack.com/api/openid.connect.token", id, Some(secret));
        p.userinfo_url = Some("https://slack.com/api/openid.connect.userInfo".into());
        p
    }
);

preset!(
    /// Google. Create an OAuth client at
    /// <https://console.cloud.google.com/apis/credentials>; env
    /// `GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`. Asks for offline access, so
    /// Google issues refresh tokens.
    ///
    /// Scopes: by default `openid` and `email` ([`GoogleDefaultScopes`]), which
    /// name the account; an API needs its own, e.g.
    /// `https://www.googleapis.com/auth/calendar.readonly`. Keep `openid email`
    /// beside them, or the account has no id and nickname. From
    /// `GOOGLE_SCOPES` (space-separated: Google's scopes are URLs) or the type
    /// parameter (see [`Scopes`]).
    GoogleProvider<GoogleDefaultScopes>, scopes = GoogleScope,
    name = "google", env = "GOOGLE", register = "https://console.cloud.google.com/apis/credentials",
    |id, secret| {
        let mut p = OAuth2Provider::new("google", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", id, Some(secret));
        p.userinfo_url = Some("https://openidconnect.googleapis.com/v1/userinfo".into());
        p.revoke_url = Some("https://oauth2.googleapis.com/revoke".into());
        // `include_granted_scopes`: a step-up keeps what was granted before
        // (incremental authorization).
        p.extra_authorize_params = vec![("access_type".into(), "offline".into()), ("prompt".into(), "consent".into()), ("include_granted_scopes".into(), "true".into())];
        p
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Settings from a table instead of the process's env.
    fn table<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, v)| *n == name && !v.trim().is_empty())
                .map(|(_, v)| (*v).to_owned())
        }
    }

    /// Env vars of a case.
    type Env = &'static [(&'static str, &'static str)];

    struct IssueScopes;
    impl Scopes for IssueScopes {
        const SCOPES: &'static [&'static str] = &["repo", "read:user"];
    }

    /// (what, describe, expected name, scopes, env vars and whether required)
    type Case = (
        &'static str,
        fn(Lookup) -> ProviderDescription,
        &'static str,
        &'static [&'static str],
        &'static [(&'static str, bool)],
    );

    fn preset_env(prefix: &str) -> Vec<(String, bool)> {
        vec![
            (format!("{prefix}_CLIENT_ID"), true),
            (format!("{prefix}_CLIENT_SECRET"), true),
            (format!("{prefix}_SCOPES"), false),
        ]
    }

    #[test]
    fn every_provider_describes_what_from_env_reads() {
        let oauth2_env: &[(&str, bool)] = &[
            ("OAUTH_AUTHORIZE_URL", true),
            ("OAUTH_TOKEN_URL", true),
            ("OAUTH_CLIENT_ID", true),
            ("OAUTH_CLIENT_SECRET", false),
            ("OAUTH_USERINFO_URL", false),
            ("OAUTH_REVOKE_URL", false),
            ("OAUTH_SCOPES", false),
            ("OAUTH_NAME", false),
        ];
        let cases: [Case; 6] = [
            (
                "linear",
                LinearProvider::<LinearDefaultScopes>::describe_with,
                "linear",
                &["read", "write"],
                &[],
            ),
            (
                "github",
                GitHubProvider::<GitHubDefaultScopes>::describe_with,
                "github",
                &["read:user"],
                &[],
            ),
            (
                "github with scopes in code",
                GitHubProvider::<IssueScopes>::describe_with,
                "github",
                &["repo", "read:user"],
                &[],
            ),
            (
                "slack",
                SlackProvider::<SlackDefaultScopes>::describe_with,
                "slack",
                &["openid", "email", "profile"],
                &[],
            ),
            (
                "google",
                GoogleProvider::<GoogleDefaultScopes>::describe_with,
                "google",
                &["openid", "email"],
                &[],
            ),
            (
                "oauth2",
                OAuth2Provider::describe_with,
                "oauth2",
                &[],
                oauth2_env,
            ),
        ];
        let empty = table(&[]);
        for (what, describe, name, scopes, env) in cases {
            let description = describe(&empty);
            assert_eq!(description.name, name, "{what}");
            assert_eq!(description.scopes, scopes, "{what}");
            let got: Vec<(String, bool)> = description
                .env
                .iter()
                .map(|s| (s.name.to_owned(), s.required))
                .collect();
            let want: Vec<(String, bool)> = if env.is_empty() {
                preset_env(&name.to_ascii_uppercase())
            } else {
                env.iter().map(|(n, r)| ((*n).to_owned(), *r)).collect()
            };
            assert_eq!(got, want, "{what}");
            assert!(
                description.env.iter().all(|s| !s.description.is_empty()),
                "{what}"
            );
        }
    }

    #[test]
    fn the_scopes_env_var_wins_over_code_and_defaults() {
        // (env, scopes described and asked for)
        let cases: [(Env, &[&str]); 6] = [
            (&[], &["repo", "read:user"]),
            (&[("GITHUB_SCOPES", "repo")], &["repo"]),
            (
                &[("GITHUB_SCOPES", "repo read:user")],
                &["repo", "read:user"],
            ),
            (
                &[("GITHUB_SCOPES", " repo,read:user ,, gist ")],
                &["repo", "read:user", "gist"],
            ),
            (&[("GITHUB_SCOPES", " ")], &["repo", "read:user"]),
            (&[("GITHUB_SCOPES", ",")], &["repo", "read:user"]),
        ];
        for (env, scopes) in cases {
            let mut env = env.to_vec();
            env.extend([("GITHUB_CLIENT_ID", "id"), ("GITHUB_CLIENT_SECRET", "s")]);
            let lookup = table(&env);
            let described = GitHubProvider::<IssueScopes>::describe_with(&lookup).scopes;
            assert_eq!(described, scopes, "{env:?}");
            let provider = GitHubProvider::<IssueScopes>::from_lookup(&lookup).unwrap();
            assert_eq!(provider.scopes(), scopes, "{env:?}");
        }
    }

    #[test]
    fn from_env_names_every_missing_setting_at_once() {
        // (env, the error starts with)
        let cases: [(Env, &str); 4] = [
            (
                &[],
                "GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set: the github OAuth provider needs them (GITHUB_CLIENT_ID: client id of the OAuth app registered at https://github.com/settings/developers; GITHUB_CLIENT_SECRET: its client secret)",
            ),
            (
                &[("GITHUB_CLIENT_ID", "id"), ("GITHUB_CLIENT_SECRET", "  ")],
                "GITHUB_CLIENT_SECRET is not set: the github OAuth provider needs it (GITHUB_CLIENT_SECRET: its client secret)",
            ),
            (
                &[("GITHUB_CLIENT_SECRET", "s"), ("GITHUB_SCOPES", "repo")],
                "GITHUB_CLIENT_ID is not set: the github OAuth provider needs it",
            ),
            (
                &[("GITHUB_CLIENT_ID", "id"), ("GITHUB_CLIENT_SECRET", "s")],
                "",
            ),
        ];
        for (env, error) in cases {
            let lookup = table(env);
            match GitHubProvider::<GitHubDefaultScopes>::from_lookup(&lookup) {
                Ok(provider) => {
                    assert_eq!(error, "", "{env:?}");
                    assert_eq!(provider.oauth2().client_id, "id");
                }
                Err(e) => {
                    assert!(e.to_string().starts_with(error), "{env:?}: {e}");
                    assert!(!error.is_empty(), "{env:?}: {e}");
                    assert_eq!(e.kind(), crate::ErrorKind::Config);
                }
            }
        }
        let e = OAuth2Provider::from_lookup(&table(&[("OAUTH_CLIENT_ID", "c")])).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("OAUTH_AUTHORIZE_URL and OAUTH_TOKEN_URL are not set:"),
            "{e}"
        );
        let e = OAuth2Provider::from_lookup(&table(&[])).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "OAUTH_AUTHORIZE_URL, OAUTH_TOKEN_URL and OAUTH_CLIENT_ID are not set:"
            ),
            "{e}"
        );
    }

    #[test]
    fn presets_ask_for_their_scopes_in_the_providers_spelling() {
        let env = [
            ("LINEAR_CLIENT_ID", "lid"),
            ("LINEAR_CLIENT_SECRET", "s"),
            ("GITHUB_CLIENT_ID", "gid"),
            ("GITHUB_CLIENT_SECRET", "s"),
        ];
        let lookup = table(&env);
        let scope_of = |url: String| {
            let url = url::Url::parse(&url).unwrap();
            let q: HashMap<_, _> = url.query_pairs().into_owned().collect();
            q.get("scope").cloned()
        };
        let linear = LinearProvider::<LinearDefaultScopes>::from_lookup(&lookup).unwrap();
        assert_eq!(
            scope_of(linear.get_url("https://me/cb", "s")).as_deref(),
            Some("read,write")
        );
        let github = GitHubProvider::<IssueScopes>::from_lookup(&lookup).unwrap();
        assert_eq!(AuthProvider::name(&github), "github");
        assert_eq!(
            scope_of(github.get_url("https://me/cb", "s")).as_deref(),
            Some("repo read:user")
        );
        let github = github.with_scopes(["gist"]);
        assert_eq!(
            scope_of(github.get_url("https://me/cb", "s")).as_deref(),
            Some("gist")
        );
        let none = github.with_scopes(Vec::<String>::new());
        assert_eq!(scope_of(none.get_url("https://me/cb", "s")), None);
    }

    #[test]
    fn authorization_url_carries_state_scopes_and_pkce() {
        let mut p = OAuth2Provider::new(
            "t",
            "https://p.example/authorize?x=1",
            "https://p.example/token",
            "cid",
            None,
        );
        p.scopes = vec!["read".into(), "write".into()];
        let pkce = Pkce {
            challenge: "CH".into(),
            verifier: "V".into(),
        };
        let url = pkce.sync_scope(|| p.get_url("https://me.example/auth/callback", "S T"));
        let url = url::Url::parse(&url).unwrap();
        let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(q["x"], "1");
        assert_eq!(q["state"], "S T");
        assert_eq!(q["scope"], "read write");
        assert_eq!(q["code_challenge"], "CH");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["redirect_uri"], "https://me.example/auth/callback");
    }

    #[test]
    fn the_account_id_is_the_first_id_field_string_or_number() {
        let ids: Vec<String> = ["sub", "id", "user_id"].map(String::from).to_vec();
        let names: Vec<String> = ["email", "login"].map(String::from).to_vec();
        let cases = [
            // (userinfo, id, nickname)
            (
                serde_json::json!({"sub": "s-1", "id": 7, "email": "a@x"}),
                Some("s-1"),
                "a@x",
            ),
            (
                serde_json::json!({"id": 583231, "login": "octocat"}),
                Some("583231"),
                "octocat",
            ),
            (
                serde_json::json!({"user_id": "U1", "sub": ""}),
                Some("U1"),
                "p",
            ),
            (serde_json::json!({"email": "a@x"}), None, "a@x"),
            (serde_json::json!(null), None, "p"),
        ];
        for (info, id, nickname) in cases {
            let account = account_from_userinfo(&info, &ids, &names, "p");
            assert_eq!(account.id.as_deref(), id, "{info}");
            assert_eq!(account.nickname, nickname, "{info}");
        }
    }
}
