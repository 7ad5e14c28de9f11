// `auth = none(T)` needs `T: Credentials` (derived); the error names the type.
use gumstack::prelude::*;

struct WeatherEnv {
    api_key: String,
}

struct Weather;

#[gumstack::server(auth = none(WeatherEnv))]
impl Weather {
    /// Forecast for a city.
    #[tool]
    fn forecast(&self, city: String) -> String {
        city
    }
}

fn main() {}
