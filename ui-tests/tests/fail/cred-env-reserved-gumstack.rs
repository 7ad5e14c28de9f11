// `GUMSTACK_` env names are reserved for the host's settings.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Env {
    #[cred(secret, env = "GUMSTACK_API_KEY")]
    api_key: Secret,
}

fn main() {}
