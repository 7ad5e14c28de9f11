// A parameter whose type is named `Context` must be gumstack's: another type named so is one error, at it.
use gumstack::prelude::Content;

struct Context {
    user: String,
}

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ping.
    #[gumstack::tool]
    fn ping(&self, ctx: Context) -> Content {
        Content::text(ctx.user)
    }
}

fn main() {}
