// Unknown `#[server]` arguments are rejected by name, with the list of known ones.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none, title = "My server")]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
