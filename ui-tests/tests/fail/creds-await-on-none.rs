// A `none` server's `creds()` is synchronous: `.await` on it does not compile.
use gumstack::prelude::*;

#[derive(Credentials)]
struct WeatherEnv {
    #[cred(secret, env = "WEATHER_API_KEY")]
    api_key: Secret,
}

struct Weather;

#[gumstack::server(auth = none(WeatherEnv))]
impl Weather {
    /// Forecast for a city.
    #[tool]
    async fn forecast(&self, city: String) -> String {
        let creds = self.creds().await;
        format!("{city}: {}", creds.api_key.expose().len())
    }
}

fn main() {}
