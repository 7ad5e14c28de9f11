// An env name must be a valid environment variable name.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Env {
    #[cred(env = "1ST-KEY")]
    key: String,
}

fn main() {}
