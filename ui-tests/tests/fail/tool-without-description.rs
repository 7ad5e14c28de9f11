// Every tool needs a doc comment: it is the description the model reads.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
