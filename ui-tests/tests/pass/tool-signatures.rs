// Every supported return type, sync and async tools, `Option` params, `#[arg]` and every `#[tool]` option.
#![deny(warnings)]
use gumstack::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Serialize, JsonSchema)]
struct Forecast {
    city: String,
    high: i32,
}

#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Units {
    Metric,
    Imperial,
}

struct Everything;

#[gumstack::server(auth = none, name = "everything", version = "0.0.1", instructions = "All shapes.")]
impl Everything {
    /// Returns a `String`.
    #[tool]
    fn string(&self) -> String {
        String::from("text")
    }

    /// Returns a `&'static str`.
    #[tool]
    fn static_str(&self) -> &'static str {
        "text"
    }

    /// Returns nothing.
    #[tool]
    fn unit(&self) {}

    /// Returns `()` explicitly, asynchronously.
    #[tool]
    async fn unit_async(&self) -> () {}

    /// Returns one content block.
    #[tool]
    fn content(&self) -> Content {
        Content::text("block")
    }

    /// Returns several content blocks.
    #[tool]
    async fn contents(&self) -> Vec<Content> {
        vec![Content::text("a"), Content::text("b")]
    }

    /// Returns structured content.
    #[tool]
    fn structured(&self, city: String) -> Forecast {
        Forecast { city, high: 20 }
    }

    /// Returns a non-object structured value (wrapped as `{"result": ...}`).
    #[tool]
    fn numbers(&self) -> Vec<i32> {
        vec![1, 2, 3]
    }

    /// Returns a `gumstack::Result` of structured content.
    #[tool]
    async fn fallible(&self, city: String) -> gumstack::Result<Forecast> {
        if city.is_empty() {
            return Err(gumstack::Error::msg("city must not be empty"));
        }
        Ok(Forecast { city, high: 20 })
    }

    /// Returns a `Result<T, gumstack::Error>` written out.
    #[tool]
    fn explicit_result(&self) -> Result<Forecast, gumstack::Error> {
        Err(gumstack::Error::msg("no forecast today"))
    }

    /// Returns a `Result` with another error type.
    #[tool]
    fn io(&self) -> Result<String, std::io::Error> {
        Ok(String::from("read"))
    }

    /// Optional and described parameters.
    #[tool(
        name = "get_forecast",
        title = "Get forecast",
        read_only,
        destructive = false,
        idempotent,
        open_world
    )]
    async fn forecast(
        &self,
        #[arg(description = "City name, e.g. \"Paris\"")] city: String,
        #[arg(description = "Days ahead (default 3)")] days: Option<u32>,
        units: Option<Units>,
        tags: Vec<String>,
    ) -> gumstack::Result<String> {
        let units = match units {
            Some(Units::Imperial) => "imperial",
            Some(Units::Metric) | None => "metric",
        };
        Ok(format!("{city} {} {units} {tags:?}", days.unwrap_or(3)))
    }

    /// Not a tool: plain methods stay as they are.
    fn helper(&self) -> u32 {
        1
    }
}

fn main() {
    let names: Vec<_> = Everything::tools()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert_eq!(names.len(), 12);
    assert_eq!(Everything.helper(), 1);
}
