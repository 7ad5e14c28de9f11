// One method is one tool: a second `#[tool]` on it is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    #[tool(name = "ping2")]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
