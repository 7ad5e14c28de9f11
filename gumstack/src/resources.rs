//! Resources: what a `#[resource]` method may return, and how a requested URI
//! is matched against a URI template (`test://items/{id}`).
//!
//! A resource method returns its contents:
//!
//! | return type | contents | default MIME type |
//! |---|---|---|
//! | `String`, `&'static str` | text | `text/plain` |
//! | [`Blob`] | bytes, sent base64-encoded | `application/octet-stream` |
//! | [`ResourceContents`], `Vec<ResourceContents>` | as given | as given |
//! | any other `Serialize` type | its JSON text | `application/json` |
//!
//! or a `Result` of one of these whose error implements `Display`. The
//! `mime_type = "..."` of `#[resource]` replaces the default.

use std::{cell::Cell, fmt::Display};

use base64::Engine;
use rmcp::{ErrorData, model::ResourceContents as Contents};
use serde::Serialize;

/// One piece of a resource's contents, text or binary, with its own URI
/// (for a resource that returns several).
pub use rmcp::model::ResourceContents;

/// The bytes of a binary resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Blob(pub Vec<u8>);

impl Blob {
    /// These bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes of base64 text (standard alphabet, padded).
    pub fn from_base64(text: &str) -> crate::Result<Self> {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map(Self)
            .map_err(|e| crate::Error::msg(format!("invalid base64: {e}")))
    }

    fn base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

/// Base64, as MCP carries binary data.
impl Serialize for Blob {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.base64())
    }
}

// ---- the generated code's side ----

/// What a resource method may return: text, bytes, contents, or any
/// `Serialize` type (sent as JSON). The macro checks a resource's return type
/// against it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a resource",
    label = "a resource returns its contents",
    note = "return text (`String`, `&'static str`), bytes (`gumstack::resources::Blob`), `ResourceContents`, `Vec<ResourceContents>`, or a `Serialize` type (sent as JSON); any of these may be wrapped in `Result<_, E>` with `E: Display`"
)]
pub trait ResourceValue {
    #[doc(hidden)]
    const __CHECK: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: Serialize + 'static> ResourceValue for T {}

/// A resource method's return value waiting to be converted. As for tools, the
/// conversion is chosen by autoref specialization: the impls on
/// `ResourceOutput<T>` for the specific types win over the JSON one on
/// `&ResourceOutput<T>`.
#[doc(hidden)]
pub struct ResourceOutput<T>(Cell<Option<T>>);

impl<T> ResourceOutput<T> {
    pub fn new(value: T) -> Self {
        Self(Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        self.0
            .take()
            .expect("gumstack: a resource output is converted once")
    }
}

type ContentsResult = Result<Vec<Contents>, ErrorData>;

fn text(uri: &str, mime: Option<&'static str>, text: String) -> ContentsResult {
    Ok(vec![Contents::TextResourceContents {
        uri: uri.to_owned(),
        mime_type: Some(mime.unwrap_or("text/plain").to_owned()),
        text,
        meta: None,
    }])
}

#[doc(hidden)]
pub trait IntoResourceContents {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult;
}

impl IntoResourceContents for ResourceOutput<String> {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult {
        text(uri, mime, self.take())
    }
}

impl IntoResourceContents for ResourceOutput<&'static str> {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult {
        text(uri, mime, self.take().to_owned())
    }
}

impl IntoResourceContents for ResourceOutput<Blob> {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult {
        Ok(vec![Contents::BlobResourceContents {
            uri: uri.to_owned(),
            mime_type: Some(mime.unwrap_or("application/octet-stream").to_owned()),
            blob: self.take().base64(),
            meta: None,
        }])
    }
}

impl IntoResourceContents for ResourceOutput<Contents> {
    fn contents(&self, _: &str, _: Option<&'static str>) -> ContentsResult {
        Ok(vec![self.take()])
    }
}

impl IntoResourceContents for ResourceOutput<Vec<Contents>> {
    fn contents(&self, _: &str, _: Option<&'static str>) -> ContentsResult {
        Ok(self.take())
    }
}

#[doc(hidden)]
pub trait IntoJsonResource {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult;
}

impl<T: Serialize + 'static> IntoJsonResource for &ResourceOutput<T> {
    fn contents(&self, uri: &str, mime: Option<&'static str>) -> ContentsResult {
        let json = serde_json::to_string(&self.take()).map_err(|e| {
            ErrorData::internal_error(format!("the resource could not be serialized: {e}"), None)
        })?;
        text(uri, Some(mime.unwrap_or("application/json")), json)
    }
}

