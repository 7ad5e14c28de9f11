//! `auth = none`: the operator's credentials come from env vars (read by the
//! generated code at start-up); no grants, no authorization server, nothing to
//! log in to. A database, when given, only shares MCP sessions between
//! replicas.

use std::{any::Any, sync::Arc};

use axum::Router;

use crate::{
    Credentials, Error, Result,
    auth_server::Settings,
    grants::Revocation,
    mode::{AuthMode, HostMode, NoAuth, NoOptions, Transport},
    store::{self, Location, Sessions},
};

pub(crate) struct State {
    sessions: Option<Arc<Sessions>>,
}

impl<T: Credentials> HostMode for NoAuth<T> {
    type State = State;
    type LoginOptions = NoOptions;
    type Settings = ();

    fn settings(_: Transport) -> Result<()> {
        Ok(())
    }

    async fn open(location: &Location, name: &'static str, (): ()) -> Result<State> {
        let sessions = match &location.database_url {
            Some(_) => {
                let store = store::open_for(&location.place(name)?, Self::KIND).await?;
                Some(Arc::new(Sessions::new(store)))
            }
            None => None,
        };
        Ok(State { sessions })
    }

    fn grants(_: &State) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }

    fn sessions(state: &State) -> Option<Arc<Sessions>> {
        state.sessions.clone()
    }

    fn http(_: &State, mcp: Router, _: Settings) -> Result<Router> {
        Ok(mcp)
    }

    async fn ready(state: &State) -> Result<()> {
        match &state.sessions {
            Some(sessions) => sessions.store().auth_type().await.map(drop),
            None => Ok(()),
        }
    }

    async fn login(_: &State, _: &'static str, _: NoOptions) -> Result<()> {
        Err(Error::config(
            "this server has `auth = none`: its credentials come from env vars, there is nothing to log in to",
        ))
    }

    async fn logout(_: &State, _: &'static str) -> Result<()> {
        Err(Error::config(
            "this server has `auth = none`: it stores no local credentials to forget",
        ))
    }

    async fn revoke(_: &State, _: &str) -> Result<Option<Revocation>> {
        Err(Error::config(
            "this server has `auth = none`: it keeps no grants to revoke",
        ))
    }
}
