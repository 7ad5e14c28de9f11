// `#[derive(Credentials)]` needs named fields: a unit struct has none.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds;

fn main() {}
