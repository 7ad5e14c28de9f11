// A server whose only use of the prelude is `#[tool]` compiles without an unused-import warning.
#![deny(warnings)]
use gumstack::prelude::*;

struct Echo;

#[gumstack::server(auth = none)]
impl Echo {
    /// Echo the text back.
    #[tool]
    fn echo(&self, text: String) -> String {
        text
    }
}

fn main() {
    let _ = Echo;
}
