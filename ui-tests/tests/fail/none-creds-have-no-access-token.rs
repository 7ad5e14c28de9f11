// A `none` server's credentials are the operator's struct: there is no OAuth `access_token`.
use gumstack::prelude::*;

#[derive(Credentials)]
struct WeatherEnv {
    #[cred(secret, env = "WEATHER_API_KEY")]
    api_key: Secret,
}

struct Weather;

#[gumstack::server(auth = none(WeatherEnv))]
impl Weather {
    /// Uses the wrong kind of credential.
    #[tool]
    fn forecast(&self) -> String {
        self.creds().access_token.expose().to_owned()
    }
}

fn main() {}
