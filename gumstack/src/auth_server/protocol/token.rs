//! `/token` and `/revoke` (RFC 6749 4.1.3, 5.2, 6; RFC 7636 4.6; RFC 8707;
//! RFC 7009; OAuth 2.1 4.3.1): which clients, codes and refresh tokens are
//! accepted, and with what scope.

use base64::{Engine, engine::general_purpose::STANDARD};

use super::{Refused, refused, scope};
use crate::{
    crypto,
    store::{CodeRecord, GrantRecord, Timestamp, TokenRecord},
};

fn invalid_grant(description: &str) -> Refused {
    refused("invalid_grant", description)
}

/// What a token request asks for (RFC 6749 4.1.3, 6).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Grant<'a> {
    Code {
        code: &'a str,
        verifier: &'a str,
        redirect_uri: Option<&'a str>,
    },
    Refresh {
        token: &'a str,
        scope: Option<&'a str>,
    },
}

/// The grant of a token request's form fields (`field(name)`).
pub(crate) fn grant<'a>(field: impl Fn(&str) -> Option<&'a str>) -> Result<Grant<'a>, Refused> {
    match field("grant_type") {
        Some("authorization_code") => match (field("code"), field("code_verifier")) {
            (Some(code), Some(verifier)) => Ok(Grant::Code {
                code,
                verifier,
                redirect_uri: field("redirect_uri"),
            }),
            _ => Err(refused(
                "invalid_request",
                "code and code_verifier are required",
            )),
        },
        Some("refresh_token") => match field("refresh_token") {
            Some(token) => Ok(Grant::Refresh {
                token,
                scope: field("scope"),
            }),
            None => Err(refused("invalid_request", "refresh_token is required")),
        },
        Some(other) => Err(refused(
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported"),
        )),
        None => Err(refused("invalid_request", "grant_type is required")),
    }
}

