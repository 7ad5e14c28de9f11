// Only simple `{name}` placeholders are supported: an RFC 6570 operator such as `{+path}` is an error.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// A file.
    #[resource(uri = "file:///{+path}")]
    fn file(&self, path: String) -> String {
        path
    }
}

fn main() {}
