// A tool parameter must be `Deserialize + JsonSchema`: one error, on the parameter's type.
use gumstack::prelude::*;

struct Location {
    lat: f64,
    lon: f64,
}

struct Weather;

#[gumstack::server(auth = none)]
impl Weather {
    /// Forecast at a location.
    #[tool]
    fn forecast(&self, location: Location) -> String {
        format!("{} {}", location.lat, location.lon)
    }
}

fn main() {}
