//! `auth = oauth`: each user connects their Linear account; `creds().await`
//! returns their access token (`OAuthCredentials`).
//!
//! The provider below, `LinearAuthProvider`, is written by hand, as the Python
//! product's is; `gumstack::providers::LinearProvider` is the ready-made one
//! (`auth = oauth(gumstack::providers::LinearProvider)` and no provider code).
//! Over HTTP each user connects through the host's OAuth flow (register
//! `<public URL>/auth/callback` with Linear); over stdio `linear login`
//! connects the local user; for development `LOCAL_ACCESS_TOKEN` stands in for
//! a login:
//!
//! ```sh
//! LOCAL_ACCESS_TOKEN=lin_oauth_... cargo run --bin linear -- serve --stdio
//! ```

use gumstack::{
    auth::{EnvSetting, ProviderDescription},
    prelude::*,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

const AUTHORIZE_URL: &str = "https://linear.app/oauth/authorize";
const TOKEN_URL: &str = "https://api.linear.app/oauth/token";
const REVOKE_URL: &str = "https://api.linear.app/oauth/revoke";
const GRAPHQL_URL: &str = "https://api.linear.app/graphql";
const SCOPES: &str = "read,write";

/// The env vars `from_env` reads, for `describe` and its own error.
const SETTINGS: [EnvSetting; 2] = [
    EnvSetting::required("LINEAR_CLIENT_ID", "client id of the OAuth app at Linear"),
    EnvSetting::required("LINEAR_CLIENT_SECRET", "its client secret"),
];

/// Linear's OAuth app, from `LINEAR_CLIENT_ID` and `LINEAR_CLIENT_SECRET`.
struct LinearAuthProvider {
    http: reqwest::Client,
    client_id: String,
    client_secret: Secret,
}

impl LinearAuthProvider {
    async fn token_request(&self, form: &[(&str, &str)]) -> gumstack::Result<TokenResponse> {
        let mut form = form.to_vec();
        form.extend([
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose()),
        ]);
        let response = self.http.post(TOKEN_URL).form(&form).send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        let Some(access_token) = body["access_token"].as_str() else {
            let error = body["error"].as_str().unwrap_or("no access_token");
            let message = format!("Linear's token endpoint answered {status}: {error}");
            // `revoked` is what tells the host the grant is gone for good: it
            // then disconnects it and offers the user a reconnect link.
            return Err(if error == "invalid_grant" {
                gumstack::Error::revoked(message)
            } else {
                gumstack::Error::msg(message)
            });
        };
        let mut tokens = TokenResponse::new(access_token);
        tokens.refresh_token = body["refresh_token"].as_str().map(Secret::from);
        tokens.expires_in = body["expires_in"].as_u64();
        tokens.scope = body["scope"].as_str().map(str::to_owned);
        Ok(tokens)
    }
}

impl AuthProvider for LinearAuthProvider {
    /// Checked at start-up, so missing settings are reported, all of them,
    /// before anyone connects.
    fn from_env() -> gumstack::Result<Self> {
        let [client_id, client_secret] =
            SETTINGS.map(|s| std::env::var(s.name).ok().filter(|v| !v.is_empty()));
        match (client_id, client_secret) {
            (Some(client_id), Some(client_secret)) => Ok(Self {
                http: reqwest::Client::new(),
                client_id,
                client_secret: Secret::new(client_secret),
            }),
            (id, secret) => {
                let missing: Vec<String> = SETTINGS
                    .iter()
                    .zip([id.is_none(), secret.is_none()])
                    .filter(|(_, missing)| *missing)
                    .map(|(s, _)| format!("{} is not set ({})", s.name, s.description))
                    .collect();
                Err(gumstack::Error::new(
                    gumstack::ErrorKind::Config,
                    missing.join("; "),
                ))
            }
        }
    }

    /// For operators (`config`, start-up checks): what `from_env` reads.
    fn describe() -> ProviderDescription {
        ProviderDescription::new("linear")
            .with_scopes(SCOPES.split(','))
            .with_env(SETTINGS)
    }

    fn name(&self) -> &str {
        "linear"
    }

    fn get_url(&self, redirect_uri: &str, state: &str) -> String {
        let query = [
            ("client_id", self.client_id.as_str()),
            ("redirect_uri", redirect_uri),
            ("state", state),
            ("response_type", "code"),
            ("scope", SCOPES),
        ];
        reqwest::Url::parse_with_params(AUTHORIZE_URL, query)
            .map(String::from)
            .unwrap_or_else(|_| AUTHORIZE_URL.to_owned())
    }

    async fn exchange(&self, code: &str, redirect_uri: &str) -> gumstack::Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ])
        .await
    }

    async fn refresh(&self, refresh_token: &str) -> gumstack::Result<TokenResponse> {
        self.token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ])
        .await
    }

    async fn get_nickname(&self, access_token: &str) -> gumstack::Result<String> {
        let data = graphql(&self.http, access_token, "{ viewer { email } }", json!({})).await?;
        Ok(data["viewer"]["email"]
            .as_str()
            .unwrap_or("Linear user")
            .to_owned())
    }

    async fn revoke(&self, token: &str) -> gumstack::Result<gumstack::Revoked> {
        self.http
            .post(REVOKE_URL)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?;
        Ok(gumstack::Revoked::Revoked)
    }
}

async fn graphql(
    http: &reqwest::Client,
    access_token: &str,
    query: &str,
    variables: Value,
) -> gumstack::Result<Value> {
    let body: Value = http
        .post(GRAPHQL_URL)
        .bearer_auth(access_token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await?
        .json()
        .await?;
    if let Some(message) = body["errors"][0]["message"].as_str() {
        return Err(gumstack::Error::msg(format!("Linear: {message}")));
    }
    Ok(body["data"].clone())
}

#[derive(Serialize, Deserialize, JsonSchema)]
struct Issue {
    identifier: String,
    title: String,
    url: String,
}

#[derive(Serialize, JsonSchema)]
struct Issues {
    issues: Vec<Issue>,
}

#[derive(Default)]
struct Linear {
    http: reqwest::Client,
}

#[gumstack::server(auth = oauth(LinearAuthProvider), name = "linear")]
impl Linear {
    /// The connected user's open issues in Linear.
    #[tool(read_only, open_world)]
    async fn list_issues(
        &self,
        #[arg(description = "How many issues (default 20, at most 100)")] first: Option<u32>,
    ) -> gumstack::Result<Issues> {
        let creds = self.creds().await?;
        let first = first.unwrap_or(20).min(100);
        let data = graphql(
            &self.http,
            creds.access_token.expose(),
            "query($first: Int!) { viewer { assignedIssues(first: $first, filter: { completedAt: { null: true } }) { nodes { identifier title url } } } }",
            json!({ "first": first }),
        )
        .await?;
        let issues = serde_json::from_value(data["viewer"]["assignedIssues"]["nodes"].clone())?;
        Ok(Issues { issues })
    }

    /// Which Linear account this server acts for.
    #[tool(read_only)]
    async fn whoami(&self) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        Ok(match &creds.nickname {
            Some(nickname) => format!("Connected to Linear as {nickname}."),
            None => "Connected to Linear.".to_owned(),
        })
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Linear::default().run().await
}
