// A resource returns text, bytes, contents or a `Serialize` value: anything else is one error, at the type.
use gumstack::prelude::*;

struct Report {
    lines: Vec<String>,
}

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// The report.
    #[resource(uri = "test://report")]
    fn report(&self) -> Report {
        Report { lines: Vec::new() }
    }
}

fn main() {}
