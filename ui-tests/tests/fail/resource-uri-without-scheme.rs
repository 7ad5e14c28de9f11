// A resource URI needs a scheme: `static-text` is refused at compile time, not served.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Some text.
    #[resource(uri = "static-text")]
    fn text(&self) -> &'static str {
        "text"
    }
}

fn main() {}
