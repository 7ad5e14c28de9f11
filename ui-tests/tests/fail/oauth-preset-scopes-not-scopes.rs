// A preset's type parameter names the scopes to ask for: it must implement
// `Scopes`, and the error says how.
use gumstack::{prelude::*, providers::GitHubProvider};

struct RepoAccess;

struct GitHub;

#[gumstack::server(auth = oauth(GitHubProvider<RepoAccess>))]
impl GitHub {
    /// Who am I?
    #[tool]
    async fn whoami(&self) -> gumstack::Result<String> {
        Ok(self.creds().await?.nickname.clone().unwrap_or_default())
    }
}

fn main() {}
