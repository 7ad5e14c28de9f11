// MCP completes prompt arguments and URI template parameters only: `complete` on a tool argument is an error.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Forecast.
    #[tool]
    fn forecast(&self, #[arg(complete = suggest_cities)] city: String) -> String {
        city
    }

    fn suggest_cities(&self, value: &str) -> Vec<String> {
        vec![value.to_owned()]
    }
}

fn main() {}
