//! Credential types: what `#[derive(Credentials)]` implements, and how values are
//! read (from env for `none` mode, from a form or the store later).

use std::{collections::BTreeMap, fmt};

use crate::Secret;

/// What is wrong with one submission of credentials (the form, or `login`):
/// a message per field, and one for the whole (the `validate` hook's).
#[derive(Debug, Default)]
pub(crate) struct FormErrors {
    pub fields: BTreeMap<&'static str, String>,
    pub form: Option<String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }
}

/// Env var prefixes gumstack keeps for its own settings.
pub const RESERVED_ENV_PREFIXES: [&str; 2] = ["GUMSTACK_", "GUMLOOP_"];

/// Metadata of one credential field, from its `#[cred(...)]` attribute.
///
/// This is what `config` prints and what the credentials form is built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialField {
    /// The field's name in the struct (and in `config.yaml`).
    pub name: &'static str,
    /// Label shown to the user.
    pub label: &'static str,
    /// Longer help text (the doc comment unless `description = "..."`).
    pub description: Option<&'static str>,
    /// Example value shown in an empty input.
    pub placeholder: Option<&'static str>,
    /// Whether the value is secret (password input, sealed at rest, never printed).
    pub secret: bool,
    /// `false` for `Option<T>` fields.
    pub required: bool,
    /// The env var that holds it in `none` mode: the name upper-cased unless `env = "..."`.
    pub env: &'static str,
}

/// A type whose values users provide: derive it with `#[derive(Credentials)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a credentials type",
    label = "`{Self}` does not implement `Credentials`",
    note = "add `#[derive(gumstack::Credentials)]` to the struct `{Self}` (named fields, each a `String`, `Secret`, number, `bool` or `Option` of one)"
)]
pub trait Credentials: Sized + Send + Sync + 'static {
    /// The fields, in declaration order.
    const FIELDS: &'static [CredentialField];

    /// Build the value, asking `lookup` for each field's raw text. The error names
    /// every missing or invalid field, not just the first.
    fn from_lookup(
        lookup: &mut dyn FnMut(&'static CredentialField) -> Option<String>,
    ) -> Result<Self, CredentialsError>;

    /// Build the value from a map of field name to raw text.
    fn from_map(values: &BTreeMap<String, String>) -> Result<Self, CredentialsError> {
        Self::from_lookup(&mut |field| values.get(field.name).cloned())
    }

    /// Check the values with the provider (try the key) before they are stored.
    /// The error is shown on the credentials form. Set it with
    /// `#[cred(validate = path::to::async_fn)]` on the derived struct,
    /// where the function takes `&Self` and returns `Result<(), String>`.
    fn validate(&self) -> impl Future<Output = Result<(), String>> + Send {
        async { Ok(()) }
    }
}

/// `auth = none` without a type: a server that needs no credentials.
impl Credentials for () {
    const FIELDS: &'static [CredentialField] = &[];
    fn from_lookup(
        _: &mut dyn FnMut(&'static CredentialField) -> Option<String>,
    ) -> Result<Self, CredentialsError> {
        Ok(())
    }
}

/// A field type that can be parsed from the text a user typed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a credentials field",
    label = "a credentials field is parsed from the text a user types",
    note = "use `String`, `gumstack::Secret`, a number, `bool`, or `Option` of one"
)]
pub trait CredentialValue: Sized {
    /// Parse the raw text; the error says what was expected.
    fn parse_credential(raw: String) -> Result<Self, String>;

    #[doc(hidden)]
    const __CHECK: () = ();
}

impl CredentialValue for String {
    fn parse_credential(raw: String) -> Result<Self, String> {
        Ok(raw)
    }
}

impl CredentialValue for Secret {
    fn parse_credential(raw: String) -> Result<Self, String> {
        Ok(Secret::new(raw))
    }
}

impl CredentialValue for bool {
    fn parse_credential(raw: String) -> Result<Self, String> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Ok(true),
            "false" | "0" | "no" | "off" => Ok(false),
            _ => Err("expected true or false".into()),
        }
    }
}

