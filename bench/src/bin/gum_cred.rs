//! The gumstack side of the bearer-auth benchmark: the same
//! `get_alerts(region: String) -> String` tool as `plain_rmcp`, on an
//! `auth = cred` server, so every call goes through the bearer check and
//! `self.creds().await`.
//!
//! ```sh
//! GUMSTACK_DATA_DIR=/tmp/gum GUMSTACK_SECRET_KEY=$(openssl rand -base64 32) \
//!     gum_cred serve --http 127.0.0.1:8000 [--stateless]
//! ```
//!
//! Users connect through the host's authorization server (the credentials form
//! asks for one secret, no validate hook); `mcp_load` does it with
//! `gumstack::testing::client`.

use gumstack::prelude::*;

#[derive(Credentials)]
struct BenchCreds {
    /// The user's key for the upstream API.
    #[cred(label = "API Key", placeholder = "key-...", secret)]
    api_key: Secret,
}

struct GumCred;

#[gumstack::server(auth = cred(BenchCreds), name = "gum_cred")]
impl GumCred {
    /// Whether a weather alert is in force for a region.
    #[tool(read_only)]
    async fn get_alerts(&self, region: String) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        // A real server would send the key upstream; keep the read from being elided.
        std::hint::black_box(creds.api_key.expose());
        Ok(format!("No weather alerts in force for {region}."))
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    GumCred.run().await
}
