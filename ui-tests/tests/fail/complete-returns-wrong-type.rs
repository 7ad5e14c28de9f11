// A completer returns the suggested values: a single `String` is one error, at its return type.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Review code.
    #[prompt]
    fn review(&self, #[arg(complete = suggest)] language: String) -> String {
        format!("Review this {language} code.")
    }

    fn suggest(&self, value: &str) -> String {
        value.to_owned()
    }
}

fn main() {}
