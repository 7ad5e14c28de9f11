// `auth = cred(T)` needs `T: Credentials` (derived); the error names the type.
use gumstack::prelude::*;

struct OpenAiCreds {
    api_key: Secret,
}

struct OpenAi;

#[gumstack::server(auth = cred(OpenAiCreds))]
impl OpenAi {
    /// Generate text.
    #[tool]
    async fn generate(&self, prompt: String) -> String {
        prompt
    }
}

fn main() {}
