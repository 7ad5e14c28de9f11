// `complete = method` must name a method of the server: an unknown name is an error at that name.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Review code.
    #[prompt]
    fn review(&self, #[arg(complete = suggest_languages)] language: String) -> String {
        format!("Review this {language} code.")
    }
}

fn main() {}
