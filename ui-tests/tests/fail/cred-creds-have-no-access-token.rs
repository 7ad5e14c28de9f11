// A `cred` server's credentials are the user's struct: there is no OAuth `access_token`.
use gumstack::prelude::*;

#[derive(Credentials)]
struct OpenAiCreds {
    #[cred(secret)]
    api_key: Secret,
}

struct OpenAi;

#[gumstack::server(auth = cred(OpenAiCreds))]
impl OpenAi {
    /// Uses the wrong kind of credential.
    #[tool]
    async fn generate(&self) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        Ok(creds.access_token.expose().to_owned())
    }
}

fn main() {}
