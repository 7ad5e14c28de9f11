// `#[derive(Credentials)]` needs named fields: a tuple struct's fields have no names.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds(Secret);

fn main() {}
