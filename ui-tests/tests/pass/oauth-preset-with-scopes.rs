// A preset asks for the scopes its type parameter names; the builder and
// `describe` are there for code that builds one itself.
use gumstack::{
    auth::ProviderDescription,
    prelude::*,
    providers::{GitHubProvider, Scopes},
};

struct IssueScopes;

impl Scopes for IssueScopes {
    const SCOPES: &'static [&'static str] = &["repo", "read:user"];
}

struct GitHub;

#[gumstack::server(auth = oauth(GitHubProvider<IssueScopes>))]
impl GitHub {
    /// Who am I?
    #[tool]
    async fn whoami(&self) -> gumstack::Result<String> {
        Ok(self.creds().await?.nickname.clone().unwrap_or_default())
    }
}

fn _built_in_code() -> gumstack::Result<Vec<String>> {
    let github = GitHubProvider::from_env()?.with_scopes(["gist"]);
    let _: ProviderDescription = <GitHubProvider<IssueScopes> as AuthProvider>::describe();
    Ok(github.scopes().to_vec())
}

fn main() {}
