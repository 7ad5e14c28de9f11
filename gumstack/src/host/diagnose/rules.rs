//! What `diagnose` compares, as plain functions: the URLs a client derives
//! from the server's public URL, and what it requires of the answers.

use url::Url;

/// One thing wrong with a deployment, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub what: String,
    pub fix: String,
}

impl Problem {
    pub fn new(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            what: what.into(),
            fix: fix.into(),
        }
    }
}

/// The MCP URL of what the operator typed: the public URL (`https://h`) or
/// the MCP URL itself (`https://h/mcp`), with or without a trailing slash.
pub(crate) fn mcp_url(input: &str) -> Result<Url, Problem> {
    let bad = || {
        Problem::new(
            format!("{input:?} is not an http(s) URL"),
            "give the server's public URL, e.g. https://mcp.example.com",
        )
    };
    let mut url = Url::parse(input).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(bad());
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    let path = if path.ends_with("/mcp") {
        path
    } else {
        format!("{path}/mcp")
    };
    url.set_path(&path);
    Ok(url)
}

/// `scheme://host[:port]` of `url`.
pub(crate) fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Where RFC 9728 puts the protected resource metadata of `resource`: the
/// path form (`/.well-known/oauth-protected-resource/mcp`), which clients try
/// first, and the root form, which older ones use.
pub(crate) fn resource_metadata_urls(resource: &Url) -> [String; 2] {
    let origin = origin(resource);
    [
        format!(
            "{origin}/.well-known/oauth-protected-resource{}",
            resource.path()
        ),
        format!("{origin}/.well-known/oauth-protected-resource"),
    ]
}

/// Where RFC 8414 puts the metadata of `issuer`: the well-known path inserted
/// before the issuer's own path.
pub(crate) fn server_metadata_url(issuer: &str) -> Option<String> {
    let url = Url::parse(issuer).ok()?;
    let path = url.path().trim_end_matches('/');
    Some(format!(
        "{}/.well-known/oauth-authorization-server{path}",
        origin(&url)
    ))
}

/// `found` must equal `expected` character for character, as clients compare
/// them (the Python SDK refuses `https://h/` for `https://h`).
pub(crate) fn same(what: &str, found: &str, expected: &str, fix: &str) -> Result<(), Problem> {
    if found == expected {
        return Ok(());
    }
    let slash = found.trim_end_matches('/') == expected.trim_end_matches('/');
    Err(Problem::new(
        format!(
            "{what} is {found:?}, expected {expected:?}{}",
            if slash {
                " (a trailing slash differs)"
            } else {
                ""
            }
        ),
        fix,
    ))
}

/// A public URL over plain http is only for loopback: tokens and cookies
/// cross the network in clear otherwise.
pub(crate) fn plain_http_on_a_network(url: &Url) -> bool {
    url.scheme() == "http"
        && !match url.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
}

/// What is wrong with the browser cookie the authorization pages set, for a
/// server at `https` or not.
pub(crate) fn cookie_problem(set_cookie: &[String], https: bool) -> Option<String> {
    let cookie = set_cookie
        .iter()
        .find(|c| c.contains("gumstack_browser="))?;
    let attributes: Vec<String> = cookie
        .split(';')
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    let has = |name: &str| attributes.iter().any(|a| a == name);
    if !has("httponly") {
        return Some("the browser cookie is not HttpOnly".into());
    }
    if https && !(cookie.starts_with("__Host-") && has("secure")) {
        return Some("over https the browser cookie must be `__Host-` prefixed and Secure".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mcp_url_of_what_the_operator_types() {
        let cases = [
            ("https://h", "https://h/mcp"),
            ("https://h/", "https://h/mcp"),
            ("https://h/mcp", "https://h/mcp"),
            ("https://h/mcp/", "https://h/mcp"),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000/mcp"),
            ("https://h/base", "https://h/base/mcp"),
            ("https://h/mcp?x=1#y", "https://h/mcp"),
        ];
        for (input, mcp) in cases {
            assert_eq!(mcp_url(input).unwrap().as_str(), mcp, "{input}");
        }
        for input in ["mcp.example.com", "ftp://h", "https://", ""] {
            assert!(mcp_url(input).is_err(), "{input}");
        }
    }

    #[test]
    fn metadata_urls_follow_rfc_9728_and_8414() {
        let resource = Url::parse("https://h:8443/mcp").unwrap();
        assert_eq!(
            resource_metadata_urls(&resource),
            [
                "https://h:8443/.well-known/oauth-protected-resource/mcp".to_owned(),
                "https://h:8443/.well-known/oauth-protected-resource".to_owned(),
            ]
        );
        let cases = [
            (
                "https://h",
                "https://h/.well-known/oauth-authorization-server",
            ),
            (
                "https://h/",
                "https://h/.well-known/oauth-authorization-server",
            ),
            (
                "https://h/tenant",
                "https://h/.well-known/oauth-authorization-server/tenant",
            ),
        ];
        for (issuer, url) in cases {
            assert_eq!(
                server_metadata_url(issuer).as_deref(),
                Some(url),
                "{issuer}"
            );
        }
    }

    #[test]
    fn urls_compare_byte_for_byte_and_a_slash_is_named() {
        assert!(same("issuer", "https://h", "https://h", "").is_ok());
        let slash = same("issuer", "https://h/", "https://h", "fix").unwrap_err();
        assert!(slash.what.contains("trailing slash"), "{slash:?}");
        let other = same("issuer", "https://a", "https://b", "fix").unwrap_err();
        assert!(!other.what.contains("trailing slash"), "{other:?}");
        assert!(same("issuer", "https://H", "https://h", "").is_err());
    }

    #[test]
    fn plain_http_is_for_loopback_only() {
        let cases = [
            ("http://127.0.0.1:8000/mcp", false),
            ("http://localhost/mcp", false),
            ("http://[::1]/mcp", false),
            ("https://mcp.example.com/mcp", false),
            ("http://mcp.example.com/mcp", true),
            ("http://10.0.0.5/mcp", true),
        ];
        for (url, plain) in cases {
            assert_eq!(
                plain_http_on_a_network(&Url::parse(url).unwrap()),
                plain,
                "{url}"
            );
        }
    }

    #[test]
    fn cookies_over_https_are_host_prefixed_and_secure() {
        let cookie = |s: &str| vec![s.to_owned()];
        let cases = [
            (
                cookie("gumstack_browser=x; HttpOnly; SameSite=Lax; Path=/"),
                false,
                None,
            ),
            (
                cookie("gumstack_browser=x; SameSite=Lax; Path=/"),
                false,
                Some("HttpOnly"),
            ),
            (
                cookie("gumstack_browser=x; HttpOnly; SameSite=Lax; Path=/"),
                true,
                Some("__Host-"),
            ),
            (
                cookie("__Host-gumstack_browser=x; HttpOnly; Secure; SameSite=Lax; Path=/"),
                true,
                None,
            ),
            (vec![], true, None),
        ];
        for (set_cookie, https, problem) in cases {
            let found = cookie_problem(&set_cookie, https);
            match problem {
                None => assert_eq!(found, None, "{set_cookie:?}"),
                Some(word) => assert!(found.unwrap().contains(word), "{set_cookie:?}"),
            }
        }
    }
}
