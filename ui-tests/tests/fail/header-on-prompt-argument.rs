// Only tool arguments are mirrored into `Mcp-Param-*` headers (SEP-2243).
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Greet someone.
    #[prompt]
    fn greet(&self, #[arg(header = "Name")] name: String) -> String {
        format!("Greet {name}")
    }
}

fn main() {}
