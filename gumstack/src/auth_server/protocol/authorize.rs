//! `/authorize` (RFC 6749 4.1.1, RFC 7636, RFC 8707, OAuth 2.1): which requests
//! are accepted, and where a refusal may be sent.

use serde::Deserialize;

use super::{Refused, client, refused, scope, scope::ScopePolicy};
use crate::store::ClientMetadata;

/// Longest `state` accepted (it is stored and echoed back to the client):
/// clients send 32–64 characters; 2 KiB leaves room for encoded app state.
pub(crate) const MAX_STATE_BYTES: usize = 2048;
/// Longest `resource`, `redirect_uri` and `client_id` accepted.
pub(crate) const MAX_URI_BYTES: usize = client::MAX_URI_BYTES;

/// An authorization request's query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AuthorizeRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub resource: Option<String>,
}

/// What an accepted request asks for.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Accepted {
    pub code_challenge: String,
    pub scope: String,
}

/// The sizes of the request's parameters, checked before the client is looked
/// up: nothing oversized is stored or echoed. The error names the limit.
pub(crate) fn check_sizes(q: &AuthorizeRequest) -> Result<(), String> {
    let limits = [
        ("state", q.state.as_deref(), MAX_STATE_BYTES),
        ("scope", q.scope.as_deref(), scope::MAX_BYTES),
        ("resource", q.resource.as_deref(), MAX_URI_BYTES),
        ("redirect_uri", q.redirect_uri.as_deref(), MAX_URI_BYTES),
        ("client_id", q.client_id.as_deref(), MAX_URI_BYTES),
    ];
    for (name, value, limit) in limits {
        if value.is_some_and(|v| v.len() > limit) {
            return Err(format!("{name} is longer than {limit} bytes"));
        }
    }
    Ok(())
}

/// The redirect URI of a request: the one asked for if the client registered
/// it (character for character), or the client's only one when none is asked.
/// A loopback redirect registered without a port matches it on any port
/// (OAuth 2.1 8.4.2, RFC 8252 7.3: native apps listen on an ephemeral port);
/// one registered with a port matches only that port, and `localhost` is not
/// `127.0.0.1`.
pub(crate) fn redirect_uri<'a>(
    client: &'a ClientMetadata,
    asked: Option<&'a str>,
) -> Result<&'a str, &'static str> {
    match asked {
        Some(uri)
            if client
                .redirect_uris
                .iter()
                .any(|u| u == uri || loopback_on_any_port(u, uri)) =>
        {
            Ok(uri)
        }
        Some(_) => Err("The redirect URI is not one the application registered."),
        None if client.redirect_uris.len() == 1 => Ok(&client.redirect_uris[0]),
        None => Err("The request has no redirect_uri."),
    }
}

/// Whether `asked` is `registered`, a portless loopback http URI, with a port
/// added. Both must be as a URL parser writes them, so the comparison stays
/// one of characters: `asked` without its port is `registered` exactly.
fn loopback_on_any_port(registered: &str, asked: &str) -> bool {
    let (Ok(registered_url), Ok(mut asked_url)) =
        (url::Url::parse(registered), url::Url::parse(asked))
    else {
        return false;
    };
    let portless = registered_url.scheme() == "http"
        && client::is_loopback_host(registered_url.host())
        && registered_url.as_str() == registered
        && registered_url.port().is_none();
    if !portless || asked_url.as_str() != asked || asked_url.port().is_none() {
        return false;
    }
    asked_url.set_port(None).is_ok() && asked_url.as_str() == registered
}

/// The rules of a request once its client and redirect URI are known:
/// `response_type=code`, PKCE with S256, this server as the resource, a
/// well-formed scope.
pub(crate) fn check(
    q: &AuthorizeRequest,
    resource: &str,
    scopes: &ScopePolicy,
) -> Result<Accepted, Refused> {
    if q.response_type.as_deref() != Some("code") {
        return Err(refused(
            "unsupported_response_type",
            "only response_type=code is supported",
        ));
    }
    let Some(challenge) = q
        .code_challenge
        .as_deref()
        .filter(|c| (43..=128).contains(&c.len()))
    else {
        return Err(refused(
            "invalid_request",
            "PKCE is required: send a code_challenge (S256)",
        ));
    };
    if q.code_challenge_method.as_deref() != Some("S256") {
        return Err(refused(
            "invalid_request",
            "code_challenge_method must be S256",
        ));
    }
    if let Some(asked) = q.resource.as_deref()
        && asked.trim_end_matches('/') != resource
    {
        return Err(refused(
            "invalid_target",
            "this server only issues tokens for its own MCP endpoint",
        ));
    }
    let scope = scopes
        .grant(q.scope.as_deref())
        .map_err(|why| refused("invalid_scope", why))?;
    Ok(Accepted {
        code_challenge: challenge.to_owned(),
        scope,
    })
}