/// `client_secret_basic` credentials (RFC 6749 2.3.1: form-encoded, then
/// base64), if the `Authorization` header has them.
pub(crate) fn basic_credentials(authorization: Option<&str>) -> Option<(String, String)> {
    let encoded = authorization?.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Whether a client presented the secret it registered with (a public client
/// has none to present).
pub(crate) fn client_authenticated(secret_hash: Option<&str>, presented: Option<&str>) -> bool {
    match secret_hash {
        None => true,
        Some(expected) => crypto::same(&crypto::hash(presented.unwrap_or_default()), expected),
    }
}

/// The scope of the tokens a code buys, if `client` may redeem it `now`.
pub(crate) fn redeem_code(
    code: &CodeRecord,
    client_id: &str,
    verifier: &str,
    redirect_uri: Option<&str>,
    now: Timestamp,
) -> Result<String, Refused> {
    if code.expires_at < now {
        return Err(invalid_grant("the authorization code has expired"));
    }
    if code.client_id != client_id {
        return Err(invalid_grant(
            "the authorization code was issued to another client",
        ));
    }
    if redirect_uri.is_some_and(|u| u != code.redirect_uri) {
        return Err(invalid_grant(
            "redirect_uri does not match the authorization request",
        ));
    }
    if !crypto::pkce_matches(verifier, &code.code_challenge) {
        return Err(invalid_grant(
            "the PKCE code_verifier does not match the code_challenge",
        ));
    }
    Ok(code.scope.clone().unwrap_or_else(|| scope::MCP.to_owned()))
}

/// The scope of the tokens a refresh buys, if `client` may use `token` `now`.
/// Checked before the token is spent: a refusal leaves it usable.
pub(crate) fn refresh(
    token: &TokenRecord,
    client_id: &str,
    asked_scope: Option<&str>,
    now: Timestamp,
) -> Result<String, Refused> {
    if token.expires_at < now {
        return Err(invalid_grant("the refresh token has expired"));
    }
    if token.client_id != client_id {
        return Err(invalid_grant(
            "the refresh token was issued to another client",
        ));
    }
    scope::narrow(token.scope.as_deref(), asked_scope).map_err(|why| refused("invalid_scope", why))
}

/// The `resource` of a token request (RFC 8707 2.2): this server, or none.
pub(crate) fn check_resource(asked: Option<&str>, resource: &str) -> Result<(), Refused> {
    match asked {
        Some(asked) if asked.trim_end_matches('/') != resource => Err(refused(
            "invalid_target",
            "this server only issues tokens for its own MCP endpoint",
        )),
        _ => Ok(()),
    }
}

/// Whether tokens may be issued for a grant: it exists and is connected.
pub(crate) fn grant_usable(grant: Option<&GrantRecord>) -> Result<(), Refused> {
    match grant {
        Some(grant) if grant.disconnected => Err(invalid_grant(
            "the connected account must be connected again: authorize anew",
        )),
        Some(_) => Ok(()),
        None => Err(invalid_grant("the authorization was revoked")),
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // the rows of the tables
mod tests {
    use super::*;

    const NOW: Timestamp = 1_000_000;
    // RFC 7636 appendix B.
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn code() -> CodeRecord {
        CodeRecord {
            code_hash: "h".into(),
            grant_id: "g".into(),
            client_id: "c".into(),
            redirect_uri: "http://127.0.0.1:9/cb".into(),
            code_challenge: CHALLENGE.into(),
            resource: None,
            scope: Some("mcp".into()),
            expires_at: NOW + 60,
        }
    }

    fn token() -> TokenRecord {
        TokenRecord {
            token_hash: "h".into(),
            kind: crate::store::TokenKind::Refresh,
            grant_id: "g".into(),
            client_id: "c".into(),
            resource: "https://mcp.example.com/mcp".into(),
            scope: Some("mcp".into()),
            expires_at: NOW + 60,
        }
    }

    #[test]
    fn token_requests() {
        let form = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
        };
        let cases: [(&str, &'static [(&str, &str)], Result<&str, &str>); 6] = [
            (
                "RFC 6749 4.1.3",
                &[
                    ("grant_type", "authorization_code"),
                    ("code", "x"),
                    ("code_verifier", "v"),
                ],
                Ok("code"),
            ),
            (
                "RFC 7636 4.5: the verifier is required",
                &[("grant_type", "authorization_code"), ("code", "x")],
                Err("invalid_request"),
            ),
            (
                "RFC 6749 6",
                &[("grant_type", "refresh_token"), ("refresh_token", "r")],
                Ok("refresh"),
            ),
            (
                "RFC 6749 6: the refresh token is required",
                &[("grant_type", "refresh_token")],
                Err("invalid_request"),
            ),
            (
                "RFC 6749 5.2: another grant type",
                &[("grant_type", "password")],
                Err("unsupported_grant_type"),
            ),
            (
                "RFC 6749 4.1.3: grant_type is required",
                &[],
                Err("invalid_request"),
            ),
        ];
        for (rule, pairs, expected) in cases {
            let got = grant(form(pairs)).map(|g| match g {
                Grant::Code { .. } => "code",
                Grant::Refresh { .. } => "refresh",
            });
            assert_eq!(got.map_err(|r| r.error), expected, "{rule}");
        }
    }

    #[test]
    fn code_redemption() {
        type Edit = fn(&mut CodeRecord);
        let cases: [(&str, Edit, &str, Option<&str>, Option<&str>); 7] = [
            ("RFC 6749 4.1.3: a valid code", |_| {}, VERIFIER, None, None),
            (
                "RFC 6749 4.1.3: the same redirect URI",
                |_| {},
                VERIFIER,
                Some("http://127.0.0.1:9/cb"),
                None,
            ),
            (
                "RFC 6749 4.1.3: another redirect URI",
                |_| {},
                VERIFIER,
                Some("http://127.0.0.1:8/cb"),
                Some("invalid_grant"),
            ),
            (
                "RFC 6749 4.1.2: an expired code",
                |c| c.expires_at = NOW - 1,
                VERIFIER,
                None,
                Some("invalid_grant"),
            ),
            (
                "RFC 6749 4.1.3: another client's code",
                |c| c.client_id = "other".into(),
                VERIFIER,
                None,
                Some("invalid_grant"),
            ),
            (
                "RFC 7636 4.6: a wrong verifier",
                |_| {},
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
                None,
                Some("invalid_grant"),
            ),
            (
                "RFC 7636 4.1: a verifier too short",
                |_| {},
                "short",
                None,
                Some("invalid_grant"),
            ),
        ];
        for (rule, edit, verifier, redirect, error) in cases {
            let mut c = code();
            edit(&mut c);
            let got = redeem_code(&c, "c", verifier, redirect, NOW);
            assert_eq!(got.err().map(|r| r.error), error, "{rule}");
        }
        let mut unscoped = code();
        unscoped.scope = None;
        assert_eq!(
            redeem_code(&unscoped, "c", VERIFIER, None, NOW).unwrap(),
            "mcp"
        );
    }

    #[test]
    fn refresh_rules() {
        type Edit = fn(&mut TokenRecord);
        let cases: [(&str, Edit, Option<&str>, Result<&str, &str>); 6] = [
            ("RFC 6749 6: the same scope", |_| {}, None, Ok("mcp")),
            (
                "RFC 6749 6: a narrower scope",
                |t| t.scope = Some("mcp files:read".into()),
                Some("files:read"),
                Ok("files:read"),
            ),
            (
                "RFC 6749 6: a wider scope",
                |_| {},
                Some("mcp admin"),
                Err("invalid_scope"),
            ),
            (
                "RFC 6749 6: an expired token",
                |t| t.expires_at = NOW - 1,
                None,
                Err("invalid_grant"),
            ),
            (
                "RFC 6749 6: another client's token",
                |t| t.client_id = "other".into(),
                None,
                Err("invalid_grant"),
            ),
            (
                "stored before scopes: the default",
                |t| t.scope = None,
                Some("mcp"),
                Ok("mcp"),
            ),
        ];
        for (rule, edit, asked, expected) in cases {
            let mut t = token();
            edit(&mut t);
            let got = refresh(&t, "c", asked, NOW);
            assert_eq!(got.as_deref().map_err(|r| r.error), expected, "{rule}");
        }
    }

    #[test]
    fn client_authentication() {
        let hash = crypto::hash("s3cret");
        let cases = [
            ("RFC 6749 2.1: a public client", None, None, true),
            (
                "RFC 6749 2.3.1: the right secret",
                Some(hash.as_str()),
                Some("s3cret"),
                true,
            ),
            (
                "RFC 6749 2.3.1: a wrong secret",
                Some(hash.as_str()),
                Some("guess"),
                false,
            ),
            (
                "RFC 6749 2.3.1: no secret",
                Some(hash.as_str()),
                None,
                false,
            ),
        ];
        for (rule, expected, presented, ok) in cases {
            assert_eq!(client_authenticated(expected, presented), ok, "{rule}");
        }
        // RFC 6749 2.3.1: both parts form-encoded before base64.
        let header = format!("Basic {}", STANDARD.encode("my%20id:p%3Aw"));
        assert_eq!(
            basic_credentials(Some(&header)),
            Some(("my id".into(), "p:w".into()))
        );
        assert_eq!(basic_credentials(Some("Bearer x")), None);
        assert_eq!(basic_credentials(Some("Basic !!!")), None);
    }

    #[test]
    fn resources_and_grants() {
        let resource = "https://mcp.example.com/mcp";
        assert!(
            check_resource(None, resource).is_ok(),
            "RFC 8707 2.2: optional"
        );
        assert!(check_resource(Some("https://mcp.example.com/mcp/"), resource).is_ok());
        assert_eq!(
            check_resource(Some("https://other.example/mcp"), resource)
                .unwrap_err()
                .error,
            "invalid_target",
            "RFC 8707 2.2"
        );
        let mut grant = GrantRecord {
            id: "g".into(),
            client_id: None,
            sealed: String::new(),
            nickname: None,
            account_id: None,
            created_at: 0,
            updated_at: 0,
            disconnected: false,
        };
        assert!(grant_usable(Some(&grant)).is_ok());
        grant.disconnected = true;
        assert_eq!(
            grant_usable(Some(&grant)).unwrap_err().error,
            "invalid_grant"
        );
        assert_eq!(grant_usable(None).unwrap_err().error, "invalid_grant");
    }
}
