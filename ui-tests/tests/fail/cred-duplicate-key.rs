// A `#[cred]` key may appear once per field.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds {
    #[cred(label = "API Key", label = "Key")]
    api_key: Secret,
}

fn main() {}
