// A tool is a method: an associated function without `&self` is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    fn ping() -> &'static str {
        "pong"
    }
}

fn main() {}
