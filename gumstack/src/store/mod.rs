//! Persistent state of the host: registered clients, pending authorizations,
//! authorization codes, grants (with their sealed credentials or tokens) and the
//! tokens issued to MCP clients (stored only as SHA-256 hashes).
//!
//! One trait, so a Postgres backend can serve several replicas: every method is a
//! single statement or transaction, with no state kept in the process, and
//! single-use things (codes, refresh tokens) are consumed by an atomic
//! `UPDATE ... WHERE used = 0`, which holds across processes.

mod checked;
mod contract;
mod migrations;
mod records;
mod sessions;
mod sql;

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

pub(crate) use checked::TTL as CHECKED_TOKEN_TTL;
pub use contract::{GrantLock, Lock, Store};
pub use records::*;
pub(crate) use sessions::Sessions;
pub use sql::{Backend, SqlStore};

use crate::Result;

/// Open the store of this host: SQLite in `data_dir` (created 0700).
pub async fn open(data_dir: &Path) -> Result<SqlStore> {
    sqlx::any::install_default_drivers();
    SqlStore::open_sqlite(data_dir).await
}

/// Connect to a shared PostgreSQL store (`postgres://...`), migrating it.
pub async fn connect(database_url: &str) -> Result<SqlStore> {
    if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
        return Err(crate::Error::config(
            "GUMSTACK_DATABASE_URL must be a postgres:// URL (SQLite needs no URL: it lives in GUMSTACK_DATA_DIR)",
        ));
    }
    sqlx::any::install_default_drivers();
    SqlStore::connect_postgres(database_url).await
}

/// Where a server's state is, as its settings say: a data directory (by
/// default under `$XDG_DATA_HOME` or `~/.local/share`), a database URL.
#[derive(Debug, Clone, Default)]
pub(crate) struct Location {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

impl Location {
    /// The place of server `server`: the data directory given, or
    /// `<XDG_DATA_HOME or ~/.local/share>/gumstack/<server>`.
    pub fn place(&self, server: &str) -> Result<Place> {
        let data_dir = match &self.data_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("XDG_DATA_HOME")
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .or_else(|| {
                    std::env::var_os("HOME")
                        .filter(|h| !h.is_empty())
                        .map(|h| PathBuf::from(h).join(".local/share"))
                })
                .ok_or_else(|| {
                    crate::Error::config("no data directory: set GUMSTACK_DATA_DIR (or --data-dir); neither XDG_DATA_HOME nor HOME is set")
                })?
                .join("gumstack")
                .join(server),
        };
        Ok(Place {
            data_dir,
            database_url: self.database_url.clone(),
        })
    }
}

/// Where a server keeps its state: a data directory (the SQLite file, the key
/// file), or a PostgreSQL database shared by replicas (the key then comes from
/// `GUMSTACK_SECRET_KEY`).
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

impl Place {
    /// Whether a store is there already: a database URL is taken as given; a
    /// data directory must hold the SQLite file (an operator command pointed
    /// at the wrong directory would otherwise create an empty store there).
    pub fn has_store(&self) -> bool {
        self.database_url.is_some() || self.data_dir.join(sql::FILE).exists()
    }
}

/// Open the store at `place` for a server of auth type `kind`: the type is
/// recorded on first use, and a store of another type is refused with a clear
/// message (nothing is deleted).
pub(crate) async fn open_for(place: &Place, kind: &str) -> Result<Arc<dyn Store>> {
    let (store, described): (Arc<dyn Store>, String) = match &place.database_url {
        Some(url) => (
            Arc::new(connect(url).await?),
            "the database of GUMSTACK_DATABASE_URL".into(),
        ),
        None => (
            Arc::new(open(&place.data_dir).await?),
            format!("the data store in {}", place.data_dir.display()),
        ),
    };
    match store.auth_type().await? {
        None => store.set_auth_type(kind).await?,
        Some(stored) if stored == kind => {}
        Some(stored) => {
            return Err(crate::Error::config(format!(
                "{described} belongs to a server with `auth = {stored}`, and this server has `auth = {kind}`: the auth type of a server cannot change. Nothing was deleted; use another {} for this server",
                if place.database_url.is_some() {
                    "database"
                } else {
                    "GUMSTACK_DATA_DIR"
                }
            )));
        }
    }
    Ok(store)
}
