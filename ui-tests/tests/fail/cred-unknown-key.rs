// Unknown `#[cred]` keys are rejected by name, with the list of known ones.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds {
    #[cred(label = "API Key", hidden)]
    api_key: Secret,
}

fn main() {}
