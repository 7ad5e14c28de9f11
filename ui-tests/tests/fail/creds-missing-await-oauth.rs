// An `oauth` server's `creds()` is async: using it without `.await` does not compile.
use gumstack::prelude::*;
use gumstack_ui_tests::TestProvider;

struct Linear;

#[gumstack::server(auth = oauth(TestProvider))]
impl Linear {
    /// Who is connected.
    #[tool]
    async fn whoami(&self) -> String {
        let creds = self.creds();
        creds.access_token.expose().to_owned()
    }
}

fn main() {}
