// A list names each scope once.
use gumstack::prelude::*;

gumstack::scopes! {
    /// The server's own scopes.
    pub struct NoteScopes {
        /// Read notes.
        read = "notes:read",
        /// Write notes.
        write = "notes:write",
    }
}

#[derive(Credentials)]
#[cred(scopes = NoteScopes)]
struct Key {
    /// The key.
    #[cred(secret)]
    key: Secret,
}

struct Server;

#[gumstack::server(auth = cred(Key), scopes(read, read))]
impl Server {
    /// Write.
    #[tool(scopes(write, write))]
    fn write(&self) -> &'static str {
        "written"
    }
}

fn main() {}
