// A completer takes the text typed so far (`&str` or `String`): another parameter type is an error at it.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Review code.
    #[prompt]
    fn review(&self, #[arg(complete = suggest)] language: String) -> String {
        format!("Review this {language} code.")
    }

    fn suggest(&self, prefix: u32) -> Vec<String> {
        vec![prefix.to_string()]
    }
}

fn main() {}
