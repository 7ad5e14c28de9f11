// `cred` needs the credentials type users enter: `auth = cred` alone is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = cred)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
