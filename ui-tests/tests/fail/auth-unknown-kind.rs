// The auth mode is one of `none`, `cred`, `oauth`: anything else is rejected by name.
use gumstack::prelude::*;

struct Token;
struct Server;

#[gumstack::server(auth = token(Token))]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
