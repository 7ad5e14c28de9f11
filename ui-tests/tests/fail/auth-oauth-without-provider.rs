// `oauth` needs the provider type: `auth = oauth` alone is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = oauth)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
