// A tool takes `&self`: one server value serves every call, so `self` by value is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(self) -> &'static str {
        "pong"
    }
}

fn main() {}
