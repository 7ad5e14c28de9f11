// A `cred` server's scopes are its own: its credentials type names them
// with `#[cred(scopes = ...)]`, and this one does not.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Key {
    /// The key.
    #[cred(secret)]
    key: Secret,
}

struct Server;

#[gumstack::server(auth = cred(Key))]
impl Server {
    /// Write.
    #[tool(scopes(write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {}
