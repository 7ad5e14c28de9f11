// An `oauth` server's credentials are OAuth tokens: there is no `api_key` field.
use gumstack::prelude::*;
use gumstack_ui_tests::TestProvider;

struct Linear;

#[gumstack::server(auth = oauth(TestProvider))]
impl Linear {
    /// Uses the wrong kind of credential.
    #[tool]
    async fn search(&self) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        Ok(creds.api_key.expose().to_owned())
    }
}

fn main() {}
