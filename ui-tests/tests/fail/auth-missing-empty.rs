// A bare `#[server]` (no arguments) is rejected too: `auth = ...` is required.
use gumstack::prelude::*;

struct Server;

#[gumstack::server]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
