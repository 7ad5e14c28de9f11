// Prompt names are unique within a server: a rename that collides is an error.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Greet.
    #[prompt]
    fn greet(&self) -> &'static str {
        "Hello!"
    }

    /// Greet warmly.
    #[prompt(name = "greet")]
    fn greet_warmly(&self) -> &'static str {
        "Hello, friend!"
    }
}

fn main() {}
