//! Scopes (RFC 6749 3.3): what a client may ask for, what it is granted, and
//! what a refresh may keep. Every server has `mcp`, the right to use it as the
//! user who authorized. An `oauth` server whose tools name the provider's
//! scopes (`#[tool(scopes(...))]`) grants those too, spelt as the provider
//! spells them, so a token says which tools it may call.

use std::collections::BTreeSet;

use crate::scopes::{self as typed, Scope};

/// The scope every token holds.
pub(crate) const MCP: &str = "mcp";

/// Longest `scope` parameter accepted.
pub(crate) const MAX_BYTES: usize = 1024;

/// What this server's tokens may hold, decided at start-up.
#[derive(Debug, Clone)]
pub(crate) struct ScopePolicy {
    /// `mcp`, then every provider scope a client may be granted: those the
    /// server asks for anyway and those its tools need.
    supported: Vec<String>,
    /// What every authorization is granted: `mcp`, the server's minimum and
    /// the provider scopes it always asks for.
    default: Vec<String>,
    /// The provider's scopes, for what one covers.
    table: &'static [Scope],
}

impl Default for ScopePolicy {
    /// `mcp` only: a server whose tools name no scope.
    fn default() -> Self {
        Self {
            supported: vec![MCP.into()],
            default: vec![MCP.into()],
            table: &[],
        }
    }
}

impl ScopePolicy {
    /// `always`: the server's minimum and what the provider is always asked
    /// for; `needed`: what some tool needs.
    pub(crate) fn new<'a>(
        always: impl IntoIterator<Item = &'a str>,
        needed: impl IntoIterator<Item = &'a str>,
        table: &'static [Scope],
    ) -> Self {
        let mut policy = Self {
            table,
            ..Self::default()
        };
        for scope in always {
            push_new(&mut policy.default, scope);
            push_new(&mut policy.supported, scope);
        }
        for scope in needed {
            push_new(&mut policy.supported, scope);
        }
        policy
    }

    /// `scopes_supported` of the metadata documents.
    pub(crate) fn supported(&self) -> &[String] {
        &self.supported
    }

    /// `scope="..."` of the 401 challenge and what a request without `scope` gets.
    pub(crate) fn default_scope(&self) -> String {
        self.default.join(" ")
    }

    /// The scope granted at `/authorize` for `requested`: the default, and
    /// the supported scopes it asks for (unknown ones are left out, as RFC
    /// 6749 3.3 allows; the token response says what was granted).
    pub(crate) fn grant(&self, requested: Option<&str>) -> Result<String, String> {
        let asked = parse(requested.unwrap_or_default())?;
        let mut granted = self.default.clone();
        for scope in self.supported.iter().filter(|s| asked.contains(s.as_str())) {
            push_new(&mut granted, scope);
        }
        Ok(granted.join(" "))
    }

    /// The provider scopes of `granted` (all but `mcp`): what to ask the
    /// provider for.
    pub(crate) fn provider_scopes(granted: &str) -> Vec<String> {
        typed::tokens(granted)
            .filter(|s| *s != MCP)
            .map(str::to_owned)
            .collect()
    }

    /// `granted`, less the provider scopes that what the provider granted
    /// (`provider_granted`, when it says) does not cover: a user who unticks a
    /// scope at the provider (Google's granular consent) is not granted it here.
    pub(crate) fn as_provider_granted(
        &self,
        granted: &str,
        provider_granted: Option<&str>,
    ) -> String {
        let Some(provider_granted) = provider_granted else {
            return granted.to_owned();
        };
        typed::tokens(granted)
            .filter(|s| *s == MCP || typed::covers(provider_granted, s, self.table))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The provider scopes of `granted` as the consent page lists them: each
    /// with its description, and whether the user may untick it (what the
    /// server does not always ask for).
    pub(crate) fn on_consent<'a>(&self, granted: &'a str) -> Vec<(&'a str, &'static str, bool)> {
        typed::tokens(granted)
            .filter(|s| *s != MCP)
            .map(|s| {
                let description = self
                    .table
                    .iter()
                    .find(|scope| scope.name() == s)
                    .map_or("", |scope| scope.description());
                (s, description, !self.default.iter().any(|d| d == s))
            })
            .collect()
    }

    /// What the user consented to of `granted`: the default, and the optional
    /// scopes they left ticked (`kept`).
    pub(crate) fn consented(&self, granted: &str, kept: impl Fn(&str) -> bool) -> String {
        typed::tokens(granted)
            .filter(|s| self.default.iter().any(|d| d == s) || kept(s))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The scopes of `needed` that `granted` lacks.
    pub(crate) fn missing<'a>(&self, granted: &str, needed: &'a [Scope]) -> Vec<&'a str> {
        typed::missing(granted, needed, self.table)
    }
}

fn push_new(list: &mut Vec<String>, scope: &str) {
    if !list.iter().any(|s| s == scope) {
        list.push(scope.to_owned());
    }
}

/// The tokens of a scope string (RFC 6749 3.3: space-delimited, each made of
/// `%x21 / %x23-5B / %x5D-7E`), or why it is invalid.
pub(crate) fn parse(scope: &str) -> Result<BTreeSet<&str>, String> {
    if scope.len() > MAX_BYTES {
        return Err(format!("scope is longer than {MAX_BYTES} bytes"));
    }
    let valid = |b: u8| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b);
    scope
        .split(' ')
        .filter(|t| !t.is_empty())
        .map(|token| {
            if token.bytes().all(valid) {
                Ok(token)
            } else {
                Err(format!(
                    "scope token {token:?} has characters a scope cannot have"
                ))
            }
        })
        .collect()
}

