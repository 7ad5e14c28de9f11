// `#[server]` goes on an inherent impl block, not a trait impl.
struct Server;

#[gumstack::server(auth = none)]
impl Clone for Server {
    fn clone(&self) -> Self {
        Server
    }
}

fn main() {}
