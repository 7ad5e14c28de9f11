// `#[gumstack::tool]` written with its path works like `#[tool]` (no import needed), and tools may be renamed.
#![deny(warnings)]

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping, written `#[gumstack::tool]`.
    #[gumstack::tool(name = "ping.v2")]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {
    use gumstack::Server as _;
    assert_eq!(Server::tools()[0].name, "ping.v2");
}
