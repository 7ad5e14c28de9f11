//! Ready-made OAuth providers: a standards-based [`OAuth2Provider`] configured
//! with endpoints, and presets built on it for Linear, GitHub, Slack and Google.
//!
//! ```no_run
//! # use gumstack::prelude::*;
//! # struct Linear;
//! #[gumstack::server(auth = oauth(gumstack::providers::LinearProvider))]
//! impl Linear {
//!     /// Who am I?
//!     #[tool]
//!     async fn whoami(&self) -> gumstack::Result<String> {
//!         Ok(self.creds().await?.nickname.clone().unwrap_or_default())
//!     }
//! }
//! ```

use std::time::Duration;

use serde_json::Value;

use crate::{
    AuthProvider, Error, Result, Revoked, Secret, TokenResponse,
    provider::{Account, Pkce},
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
    /// `" "` for most providers; `","` for Linear and Slack.
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

/// Read a required env var, naming it when it is missing.
fn env(name: &str) -> Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| Error::config(format!("{name} is not set: the OAuth provider needs it")))
}

fn env_opt(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

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

    /// Everything from env: `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`,
    /// `OAUTH_USERINFO_URL`, `OAUTH_REVOKE_URL`, `OAUTH_CLIENT_ID`,
    /// `OAUTH_CLIENT_SECRET`, `OAUTH_SCOPES` (space-separated), `OAUTH_NAME`.
    pub fn from_env_vars() -> Result<Self> {
        let mut provider = Self::new(
            env_opt("OAUTH_NAME").unwrap_or_else(|| "oauth2".into()),
            env("OAUTH_AUTHORIZE_URL")?,
            env("OAUTH_TOKEN_URL")?,
            env("OAUTH_CLIENT_ID")?,
            env_opt("OAUTH_CLIENT_SECRET").map(Secret::new),
        );
        provider.userinfo_url = env_opt("OAUTH_USERINFO_URL");
        provider.revoke_url = env_opt("OAUTH_REVOKE_URL");
        provider.scopes = env_opt("OAUTH_SCOPES")
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default();
        Ok(provider)
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
        if !self.scopes.is_empty() {
            params.push(("scope".into(), self.scopes.join(self.scope_separator)));
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

/// A preset: a named type for `auth = oauth(...)`, configured from env.
macro_rules! preset {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $prefix:literal, $build:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $ty(pub OAuth2Provider);

        impl AuthProvider for $ty {
            fn from_env() -> Result<Self> {
                let id = env(concat!($prefix, "_CLIENT_ID"))?;
                let secret = env(concat!($prefix, "_CLIENT_SECRET"))?;
                let build: fn(String, Secret) -> OAuth2Provider = $build;
                Ok(Self(build(id, Secret::new(secret))))
            }
            fn name(&self) -> &str {
                $name
            }
            fn get_url(&self, redirect_uri: &str, state: &str) -> String {
                self.0.get_url(redirect_uri, state)
            }
            async fn exchange(&self, code: &str, redirect_uri: &str) -> Result<TokenResponse> {
                self.0.exchange(code, redirect_uri).await
            }
            async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
                self.0.refresh(refresh_token).await
            }
            async fn get_nickname(&self, access_token: &str) -> Result<String> {
                self.0.get_nickname(access_token).await
            }
            async fn get_account(&self, access_token: &str) -> Result<Account> {
                self.0.get_account(access_token).await
            }
            async fn revoke(&self, token: &str) -> Result<Revoked> {
                self.0.revoke(token).await
            }
        }
    };
}

preset!(
    /// Linear (`LINEAR_CLIENT_ID`, `LINEAR_CLIENT_SECRET`); scopes `read,write`;
    /// the account from GraphQL `viewer`.
    LinearProvider, "linear", "LINEAR", |id, secret| {
        let mut p = OAuth2Provider::new("linear", "https://linear.app/oauth/authorize", "https://api.linear.app/oauth/token", id, Some(secret));
        p.revoke_url = Some("https://api.linear.app/oauth/revoke".into());
        // Linear has no userinfo endpoint: its GraphQL API names the viewer.
        p.userinfo_url = Some("https://api.linear.app/graphql".into());
        p.userinfo_graphql = Some(("{ viewer { id name email } }".into(), "/data/viewer".into()));
        p.scopes = vec!["read".into(), "write".into()];
        p.scope_separator = ",";
        p
    }
);

preset!(
    /// GitHub (`GITHUB_CLIENT_ID`, `GITHUB_CLIENT_SECRET`); nickname from
    /// `login`, account id from the numeric `id` of `/user`.
    GitHubProvider, "github", "GITHUB", |id, secret| {
        let mut p = OAuth2Provider::new("github", "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token", id, Some(secret));
        p.userinfo_url = Some("https://api.github.com/user".into());
        p.scopes = vec!["read:user".into()];
        p.nickname_fields = vec!["login".into(), "name".into()];
        p
    }
);

preset!(
    /// Slack (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`), OpenID Connect sign-in.
    SlackProvider, "slack", "SLACK", |id, secret| {
        let mut p = OAuth2Provider::new("slack", "https://slack.com/openid/connect/authorize", "https://slack.com/api/openid.connect.token", id, Some(secret));
        p.userinfo_url = Some("https://slack.com/api/openid.connect.userInfo".into());
        p.scopes = vec!["openid".into(), "email".into(), "profile".into()];
        p
    }
);

preset!(
    /// Google (`GOOGLE_CLIENT_ID`, `GOOGLE_CLIENT_SECRET`); offline access for refresh tokens.
    GoogleProvider, "google", "GOOGLE", |id, secret| {
        let mut p = OAuth2Provider::new("google", "https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token", id, Some(secret));
        p.userinfo_url = Some("https://openidconnect.googleapis.com/v1/userinfo".into());
        p.revoke_url = Some("https://oauth2.googleapis.com/revoke".into());
        p.scopes = vec!["openid".into(), "email".into()];
        p.extra_authorize_params = vec![("access_type".into(), "offline".into()), ("prompt".into(), "consent".into())];
        p
    }
);

#[cfg(test)]
mod tests {
    use super::*;

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
