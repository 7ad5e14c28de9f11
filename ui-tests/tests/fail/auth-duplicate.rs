// One server has exactly one auth mode: a second `auth = ...` is rejected.
use gumstack::prelude::*;
use gumstack_ui_tests::TestProvider;

struct Server;

#[gumstack::server(auth = none, auth = oauth(TestProvider))]
impl Server {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

fn main() {}
