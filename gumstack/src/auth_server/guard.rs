//! Where a form POST may come from. Every page form (consent, credentials,
//! reconnect, disconnect) is checked here before its cookie and token: a
//! cross-site post is refused even when it carries a valid cookie and token (a
//! cookie planted from a sibling subdomain, a token read off a leaked page).
//!
//! Browsers send `Origin` on every POST and `Sec-Fetch-Site` on every request;
//! a request with neither is not from a browser, and is left to the cookie and
//! token checks.

use axum::http::{HeaderMap, header};

/// Why a form post was refused.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CrossSite {
    /// `Origin` names another site (or `null`, an opaque origin).
    Origin(String),
    /// `Sec-Fetch-Site` says `cross-site` or `same-site` (a sibling subdomain).
    FetchSite(String),
}

/// Check a form post's `Origin` and `Sec-Fetch-Site` against the origins of this
/// server's pages (`allowed`, serialized as `scheme://host[:port]`).
pub(crate) fn same_origin(headers: &HeaderMap, allowed: &[String]) -> Result<(), CrossSite> {
    if let Some(site) = headers.get("sec-fetch-site") {
        let site = site.to_str().unwrap_or("invalid");
        // `none`: the user typed the address or used a bookmark; not a form post
        // another page can make.
        if !matches!(site, "same-origin" | "none") {
            return Err(CrossSite::FetchSite(site.to_owned()));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("invalid");
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
            return Err(CrossSite::Origin(origin.to_owned()));
        }
    }
    Ok(())
}

/// The origins of this server's pages: the issuer's, and when the issuer is on
/// loopback, the other loopback names of the same port (a browser may reach
/// `127.0.0.1:8000` as `localhost:8000`).
pub(crate) fn page_origins(issuer: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(issuer) else {
        return Vec::new();
    };
    let mut origins = vec![url.origin().ascii_serialization()];
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback && let Some(port) = url.port_or_known_default() {
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            let origin = format!("{}://{host}:{port}", url.scheme());
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
    }
    origins
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (k, v) in pairs {
            headers.insert(*k, HeaderValue::from_static(v));
        }
        headers
    }

    #[test]
    fn form_posts_from_other_sites_are_refused() {
        let allowed = page_origins("https://mcp.example.com");
        // (headers, accepted)
        let cases: &[(&[(&str, &str)], bool)] = &[
            (&[], true),
            (&[("origin", "https://mcp.example.com")], true),
            (
                &[
                    ("origin", "https://mcp.example.com"),
                    ("sec-fetch-site", "same-origin"),
                ],
                true,
            ),
            (&[("sec-fetch-site", "none")], true),
            (&[("origin", "https://evil.example")], false),
            (&[("origin", "null")], false),
            (&[("origin", "http://mcp.example.com")], false),
            (&[("origin", "https://mcp.example.com:8443")], false),
            (&[("sec-fetch-site", "cross-site")], false),
            // A sibling subdomain is "same-site": the cookie-tossing case.
            (
                &[
                    ("origin", "https://mcp.example.com"),
                    ("sec-fetch-site", "same-site"),
                ],
                false,
            ),
        ];
        for (pairs, accepted) in cases {
            assert_eq!(
                same_origin(&headers(pairs), &allowed).is_ok(),
                *accepted,
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn loopback_issuers_accept_their_other_loopback_names() {
        assert_eq!(
            page_origins("http://127.0.0.1:8000"),
            [
                "http://127.0.0.1:8000",
                "http://localhost:8000",
                "http://[::1]:8000"
            ]
        );
        assert_eq!(
            page_origins("https://mcp.example.com/base"),
            ["https://mcp.example.com"]
        );
    }
}
