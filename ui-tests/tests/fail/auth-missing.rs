// A server must choose its auth mode: `auth = ...` is required.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(name = "no-auth")]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
