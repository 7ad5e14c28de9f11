//! `oauth` mode: after consent (or from a reconnect link), on to the provider;
//! its answer at `/auth/callback` is exchanged for tokens and becomes the grant
//! (or reconnects one, for the same account only).

mod callback;
mod reconnect;
mod state;
mod upstream;

use std::sync::Arc;

use axum::{Router, routing::get};

pub(crate) use state::OAuthFlow;

use super::{AuthServer, Flow, authorize, pages::NextStep};

impl Flow for OAuthFlow {
    fn next_step(&self) -> NextStep {
        NextStep::Provider(self.grants.provider().name().to_owned())
    }

    async fn delete(&self, grant_id: &str) -> crate::Result<()> {
        self.grants.delete(grant_id).await
    }

    async fn forget(&self, grant_id: &str) -> crate::Result<()> {
        self.grants.revoke_and_delete(grant_id).await.map(drop)
    }

    fn routes() -> Router<Arc<AuthServer<Self>>> {
        Router::new()
            .route(
                "/authorize",
                get(authorize::authorize::<Self>).post(upstream::consent),
            )
            .route("/auth/callback", get(callback::callback))
            .route(
                "/auth/reconnect",
                get(reconnect::page).post(reconnect::start),
            )
    }
}
