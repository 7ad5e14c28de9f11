//! Who a client is: dynamic registration (RFC 7591) and client ID metadata
//! documents (draft-ietf-oauth-client-id-metadata-document): which metadata is
//! accepted and what is kept of it, which URLs may name a document, which
//! addresses one may be fetched from, and how long it is kept.

use std::{net::IpAddr, time::Duration};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Refused, refused, scope};
use crate::{crypto, store::ClientMetadata};

/// Bounds of one client's metadata: what is stored per client stays a few
/// kilobytes.
pub(crate) const MAX_REDIRECT_URIS: usize = 10;
pub(crate) const MAX_URI_BYTES: usize = 2048;
pub(crate) const MAX_CLIENT_NAME_CHARS: usize = 200;
const MAX_LISTED_TYPES: usize = 8;
/// Metadata documents are kept `max-age` up to a day, five minutes when the
/// document does not say.
const DOCUMENT_DEFAULT_TTL: Duration = Duration::from_secs(300);
const DOCUMENT_MAX_TTL: Duration = Duration::from_secs(24 * 3600);

/// A registration the server accepts: the metadata it keeps, and whether the
/// client authenticates with a secret.
#[derive(Debug, PartialEq)]
pub(crate) struct Registration {
    pub metadata: ClientMetadata,
    pub confidential: bool,
}

impl Registration {
    /// The client id of a public client: a digest of its normalized metadata,
    /// so a client that registers the same metadata again (many register on
    /// every start) gets the same client back. A confidential client gets a new
    /// id and secret each time (the secret is kept only as a hash, so it cannot
    /// be handed out again).
    pub fn public_client_id(&self) -> Option<String> {
        if self.confidential {
            return None;
        }
        let canonical = serde_json::to_vec(&self.metadata).unwrap_or_default();
        Some(format!(
            "mcp-{}",
            crypto::hex(&Sha256::digest(&canonical)[..20])
        ))
    }
}

/// Check a registration request (RFC 7591 2, 3.2.2) and normalize it.
pub(crate) fn register(mut metadata: ClientMetadata) -> Result<Registration, Refused> {
    check_metadata(&metadata)?;
    let confidential = match metadata.token_endpoint_auth_method.as_str() {
        "none" => false,
        "client_secret_post" | "client_secret_basic" => true,
        other => {
            return Err(refused(
                "invalid_client_metadata",
                format!(
                    "token_endpoint_auth_method {other:?} is not supported; use none, client_secret_post or client_secret_basic"
                ),
            ));
        }
    };
    normalize(&mut metadata);
    Ok(Registration {
        metadata,
        confidential,
    })
}

/// The metadata a fetched document gives the client at `client_id`: its
/// `client_id` must be that URL, and it authenticates with no secret.
pub(crate) fn document(client_id: &str, document: Value) -> Result<ClientMetadata, String> {
    if document["client_id"].as_str() != Some(client_id) {
        return Err("its client_id does not equal its URL".into());
    }
    // MCP 2026-07-28 (client registration, CIMD): the name is required, since
    // the consent page shows it beside the document's host.
    if !document["client_name"].is_string() {
        return Err("it has no client_name".into());
    }
    let mut metadata: ClientMetadata =
        serde_json::from_value(document).map_err(|e| format!("invalid metadata: {e}"))?;
    if metadata.token_endpoint_auth_method != "none" {
        return Err(
            "a metadata-document client must use token_endpoint_auth_method \"none\"".into(),
        );
    }
    check_metadata(&metadata).map_err(|r| r.description)?;
    normalize(&mut metadata);
    Ok(metadata)
}

/// What the server keeps of a registration: only the grant types it supports,
/// `code` as the one response type.
fn normalize(metadata: &mut ClientMetadata) {
    metadata
        .grant_types
        .retain(|g| g == "authorization_code" || g == "refresh_token");
    metadata.grant_types.dedup();
    metadata.response_types = vec!["code".into()];
}

