//! Scopes (RFC 6749 3.3): what a client may ask for, what it is granted, and
//! what a refresh may keep. The server has one scope today, `mcp`: the right to
//! use this MCP server as the user who authorized.

use std::collections::BTreeSet;

/// Every scope this server defines (advertised as `scopes_supported` and in the
/// 401 challenge); the server-wide minimum a client needs.
pub(crate) const SUPPORTED: &[&str] = &["mcp"];

/// Longest `scope` parameter accepted.
pub(crate) const MAX_BYTES: usize = 1024;

/// `scope="..."` of the 401 challenge and what a request without `scope` gets.
pub(crate) fn default_scope() -> String {
    SUPPORTED.join(" ")
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

/// The scope granted at `/authorize` for `requested`: the defined scopes it asks
/// for (unknown ones are left out, as RFC 6749 3.3 allows; the token response
/// says what was granted), or the default when it asks for none of them.
pub(crate) fn grant(requested: Option<&str>) -> Result<String, String> {
    let asked = parse(requested.unwrap_or_default())?;
    let granted: Vec<&str> = SUPPORTED
        .iter()
        .copied()
        .filter(|s| asked.contains(s))
        .collect();
    Ok(if granted.is_empty() {
        default_scope()
    } else {
        granted.join(" ")
    })
}

/// The scope of tokens issued by a refresh (RFC 6749 6): the original grant's,
/// or the narrower one `requested`; a scope the grant lacks is `invalid_scope`.
/// A grant stored before scopes were recorded (`None`) holds the default.
pub(crate) fn narrow(granted: Option<&str>, requested: Option<&str>) -> Result<String, String> {
    let granted = granted.map_or_else(default_scope, str::to_owned);
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
        let cases = [
            (None, Ok("mcp")),
            (Some("mcp"), Ok("mcp")),
            (Some("openid offline_access"), Ok("mcp")),
            (Some("mcp openid"), Ok("mcp")),
            (Some("bad\"scope"), Err(())),
        ];
        for (requested, expected) in cases {
            assert_eq!(
                grant(requested).map_err(drop),
                expected.map(str::to_owned),
                "{requested:?}"
            );
        }
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
