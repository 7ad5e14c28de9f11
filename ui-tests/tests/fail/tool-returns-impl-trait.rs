// A tool returns a named type (its output schema comes from it), not `impl Trait`.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Greeting.
    #[tool]
    fn greet(&self) -> impl std::fmt::Display {
        "hello"
    }
}

fn main() {}
