// One type has one auth mode for good: a second `#[server]` on the same type is rejected.
use gumstack::prelude::*;
use gumstack_ui_tests::TestProvider;

struct Linear;

#[gumstack::server(auth = none)]
impl Linear {
    /// Ping.
    #[tool]
    fn ping(&self) -> &'static str {
        "pong"
    }
}

#[gumstack::server(auth = oauth(TestProvider))]
impl Linear {
    /// Search issues.
    #[tool]
    async fn search(&self, query: String) -> String {
        query
    }
}

fn main() {}
