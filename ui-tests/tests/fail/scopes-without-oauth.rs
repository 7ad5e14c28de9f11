// Scopes are the OAuth provider's: a `none` or `cred` server has none.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Key {
    /// The key.
    #[cred(secret)]
    key: Secret,
}

struct Server;

#[gumstack::server(auth = cred(Key), scopes(read))]
impl Server {
    /// Write.
    #[tool(scopes(write, write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {}
