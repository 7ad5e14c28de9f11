//! Scopes as types: what a provider defines, what a tool needs, and whether a
//! granted scope string covers it.
//!
//! A provider names its scopes in a type made with [`scopes!`](crate::scopes!):
//! one method per scope, named as Rust spells it (`read_user` for GitHub's
//! `read:user`), with the scopes it covers. `#[tool(scopes(...))]` and
//! `#[gumstack::server(scopes(...))]` name those methods, so a scope the
//! provider does not define is a compile error at the name (and rustc suggests
//! the close one).
//!
//! A `cred` server has no provider whose scopes it could ask for: its scopes
//! are its own MCP-level permissions, a type made the same way and named by
//! `#[cred(scopes = MyScopes)]` on its credentials struct. A client asks for
//! them, the user consents, and the tokens say which tools they may call.

/// One scope a provider defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    name: &'static str,
    implies: &'static [&'static str],
    description: &'static str,
}

impl Scope {
    /// The scope `name`, as the provider spells it, described for a person
    /// (the consent page shows it).
    pub const fn new(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            implies: &[],
            description,
        }
    }

    /// The same scope, covering `others` too (GitHub's `repo` covers
    /// `public_repo`). List every scope it covers, not only the direct ones:
    /// coverage is not followed further.
    pub const fn implying(mut self, others: &'static [&'static str]) -> Self {
        self.implies = others;
        self
    }

    /// As the provider spells it.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// What it allows, for a person.
    pub const fn description(&self) -> &'static str {
        self.description
    }

    /// The other scopes it covers.
    pub const fn implies(&self) -> &'static [&'static str] {
        self.implies
    }
}

/// A provider's scopes: a type made with [`scopes!`](crate::scopes!), one
/// `const fn` per scope.
pub trait ScopeSet: Copy + 'static {
    /// The value the scopes are called on: `GitHubScope.repo()`.
    const SET: Self;
    /// Every scope it defines.
    const ALL: &'static [Scope];
}

/// A provider whose scopes are a type, so tools can name them.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not define its scopes as a type, so `scopes(...)` cannot name them",
    label = "`{Self}` does not implement `gumstack::scopes::DefinesScopes`",
    note = "the presets in `gumstack::providers` define theirs; for another provider, make a type with `gumstack::scopes!` and implement `DefinesScopes for {Self} {{ type Scopes = ...; }}`, or wrap it: `gumstack::providers::WithScopes<{Self}, MyScopes>`"
)]
pub trait DefinesScopes {
    /// The provider's scopes.
    type Scopes: ScopeSet;
    /// Its value, which `scopes(...)` calls each scope on. A constant of the
    /// provider, not of its scope type: a provider without scopes is then one
    /// error, not one more per scope.
    const SCOPES: Self::Scopes = <Self::Scopes as ScopeSet>::SET;
    /// Every scope of its scope type.
    const SCOPE_TABLE: &'static [Scope] = <Self::Scopes as ScopeSet>::ALL;
}

/// A `cred` server's credentials type that names the server's own scopes:
/// `#[derive(Credentials)] #[cred(scopes = MyScopes)]` implements it. A trait
/// of its own, not [`DefinesScopes`]: a credentials type is not a provider,
/// and the error for one without scopes says what to write on it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not name the server's scopes, so `scopes(...)` cannot name them",
    label = "the scopes of a `cred` server are named on its credentials type",
    note = "make the scopes a type with `gumstack::scopes!`, then name it on the struct: `#[derive(Credentials)] #[cred(scopes = MyScopes)] struct {Self} {{ ... }}`"
)]
pub trait CredentialScopes {
    /// The server's scopes.
    type Scopes: ScopeSet;
    /// As [`DefinesScopes::SCOPES`].
    const SCOPES: Self::Scopes = <Self::Scopes as ScopeSet>::SET;
    /// As [`DefinesScopes::SCOPE_TABLE`].
    const SCOPE_TABLE: &'static [Scope] = <Self::Scopes as ScopeSet>::ALL;
}

