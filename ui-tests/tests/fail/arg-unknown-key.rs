// `#[arg]` takes only `description = "..."`.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Echo.
    #[tool]
    fn echo(&self, #[arg(desc = "Text to echo")] text: String) -> String {
        text
    }
}

fn main() {}
