// `#[tool]` resolves like any attribute: without `use gumstack::prelude::*` (or `gumstack::tool`) it is not found.
struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
