//! `login` / `logout`: connect the local (stdio) user.

use std::{
    collections::BTreeMap,
    io::{BufRead, IsTerminal, Write},
};

use super::State;
use crate::{Error, Result, Server, auth::AuthMode, grants::LOCAL_GRANT};

pub(crate) async fn login<S: Server>(state: &State) -> Result<()> {
    if let Some(grants) = &state.grants
        && let Some(provider) = grants.provider()
    {
        return oauth_login::<S>(grants, provider.as_ref()).await;
    }
    let Some(grants) = &state.grants else {
        return Err(Error::config(match <S::Auth as AuthMode>::KIND {
            "none" => "this server has `auth = none`: its credentials come from env vars, there is nothing to log in to".to_owned(),
            kind => format!("`login` is not available yet for `auth = {kind}` servers"),
        }));
    };
    let fields = grants.fields();
    let interactive = std::io::stdin().is_terminal();
    let mut stdin = std::io::stdin().lock();
    let mut values = BTreeMap::new();
    eprintln!(
        "Connect {}: enter your credentials (stored encrypted in {}).",
        S::NAME,
        state.data_dir.display()
    );
    let mut ask: Vec<&crate::CredentialField> = fields.iter().collect();
    loop {
        for field in &ask {
            let mut prompt = field.label.to_owned();
            if let Some(d) = field.description {
                prompt.push_str(&format!(" ({d})"));
            }
            if !field.required {
                prompt.push_str(" [optional]");
            }
            prompt.push_str(": ");
            let value = if field.secret && interactive {
                rpassword::prompt_password(&prompt)?
            } else {
                eprint!("{prompt}");
                std::io::stderr().flush()?;
                let mut line = String::new();
                if stdin.read_line(&mut line)? == 0 {
                    return Err(Error::msg(format!(
                        "login cancelled: no value for {}",
                        field.label
                    )));
                }
                line
            };
            let value = value.trim().to_owned();
            if value.is_empty() {
                values.remove(field.name);
            } else {
                values.insert(field.name.to_owned(), value);
            }
        }
        let errors = grants.check(&values).await;
        if errors.is_empty() {
            break;
        }
        for message in errors.fields.values() {
            eprintln!("  {message}");
        }
        if let Some(message) = &errors.form {
            eprintln!("  {message}");
        }
        if !interactive {
            return Err(Error::new(
                crate::ErrorKind::Credentials,
                "login failed: the values above were not accepted",
            ));
        }
        ask = if errors.fields.is_empty() {
            fields.iter().collect()
        } else {
            fields
                .iter()
                .filter(|f| errors.fields.contains_key(f.name))
                .collect()
        };
        eprintln!("Please enter them again.");
    }
    grants
        .create(None, Some(LOCAL_GRANT), &values, None)
        .await?;
    eprintln!(
        "Connected. `{} serve --stdio` will use these credentials.",
        S::NAME
    );
    Ok(())
}

pub(crate) async fn logout<S: Server>(state: &State) -> Result<()> {
    match &state.grants {
        Some(grants) => {
            if let Some(provider) = grants.provider()
                && let Ok(Some(creds)) = grants.load_oauth(LOCAL_GRANT).await
            {
                match provider.revoke(creds.access_token.expose()).await {
                    Ok(_) => {}
                    Err(e) => eprintln!(
                        "The provider did not confirm the revocation ({e}); forgetting the account here anyway."
                    ),
                }
            }
            grants.delete(LOCAL_GRANT).await?;
            eprintln!(
                "Logged out: the local credentials of {} are deleted.",
                S::NAME
            );
            Ok(())
        }
        None => Err(Error::config(
            "this server has no stored local credentials to forget",
        )),
    }
}

/// `login` of an `oauth` server: the provider's page in a browser, with the
/// answer caught by a one-shot server on a loopback port.
async fn oauth_login<S: Server>(
    grants: &crate::grants::Grants,
    provider: &dyn crate::grants::DynProvider,
) -> Result<()> {
    use axum::{extract::Query, routing::get};
    use std::collections::HashMap;

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", login_port()?)).await?;
    let redirect_uri = format!(
        "http://127.0.0.1:{}/callback",
        listener.local_addr()?.port()
    );
    let state = crate::authz::tokens::random();
    let pkce = crate::auth::Pkce::generate();
    let url = pkce
        .clone()
        .sync_scope(|| provider.get_url(&redirect_uri, &state));
    eprintln!(
        "Connect {} to your {} account: open this URL in a browser (the redirect URI {redirect_uri} must be allowed by the OAuth app):\n\n  {url}\n",
        S::NAME,
        provider.name()
    );
    let _ = std::process::Command::new("xdg-open")
        .arg(&url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();

    // Only the answer carrying this login's state ends the wait: anything else
    // reaching the port (another program, a stale tab) gets 400 and the login
    // keeps waiting.
    let (tx, rx) = tokio::sync::oneshot::channel::<HashMap<String, String>>();
    let tx = std::sync::Arc::new(std::sync::Mutex::new(Some(tx)));
    let expected = state.clone();
    let app = axum::Router::new().route(
        "/callback",
        get(move |Query(q): Query<HashMap<String, String>>| async move {
            let ours = q
                .get("state")
                .is_some_and(|s| crate::authz::tokens::same(s, &expected));
            if !ours {
                return (
                    axum::http::StatusCode::BAD_REQUEST,
                    axum::response::Html("<!doctype html><title>Not this login</title><p>This answer does not belong to the login in progress.</p>"),
                );
            }
            if let Some(tx) = tx.lock().expect("callback sender").take() {
                let _ = tx.send(q);
            }
            (
                axum::http::StatusCode::OK,
                axum::response::Html("<!doctype html><title>Done</title><p>You can close this window and return to the terminal.</p>"),
            )
        }),
    );
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let answer = tokio::time::timeout(std::time::Duration::from_secs(600), rx).await;
    server.abort();
    let answer = answer
        .map_err(|_| Error::msg("login timed out: no answer from the browser within 10 minutes"))?
        .map_err(|_| Error::msg("login cancelled"))?;
    if let Some(error) = answer.get("error") {
        return Err(Error::msg(format!(
            "{} refused the login: {error}",
            provider.name()
        )));
    }
    let code = answer
        .get("code")
        .ok_or_else(|| Error::msg("login failed: the answer has no code"))?;
    let tokens = pkce.scope(provider.exchange(code, &redirect_uri)).await?;
    let account = provider
        .get_account(tokens.access_token.expose())
        .await
        .ok();
    let nickname = account.as_ref().map(|a| a.nickname.clone());
    grants
        .create_oauth(None, Some(LOCAL_GRANT), tokens, account)
        .await?;
    eprintln!(
        "Connected{}. `{} serve --stdio` will use this account.",
        nickname.map(|n| format!(" as {n}")).unwrap_or_default(),
        S::NAME
    );
    Ok(())
}

/// `GUMSTACK_LOGIN_PORT` fixes the loopback port (for OAuth apps that need an exact redirect URI).
fn login_port() -> Result<u16> {
    match std::env::var("GUMSTACK_LOGIN_PORT") {
        Ok(port) => port.parse().map_err(|_| {
            Error::config(format!("GUMSTACK_LOGIN_PORT={port:?} is not a port number"))
        }),
        Err(_) => Ok(0),
    }
}
