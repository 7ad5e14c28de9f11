//! `auth = cred`: each user enters their own OpenAI key; `creds().await` returns it.
//!
//! Over HTTP each user enters their key on the host's credentials form; over
//! stdio `openai login` stores the local user's; for development
//! `LOCAL_API_KEY` (and optionally `LOCAL_ORGANIZATION`) stand in for a login:
//!
//! ```sh
//! LOCAL_API_KEY=sk-... cargo run --bin openai -- serve --stdio
//! ```
//!
//! `OPENAI_BASE_URL` points the server at another OpenAI-compatible API.

use gumstack::prelude::*;
use serde_json::{Value, json};

#[derive(Credentials)]
#[cred(validate = check_key)]
struct OpenAiCreds {
    /// Your OpenAI API key
    #[cred(label = "API Key", placeholder = "sk-...", secret)]
    api_key: Secret,
    /// Only needed when your key belongs to several organizations.
    #[cred(label = "Organization", placeholder = "org-...")]
    organization: Option<String>,
}

/// The user's answer before a file is deleted.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Confirm {
    /// Delete the file for good
    delete: bool,
}

struct OpenAi {
    http: reqwest::Client,
    base_url: String,
}

fn base_url() -> String {
    std::env::var("OPENAI_BASE_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| "https://api.openai.com/v1".to_owned())
}

/// Try the key before it is stored: the form shows the error if OpenAI refuses it.
async fn check_key(creds: &OpenAiCreds) -> Result<(), String> {
    let response = reqwest::Client::new()
        .get(format!("{}/models", base_url()))
        .bearer_auth(creds.api_key.expose())
        .send()
        .await
        .map_err(|e| format!("could not reach OpenAI to check the key: {e}"))?;
    match response.status() {
        s if s.is_success() => Ok(()),
        reqwest::StatusCode::UNAUTHORIZED => Err("OpenAI did not accept this API key.".into()),
        s => Err(format!(
            "OpenAI answered {s} when checking the key; try again."
        )),
    }
}

#[gumstack::server(auth = cred(OpenAiCreds), name = "openai")]
impl OpenAi {
    /// Complete a prompt with the user's own OpenAI key.
    #[tool(open_world)]
    async fn generate(
        &self,
        #[arg(description = "What to ask the model")] prompt: String,
        #[arg(description = "Upper bound on the answer's length, in tokens")] max_tokens: Option<
            u32,
        >,
        #[arg(description = "Model name (default gpt-4o-mini)")] model: Option<String>,
    ) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        let mut request = self
            .http
            .post(format!("{}/chat/completions", self.base_url))
            .bearer_auth(creds.api_key.expose())
            .json(&json!({
                "model": model.as_deref().unwrap_or("gpt-4o-mini"),
                "max_tokens": max_tokens.unwrap_or(512),
                "messages": [{"role": "user", "content": prompt}],
            }));
        if let Some(org) = &creds.organization {
            request = request.header("OpenAI-Organization", org);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() {
            let message = body["error"]["message"].as_str().unwrap_or("no details");
            return Err(gumstack::Error::msg(format!(
                "OpenAI answered {status}: {message}"
            )));
        }
        Ok(body["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }

    /// Delete one of the user's uploaded files, once they confirm.
    ///
    /// The question comes first: under MCP 2026-07-28 the call ends with it
    /// and runs again from the start with the answer, so nothing is done
    /// before the user has said yes.
    #[tool(destructive)]
    async fn delete_file(
        &self,
        ctx: Context,
        #[arg(description = "The file's id (file-...)")] file_id: String,
    ) -> gumstack::Result<String> {
        let answer = ctx
            .elicit::<Confirm>(format!("Delete {file_id} from your OpenAI account?"))
            .await?;
        if !answer.accepted().is_some_and(|c| c.delete) {
            return Ok(format!("{file_id} was kept"));
        }
        let creds = self.creds().await?;
        let response = self
            .http
            .delete(format!("{}/files/{file_id}", self.base_url))
            .bearer_auth(creds.api_key.expose())
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        if !status.is_success() || body["deleted"] != true {
            let message = body["error"]["message"].as_str().unwrap_or("not deleted");
            return Err(gumstack::Error::msg(format!(
                "OpenAI answered {status}: {message}"
            )));
        }
        Ok(format!("{file_id} deleted"))
    }

    /// Check whether an OpenAI API key works, without storing it (say, one
    /// about to replace yours). A `Secret` argument: clients may mask it, and
    /// the audit log records it as "[redacted]".
    #[tool(read_only, open_world)]
    async fn verify_key(
        &self,
        #[arg(description = "The key to try (sk-...)")] api_key: Secret,
    ) -> gumstack::Result<String> {
        let creds = OpenAiCreds {
            api_key,
            organization: None,
        };
        check_key(&creds).await.map_err(gumstack::Error::msg)?;
        Ok("OpenAI accepts this key".into())
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    let base_url =
        std::env::var("OPENAI_BASE_URL").unwrap_or_else(|_| "https://api.openai.com/v1".to_owned());
    OpenAi {
        http: reqwest::Client::new(),
        base_url: base_url.trim_end_matches('/').to_owned(),
    }
    .run()
    .await
}
