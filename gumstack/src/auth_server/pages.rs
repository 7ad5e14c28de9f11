//! The HTML pages people see: consent, the credentials form, messages. Plain,
//! accessible, readable on a phone, no external assets; rendered with askama
//! (escaped by default); never framed.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use crate::{CredentialField, credentials::FormErrors};

/// What happens after the user allows an application, as the consent page
/// says it.
pub(crate) enum NextStep {
    /// `cred`: they enter these credentials (the fields' labels).
    Credentials(Vec<&'static str>),
    /// `oauth`: they sign in to this provider.
    Provider(String),
}

#[derive(Template)]
#[template(path = "consent.html")]
pub(super) struct Consent {
    pub server_name: &'static str,
    pub client_name: String,
    pub client_id: String,
    pub destination: Destination,
    /// The host of a metadata-document client's URL.
    pub published_by: Option<String>,
    pub fields: Vec<&'static str>,
    /// The OAuth provider the user signs in to next (`oauth` mode).
    pub provider: Option<String>,
    /// The provider scopes asked for, in the provider's spelling.
    pub scopes: Vec<ScopeView>,
    pub pending: String,
    pub csrf: String,
}

/// One provider scope on the consent page.
pub(super) struct ScopeView {
    pub name: String,
    pub description: &'static str,
    /// The user may untick it: the server does not always ask for it.
    pub optional: bool,
}

/// Where the user is sent back to after consent.
pub(super) enum Destination {
    /// A web site: its host.
    Web(String),
    /// An app on this computer listening on a loopback address: `host:port`.
    ThisComputer(String),
    /// Whichever app claimed a private-use scheme: the scheme.
    App(String),
}

impl Consent {
    /// Some scope may be unticked.
    pub fn any_optional(&self) -> bool {
        self.scopes.iter().any(|s| s.optional)
    }

    pub fn next(&mut self, next: NextStep) {
        match next {
            NextStep::Credentials(fields) => self.fields = fields,
            NextStep::Provider(name) => self.provider = Some(name),
        }
    }
}

pub(super) struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub description: Option<&'static str>,
    pub placeholder: Option<&'static str>,
    pub secret: bool,
    pub required: bool,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "credentials.html")]
pub(super) struct Credentials {
    pub server_name: &'static str,
    pub fields: Vec<FieldView>,
    pub form_error: Option<String>,
    pub has_errors: bool,
    /// Index of the first field with an error: it gets the focus.
    pub first_error: usize,
    pub pending: String,
    pub csrf: String,
    /// This browser connected this client before: its credentials may be kept.
    pub saved: bool,
}

impl Credentials {
    pub fn new(
        server_name: &'static str,
        fields: &'static [CredentialField],
        values: &BTreeMap<String, String>,
        mut errors: FormErrors,
        pending: &str,
        csrf: &str,
        saved: bool,
    ) -> Self {
        let fields: Vec<FieldView> = fields
            .iter()
            .map(|f| FieldView {
                name: f.name,
                label: f.label,
                description: f.description,
                placeholder: f.placeholder,
                secret: f.secret,
                required: f.required,
                value: if f.secret {
                    String::new()
                } else {
                    values.get(f.name).cloned().unwrap_or_default()
                },
                error: errors.fields.remove(f.name),
            })
            .collect();
        let first_error = fields
            .iter()
            .position(|f: &FieldView| f.error.is_some())
            .unwrap_or(usize::MAX);
        Self {
            server_name,
            has_errors: first_error != usize::MAX || errors.form.is_some(),
            first_error,
            fields,
            form_error: errors.form,
            pending: pending.to_owned(),
            csrf: csrf.to_owned(),
            saved,
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct Message<'a> {
    title: &'a str,
    detail: &'a str,
}

/// A page with the headers every page gets: no framing, no caching, no
/// third-party anything.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            let headers = response.headers_mut();
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // No URL of these pages (they carry request ids) leaves this
            // origin; `same-origin` rather than `no-referrer`, with which
            // browsers send `Origin: null` on the pages' own form posts and the
            // cross-site check could not tell them from an opaque origin.
            headers.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("same-origin"),
            );
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(e) => {
            tracing::error!("rendering a page failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "page rendering failed").into_response()
        }
    }
}

pub(crate) fn message(status: StatusCode, title: &str, detail: &str) -> Response {
    render(status, &Message { title, detail })
}

/// A form input's value in one of these pages, `name="x" value="y"` as the
/// templates write it, unescaped: how a program (the testing kit's browser,
/// `diagnose`) reads the hidden fields it must send back.
pub(crate) fn input_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let rest = &page[at..];
    let value = rest.find("value=\"")? + "value=\"".len();
    let end = rest[value..].find('"')?;
    Some(html_unescape(&rest[value..value + end]))
}

/// Undo askama's HTML escaping of an attribute value.
fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::input_value;

    #[test]
    fn input_values_are_read_from_the_pages_and_unescaped() {
        let page = r#"<input type="hidden" name="pending" value="abc-1"><input type="hidden" name="csrf" value="t_2"><input name="note" value="a &amp; &quot;b&quot; &lt;c&gt;">"#;
        assert_eq!(input_value(page, "pending").as_deref(), Some("abc-1"));
        assert_eq!(input_value(page, "csrf").as_deref(), Some("t_2"));
        assert_eq!(input_value(page, "note").as_deref(), Some(r#"a & "b" <c>"#));
        assert_eq!(input_value(page, "grant"), None);
    }
}
