// `#[resource]` only works inside a `#[server]` impl block.
use gumstack::prelude::*;

struct Notes;

impl Notes {
    /// The notes.
    #[resource(uri = "test://notes")]
    fn notes(&self) -> &'static str {
        "notes"
    }
}

fn main() {
    let _ = Notes.notes();
}
