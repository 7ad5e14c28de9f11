// `#[resource]` needs its URI: without `uri = "..."` it is an error at the attribute.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// The notes.
    #[resource]
    fn notes(&self) -> String {
        String::new()
    }
}

fn main() {}
