// `#[arg(header = "...")]` becomes `Mcp-Param-<name>`: the name must be an HTTP token,
// and two arguments cannot share one (header names are case-insensitive).
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Forecast.
    #[tool]
    fn forecast(
        &self,
        #[arg(header = "Weather Region")] region: String,
        #[arg(header = "City")] city: String,
        #[arg(header = "city")] town: String,
    ) -> String {
        format!("{region} {city} {town}")
    }
}

fn main() {}
