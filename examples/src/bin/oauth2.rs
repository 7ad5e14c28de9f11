//! `auth = oauth` with a standards-based provider configured entirely from env:
//! `OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`, `OAUTH_USERINFO_URL`,
//! `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET`, `OAUTH_SCOPES` (and optionally
//! `OAUTH_REVOKE_URL`, `OAUTH_NAME`).
//!
//! ```sh
//! OAUTH_AUTHORIZE_URL=... OAUTH_TOKEN_URL=... OAUTH_USERINFO_URL=... \
//! OAUTH_CLIENT_ID=... OAUTH_CLIENT_SECRET=... OAUTH_SCOPES="openid email" \
//! cargo run --bin oauth2 -- serve --http 127.0.0.1:8000
//! ```

use gumstack::{prelude::*, providers::OAuth2Provider};
use serde_json::Value;

struct Generic {
    http: reqwest::Client,
    userinfo_url: Option<String>,
}

#[gumstack::server(auth = oauth(OAuth2Provider), name = "oauth2")]
impl Generic {
    /// Who the connected account is, as the provider's userinfo endpoint says.
    #[tool(read_only, open_world)]
    async fn whoami(&self) -> gumstack::Result<Value> {
        let creds = self.creds().await?;
        let Some(url) = &self.userinfo_url else {
            return Err(gumstack::Error::msg("OAUTH_USERINFO_URL is not set"));
        };
        let response = self
            .http
            .get(url)
            .bearer_auth(creds.access_token.expose())
            .header("Accept", "application/json")
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(gumstack::Error::msg(format!(
                "the userinfo endpoint answered {status}"
            )));
        }
        let mut info: Value = response.json().await?;
        if let (Value::Object(map), Some(nickname)) = (&mut info, &creds.nickname) {
            map.insert("nickname".into(), nickname.clone().into());
        }
        Ok(info)
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Generic {
        http: reqwest::Client::new(),
        userinfo_url: std::env::var("OAUTH_USERINFO_URL").ok(),
    }
    .run()
    .await
}
