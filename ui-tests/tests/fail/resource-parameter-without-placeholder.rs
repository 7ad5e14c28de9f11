// A resource parameter must be a placeholder of its URI: a parameter the URI lacks is an error at the parameter.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// One item.
    #[resource(uri = "test://items/{id}")]
    fn item(&self, id: u32, version: u32) -> String {
        format!("{id} {version}")
    }
}

fn main() {}
