//! Shared fixtures of the ui tests (trybuild cases link this crate).

use gumstack::{AuthProvider, TokenResponse};

/// The smallest OAuth provider, for cases that need an `oauth` server but test
/// something else.
pub struct TestProvider;

impl AuthProvider for TestProvider {
    fn from_env() -> gumstack::Result<Self> {
        Ok(TestProvider)
    }

    fn name(&self) -> &str {
        "test"
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
        Ok("test user".into())
    }
}
