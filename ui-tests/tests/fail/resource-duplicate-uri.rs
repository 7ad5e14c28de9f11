// Two resources cannot share a URI: the second is an error.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Version one.
    #[resource(uri = "test://doc")]
    fn one(&self) -> &'static str {
        "one"
    }

    /// Version two.
    #[resource(uri = "test://doc")]
    fn two(&self) -> &'static str {
        "two"
    }
}

fn main() {}
