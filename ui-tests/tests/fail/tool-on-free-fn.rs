// `#[tool]` only works inside a `#[server]` impl block: on a free function it is an error.
use gumstack::prelude::*;

/// Ping.
#[tool]
fn ping() -> &'static str {
    "pong"
}

fn main() {
    let _ = ping();
}
