// Scopes are granted to users: a `none` server has none.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none, scopes(read))]
impl Server {
    /// Write.
    #[tool(scopes(write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {}
