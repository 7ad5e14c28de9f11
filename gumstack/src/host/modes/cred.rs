//! `auth = cred`: each user's credentials are a grant. Over HTTP the
//! authorization server's credentials form collects them; over stdio `login`
//! asks for each field in the terminal (hidden input for secrets).

use std::{
    any::Any,
    collections::BTreeMap,
    io::{BufRead, IsTerminal, Write},
    path::PathBuf,
    sync::Arc,
};

use axum::Router;

use crate::{
    CredentialField, Credentials, Error, ErrorKind, Result,
    auth_server::{CredFlow, Settings},
    grants::{CredGrants, LOCAL_GRANT, Revocation, Vault},
    mode::{AuthMode, CredAuth, HostMode, NoOptions, Transport},
    store::{Location, Sessions},
};

pub(crate) struct State {
    grants: Arc<CredGrants>,
    sessions: Arc<Sessions>,
    data_dir: PathBuf,
}

impl<T: Credentials> HostMode for CredAuth<T> {
    type State = State;
    type LoginOptions = NoOptions;
    type Settings = ();

    fn settings(_: Transport) -> Result<()> {
        Ok(())
    }

    async fn open(location: &Location, name: &'static str, (): ()) -> Result<State> {
        let place = location.place(name)?;
        let vault = Vault::open(&place, Self::KIND).await?;
        Ok(State {
            sessions: Arc::new(Sessions::new(vault.store().clone())),
            grants: Arc::new(CredGrants::new::<T>(vault)),
            data_dir: place.data_dir,
        })
    }

    fn grants(state: &State) -> Option<Arc<dyn Any + Send + Sync>> {
        Some(state.grants.clone())
    }

    fn vault(state: &State) -> Option<&Vault> {
        Some(state.grants.vault())
    }

    fn claims(state: &State) -> Option<Arc<CredGrants>> {
        Some(state.grants.clone())
    }

    fn sessions(state: &State) -> Option<Arc<Sessions>> {
        Some(state.sessions.clone())
    }

    fn http(state: &State, mcp: Router, settings: Settings) -> Result<Router> {
        super::authorization_server(
            state.grants.vault().store(),
            &state.sessions,
            CredFlow::new(state.grants.clone()),
            mcp,
            settings,
        )
    }

    async fn ready(state: &State) -> Result<()> {
        state.grants.vault().check_key().await
    }

    async fn active_grants(state: &State) -> Result<Option<u64>> {
        state
            .grants
            .vault()
            .store()
            .count_connected_grants()
            .await
            .map(Some)
    }

    async fn login(state: &State, name: &'static str, _: NoOptions) -> Result<()> {
        eprintln!(
            "Connect {name}: enter your credentials (stored encrypted in {}).",
            state.data_dir.display()
        );
        let values = ask(&state.grants).await?;
        state
            .grants
            .create(None, Some(LOCAL_GRANT), &values)
            .await?;
        eprintln!("Connected. `{name} serve --stdio` will use these credentials.");
        Ok(())
    }

    async fn logout(state: &State, name: &'static str) -> Result<()> {
        state.grants.delete(LOCAL_GRANT).await?;
        eprintln!("Logged out: the local credentials of {name} are deleted.");
        Ok(())
    }

    async fn revoke(state: &State, id: &str) -> Result<Option<Revocation>> {
        if state.grants.vault().store().get_grant(id).await?.is_none() {
            return Ok(None);
        }
        state.grants.delete(id).await?;
        Ok(Some(Revocation::Local))
    }
}

/// Ask for each field until the values are accepted (on a terminal), or once
/// (from a pipe: one value a line).
async fn ask(grants: &CredGrants) -> Result<BTreeMap<String, String>> {
    let fields = grants.fields();
    let interactive = std::io::stdin().is_terminal();
    let mut values = BTreeMap::new();
    let mut asked: Vec<&CredentialField> = fields.iter().collect();
    loop {
        for field in &asked {
            let value = read_field(field, interactive)?;
            if value.is_empty() {
                values.remove(field.name);
            } else {
                values.insert(field.name.to_owned(), value);
            }
        }
        let errors = grants.check(&values).await;
        if errors.is_empty() {
            return Ok(values);
        }
        for message in errors.fields.values().chain(&errors.form) {
            eprintln!("  {message}");
        }
        if !interactive {
            return Err(Error::new(
                ErrorKind::Credentials,
                "login failed: the values above were not accepted",
            ));
        }
        asked = if errors.fields.is_empty() {
            fields.iter().collect()
        } else {
            fields
                .iter()
                .filter(|f| errors.fields.contains_key(f.name))
                .collect()
        };
        eprintln!("Please enter them again.");
    }
}

/// One field's value, trimmed (hidden input for a secret on a terminal).
fn read_field(field: &CredentialField, interactive: bool) -> Result<String> {
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
        if std::io::stdin().lock().read_line(&mut line)? == 0 {
            return Err(Error::msg(format!(
                "login cancelled: no value for {}",
                field.label
            )));
        }
        line
    };
    Ok(value.trim().to_owned())
}
