// `GUMLOOP_` env names are reserved too, in any case.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Env {
    #[cred(env = "gumloop_region")]
    region: String,
}

fn main() {}
