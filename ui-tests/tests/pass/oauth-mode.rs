// `auth = oauth(P)` with a minimal `AuthProvider`: `creds().await?` returns `Arc<OAuthCredentials>`.
#![deny(warnings)]
use std::sync::Arc;

use gumstack::prelude::*;

struct Provider;

impl AuthProvider for Provider {
    fn from_env() -> gumstack::Result<Self> {
        Ok(Provider)
    }

    fn name(&self) -> &str {
        "example"
    }

    fn get_url(&self, redirect_uri: &str, state: &str) -> String {
        format!("https://example.com/authorize?redirect_uri={redirect_uri}&state={state}")
    }

    async fn exchange(&self, code: &str, _redirect_uri: &str) -> gumstack::Result<TokenResponse> {
        Ok(TokenResponse::new(code))
    }

    async fn refresh(&self, refresh_token: &str) -> gumstack::Result<TokenResponse> {
        Ok(TokenResponse::new(refresh_token))
    }

    async fn get_nickname(&self, _access_token: &str) -> gumstack::Result<String> {
        Ok("someone@example.com".into())
    }
}

struct Example;

#[gumstack::server(auth = oauth(Provider))]
impl Example {
    /// Who is connected.
    #[tool(read_only)]
    async fn whoami(&self) -> gumstack::Result<String> {
        let creds: Arc<OAuthCredentials> = self.creds().await?;
        let _token: &str = creds.access_token.expose();
        let _scopes: &[String] = &creds.scopes;
        Ok(creds.nickname.clone().unwrap_or_default())
    }
}

#[tokio::main]
async fn main() {
    let _ = Example::tools();
    let _run = Example.run();
}
