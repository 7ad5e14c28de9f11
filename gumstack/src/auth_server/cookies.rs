//! The one cookie of the authorization pages: a random token that names this
//! browser. A pending authorization, the provider's redirect back, a reconnect
//! link and the accounts page all check it, and every form token is derived from
//! it, so a page's form only works in the browser that was shown the page.
//!
//! Over https the cookie is `__Host-` prefixed and `Secure`: a sibling subdomain
//! cannot plant ("toss") one, since browsers accept a `__Host-` cookie only from
//! this exact host, with `Path=/` and no `Domain`. Parsed and built by the
//! `cookie` crate, never by hand.

use std::time::Duration;

use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};
use cookie::{Cookie, SameSite};

use crate::crypto;

const NAME: &str = "gumstack_browser";
const SECURE_NAME: &str = "__Host-gumstack_browser";
const LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// How this server names and sets its cookie (decided by the issuer's scheme).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn for_issuer(issuer: &str) -> Self {
        Self {
            secure: issuer.starts_with("https://"),
        }
    }

    fn name(self) -> &'static str {
        if self.secure { SECURE_NAME } else { NAME }
    }

    /// This browser's token, if it sent a well-formed one.
    pub fn browser(self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == self.name())
            .map(|c| c.value().to_owned())
            .filter(|v| crypto::is_token(v))
    }

    /// This browser's token, or a new one to be set with [`Cookies::set_browser`].
    pub fn browser_or_new(self, headers: &HeaderMap) -> (String, bool) {
        match self.browser(headers) {
            Some(token) => (token, false),
            None => (crypto::random(), true),
        }
    }

    /// Set the browser cookie: HttpOnly, `SameSite=Lax` (the provider's redirect
    /// back and the client's link to `/authorize` are top-level cross-site GETs
    /// that must carry it), a year long.
    pub fn set_browser(self, response: &mut Response, token: &str) {
        let cookie = Cookie::build((self.name(), token.to_owned()))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(cookie_duration(LIFETIME))
            .build();
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
}

fn cookie_duration(d: Duration) -> cookie::time::Duration {
    cookie::time::Duration::seconds(d.as_secs() as i64)
}

/// The form token of one page for one browser: only a page shown to the browser
/// holding `browser` can carry it, and it is good for `purpose` only (one pending
/// request, the accounts page, one reconnect link).
pub(crate) fn form_token(browser: &str, purpose: &str) -> String {
    crypto::hash(&format!("form\n{purpose}\n{browser}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        headers
    }

    #[test]
    fn https_uses_the_host_prefix_and_http_does_not() {
        let token = crypto::random();
        let secure = Cookies::for_issuer("https://mcp.example.com");
        let plain = Cookies::for_issuer("http://127.0.0.1:8000");
        let both = headers(&format!(
            "gumstack_browser={token}; __Host-gumstack_browser={token}"
        ));
        assert_eq!(secure.browser(&both).as_deref(), Some(token.as_str()));
        // Over https an unprefixed cookie (which a sibling domain could set) is ignored.
        assert_eq!(
            secure.browser(&headers(&format!("gumstack_browser={token}"))),
            None
        );
        assert_eq!(plain.browser(&both).as_deref(), Some(token.as_str()));

        let mut response = Response::new(axum::body::Body::empty());
        secure.set_browser(&mut response, &token);
        let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
        for part in [
            "__Host-gumstack_browser=",
            "Path=/",
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
        ] {
            assert!(set.contains(part), "{set}");
        }
        assert!(!set.contains("Domain"), "{set}");
    }

    #[test]
    fn malformed_browser_tokens_are_ignored() {
        let plain = Cookies::for_issuer("http://127.0.0.1:8000");
        assert_eq!(plain.browser(&headers("gumstack_browser=short")), None);
        assert_eq!(plain.browser(&headers("other=x")), None);
    }

    #[test]
    fn form_tokens_differ_per_browser_and_purpose() {
        let (a, b) = (crypto::random(), crypto::random());
        assert_ne!(form_token(&a, "accounts"), form_token(&b, "accounts"));
        assert_ne!(form_token(&a, "accounts"), form_token(&a, "pending:x"));
        assert_eq!(form_token(&a, "accounts"), form_token(&a, "accounts"));
    }
}
