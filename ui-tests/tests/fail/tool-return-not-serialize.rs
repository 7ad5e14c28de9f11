// A tool's return type must be text, content, or `Serialize + JsonSchema`.
use gumstack::prelude::*;

struct Report {
    lines: Vec<String>,
}

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// A report.
    #[tool]
    fn report(&self) -> Report {
        Report { lines: Vec::new() }
    }
}

fn main() {}
