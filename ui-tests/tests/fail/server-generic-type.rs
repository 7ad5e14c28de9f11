// A server type cannot be generic: its auth mode and tool table are fixed per type.
use gumstack::prelude::*;

struct Server<T>(T);

#[gumstack::server(auth = none)]
impl<T: Send + Sync + 'static> Server<T> {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
