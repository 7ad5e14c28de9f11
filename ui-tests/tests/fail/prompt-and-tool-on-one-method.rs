// A method is a tool, a resource or a prompt, not two of them.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Greet.
    #[tool]
    #[prompt]
    fn greet(&self) -> &'static str {
        "Hello!"
    }
}

fn main() {}
