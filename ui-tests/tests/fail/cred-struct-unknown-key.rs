// On the struct, `#[cred]` takes only `validate`; field keys there are refused by name.
use gumstack::prelude::*;

#[derive(Credentials)]
#[cred(label = "Creds")]
struct Creds {
    #[cred(secret)]
    api_key: Secret,
}

fn main() {}
