// Unknown `#[tool]` arguments are rejected by name, with the list of known ones.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool(readonly)]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
