// A rename that collides with another tool's method name is rejected.
use gumstack::prelude::*;

struct Server;

#[gumstack::server(auth = none)]
impl Server {
    /// Search issues.
    #[tool]
    fn search(&self) -> &'static str {
        "issues"
    }

    /// Search projects.
    #[tool(name = "search")]
    fn search_projects(&self) -> &'static str {
        "projects"
    }
}

fn main() {}
