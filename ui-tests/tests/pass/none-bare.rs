// Bare `auth = none`: a server that needs no credentials at all.
#![deny(warnings)]
use gumstack::prelude::*;

struct Echo;

#[gumstack::server(auth = none, instructions = "Echoes text back.")]
impl Echo {
    /// Echo the text back.
    #[tool]
    fn echo(&self, text: String) -> String {
        let () = *self.creds();
        text
    }
}

#[tokio::main]
async fn main() {
    assert_eq!(Echo::tools().len(), 1);
    let _run = Echo.run();
}
