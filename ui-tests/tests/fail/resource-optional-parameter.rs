// A URI template parameter is always present when the URI matches: `Option` is refused.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// One item.
    #[resource(uri = "test://items/{id}")]
    fn item(&self, id: Option<u32>) -> String {
        format!("{id:?}")
    }
}

fn main() {}
