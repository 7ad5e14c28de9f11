// MCP tool names are letters, digits, `_`, `-` and `.`: a space is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool(name = "ping me")]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
