// What `ctx.elicit::<T>()` asks for must be `Deserialize + JsonSchema`: an error per missing derive, at the type, in words.
use gumstack::prelude::*;

struct Contact {
    name: String,
}

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Ask who is calling.
    #[tool]
    async fn who(&self, ctx: Context) -> gumstack::Result<String> {
        let answer = ctx.elicit::<Contact>("Who are you?").await?;
        Ok(answer.accepted().map(|c| c.name).unwrap_or_default())
    }
}

fn main() {}
