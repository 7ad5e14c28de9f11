// Every prompt needs a doc comment: it is the description clients show.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    #[prompt]
    fn greet(&self) -> &'static str {
        "Hello!"
    }
}

fn main() {}
