// `auth = oauth(P)` needs `P: AuthProvider`; the error names the type.
use gumstack::prelude::*;

struct NotAProvider;

struct Linear;

#[gumstack::server(auth = oauth(NotAProvider))]
impl Linear {
    /// Search issues.
    #[tool]
    async fn search(&self, query: String) -> String {
        query
    }
}

fn main() {}
