// `auth = none(T)`: `creds()` is sync and returns the operator's `&'static T`.
#![deny(warnings)]
use gumstack::prelude::*;

#[derive(Credentials)]
struct WeatherEnv {
    /// Key of the forecast API.
    #[cred(
        label = "API Key",
        placeholder = "wk-...",
        secret,
        env = "WEATHER_API_KEY"
    )]
    api_key: Secret,
    #[cred(
        label = "Units",
        description = "metric or imperial",
        env = "WEATHER_UNITS"
    )]
    units: Option<String>,
    max_days: Option<u32>,
    verbose: bool,
}

struct Weather;

#[gumstack::server(auth = none(WeatherEnv), name = "weather", version = "1.0.0")]
impl Weather {
    /// Forecast for a city.
    #[tool]
    fn forecast(&self, city: String) -> String {
        let creds: &'static WeatherEnv = self.creds();
        let _key: &str = creds.api_key.expose();
        let _units: Option<&str> = creds.units.as_deref();
        let _days: Option<u32> = creds.max_days;
        let _verbose: bool = creds.verbose;
        city
    }
}

fn main() {
    assert_eq!(<Weather as Server>::NAME, "weather");
    let _ = Weather::tools();
    let _ = WeatherEnv::FIELDS;
    let _run = Weather.run();
}
