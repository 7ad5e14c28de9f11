// A bad type nested in a parameter (`Vec<Location>`) is reported on that parameter's type.
use gumstack::prelude::*;

#[derive(schemars::JsonSchema)]
struct Location {
    lat: f64,
    lon: f64,
}

struct Weather;

#[gumstack::server(auth = none)]
impl Weather {
    /// Forecasts at several locations.
    #[tool]
    fn forecast(&self, city: String, locations: Vec<Location>) -> String {
        format!(
            "{city}: {}",
            locations.iter().map(|l| l.lat + l.lon).sum::<f64>()
        )
    }
}

fn main() {}
