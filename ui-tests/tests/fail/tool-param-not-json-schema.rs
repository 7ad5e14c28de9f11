// A tool parameter that is `Deserialize` but not `JsonSchema` is rejected on its type.
use gumstack::prelude::*;

#[derive(serde::Deserialize)]
struct Location {
    lat: f64,
    lon: f64,
}

struct Weather;

#[gumstack::server(auth = none)]
impl Weather {
    /// Forecast at a location.
    #[tool]
    fn forecast(&self, location: Option<Location>) -> String {
        location.map_or_else(String::new, |l| format!("{} {}", l.lat, l.lon))
    }
}

fn main() {}