/// The scope of tokens issued by a refresh (RFC 6749 6): the original grant's,
/// or the narrower one `requested`; a scope the grant lacks is `invalid_scope`.
/// A grant stored before scopes were recorded (`None`) holds the default.
pub(crate) fn narrow(granted: Option<&str>, requested: Option<&str>) -> Result<String, String> {
    let granted = granted.map_or_else(|| MCP.to_owned(), str::to_owned);
    let Some(requested) = requested else {
        return Ok(granted);
    };
    let have = parse(&granted)?;
    let want = parse(requested)?;
    match want.iter().find(|s| !have.contains(*s)) {
        Some(extra) => Err(format!(
            "scope {extra:?} was not granted to this authorization (granted: {granted})"
        )),
        None if want.is_empty() => Ok(granted),
        None => Ok(want.into_iter().collect::<Vec<_>>().join(" ")),
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the rows of the tables
mod tests {
    use super::*;

    #[test]
    fn scope_syntax() {
        // RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
        let cases = [
            ("mcp", true),
            ("mcp files:read", true),
            ("  mcp  ", true),
            ("", true),
            ("a\"b", false),
            ("a\\b", false),
            ("caf\u{e9}", false),
            ("a\tb", false),
        ];
        for (scope, valid) in cases {
            assert_eq!(parse(scope).is_ok(), valid, "{scope:?}");
        }
        assert!(parse(&"a".repeat(MAX_BYTES + 1)).is_err());
    }

    #[test]
    fn authorize_grants_known_scopes_or_the_default() {
        // RFC 6749 3.3: the server may grant less than asked, and says so.
        let plain = ScopePolicy::default();
        let scoped = ScopePolicy::new(["read:user"], ["repo", "gist"], &[]);
        let cases = [
            (&plain, None, Ok("mcp")),
            (&plain, Some("mcp"), Ok("mcp")),
            (&plain, Some("openid offline_access"), Ok("mcp")),
            (&plain, Some("mcp openid"), Ok("mcp")),
            (&plain, Some("bad\"scope"), Err(())),
            (&scoped, None, Ok("mcp read:user")),
            (&scoped, Some("mcp"), Ok("mcp read:user")),
            (&scoped, Some("repo"), Ok("mcp read:user repo")),
            (
                &scoped,
                Some("gist mcp repo delete_repo"),
                Ok("mcp read:user repo gist"),
            ),
            (&scoped, Some("read:user read:user"), Ok("mcp read:user")),
        ];
        for (policy, requested, expected) in cases {
            assert_eq!(
                policy.grant(requested).map_err(drop),
                expected.map(str::to_owned),
                "{requested:?}"
            );
        }
        assert_eq!(scoped.supported(), ["mcp", "read:user", "repo", "gist"]);
        // Consent: the default is fixed, the rest may be unticked.
        let granted = "mcp read:user repo gist";
        let optional: Vec<(&str, bool)> = scoped
            .on_consent(granted)
            .into_iter()
            .map(|(name, _, optional)| (name, optional))
            .collect();
        assert_eq!(
            optional,
            [("read:user", false), ("repo", true), ("gist", true)]
        );
        assert_eq!(
            scoped.consented(granted, |s| s == "gist"),
            "mcp read:user gist"
        );
        assert_eq!(scoped.consented(granted, |_| false), "mcp read:user");
        // Unticking cannot drop the default, nor add what was not asked.
        assert_eq!(scoped.consented("mcp read:user", |_| true), "mcp read:user");
        assert_eq!(scoped.default_scope(), "mcp read:user");
    }

    #[test]
    fn what_the_provider_granted_narrows_the_grant() {
        crate::scopes! {
            struct Table {
                /// All repositories.
                repo = "repo" implies ["public_repo"],
                /// Public ones.
                public_repo = "public_repo",
                /// The profile.
                read_user = "read:user",
            }
        }
        use crate::scopes::ScopeSet;
        let policy = ScopePolicy::new([], [], Table::ALL);
        let cases = [
            ("mcp repo read:user", None, "mcp repo read:user"),
            (
                "mcp repo read:user",
                Some("repo,read:user"),
                "mcp repo read:user",
            ),
            ("mcp repo read:user", Some("read:user"), "mcp read:user"),
            ("mcp public_repo", Some("repo"), "mcp public_repo"),
            ("mcp repo", Some("public_repo"), "mcp"),
            ("mcp repo", Some(""), "mcp"),
        ];
        for (granted, provider, expected) in cases {
            assert_eq!(
                policy.as_provider_granted(granted, provider),
                expected,
                "{granted:?} {provider:?}"
            );
        }
        assert_eq!(
            ScopePolicy::provider_scopes("mcp repo read:user"),
            ["repo", "read:user"]
        );
    }

    #[test]
    fn a_refresh_keeps_or_narrows_the_scope_never_widens_it() {
        // RFC 6749 6: "MUST NOT include any scope not originally granted".
        let cases = [
            (Some("mcp"), None, Ok("mcp")),
            (Some("mcp"), Some("mcp"), Ok("mcp")),
            (Some("mcp files:read"), Some("files:read"), Ok("files:read")),
            (Some("mcp"), Some("mcp admin"), Err(())),
            (Some("mcp"), Some("admin"), Err(())),
            (Some("mcp"), Some(""), Ok("mcp")),
            // stored before scopes were recorded: the default
            (None, Some("mcp"), Ok("mcp")),
            (None, Some("admin"), Err(())),
        ];
        for (granted, requested, expected) in cases {
            assert_eq!(
                narrow(granted, requested).map_err(drop),
                expected.map(str::to_owned),
                "{granted:?} {requested:?}"
            );
        }
    }
}
