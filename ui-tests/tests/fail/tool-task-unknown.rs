// `#[tool(task = "...")]` takes one of three values: how the tool runs as a task (SEP-2663).
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// A long job.
    #[tool(task = "background")]
    async fn job(&self) -> String {
        "done".into()
    }
}

fn main() {}
