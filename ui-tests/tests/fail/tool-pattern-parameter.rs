// A tool parameter needs a plain name: it is the argument's name in the schema.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Add two numbers.
    #[tool]
    fn add(&self, (a, b): (i64, i64)) -> String {
        (a + b).to_string()
    }
}

fn main() {}
