//! gumstack: typed, authenticated MCP servers.
//!
//! A server author writes `#[tool]` methods inside an impl block marked
//! `#[gumstack::server(auth = ...)]`; the macro generates the MCP handler, the
//! typed `creds()` accessor of the chosen auth mode and a host binary (stdio and
//! streamable HTTP transports, `config`). The auth mode is part of the type:
//!
//! | attribute | `creds()` | returns |
//! |---|---|---|
//! | `auth = none(T)` | `self.creds()` (sync) | `&'static T`, read from env at start-up |
//! | `auth = cred(T)` | `self.creds().await?` | `Arc<T>`, the calling user's credentials |
//! | `auth = oauth(P)` | `self.creds().await?` | `Arc<OAuthCredentials>` |
//!
//! ```no_run
//! use gumstack::prelude::*;
//!
//! #[derive(Credentials)]
//! struct WeatherEnv {
//!     /// Key for the forecast API
//!     #[cred(label = "API Key", secret, env = "WEATHER_API_KEY")]
//!     api_key: Secret,
//! }
//!
//! struct Weather;
//!
//! #[gumstack::server(auth = none(WeatherEnv))]
//! impl Weather {
//!     /// Today's forecast for a city.
//!     #[tool(read_only)]
//!     fn forecast(&self, city: String) -> String {
//!         let _key = self.creds().api_key.expose();
//!         format!("Sunny in {city}")
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> gumstack::Result<()> {
//!     Weather.run().await
//! }
//! ```

#![warn(missing_docs)]

mod audit;
mod auth_server;
mod completion;
pub mod context;
pub mod credentials;
mod crypto;
mod error;
mod grants;
mod host;
mod mode;
pub mod prompts;
mod provider;
pub mod providers;
pub mod resources;
pub mod scopes;
pub mod seal;
mod secret;
mod service;
pub mod store;
mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod tools;

/// Auth modes and the OAuth provider contract: the types `auth = ...` names.
pub mod auth {
    pub use crate::mode::{AuthMode, CredAuth, NoAuth, OAuth};
    pub use crate::provider::{
        Account, AuthProvider, EnvSetting, OAuthCredentials, Pkce, ProviderDescription, Revoked,
        TokenResponse, extra_scopes,
    };
}

#[doc(hidden)]
pub mod __private;

/// The README's Rust snippets, compiled as doctests: they stay true as written.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}

pub use completion::CompletionValues;
pub use context::Context;
pub use credentials::{
    CredentialField, CredentialValue, Credentials, CredentialsError, FieldError,
};
pub use error::{Error, ErrorKind, Result};
pub use gumstack_macros::{Credentials, prompt, resource, server, tool};
pub use provider::{
    Account, AuthProvider, EnvSetting, OAuthCredentials, ProviderDescription, Revoked,
    TokenResponse,
};
pub use secret::Secret;
pub use service::Server;
pub use tools::Content;

/// Everything a server author usually needs: `use gumstack::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AuthProvider, Content, Context, Credentials, OAuthCredentials, Secret, Server,
        TokenResponse, prompt, resource, server, tool,
    };
}
