// `Context` is taken by value (`ctx: Context`), not by reference.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    async fn ping(&self, ctx: &Context) -> &'static str {
        ctx.info("ping").await;
        "pong"
    }
}

fn main() {}
