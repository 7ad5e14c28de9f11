// `#[derive(Credentials)]` needs a struct with named fields, not an enum.
use gumstack::prelude::*;

#[derive(Credentials)]
enum Creds {
    ApiKey(String),
    Token(String),
}

fn main() {}
