// `scopes(...)` need a provider whose scopes are a type: `OAuth2Provider` reads
// its scopes from env, so it has none to name.
use gumstack::{prelude::*, providers::OAuth2Provider};

struct Server;

#[gumstack::server(auth = oauth(OAuth2Provider))]
impl Server {
    /// Write.
    #[tool(scopes(write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {}
