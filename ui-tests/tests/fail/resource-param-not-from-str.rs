// A URI template parameter is parsed from text: a type without `FromStr` is one error, at the type.
use gumstack::prelude::*;

struct ItemId(u32);

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// One item.
    #[resource(uri = "test://items/{id}")]
    fn item(&self, id: ItemId) -> String {
        id.0.to_string()
    }
}

fn main() {}
