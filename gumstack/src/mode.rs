//! The auth modes. A mode is chosen once, in `#[gumstack::server(auth = ...)]`,
//! and becomes the server's [`Server::Auth`](crate::Server::Auth) type: the
//! generated `creds()` takes its signature from it, and the host builds what the
//! mode has and nothing else (the store and grants, the authorization routes, the
//! local login).

use std::{any::Any, future::Future, marker::PhantomData, sync::Arc};

use axum::Router;

use crate::{
    AuthProvider, CredentialField, Credentials, ProviderDescription, Result, auth_server,
    grants::Revocation,
    grants::Vault,
    store::{Location, Sessions},
};

/// How a server gets credentials. Sealed: the three modes below are all there is.
//
// `HostMode` is crate-private on purpose: it is how the host runs a mode, users
// never name or implement it, and every mode has it. As a supertrait it comes
// with every `S::Auth: AuthMode`, so the host needs no bound of its own (which
// would repeat the error of a wrong type in `auth = ...` at `run()`).
#[allow(private_bounds)]
pub trait AuthMode: sealed::Sealed + HostMode + Send + Sync + 'static {
    /// `none`, `cred` or `oauth`, as written in `config.yaml`.
    const KIND: &'static str;
    /// The credential fields users (or the operator) provide; empty for OAuth.
    const FIELDS: &'static [CredentialField];
}

/// `auth = none(T)`: the operator sets `T` in env vars; `creds()` is sync.
pub struct NoAuth<T>(PhantomData<fn() -> T>);
/// `auth = cred(T)`: each user enters `T` in a form; `creds().await` returns theirs.
pub struct CredAuth<T>(PhantomData<fn() -> T>);
/// `auth = oauth(P)`: each user connects an account through provider `P`.
pub struct OAuth<P>(PhantomData<fn() -> P>);

impl<T: Credentials> AuthMode for NoAuth<T> {
    const KIND: &'static str = "none";
    const FIELDS: &'static [CredentialField] = T::FIELDS;
}

impl<T: Credentials> AuthMode for CredAuth<T> {
    const KIND: &'static str = "cred";
    const FIELDS: &'static [CredentialField] = T::FIELDS;
}

impl<P: AuthProvider> AuthMode for OAuth<P> {
    const KIND: &'static str = "oauth";
    const FIELDS: &'static [CredentialField] = &[];
}

/// How the calls of a process arrive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    Stdio,
    Http,
}

/// What a mode makes of the host: what it opens at start-up, what `creds()`
/// reads, what it serves in front of `/mcp`, how the local user logs in.
/// Implemented for each mode in `host::modes`, one file each; the rest of the
/// host is generic over it.
pub(crate) trait HostMode {
    /// What a running server of this mode keeps.
    type State: Send + Sync + 'static;

    /// The options of `login` in this mode (`oauth`: the callback's port).
    type LoginOptions: clap::Args + std::fmt::Debug + Send + 'static;

    /// What the mode reads from env vars (`oauth`: the provider).
    type Settings: Send;

    /// Read the mode's own settings before anything is opened or created, so
    /// that start-up reports every missing one at once. Over stdio,
    /// development variables may stand in for an unconfigured provider.
    fn settings(transport: Transport) -> Result<Self::Settings>;

    /// Open the state of server `name` (store, key, grants) at `location`.
    fn open(
        location: &Location,
        name: &'static str,
        settings: Self::Settings,
    ) -> impl Future<Output = Result<Self::State>> + Send;

    /// What `creds()` reads: the mode's grants.
    fn grants(state: &Self::State) -> Option<Arc<dyn Any + Send + Sync>>;

    /// Where MCP sessions are kept, so any replica resumes them.
    fn sessions(state: &Self::State) -> Option<Arc<Sessions>>;

    /// The vault (key and store) of a mode that keeps grants: 2026-07-28
    /// `requestState`s are sealed with its key and spent in its store.
    fn vault(state: &Self::State) -> Option<&Vault> {
        let _ = state;
        None
    }

    /// Where permission groups read a `cred` user's claims (the values of
    /// the credentials' fields that are not secret); `None` for the modes
    /// whose users have none.
    fn claims(state: &Self::State) -> Option<Arc<crate::grants::CredGrants>> {
        let _ = state;
        None
    }

    /// The provider users sign in at, as `config` tells an operator; `None`
    /// for the modes without one.
    fn provider() -> Option<ProviderDescription> {
        None
    }

    /// What is served besides `/mcp` (the authorization server), and what
    /// guards `/mcp` (the bearer check).
    fn http(state: &Self::State, mcp: Router, settings: auth_server::Settings) -> Result<Router>;

    /// Whether the server can answer calls: its store reachable and its key
    /// the one that opens what the store holds (`/readyz`). The error is
    /// logged, not shown.
    fn ready(state: &Self::State) -> impl Future<Output = Result<()>> + Send;

    /// How many users are connected (grants in the store), for the
    /// `gumstack_active_grants` metric; `None` for a mode without grants.
    fn active_grants(state: &Self::State) -> impl Future<Output = Result<Option<u64>>> + Send {
        let _ = state;
        async { Ok(None) }
    }

    /// `login`: connect the local (stdio) user.
    fn login(
        state: &Self::State,
        name: &'static str,
        options: Self::LoginOptions,
    ) -> impl Future<Output = Result<()>> + Send;

    /// `logout`: forget the local user.
    fn logout(state: &Self::State, name: &'static str) -> impl Future<Output = Result<()>> + Send;

    /// `grants revoke`: end grant `id` at the provider where the mode has one,
    /// then delete it with every token issued for it. `None`: there is no such
    /// grant.
    fn revoke(
        state: &Self::State,
        id: &str,
    ) -> impl Future<Output = Result<Option<Revocation>>> + Send;
}

/// `login` of a mode that takes no options.
#[derive(clap::Args, Debug)]
pub(crate) struct NoOptions {}

mod sealed {
    pub trait Sealed {}
    impl<T> Sealed for super::NoAuth<T> {}
    impl<T> Sealed for super::CredAuth<T> {}
    impl<P> Sealed for super::OAuth<P> {}
}