/// Whether an error may be sent to `redirect_uri` before the user has acted:
/// only to a loopback address (the user's own machine). Anyone can register
/// `https://evil.example/...`; redirecting there would make this server an open
/// redirector (RFC 9700 4.11.2), so other clients get a page.
pub(crate) fn errors_may_redirect(redirect_uri: &str) -> bool {
    url::Url::parse(redirect_uri)
        .is_ok_and(|u| u.scheme() == "http" && client::is_loopback_host(u.host()))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the rows of the tables
mod tests {
    use super::*;

    const RESOURCE: &str = "https://mcp.example.com/mcp";

    fn request() -> AuthorizeRequest {
        AuthorizeRequest {
            response_type: Some("code".into()),
            client_id: Some("c".into()),
            redirect_uri: Some("http://127.0.0.1:9/cb".into()),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            code_challenge_method: Some("S256".into()),
            state: Some("s".into()),
            scope: None,
            resource: Some(RESOURCE.into()),
        }
    }

    #[test]
    fn request_rules() {
        type Edit = fn(&mut AuthorizeRequest);
        let cases: [(&str, Edit, Option<&str>); 11] = [
            ("RFC 6749 4.1.1: a valid request", |_| {}, None),
            (
                "RFC 6749 4.1.2.1: implicit grant",
                |q| q.response_type = Some("token".into()),
                Some("unsupported_response_type"),
            ),
            (
                "RFC 6749 4.1.1: response_type is required",
                |q| q.response_type = None,
                Some("unsupported_response_type"),
            ),
            (
                "OAuth 2.1 4.1.1: PKCE is required",
                |q| q.code_challenge = None,
                Some("invalid_request"),
            ),
            (
                "RFC 7636 4.2: a challenge is 43 to 128 characters",
                |q| q.code_challenge = Some("short".into()),
                Some("invalid_request"),
            ),
            (
                "RFC 7636 4.3: plain is refused",
                |q| q.code_challenge_method = Some("plain".into()),
                Some("invalid_request"),
            ),
            (
                "RFC 7636 4.3: the method is required",
                |q| q.code_challenge_method = None,
                Some("invalid_request"),
            ),
            (
                "RFC 8707 2: another resource",
                |q| q.resource = Some("https://other.example/mcp".into()),
                Some("invalid_target"),
            ),
            (
                "RFC 8707 2: a trailing slash is the same resource",
                |q| q.resource = Some(format!("{RESOURCE}/")),
                None,
            ),
            (
                "RFC 8707 2: no resource is this server",
                |q| q.resource = None,
                None,
            ),
            (
                "RFC 6749 3.3: a malformed scope",
                |q| q.scope = Some("bad\"scope".into()),
                Some("invalid_scope"),
            ),
        ];
        for (rule, edit, expected) in cases {
            let mut q = request();
            edit(&mut q);
            assert_eq!(
                check(&q, RESOURCE, &ScopePolicy::default())
                    .err()
                    .map(|e| e.error),
                expected,
                "{rule}"
            );
        }
        assert_eq!(
            check(&request(), RESOURCE, &ScopePolicy::default())
                .unwrap()
                .scope,
            "mcp"
        );
    }

    #[test]
    fn oversized_parameters_are_named() {
        type Edit = fn(&mut AuthorizeRequest);
        let cases: [(Edit, &str); 5] = [
            (
                |q| q.state = Some("s".repeat(MAX_STATE_BYTES + 1)),
                "state is longer than 2048 bytes",
            ),
            (
                |q| q.scope = Some("s".repeat(scope::MAX_BYTES + 1)),
                "scope is longer than 1024 bytes",
            ),
            (
                |q| q.resource = Some("r".repeat(MAX_URI_BYTES + 1)),
                "resource is longer",
            ),
            (
                |q| q.redirect_uri = Some("r".repeat(MAX_URI_BYTES + 1)),
                "redirect_uri is longer",
            ),
            (
                |q| q.client_id = Some("c".repeat(MAX_URI_BYTES + 1)),
                "client_id is longer",
            ),
        ];
        for (edit, message) in cases {
            let mut q = request();
            edit(&mut q);
            assert!(
                check_sizes(&q).unwrap_err().starts_with(message),
                "{message}"
            );
        }
        assert_eq!(check_sizes(&request()), Ok(()));
    }

    #[test]
    fn the_redirect_uri_is_one_the_client_registered() {
        let one = ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1:9/cb".into()],
            client_name: None,
            client_uri: None,
            token_endpoint_auth_method: "none".into(),
            grant_types: vec![],
            response_types: vec![],
            scope: None,
        };
        let mut two = one.clone();
        two.redirect_uris.push("https://app.example/cb".into());
        let mut portless = one.clone();
        portless.redirect_uris = vec!["http://127.0.0.1/callback".into()];
        let mut web = one.clone();
        web.redirect_uris = vec!["https://app.example/cb".into()];
        let cases = [
            (
                "RFC 6749 3.1.2.3: exact match",
                &one,
                Some("http://127.0.0.1:9/cb"),
                Ok("http://127.0.0.1:9/cb"),
            ),
            (
                "OAuth 2.1 2.3.1: no prefix match",
                &one,
                Some("http://127.0.0.1:9/cb/more"),
                Err(()),
            ),
            (
                "OAuth 2.1 2.3.1: no case folding",
                &one,
                Some("http://127.0.0.1:9/CB"),
                Err(()),
            ),
            (
                "OAuth 2.1 8.4.2: a portless loopback URI, any port",
                &portless,
                Some("http://127.0.0.1:53124/callback"),
                Ok("http://127.0.0.1:53124/callback"),
            ),
            (
                "OAuth 2.1 8.4.2: a portless loopback URI, no port asked",
                &portless,
                Some("http://127.0.0.1/callback"),
                Ok("http://127.0.0.1/callback"),
            ),
            (
                "OAuth 2.1 8.4.2: any port, but the same path",
                &portless,
                Some("http://127.0.0.1:53124/other"),
                Err(()),
            ),
            (
                "RFC 8252 8.3: localhost is not 127.0.0.1",
                &portless,
                Some("http://localhost:53124/callback"),
                Err(()),
            ),
            (
                "RFC 8252 7.3: a registered port matches only itself",
                &one,
                Some("http://127.0.0.1:10/cb"),
                Err(()),
            ),
            (
                "OAuth 2.1 2.3.1: only loopback http gets any port",
                &web,
                Some("https://app.example:8443/cb"),
                Err(()),
            ),
            (
                "any port, but written as sent",
                &portless,
                Some("http://127.0.0.1:53124/x/../callback"),
                Err(()),
            ),
            (
                "RFC 6749 3.1.2.3: one registered, none asked",
                &one,
                None,
                Ok("http://127.0.0.1:9/cb"),
            ),
            (
                "RFC 6749 3.1.2.3: several registered, none asked",
                &two,
                None,
                Err(()),
            ),
            (
                "RFC 6749 3.1.2.3: the second of two",
                &two,
                Some("https://app.example/cb"),
                Ok("https://app.example/cb"),
            ),
        ];
        for (rule, client, asked, expected) in cases {
            assert_eq!(
                redirect_uri(client, asked).map_err(drop),
                expected,
                "{rule}"
            );
        }
    }

    #[test]
    fn errors_redirect_only_to_loopback() {
        let cases = [
            ("http://127.0.0.1:9/cb", true),
            ("http://localhost/cb", true),
            ("http://[::1]:8/cb", true),
            ("https://evil.example/cb", false),
            ("https://127.0.0.1/cb", false),
            ("not a url", false),
        ];
        for (uri, redirect) in cases {
            assert_eq!(errors_may_redirect(uri), redirect, "RFC 9700 4.11.2: {uri}");
        }
    }
}
