// A tool parameter must own its data (it is parsed from JSON): `&str` is rejected, naming `String`.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Echo the text back.
    #[tool]
    fn echo(&self, text: &str, tags: Option<&[String]>) -> String {
        format!("{text} {tags:?}")
    }
}

fn main() {}
