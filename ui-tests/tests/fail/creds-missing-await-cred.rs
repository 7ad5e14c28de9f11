// A `cred` server's `creds()` is async: using it without `.await` does not compile.
use gumstack::prelude::*;

#[derive(Credentials)]
struct OpenAiCreds {
    #[cred(secret)]
    api_key: Secret,
}

struct OpenAi;

#[gumstack::server(auth = cred(OpenAiCreds))]
impl OpenAi {
    /// Length of the user's key.
    #[tool]
    async fn key_length(&self) -> gumstack::Result<String> {
        let creds = self.creds()?;
        Ok(creds.api_key.expose().len().to_string())
    }
}

fn main() {}
