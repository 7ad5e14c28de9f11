//! MCP sessions kept in the store, so any replica can answer any request:
//! rmcp's `SessionStore` (a replica that has not seen a session resumes it by
//! replaying its `initialize`) and the binding of each session to the grant
//! that opened it (a session is used with that grant's tokens only).

use std::sync::Arc;

use rmcp::transport::streamable_http_server::session::store::{
    SessionState, SessionStore, SessionStoreError,
};

use super::contract::Store;
use crate::Result;

const OWNER_CACHE: usize = 100_000;

pub(crate) struct Sessions {
    store: Arc<dyn Store>,
    /// session -> grant. A binding never changes, so a hit needs no store read.
    owners: quick_cache::sync::Cache<String, Arc<str>>,
}

impl Sessions {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            owners: quick_cache::sync::Cache::new(OWNER_CACHE),
        }
    }

    /// The store the sessions are kept in.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The grant session `id` is bound to, if it is known.
    pub async fn owner(&self, id: &str) -> Result<Option<Arc<str>>> {
        if let Some(owner) = self.owners.get(id) {
            return Ok(Some(owner));
        }
        let owner: Option<Arc<str>> = self.store.session_grant(id).await?.map(Into::into);
        if let Some(owner) = &owner {
            self.owners.insert(id.to_owned(), owner.clone());
        }
        Ok(owner)
    }

    /// Bind a new session to `grant_id`; false if it was already bound to another.
    pub async fn bind(&self, id: &str, grant_id: &str) -> Result<bool> {
        let owner: Arc<str> = self.store.bind_session(id, grant_id).await?.into();
        let mine = *owner == *grant_id;
        self.owners.insert(id.to_owned(), owner);
        Ok(mine)
    }
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, SessionStoreError> {
        match self.store.get_session(session_id).await.map_err(boxed)? {
            Some(json) => Ok(Some(serde_json::from_str(&json)?)),
            None => Ok(None),
        }
    }

    async fn store(&self, session_id: &str, state: &SessionState) -> Result<(), SessionStoreError> {
        let json = serde_json::to_string(state)?;
        self.store
            .put_session(session_id, &json)
            .await
            .map_err(boxed)
    }

    async fn delete(&self, session_id: &str) -> Result<(), SessionStoreError> {
        self.owners.remove(session_id);
        self.store.delete_session(session_id).await.map_err(boxed)
    }
}

fn boxed(error: crate::Error) -> SessionStoreError {
    error.to_string().into()
}
