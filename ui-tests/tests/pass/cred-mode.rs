// `auth = cred(T)`: `creds().await?` returns the calling user's `Arc<T>`.
#![deny(warnings)]
use std::sync::Arc;

use gumstack::prelude::*;

#[derive(Credentials)]
struct OpenAiCreds {
    /// Your OpenAI API key
    #[cred(label = "API Key", placeholder = "sk-...", secret)]
    api_key: Secret,
    #[cred(label = "Organization")]
    org: Option<String>,
}

struct OpenAi;

#[gumstack::server(auth = cred(OpenAiCreds))]
impl OpenAi {
    /// Complete a prompt with the user's own key.
    #[tool]
    async fn generate(&self, prompt: String, max_tokens: Option<u32>) -> gumstack::Result<String> {
        let creds: Arc<OpenAiCreds> = self.creds().await?;
        let _key: &str = creds.api_key.expose();
        let _org: Option<&String> = creds.org.as_ref();
        Ok(format!("{prompt} ({max_tokens:?})"))
    }
}

#[tokio::main]
async fn main() {
    let _ = OpenAi::tools();
    let _run = OpenAi.run();
}
