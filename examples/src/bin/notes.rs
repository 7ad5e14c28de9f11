//! Scopes per tool: a notes service whose provider defines `read` and `write`
//! as a type. Every connection asks for `read` (the server's minimum); the
//! tool that writes needs `write`, and a token without it is answered 403
//! `insufficient_scope`, so the client authorizes again for it (a step-up)
//! and the same connection keeps its notes.
//!
//! The provider is any standards-based one, from the same env vars as the
//! `oauth2` example (`OAUTH_AUTHORIZE_URL`, `OAUTH_TOKEN_URL`,
//! `OAUTH_USERINFO_URL`, `OAUTH_CLIENT_ID`, `OAUTH_CLIENT_SECRET`; leave
//! `OAUTH_SCOPES` unset or `read`, or every connection gets `write` at once):
//!
//! ```sh
//! OAUTH_AUTHORIZE_URL=... OAUTH_TOKEN_URL=... OAUTH_USERINFO_URL=... \
//! OAUTH_CLIENT_ID=... OAUTH_CLIENT_SECRET=... \
//! cargo run --bin notes -- serve --http 127.0.0.1:8000
//! ```

use std::{collections::HashMap, sync::Mutex};

use gumstack::{
    prelude::*,
    providers::{OAuth2Provider, WithScopes},
};

gumstack::scopes! {
    /// What the notes service lets a token do.
    pub struct NoteScopes {
        /// Read your notes.
        read = "read",
        /// Write and delete your notes.
        write = "write" implies ["read"],
    }
}

/// The provider, with its scopes as a type so tools can name them.
type NotesProvider = WithScopes<OAuth2Provider, NoteScopes>;

#[derive(Default)]
struct Notes {
    /// Each account's notes, by nickname (in memory: an example).
    notes: Mutex<HashMap<String, Vec<String>>>,
}

impl Notes {
    async fn owner(&self) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        Ok(creds.nickname.clone().unwrap_or_else(|| "you".into()))
    }
}

#[gumstack::server(auth = oauth(NotesProvider), name = "notes", scopes(read))]
impl Notes {
    /// Your notes.
    #[tool(read_only)]
    async fn list_notes(&self) -> gumstack::Result<Vec<String>> {
        let owner = self.owner().await?;
        let notes = self.notes.lock().expect("lock");
        Ok(notes.get(&owner).cloned().unwrap_or_default())
    }

    /// Add a note. Needs `write`.
    #[tool(scopes(write))]
    async fn add_note(&self, text: String) -> gumstack::Result<String> {
        let owner = self.owner().await?;
        let mut notes = self.notes.lock().expect("lock");
        let mine = notes.entry(owner.clone()).or_default();
        mine.push(text);
        Ok(format!("{owner} has {} notes", mine.len()))
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Notes::default().run().await
}