/// `(&ResourceOutput::new(v)).contents(..)` when `v` is no resource value
/// (`assert_resource_output` says so). `&mut self` puts it after the others.
#[doc(hidden)]
pub trait UncheckedResourceOutput {
    fn contents(&mut self, _: &str, _: Option<&'static str>) -> ContentsResult {
        unreachable!()
    }
}
impl<T> UncheckedResourceOutput for &ResourceOutput<T> {}

/// The `Err` of a resource method returning `Result`.
#[doc(hidden)]
pub fn resource_error(error: impl Display) -> ErrorData {
    ErrorData::internal_error(format!("{error:#}"), None)
}

/// No resource has this URI.
#[doc(hidden)]
pub fn not_found(uri: &str) -> ErrorData {
    ErrorData::resource_not_found(
        format!("no resource `{uri}`"),
        Some(serde_json::json!({ "uri": uri })),
    )
}

// ---- URI templates ----

/// A piece of a URI template, split at compile time.
#[doc(hidden)]
#[derive(Debug)]
pub enum UriPart {
    Literal(&'static str),
    Placeholder(&'static str),
}

/// A URI template of `{name}` placeholders (RFC 6570 level 1), checked by the
/// macro: placeholders are separated by literal text and named once.
#[doc(hidden)]
#[derive(Debug)]
pub struct UriTemplate(pub &'static [UriPart]);

/// The placeholder values of a URI that matched a template, percent-decoded.
#[doc(hidden)]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UriVars(Vec<(&'static str, String)>);

impl UriVars {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .expect("gumstack: the macro binds only the template's placeholders")
    }
}

impl UriTemplate {
    /// The values of the placeholders if `uri` matches. A value is never empty
    /// and never contains `/` (level-1 expansion percent-encodes it), so
    /// `test://t/{id}/data` does not match `test://t/a/b/data`.
    pub fn matches(&self, uri: &str) -> Option<UriVars> {
        let mut rest = uri;
        let mut vars = Vec::new();
        for (i, part) in self.0.iter().enumerate() {
            match part {
                UriPart::Literal(literal) => rest = rest.strip_prefix(literal)?,
                UriPart::Placeholder(name) => {
                    let end = match self.0.get(i + 1) {
                        Some(UriPart::Literal(next)) => rest.find(next)?,
                        _ => rest.len(),
                    };
                    let raw = &rest[..end];
                    if raw.is_empty() || raw.contains('/') {
                        return None;
                    }
                    vars.push((*name, percent_decode(raw)?));
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(UriVars(vars))
    }
}

/// `%XX` escapes to bytes; `None` when malformed or not UTF-8.
fn percent_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: UriTemplate = UriTemplate(&[
        UriPart::Literal("test://template/"),
        UriPart::Placeholder("id"),
        UriPart::Literal("/data"),
    ]);

    #[test]
    fn templates_match_and_decode() {
        assert_eq!(
            TEMPLATE
                .matches("test://template/123/data")
                .unwrap()
                .get("id"),
            "123"
        );
        assert_eq!(
            TEMPLATE
                .matches("test://template/a%20b/data")
                .unwrap()
                .get("id"),
            "a b"
        );
        for miss in [
            "test://template//data",
            "test://template/a/b/data",
            "test://template/123/data/more",
            "test://other/123/data",
            "test://template/%zz/data",
        ] {
            assert_eq!(TEMPLATE.matches(miss), None, "{miss}");
        }
    }

    #[test]
    fn a_trailing_placeholder_takes_the_rest() {
        let t = UriTemplate(&[UriPart::Literal("notes://"), UriPart::Placeholder("name")]);
        assert_eq!(t.matches("notes://todo").unwrap().get("name"), "todo");
        assert_eq!(t.matches("notes://"), None);
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the borrows select the impl, as in generated code
    fn return_types_pick_their_contents() {
        let text = (&ResourceOutput::new(String::from("hi")))
            .contents("a://b", None)
            .unwrap();
        assert_eq!(
            serde_json::to_value(&text).unwrap(),
            serde_json::json!([{"uri": "a://b", "mimeType": "text/plain", "text": "hi"}])
        );
        let blob = (&ResourceOutput::new(Blob::new(b"\x89PNG".to_vec())))
            .contents("a://b", Some("image/png"))
            .unwrap();
        assert_eq!(
            serde_json::to_value(&blob).unwrap(),
            serde_json::json!([{"uri": "a://b", "mimeType": "image/png", "blob": "iVBORw=="}])
        );
        let json = (&ResourceOutput::new(vec![1, 2]))
            .contents("a://b", None)
            .unwrap();
        assert_eq!(
            serde_json::to_value(&json).unwrap(),
            serde_json::json!([{"uri": "a://b", "mimeType": "application/json", "text": "[1,2]"}])
        );
    }
}
