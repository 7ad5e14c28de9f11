// `#[server]` goes on the impl block that holds the tools, not on the struct.
#[gumstack::server(auth = none)]
struct Server;

fn main() {}