/// The scope tokens of `granted` (space- or comma-separated, as providers
/// write them).
pub fn tokens(granted: &str) -> impl Iterator<Item = &str> {
    granted.split([' ', ',']).filter(|token| !token.is_empty())
}

/// Whether the scope tokens of `granted` cover `needed`: it is one of them,
/// or one of them covers it in `table`.
pub fn covers(granted: &str, needed: &str, table: &[Scope]) -> bool {
    tokens(granted).any(|token| {
        token == needed
            || table
                .iter()
                .any(|scope| scope.name == token && scope.implies.contains(&needed))
    })
}

/// The scopes of `needed` that `granted` does not cover, in order.
pub fn missing<'a>(granted: &str, needed: &'a [Scope], table: &[Scope]) -> Vec<&'a str> {
    needed
        .iter()
        .map(Scope::name)
        .filter(|name| !covers(granted, name, table))
        .collect()
}

/// Declare a provider's scopes as a type.
///
/// ```
/// gumstack::scopes! {
///     /// What the Acme API lets a token do.
///     pub struct AcmeScopes {
///         /// Read your projects.
///         read = "read",
///         /// Change your projects.
///         write = "write" implies ["read"],
///         /// Create tickets.
///         tickets_create = "tickets:create",
///     }
/// }
///
/// use gumstack::scopes::ScopeSet;
/// assert_eq!(AcmeScopes.write().name(), "write");
/// assert_eq!(AcmeScopes.write().implies(), ["read"]);
/// assert_eq!(AcmeScopes::ALL.len(), 3);
/// ```
///
/// Each doc comment is the scope's description on the consent page.
#[macro_export]
macro_rules! scopes {
    (
        $(#[$meta:meta])*
        $vis:vis struct $ty:ident {
            $(
                #[doc = $doc:literal]
                $ident:ident = $name:literal $(implies [$($implied:literal),* $(,)?])?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $ty;

        impl $ty {
            $(
                #[doc = $doc]
                pub const fn $ident(self) -> $crate::scopes::Scope {
                    $crate::scopes::Scope::new($name, $doc.trim_ascii())
                        .implying(&[$($($implied),*)?])
                }
            )*
        }

        impl $crate::scopes::ScopeSet for $ty {
            const SET: Self = $ty;
            const ALL: &'static [$crate::scopes::Scope] = &[$($ty.$ident()),*];
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::scopes! {
        /// A test provider.
        struct Test {
            /// Everything on repositories.
            repo = "repo" implies ["public_repo", "repo:status"],
            /// Public repositories.
            public_repo = "public_repo",
            /// Commit statuses.
            repo_status = "repo:status",
            /// The profile.
            read_user = "read:user",
        }
    }

    #[test]
    fn the_macro_keeps_names_implications_and_descriptions() {
        assert_eq!(Test.repo_status().name(), "repo:status");
        assert_eq!(Test.repo().implies(), ["public_repo", "repo:status"]);
        assert_eq!(Test.read_user().description(), "The profile.");
        assert_eq!(Test::ALL.len(), 4);
    }

    #[test]
    fn what_a_granted_scope_covers() {
        const T: Test = Test;
        let table = Test::ALL;
        let cases: &[(&str, &[Scope], &[&str])] = &[
            ("repo", &[T.repo()], &[]),
            ("repo", &[T.public_repo(), T.repo_status()], &[]),
            ("public_repo", &[T.repo()], &["repo"]),
            ("mcp read:user", &[T.repo(), T.read_user()], &["repo"]),
            ("repo,read:user", &[T.read_user(), T.repo()], &[]),
            ("", &[T.read_user()], &["read:user"]),
            ("read:user", &[], &[]),
            // A token is compared whole, not as a prefix.
            ("repo:status", &[T.repo()], &["repo"]),
            ("read:user2", &[T.read_user()], &["read:user"]),
        ];
        for (granted, needed, expected) in cases {
            assert_eq!(
                missing(granted, needed, table),
                *expected,
                "{granted:?} for {needed:?}"
            );
        }
    }
}
