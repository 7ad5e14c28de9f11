// One server has exactly one auth mode: a second `auth = ...` is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none, auth = oauth(gumstack_ui_tests::TestProvider))]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
