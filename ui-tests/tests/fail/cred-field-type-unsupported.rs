// A credentials field must parse from text: `String`, `Secret`, numbers, `bool`, `Option` of one.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds {
    api_key: Secret,
    scopes: Vec<String>,
}

fn main() {}
