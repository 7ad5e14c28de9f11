// A scope the provider does not define is an error at its name, with the close
// one suggested.
use gumstack::{prelude::*, providers::GitHubProvider};

struct Server;

#[gumstack::server(auth = oauth(GitHubProvider), scopes(read_usr))]
impl Server {
    /// Open an issue.
    #[tool(scopes(repoo))]
    fn create_issue(&self) -> &'static str {
        "opened"
    }
}

fn main() {}
