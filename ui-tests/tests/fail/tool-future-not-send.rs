// Tool calls run on a multi-threaded runtime: an async tool holding a non-`Send` value across `.await` is rejected, pointing at that value.
use std::rc::Rc;

use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Count something.
    #[tool]
    async fn count(&self) -> String {
        let shared = Rc::new(1);
        tokio::task::yield_now().await;
        shared.to_string()
    }
}

fn main() {}
