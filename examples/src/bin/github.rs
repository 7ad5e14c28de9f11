//! `auth = oauth` with a ready-made provider: each user connects their GitHub
//! account through `gumstack::providers::GitHubProvider`, which asks GitHub
//! for the scopes the tools need (`repo`, to create issues), named in the type.
//!
//! Register an OAuth app at <https://github.com/settings/developers> (the
//! README's OAuth walkthrough says which callback URL), then:
//!
//! ```sh
//! GITHUB_CLIENT_ID=... GITHUB_CLIENT_SECRET=... \
//! cargo run --bin github -- serve --http 127.0.0.1:8000      # each user connects over HTTP
//! GITHUB_CLIENT_ID=... GITHUB_CLIENT_SECRET=... GUMSTACK_LOGIN_PORT=8976 \
//! cargo run --bin github -- login                            # or the local user, for stdio
//! LOCAL_ACCESS_TOKEN=gho_... cargo run --bin github -- serve --stdio   # development token
//! ```
//!
//! `GITHUB_API_URL` points the tools at another API (GitHub Enterprise, a test
//! double); `GITHUB_SCOPES` replaces the scopes of the code.

use gumstack::{
    prelude::*,
    providers::{GitHubProvider, Scopes},
};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

/// What the tools need: `repo` to read and write issues of private
/// repositories too, `read:user` to name the account.
struct IssueScopes;

impl Scopes for IssueScopes {
    const SCOPES: &'static [&'static str] = &["repo", "read:user"];
}

#[derive(Serialize, JsonSchema)]
struct Issue {
    number: u64,
    title: String,
    url: String,
}

#[derive(Serialize, JsonSchema)]
struct Issues {
    issues: Vec<Issue>,
}

struct GitHub {
    http: reqwest::Client,
    api: String,
}

impl GitHub {
    /// Call GitHub's REST API with the user's token. A `401` means GitHub no
    /// longer accepts the token (the user revoked the app, or an admin the
    /// token): the message says how to connect again, because gumstack does not
    /// see this call and keeps the grant as it is.
    async fn call(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> gumstack::Result<Value> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.api))
            .bearer_auth(token)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .header("User-Agent", "gumstack-github-example");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let message = body["message"].as_str().unwrap_or("no details");
        match status.as_u16() {
            200..=299 => Ok(body),
            401 => Err(gumstack::Error::revoked(
                "GitHub refused the access token (the app was revoked at GitHub?). Connect again: \
                 over HTTP, disconnect this account on the server's /accounts page and let your \
                 MCP client authorize again; locally, run `github login`",
            )),
            403 | 404 => Err(gumstack::Error::msg(format!(
                "GitHub answered {status}: {message} (no such repository, or the token lacks a \
                 scope: this server asks for {:?})",
                IssueScopes::SCOPES
            ))),
            _ => Err(gumstack::Error::msg(format!(
                "GitHub answered {status}: {message}"
            ))),
        }
    }
}

fn issue(value: &Value) -> Issue {
    Issue {
        number: value["number"].as_u64().unwrap_or_default(),
        title: value["title"].as_str().unwrap_or_default().to_owned(),
        url: value["html_url"].as_str().unwrap_or_default().to_owned(),
    }
}

#[gumstack::server(
    auth = oauth(GitHubProvider<IssueScopes>),
    name = "github",
    scopes(read_user)
)]
impl GitHub {
    /// Open issues of a repository.
    #[tool(read_only, open_world)]
    async fn list_issues(
        &self,
        #[arg(description = "The repository as owner/name, e.g. \"rust-lang/rust\"")] repo: String,
    ) -> gumstack::Result<Issues> {
        let creds = self.creds().await?;
        let answer = self
            .call(
                creds.access_token.expose(),
                reqwest::Method::GET,
                &format!("/repos/{repo}/issues?state=open&per_page=20"),
                None,
            )
            .await?;
        let issues = answer.as_array().map(|a| a.iter().map(issue).collect());
        Ok(Issues {
            issues: issues.unwrap_or_default(),
        })
    }

    /// Open an issue in a repository, as the connected user.
    #[tool(open_world, scopes(public_repo))]
    async fn create_issue(
        &self,
        #[arg(description = "The repository as owner/name")] repo: String,
        title: String,
        #[arg(description = "Markdown text of the issue")] body: Option<String>,
    ) -> gumstack::Result<Issue> {
        let creds = self.creds().await?;
        let answer = self
            .call(
                creds.access_token.expose(),
                reqwest::Method::POST,
                &format!("/repos/{repo}/issues"),
                Some(json!({ "title": title, "body": body })),
            )
            .await?;
        Ok(issue(&answer))
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    let api = std::env::var("GITHUB_API_URL")
        .map(|url| url.trim_end_matches('/').to_owned())
        .unwrap_or_else(|_| "https://api.github.com".to_owned());
    GitHub {
        http: reqwest::Client::new(),
        api,
    }
    .run()
    .await
}
