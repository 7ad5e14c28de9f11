// The auth mode is fixed by the attribute: there is no runtime `register_auth` to change it.
use gumstack::prelude::*;
use gumstack_ui_tests::TestProvider;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {
    Server.register_auth(TestProvider);
}
