// A URI template placeholder must bind a parameter: `{id}` without `id` is an error at the URI.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// One item.
    #[resource(uri = "test://items/{id}")]
    fn item(&self) -> String {
        String::new()
    }
}

fn main() {}
