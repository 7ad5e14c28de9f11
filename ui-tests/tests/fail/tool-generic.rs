// A tool cannot be generic: its parameter types make its input schema.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Echo.
    #[tool]
    fn echo<T: ToString>(&self, value: String) -> String {
        value
    }
}

fn main() {}