macro_rules! numeric_credential {
    ($($t:ty => $what:literal),* $(,)?) => {$(
        impl CredentialValue for $t {
            fn parse_credential(raw: String) -> Result<Self, String> {
                raw.trim().parse().map_err(|_| format!("expected {}", $what))
            }
        }
    )*};
}
numeric_credential!(
    u16 => "a whole number from 0 to 65535",
    u32 => "a whole number from 0 to 4294967295",
    u64 => "a non-negative whole number",
    usize => "a non-negative whole number",
    i32 => "a whole number",
    i64 => "a whole number",
    f64 => "a number",
);

/// Whether a field marked `secret` has a type that keeps it secret.
#[diagnostic::on_unimplemented(
    message = "a `#[cred(secret)]` field must have type `gumstack::Secret`, not `{Self}`",
    label = "change this type to `Secret`",
    note = "`Secret` never prints and is zeroized on drop; change the field's type to `Secret` (or `Option<Secret>`)"
)]
pub trait SecretField {
    #[doc(hidden)]
    const __CHECK: () = ();
}
impl SecretField for Secret {}
impl SecretField for Option<Secret> {}

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field.
    pub field: &'static CredentialField,
    /// `None` when the value is missing; the parse error otherwise.
    pub invalid: Option<String>,
}

/// Every missing or invalid field of one attempt to build credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CredentialsError {
    /// One entry per bad field, in declaration order.
    pub fields: Vec<FieldError>,
}

impl CredentialsError {
    /// Render with each field named by its env var: used for `none` mode start-up.
    pub fn env_message(&self) -> String {
        self.render(|f| format!("environment variable {} ({})", f.env, f.label))
    }

    fn render(&self, name: impl Fn(&CredentialField) -> String) -> String {
        let parts: Vec<String> = self
            .fields
            .iter()
            .map(|e| match &e.invalid {
                None => format!("missing {}", name(e.field)),
                Some(why) => format!("invalid {}: {why}", name(e.field)),
            })
            .collect();
        parts.join("; ")
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(|f| format!("{} (`{}`)", f.label, f.name)))
    }
}

impl std::error::Error for CredentialsError {}

/// Reject names under a reserved prefix: the check behind start-up for names that
/// are not known at compile time.
pub fn check_env_name(name: &str) -> Result<(), String> {
    match RESERVED_ENV_PREFIXES
        .iter()
        .find(|p| name.to_ascii_uppercase().starts_with(*p))
    {
        Some(prefix) => Err(format!(
            "environment variable {name} uses the reserved prefix {prefix}: gumstack keeps {} for its own settings; rename it",
            RESERVED_ENV_PREFIXES.join(" and ")
        )),
        None => Ok(()),
    }
}

/// Read `C` from the process environment (`none` mode), checking every name first.
pub(crate) fn from_env<C: Credentials>() -> crate::Result<C> {
    let reserved: Vec<String> = C::FIELDS
        .iter()
        .filter_map(|f| check_env_name(f.env).err())
        .collect();
    if !reserved.is_empty() {
        return Err(crate::Error::config(reserved.join("; ")));
    }
    C::from_lookup(&mut |field| {
        std::env::var(field.env)
            .ok()
            .filter(|v| !v.trim().is_empty())
    })
    .map_err(|e| {
        crate::Error::new(
            crate::ErrorKind::Credentials,
            format!("cannot start: {}", e.env_message()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_prefixes_are_rejected_in_any_case() {
        assert!(check_env_name("GUMSTACK_TOKEN").is_err());
        assert!(check_env_name("gumloop_key").is_err());
        assert!(check_env_name("WEATHER_API_KEY").is_ok());
    }

    #[test]
    fn values_parse_with_reasons() {
        assert_eq!(u16::parse_credential("80".into()), Ok(80));
        assert!(
            u16::parse_credential("x".into())
                .unwrap_err()
                .contains("65535")
        );
        assert_eq!(bool::parse_credential("Yes".into()), Ok(true));
    }
}
