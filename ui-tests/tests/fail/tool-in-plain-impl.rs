// `#[tool]` only works inside a `#[server]` impl block: in a plain impl it is an error.
use gumstack::prelude::*;

struct Server;

impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {
    let _ = Server.ping();
}
