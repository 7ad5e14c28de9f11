// Scopes are written as the Rust names of the provider's scope type, not as
// strings.
use gumstack::{prelude::*, providers::GitHubProvider};

struct Server;

#[gumstack::server(auth = oauth(GitHubProvider))]
impl Server {
    /// Read.
    #[tool(scopes("read:user"))]
    fn read(&self) -> &'static str {
        "read"
    }
}

fn main() {}
