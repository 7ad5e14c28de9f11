// A `#[cred(secret)]` field must be `Secret`, so it never prints and is zeroized.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Creds {
    #[cred(secret)]
    api_key: String,
}

fn main() {}
