// Scopes of a preset, of a provider with its own scope type, and of a `cred`
// server (its own).
use gumstack::{
    prelude::*,
    providers::{GitHubProvider, OAuth2Provider, WithScopes},
};

gumstack::scopes! {
    /// Acme's scopes.
    pub struct AcmeScopes {
        /// Read.
        read = "read",
        /// Write.
        write = "write" implies ["read"],
    }
}

struct GitHub;

#[gumstack::server(auth = oauth(GitHubProvider), scopes(read_user))]
impl GitHub {
    /// Open an issue.
    #[tool(scopes(public_repo, repo_status))]
    fn create_issue(&self) -> &'static str {
        "opened"
    }
}

struct Acme;

#[gumstack::server(auth = oauth(WithScopes<OAuth2Provider, AcmeScopes>))]
impl Acme {
    /// Write.
    #[tool(scopes(write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

#[derive(Credentials)]
#[cred(scopes = AcmeScopes)]
struct Key {
    /// The key.
    #[cred(secret)]
    key: Secret,
}

struct Notes;

#[gumstack::server(auth = cred(Key), scopes(read))]
impl Notes {
    /// Write.
    #[tool(scopes(write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {
    use gumstack::Server as _;
    assert_eq!(GitHub::__tool_scopes("create_issue")[1].name(), "repo:status");
    assert_eq!(Acme::__tool_scopes("write")[0].name(), "write");
    assert_eq!(Notes::__server_scopes()[0].name(), "read");
    assert_eq!(Notes::__scope_table().len(), 2);
}
