// A tool takes `&self`: calls run concurrently, so `&mut self` is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&mut self) -> &'static str {
        "pong"
    }
}

fn main() {}
