// Prompt arguments arrive as text: a type without `FromStr` is one error, at the type.
use gumstack::prelude::*;

#[derive(serde::Deserialize)]
struct Language {
    code: String,
}

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Review code.
    #[prompt]
    fn review(&self, language: Language) -> String {
        format!("Review this {} code.", language.code)
    }
}

fn main() {}
