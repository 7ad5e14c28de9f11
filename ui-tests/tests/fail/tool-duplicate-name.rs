// Tool names are unique within a server: two `#[tool(name = "x")]` collide.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// First.
    #[tool(name = "x")]
    fn first(&self) -> &'static str {
        "1"
    }

    /// Second.
    #[tool(name = "x")]
    fn second(&self) -> &'static str {
        "2"
    }
}

fn main() {}
