// One mistake in a server (a tool without a description) is one error: the
// other tools' `self.creds().await?` and `main`'s `run()` still type-check.
use gumstack::prelude::*;

#[derive(Credentials)]
struct Keys {
    #[cred(secret)]
    api_key: Secret,
}

struct App;

#[gumstack::server(auth = cred(Keys))]
impl App {
    #[tool]
    async fn undocumented(&self) -> gumstack::Result<String> {
        Ok(self.creds().await?.api_key.expose().to_owned())
    }

    /// Documented, and uses the credentials too.
    #[tool]
    async fn documented(&self) -> gumstack::Result<usize> {
        Ok(self.creds().await?.api_key.expose().len())
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    App.run().await
}
