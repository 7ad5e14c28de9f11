// A tool parameter needs a named type for its schema: `impl Trait` is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Echo the text back.
    #[tool]
    fn echo(&self, text: impl Into<String>) -> String {
        text.into()
    }
}

fn main() {}