/// The first problem of client metadata, with its RFC 7591 error code.
fn check_metadata(metadata: &ClientMetadata) -> Result<(), Refused> {
    let invalid = |why: String| Err(refused("invalid_client_metadata", why));
    if metadata.redirect_uris.is_empty() {
        return Err(refused(
            "invalid_redirect_uri",
            "redirect_uris must list at least one URI",
        ));
    }
    if metadata.redirect_uris.len() > MAX_REDIRECT_URIS {
        return Err(refused(
            "invalid_redirect_uri",
            format!("at most {MAX_REDIRECT_URIS} redirect URIs"),
        ));
    }
    if let Some(problem) = metadata
        .redirect_uris
        .iter()
        .find_map(|u| redirect_uri_problem(u))
    {
        return Err(refused("invalid_redirect_uri", problem));
    }
    if let Some(name) = &metadata.client_name
        && name.chars().count() > MAX_CLIENT_NAME_CHARS
    {
        return invalid(format!(
            "client_name is longer than {MAX_CLIENT_NAME_CHARS} characters"
        ));
    }
    if metadata
        .client_uri
        .as_ref()
        .is_some_and(|u| u.len() > MAX_URI_BYTES)
    {
        return invalid(format!("client_uri is longer than {MAX_URI_BYTES} bytes"));
    }
    if let Some(scope) = &metadata.scope
        && let Err(why) = scope::parse(scope)
    {
        return invalid(why);
    }
    if metadata.grant_types.len() > MAX_LISTED_TYPES
        || metadata.response_types.len() > MAX_LISTED_TYPES
    {
        return invalid(format!(
            "grant_types and response_types list at most {MAX_LISTED_TYPES} values"
        ));
    }
    Ok(())
}

/// Where a redirect URI sends the user: what the consent page says about it,
/// and whether an error may be sent there before the user has acted.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Redirect {
    /// `http` on a loopback address: an app on the user's own machine
    /// (RFC 8252 7.3).
    Loopback,
    /// `https` on a web host.
    Web,
    /// A private-use scheme (RFC 8252 7.1): whichever app on the user's machine
    /// claimed it. Anyone can claim one, so the consent page says so.
    App { scheme: String },
}

/// Private-use schemes without a dot that shipping MCP clients register (the
/// README's table of clients): RFC 8252 7.1 asks for reverse-domain schemes,
/// these predate the advice and are accepted by name.
const KNOWN_APP_SCHEMES: &[&str] = &["cursor", "vscode", "vscode-insiders", "windsurf"];

/// Schemes that run or read something where they are opened, never a place to
/// send an authorization code (RFC 8252 8.2 and browser pseudo-schemes).
const NEVER_SCHEMES: &[&str] = &[
    "javascript",
    "vbscript",
    "data",
    "file",
    "about",
    "blob",
    "filesystem",
    "view-source",
    "chrome",
    "ftp",
    "ws",
    "wss",
    "mailto",
];

/// What kind of redirect `uri` is, or why it cannot be one: https; http on a
/// loopback address; a private-use scheme in reverse-domain form
/// (`com.example.app:/cb`) or of a known app (`cursor://...`). Never a scheme
/// that runs code or reads files.
pub(crate) fn redirect_kind(uri: &str) -> Result<Redirect, String> {
    if uri.len() > MAX_URI_BYTES {
        return Err(format!(
            "a redirect URI is longer than {MAX_URI_BYTES} bytes"
        ));
    }
    let Ok(url) = url::Url::parse(uri) else {
        return Err(format!("redirect URI {uri:?} is not an absolute URL"));
    };
    if url.fragment().is_some() {
        return Err(format!("redirect URI {uri:?} must not have a fragment"));
    }
    match url.scheme() {
        "https" => Ok(Redirect::Web),
        "http" if is_loopback_host(url.host()) => Ok(Redirect::Loopback),
        "http" => Err(format!(
            "redirect URI {uri:?} uses http on a host that is not this machine: use https, or http on a loopback address (127.0.0.1, [::1], localhost)"
        )),
        scheme if NEVER_SCHEMES.contains(&scheme) => Err(format!(
            "redirect URI {uri:?}: {scheme}: is never a redirect URI"
        )),
        scheme if scheme.contains('.') || KNOWN_APP_SCHEMES.contains(&scheme) => {
            Ok(Redirect::App {
                scheme: scheme.to_owned(),
            })
        }
        scheme => Err(format!(
            "redirect URI {uri:?}: the private-use scheme {scheme:?} must be in reverse-domain form, such as com.example.app:/callback (RFC 8252 7.1)"
        )),
    }
}

