// A prompt returns messages: a number is one error, at the return type.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Count.
    #[prompt]
    fn count(&self) -> u32 {
        3
    }
}

fn main() {}
