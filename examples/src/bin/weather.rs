//! `auth = none`: the operator's API key comes from env; `creds()` is sync.
//!
//! ```sh
//! WEATHER_API_KEY=demo cargo run --bin weather -- serve --http 127.0.0.1:8000
//! ```
//!
//! The forecast is computed offline (deterministic per city and day) so the
//! example runs anywhere; a real server would call its weather API with the key.

use gumstack::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Credentials)]
struct WeatherEnv {
    /// Key of the forecast API, shared by every user of this server.
    #[cred(
        label = "API Key",
        placeholder = "wk-...",
        secret,
        env = "WEATHER_API_KEY"
    )]
    api_key: Secret,
    /// `metric` (default) or `imperial`.
    #[cred(label = "Units", env = "WEATHER_UNITS")]
    units: Option<String>,
}

#[derive(Deserialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Detail {
    /// Temperatures only.
    Brief,
    /// Temperatures, wind and rain.
    Full,
}

#[derive(Serialize, JsonSchema)]
struct Forecast {
    city: String,
    units: String,
    days: Vec<Day>,
}

#[derive(Serialize, JsonSchema)]
struct Day {
    day: u32,
    high: i32,
    low: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    wind_kph: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rain_mm: Option<u32>,
}

struct Weather;

#[gumstack::server(
    auth = none(WeatherEnv),
    name = "weather",
    instructions = "Weather forecasts. Call get_forecast with a city name."
)]
impl Weather {
    /// Forecast for a city, up to 7 days ahead.
    #[tool(title = "Get forecast", read_only, idempotent, open_world)]
    async fn get_forecast(
        &self,
        #[arg(description = "City name, e.g. \"Paris\"")] city: String,
        #[arg(description = "Days ahead, 1 to 7 (default 3)")] days: Option<u32>,
        #[arg(description = "How much detail (default brief)")] detail: Option<Detail>,
    ) -> gumstack::Result<Forecast> {
        let days = days.unwrap_or(3);
        if !(1..=7).contains(&days) {
            return Err(gumstack::Error::msg(format!(
                "days must be between 1 and 7, got {days}"
            )));
        }
        let city = city.trim();
        if city.is_empty() {
            return Err(gumstack::Error::msg("city must not be empty"));
        }
        let creds = self.creds();
        // A real server would send `creds.api_key.expose()` to its weather API here.
        debug_assert!(!creds.api_key.is_empty());
        let imperial = creds.units.as_deref() == Some("imperial");
        let full = matches!(detail, Some(Detail::Full));
        let seed = city
            .to_lowercase()
            .bytes()
            .fold(17u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
        let days = (1..=days)
            .map(|day| {
                let n = seed.wrapping_add(day.wrapping_mul(7919));
                let high_c = 12 + (n % 18) as i32;
                let low_c = high_c - 4 - (n % 5) as i32;
                let convert = |c: i32| if imperial { c * 9 / 5 + 32 } else { c };
                Day {
                    day,
                    high: convert(high_c),
                    low: convert(low_c),
                    wind_kph: full.then_some(5 + n % 30),
                    rain_mm: full.then_some(n % 12),
                }
            })
            .collect();
        Ok(Forecast {
            city: city.to_owned(),
            units: if imperial { "imperial" } else { "metric" }.to_owned(),
            days,
        })
    }

    /// Whether a weather alert is in force for a region.
    #[tool(read_only)]
    fn get_alerts(&self, region: String) -> String {
        format!("No weather alerts in force for {region}.")
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Weather.run().await
}