/// Why `uri` cannot be a redirect URI, if it cannot.
pub(crate) fn redirect_uri_problem(uri: &str) -> Option<String> {
    redirect_kind(uri).err()
}

pub(crate) fn is_loopback_host(host: Option<url::Host<&str>>) -> bool {
    match host {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Why `client_id` cannot name a metadata document: it needs a path, and no
/// userinfo, fragment or dot segments.
pub(crate) fn document_url_problem(client_id: &str) -> Option<&'static str> {
    if client_id.len() > MAX_URI_BYTES {
        return Some("the URL is longer than 2048 bytes");
    }
    let Ok(url) = url::Url::parse(client_id) else {
        return Some("not a URL");
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Some("the URL must not contain a user name or password");
    }
    if url.fragment().is_some() || client_id.contains('#') {
        return Some("the URL must not have a fragment");
    }
    // The parser removes dot segments, so look at the text as sent.
    let raw_path = client_id
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or_default();
    let raw_path = raw_path.split(['?', '#']).next().unwrap_or_default();
    let dot = |segment: &str| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    if raw_path.split('/').any(dot) {
        return Some("the URL must not contain . or .. path segments");
    }
    if url.path() == "/" || url.path().is_empty() {
        return Some("the URL must have a path");
    }
    None
}

/// How long a fetched document may be reused, from its `Cache-Control`
/// (RFC 9111 5.2.2): `max-age` up to a day, five minutes when absent, not at
/// all for `no-store`, `no-cache` or `max-age=0`.
pub(crate) fn document_lifetime(cache_control: Option<&str>) -> Option<Duration> {
    let Some(value) = cache_control else {
        return Some(DOCUMENT_DEFAULT_TTL);
    };
    let mut max_age = None;
    for directive in value.split(',').map(str::trim) {
        let (name, arg) = directive.split_once('=').unwrap_or((directive, ""));
        match name.to_ascii_lowercase().as_str() {
            "no-store" | "no-cache" => return None,
            "max-age" => max_age = arg.trim_matches('"').parse::<u64>().ok(),
            _ => {}
        }
    }
    match max_age {
        Some(0) => None,
        Some(secs) => Some(Duration::from_secs(secs).min(DOCUMENT_MAX_TTL)),
        None => Some(DOCUMENT_DEFAULT_TTL),
    }
}

/// Whether a metadata document may be fetched from `ip`: not loopback,
/// private, link-local, shared (CGNAT), reserved, documentation, benchmarking,
/// multicast, broadcast, and not an IPv6 form that embeds or routes to IPv4
/// (mapped, compatible, NAT64, 6to4).
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (b & 0xc0) == 64)
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b & 0xfe) == 18)
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let seg = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                || seg[0] == 0x2002
                || (seg[0] == 0x64 && seg[1] == 0xff9b)
                || seg[..6] == [0; 6]
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| !is_public(IpAddr::V4(v4))))
        }
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the rows of the tables
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata() -> ClientMetadata {
        ClientMetadata {
            redirect_uris: vec!["http://127.0.0.1/cb".into()],
            client_name: Some("App".into()),
            client_uri: None,
            token_endpoint_auth_method: "none".into(),
            grant_types: vec!["authorization_code".into(), "refresh_token".into()],
            response_types: vec!["code".into()],
            scope: None,
        }
    }

    #[test]
    fn redirect_uris() {
        let cases = [
            (
                "RFC 8252 7.3: loopback IP with a port",
                "http://127.0.0.1:33418/callback",
                true,
            ),
            ("RFC 8252 8.3: localhost", "http://localhost/cb", true),
            ("RFC 8252 7.3: IPv6 loopback", "http://[::1]:9/cb", true),
            ("OAuth 2.1 2.3.1: https", "https://client.example/cb", true),
            (
                "OAuth 2.1 2.3.1: http only on loopback",
                "http://client.example/cb",
                false,
            ),
            (
                "RFC 8252 7.1: a reverse-domain private-use scheme",
                "com.example.app:/oauth2redirect",
                true,
            ),
            (
                "RFC 8252 7.1: Cursor's scheme, known by name",
                "cursor://anysphere.cursor-mcp/oauth/callback",
                true,
            ),
            (
                "RFC 8252 7.1: a private-use scheme without a dot",
                "myapp://cb",
                false,
            ),
            (
                "RFC 8252 8.2: never javascript:",
                "javascript:alert(1)",
                false,
            ),
            ("never data:", "data:text/html,<script>x</script>", false),
            ("never file:", "file:///etc/passwd", false),
            ("never vbscript:", "vbscript:msgbox(1)", false),
            ("never about:", "about:blank", false),
            ("never blob:", "blob:https://a.example/x", false),
            ("schemes are case-insensitive", "JavaScript:alert(1)", false),
            (
                "RFC 6749 3.1.2: no fragment",
                "https://client.example/cb#x",
                false,
            ),
            ("RFC 6749 3.1.2: absolute", "/relative", false),
        ];
        for (rule, uri, ok) in cases {
            assert_eq!(redirect_uri_problem(uri).is_none(), ok, "{rule}: {uri}");
        }
    }

    #[test]
    fn redirect_kinds() {
        let app = |s: &str| Redirect::App { scheme: s.into() };
        let cases = [
            ("http://127.0.0.1:9/cb", Redirect::Loopback),
            ("http://localhost/cb", Redirect::Loopback),
            ("https://claude.ai/api/mcp/auth_callback", Redirect::Web),
            (
                "cursor://anysphere.cursor-mcp/oauth/callback",
                app("cursor"),
            ),
            ("com.example.app:/cb", app("com.example.app")),
        ];
        for (uri, kind) in cases {
            assert_eq!(redirect_kind(uri), Ok(kind), "{uri}");
        }
    }

    #[test]
    fn registrations() {
        type Edit = fn(&mut ClientMetadata);
        let cases: [(&str, Edit, Option<&str>); 10] = [
            ("RFC 7591 2: a public client", |_| {}, None),
            (
                "RFC 7591 2: client_secret_basic",
                |m| m.token_endpoint_auth_method = "client_secret_basic".into(),
                None,
            ),
            (
                "RFC 7591 2: private_key_jwt is not supported",
                |m| m.token_endpoint_auth_method = "private_key_jwt".into(),
                Some("invalid_client_metadata"),
            ),
            (
                "RFC 7591 2: redirect_uris is required",
                |m| m.redirect_uris.clear(),
                Some("invalid_redirect_uri"),
            ),
            (
                "bound: 10 redirect URIs",
                |m| m.redirect_uris = vec!["http://127.0.0.1/cb".into(); MAX_REDIRECT_URIS + 1],
                Some("invalid_redirect_uri"),
            ),
            (
                "bound: a URI of 2048 bytes",
                |m| {
                    m.redirect_uris =
                        vec![format!("https://a.example/{}", "x".repeat(MAX_URI_BYTES))]
                },
                Some("invalid_redirect_uri"),
            ),
            (
                "bound: a name of 200 characters",
                |m| m.client_name = Some("x".repeat(MAX_CLIENT_NAME_CHARS + 1)),
                Some("invalid_client_metadata"),
            ),
            (
                "bound: client_uri",
                |m| m.client_uri = Some(format!("https://a.example/{}", "x".repeat(MAX_URI_BYTES))),
                Some("invalid_client_metadata"),
            ),
            (
                "RFC 6749 3.3: scope syntax",
                |m| m.scope = Some("a\"b".into()),
                Some("invalid_client_metadata"),
            ),
            (
                "bound: 8 grant types",
                |m| m.grant_types = vec!["x".into(); MAX_LISTED_TYPES + 1],
                Some("invalid_client_metadata"),
            ),
        ];
        for (rule, edit, error) in cases {
            let mut m = metadata();
            edit(&mut m);
            assert_eq!(register(m).err().map(|r| r.error), error, "{rule}");
        }
    }

    #[test]
    fn what_is_kept_of_a_registration() {
        let mut m = metadata();
        m.grant_types = vec![
            "implicit".into(),
            "authorization_code".into(),
            "authorization_code".into(),
        ];
        m.response_types = vec!["token".into()];
        let kept = register(m).unwrap().metadata;
        assert_eq!(kept.grant_types, ["authorization_code"]);
        assert_eq!(kept.response_types, ["code"]);
    }

    #[test]
    fn identical_public_registrations_share_one_id() {
        let id = |m: ClientMetadata| register(m).unwrap().public_client_id();
        let mut other = metadata();
        other.client_name = Some("Other".into());
        let mut confidential = metadata();
        confidential.token_endpoint_auth_method = "client_secret_post".into();
        assert_eq!(id(metadata()), id(metadata()));
        assert_ne!(id(metadata()), id(other));
        assert_eq!(id(confidential), None);
    }

    #[test]
    fn metadata_documents() {
        let url = "https://app.example/client.json";
        let doc = |edit: fn(&mut Value)| {
            let mut d = json!({"client_id": url, "redirect_uris": ["http://127.0.0.1/cb"], "client_name": "App"});
            edit(&mut d);
            document(url, d)
        };
        let cases: [(&str, fn(&mut Value), bool); 7] = [
            ("CIMD 4.1: a valid document", |_| {}, true),
            (
                "MCP 2026-07-28: client_name is required",
                |d| drop(d.as_object_mut().unwrap().remove("client_name")),
                false,
            ),
            (
                "CIMD 4.1: no token_endpoint_auth_method is none (ChatGPT lists the methods it supports instead)",
                |d| d["token_endpoint_auth_methods_supported"] = json!(["none", "private_key_jwt"]),
                true,
            ),
            (
                "CIMD 6.2: private_key_jwt is not supported",
                |d| d["token_endpoint_auth_method"] = json!("private_key_jwt"),
                false,
            ),
            (
                "CIMD 4.1: client_id must equal the URL",
                |d| d["client_id"] = json!("https://other.example/c.json"),
                false,
            ),
            (
                "CIMD 4.1: no client secret",
                |d| d["token_endpoint_auth_method"] = json!("client_secret_post"),
                false,
            ),
            (
                "CIMD 4.1: redirect_uris checked as registered ones",
                |d| d["redirect_uris"] = json!(["http://evil.example/cb"]),
                false,
            ),
        ];
        for (rule, edit, ok) in cases {
            assert_eq!(doc(edit).is_ok(), ok, "{rule}");
        }
    }

    #[test]
    fn metadata_document_urls() {
        let cases = [
            ("https://app.example/client.json", None),
            ("https://app.example/c?v=1", None),
            ("https://user:pw@app.example/client.json", Some("user name")),
            ("https://user@app.example/client.json", Some("user name")),
            ("https://app.example/client.json#x", Some("fragment")),
            ("https://app.example/", Some("path")),
            ("https://app.example", Some("path")),
            ("https://app.example/a/../client.json", Some(". or ..")),
            ("https://app.example/./client.json", Some(". or ..")),
            ("https://app.example/a/%2E%2e/client.json", Some(". or ..")),
            ("https://app.example/a/..", Some(". or ..")),
        ];
        for (client_id, problem) in cases {
            let found = document_url_problem(client_id);
            match problem {
                None => assert_eq!(found, None, "CIMD 3: {client_id}"),
                Some(word) => assert!(
                    found.is_some_and(|p| p.contains(word)),
                    "CIMD 3: {client_id}: {found:?}"
                ),
            }
        }
    }

    #[test]
    fn document_cache_lifetime_follows_cache_control() {
        let cases = [
            (None, Some(300)),
            (Some("max-age=60"), Some(60)),
            (Some("public, max-age=604800"), Some(86400)),
            (Some("max-age=0"), None),
            (Some("no-store"), None),
            (Some("no-cache, max-age=60"), None),
            (Some("private"), Some(300)),
        ];
        for (header, secs) in cases {
            assert_eq!(
                document_lifetime(header),
                secs.map(Duration::from_secs),
                "RFC 9111 5.2.2: {header:?}"
            );
        }
    }

    #[test]
    fn private_addresses_are_not_public() {
        for ip in [
            "10.0.0.1",
            "192.168.1.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.1.2.3",
            "192.0.0.8",
            "198.18.0.1",
            "198.19.255.255",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "RFC 6890: {ip}");
        }
        for ip in ["93.184.216.34", "198.20.0.1", "2606:2800:220:1::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }
}
