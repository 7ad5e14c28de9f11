//! `login` / `logout`: connect the local (stdio) user.

use std::{
    collections::BTreeMap,
    io::{BufRead, IsTerminal, Write},
};

use super::State;
use crate::{Error, Result, Server, auth::AuthMode, grants::LOCAL_GRANT};

pub(crate) async fn login<S: Server>(state: &State) -> Result<()> {
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
