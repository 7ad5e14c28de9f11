// Every resource needs a doc comment: it is the description clients show.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    #[resource(uri = "test://notes")]
    fn notes(&self) -> &'static str {
        "notes"
    }
}

fn main() {}
