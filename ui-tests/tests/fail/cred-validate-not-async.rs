// `#[cred(validate = f)]` needs `async fn f(&Self) -> Result<(), String>`; a sync fn is refused at `f`.
use gumstack::prelude::*;

#[derive(Credentials)]
#[cred(validate = check)]
struct Creds {
    #[cred(secret)]
    api_key: Secret,
}

fn check(creds: &Creds) -> Result<(), String> {
    if creds.api_key.is_empty() { Err("empty".into()) } else { Ok(()) }
}

fn main() {}
