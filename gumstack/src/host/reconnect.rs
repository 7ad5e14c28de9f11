//! Offering a refused OAuth grant for reconnection: a single-use link (made by
//! the authorization server), sent to the user through their MCP client by
//! URL-mode elicitation where it supports it, and in the tool's error either
//! way. Kept apart from the credentials lookup: these are its side effects.

use crate::{Error, context::Context, grants::OAuthGrants};

/// How long a tool call waits for the client to answer the reconnect elicitation.
const ELICITATION_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The error a tool call gets for grant `grant`, refused by the provider
/// (`error`): it carries a reconnect link, also offered to the client.
pub(crate) async fn offer(grants: &OAuthGrants, issuer: &str, grant: &str, error: Error) -> Error {
    let url = match crate::auth_server::reconnect_link(
        grants.vault().store().as_ref(),
        issuer,
        grant,
        None,
    )
    .await
    {
        Ok(url) => url,
        Err(e) => {
            tracing::error!("making a reconnect link failed: {e:#}");
            return Error::not_connected(format!(
                "{error}. The account must be connected again: your MCP client will ask you to authorize on its next request."
            ));
        }
    };
    // Wait briefly for the client to take the link; the tool error carries it
    // too, so a user who answers later loses nothing. Only where the client
    // can answer: under 2026-07-28 an ask it cannot answer fails the call.
    let ctx = Context::current();
    if ctx.can_elicit_url() {
        let asked = tokio::time::timeout(
            ELICITATION_WAIT,
            ctx.elicit_url(
                format!("{error}. Open this page to reconnect your account."),
                url.clone(),
            ),
        )
        .await;
        match asked {
            Ok(Ok(answer)) => {
                tracing::info!("reconnect link offered to the client ({})", answer.action())
            }
            Ok(Err(e)) => tracing::debug!("no URL elicitation: {e}"),
            Err(_) => tracing::debug!("the client did not answer the URL elicitation in time"),
        }
    }
    Error::not_connected(format!("{error}. Reconnect it here, then try again: {url}"))
}
