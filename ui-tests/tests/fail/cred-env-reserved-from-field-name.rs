// The env name derived from a field name (`gumstack_token` -> `GUMSTACK_TOKEN`) is checked too.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Env {
    gumstack_token: Secret,
}

fn main() {}
