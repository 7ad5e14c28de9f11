//! `#[derive(Credentials)]`: field metadata, building from a map with every
//! problem named, and env loading with the reserved-prefix check.

use std::collections::BTreeMap;

use gumstack::{CredentialField, Credentials, CredentialsError, Secret};

#[derive(Credentials, Debug)]
struct ServiceCreds {
    /// Your API key
    #[cred(label = "API Key", placeholder = "sk-...", secret)]
    api_key: Secret,
    #[cred(description = "Port of the on-premise gateway", env = "SERVICE_PORT")]
    port: u16,
    /// Only for multi-tenant accounts.
    #[cred(label = "Organization")]
    organization: Option<String>,
    verbose: Option<bool>,
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn metadata_comes_from_attributes_and_docs() {
    let fields = ServiceCreds::FIELDS;
    assert_eq!(
        fields[0],
        CredentialField {
            name: "api_key",
            label: "API Key",
            description: Some("Your API key"),
            placeholder: Some("sk-..."),
            secret: true,
            required: true,
            env: "API_KEY",
        }
    );
    assert_eq!(fields[1].label, "Port", "label defaults to the field name");
    assert_eq!(
        fields[1].description,
        Some("Port of the on-premise gateway")
    );
    assert_eq!(fields[1].env, "SERVICE_PORT");
    assert!(!fields[1].secret);
    assert!(!fields[2].required);
    assert_eq!(
        fields[2].description,
        Some("Only for multi-tenant accounts.")
    );
    assert_eq!(fields[3].env, "VERBOSE");
}

#[test]
fn builds_from_a_map() {
    let creds = ServiceCreds::from_map(&map(&[
        ("api_key", "sk-1"),
        ("port", "8443"),
        ("verbose", "yes"),
    ]))
    .unwrap();
    assert_eq!(creds.api_key.expose(), "sk-1");
    assert_eq!(creds.port, 8443);
    assert_eq!(creds.organization, None);
    assert_eq!(creds.verbose, Some(true));
    // The secret stays hidden when the whole struct is printed.
    let debug = format!("{creds:?}");
    assert!(!debug.contains("sk-1"), "{debug}");
}

#[test]
fn every_missing_or_invalid_field_is_named() {
    let error: CredentialsError = ServiceCreds::from_map(&map(&[
        ("api_key", "  "),
        ("port", "http"),
        ("verbose", "maybe"),
    ]))
    .unwrap_err();
    let names: Vec<&str> = error.fields.iter().map(|f| f.field.name).collect();
    assert_eq!(names, ["api_key", "port", "verbose"]);
    assert_eq!(
        error.to_string(),
        "missing API Key (`api_key`); invalid Port (`port`): expected a whole number from 0 to 65535; \
         invalid Verbose (`verbose`): expected true or false"
    );
    assert_eq!(
        error.env_message(),
        "missing environment variable API_KEY (API Key); invalid environment variable SERVICE_PORT (Port): \
         expected a whole number from 0 to 65535; invalid environment variable VERBOSE (Verbose): expected true or false"
    );
}

#[test]
fn blank_optional_values_are_none() {
    let creds = ServiceCreds::from_map(&map(&[
        ("api_key", "k"),
        ("port", "1"),
        ("organization", " "),
    ]))
    .unwrap();
    assert_eq!(creds.organization, None);
}

/// A hand-written impl can name any env var; the reserved check then runs at start-up.
struct HandWritten;

impl Credentials for HandWritten {
    const FIELDS: &'static [CredentialField] = &[CredentialField {
        name: "token",
        label: "Token",
        description: None,
        placeholder: None,
        secret: true,
        required: true,
        env: "GUMSTACK_TOKEN",
    }];
    fn from_lookup(
        _: &mut dyn FnMut(&'static CredentialField) -> Option<String>,
    ) -> Result<Self, CredentialsError> {
        Ok(HandWritten)
    }
}

#[test]
fn reserved_env_names_are_refused_at_start_up() {
    let cell = std::sync::OnceLock::new();
    let error = gumstack::__private::load_env_creds::<HandWritten>(&cell).unwrap_err();
    assert_eq!(
        error.to_string(),
        "environment variable GUMSTACK_TOKEN uses the reserved prefix GUMSTACK_: gumstack keeps GUMSTACK_ and GUMLOOP_ for its own settings; rename it"
    );
    assert!(cell.get().is_none());
}
