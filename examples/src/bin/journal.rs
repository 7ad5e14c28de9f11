//! Scopes of a `cred` server: its own MCP-level permissions. Each user enters
//! a team name and an access code; every connection may read the team's
//! journal (the server's minimum, `journal:read`), and the tool that writes
//! needs `journal:write`. A client asks for it when it authorizes (the consent
//! page lets the user untick it), or later: a call without it is answered 403
//! `insufficient_scope`, the client authorizes again for it, and the browser
//! that connected keeps the credentials entered then (the same grant).
//!
//! `team` is not secret, so permission groups may name it as a claim:
//!
//! ```yaml
//! default: readers
//! groups:
//!   readers:
//!     tools: [read_journal]
//!   writers:
//!     tools: ["*"]
//!     members: ["claim:team=ops"]
//! ```
//!
//! ```sh
//! cargo run --bin journal -- serve --http 127.0.0.1:8000 --permissions groups.yaml
//! ```

use std::{collections::HashMap, sync::Mutex};

use gumstack::prelude::*;

gumstack::scopes! {
    /// What a connection to the journal may do.
    pub struct JournalScopes {
        /// Read your team's journal.
        read = "journal:read",
        /// Write in your team's journal.
        write = "journal:write" implies ["journal:read"],
    }
}

#[derive(Credentials)]
#[cred(scopes = JournalScopes)]
struct TeamCreds {
    /// The team whose journal this is.
    #[cred(label = "Team", placeholder = "ops")]
    team: String,
    /// The team's access code.
    #[cred(label = "Access code", secret)]
    code: Secret,
}

#[derive(Default)]
struct Journal {
    /// Each team's entries, by team and access code: a wrong code opens
    /// another, empty journal (in memory: an example).
    entries: Mutex<HashMap<(String, String), Vec<String>>>,
}

impl TeamCreds {
    fn journal(&self) -> (String, String) {
        (self.team.clone(), self.code.expose().to_owned())
    }
}

#[gumstack::server(auth = cred(TeamCreds), name = "journal", scopes(read))]
impl Journal {
    /// Your team's journal.
    #[tool(read_only)]
    async fn read_journal(&self) -> gumstack::Result<Vec<String>> {
        let creds = self.creds().await?;
        let entries = self.entries.lock().expect("lock");
        Ok(entries.get(&creds.journal()).cloned().unwrap_or_default())
    }

    /// Your team's journal as one text: a task, where the client runs tools
    /// as tasks (an export of a long journal takes a while).
    #[tool(read_only, task = "optional")]
    async fn export_journal(&self) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        let entries = self.entries.lock().expect("lock");
        let lines = entries.get(&creds.journal()).cloned().unwrap_or_default();
        Ok(format!("# {}\n{}", creds.team, lines.join("\n")))
    }

    /// Write an entry in your team's journal. Needs `journal:write`.
    #[tool(scopes(write))]
    async fn write_entry(&self, text: String) -> gumstack::Result<String> {
        let creds = self.creds().await?;
        let mut entries = self.entries.lock().expect("lock");
        let team = entries.entry(creds.journal()).or_default();
        team.push(text);
        Ok(format!("{} has {} entries", creds.team, team.len()))
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Journal::default().run().await
}
