// Subscriptions are for resources: `subscribe` on a tool is an error that says where it belongs.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool(subscribe)]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
