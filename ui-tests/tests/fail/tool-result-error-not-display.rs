// The error of a tool's `Result<T, E>` is shown to the model, so `E` must implement `Display`.
use gumstack::prelude::*;

#[derive(Debug)]
struct LookupFailed;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Look a city up.
    #[tool]
    fn lookup(&self, city: String) -> Result<String, LookupFailed> {
        if city.is_empty() {
            Err(LookupFailed)
        } else {
            Ok(city)
        }
    }
}

fn main() {}
