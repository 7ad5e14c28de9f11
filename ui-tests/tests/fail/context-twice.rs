// A handler takes the request's `Context` at most once.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[tool]
    async fn ping(&self, ctx: Context, again: Context) -> &'static str {
        ctx.info("ping").await;
        again.info("ping").await;
        "pong"
    }
}

fn main() {}
