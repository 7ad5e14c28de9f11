//! A call's arguments as the audit log keeps them: JSON, with `Secret`
//! arguments replaced by [`REDACTED`], cut at [`MAX_ARGUMENTS`] bytes (the
//! encoding stops there: a huge argument costs no more than the cap).

use std::{borrow::Cow, io, sync::OnceLock};

use rmcp::model::Tool;
use serde::{Serialize, ser::SerializeMap};
use serde_json::{Map, Value};

/// What a secret argument is recorded as.
pub const REDACTED: &str = "[redacted]";
/// The most bytes of arguments recorded for one call.
pub const MAX_ARGUMENTS: usize = 4096;
/// What ends arguments cut at [`MAX_ARGUMENTS`].
pub const TRUNCATED: &str = "…[truncated]";
/// The most bytes of a name (or resource URI) recorded.
const MAX_NAME: usize = 256;

/// A tool's arguments with the ones named in `secrets` redacted.
pub(super) struct Redacted<'a> {
    pub arguments: &'a Map<String, Value>,
    pub secrets: &'a [Box<str>],
}

impl Serialize for Redacted<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.arguments.len()))?;
        for (key, value) in self.arguments {
            if self.secrets.iter().any(|s| **s == **key) {
                map.serialize_entry(key, REDACTED)?;
            } else {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// `arguments` as JSON, cut at [`MAX_ARGUMENTS`] bytes.
pub(super) fn arguments(arguments: &impl Serialize) -> String {
    let mut out = Capped(Vec::with_capacity(128));
    let complete = serde_json::to_writer(&mut out, arguments).is_ok();
    let mut bytes = out.0;
    if !complete {
        // The cap, or a value that does not encode: either way what was
        // written is kept, marked.
        bytes.truncate(MAX_ARGUMENTS - TRUNCATED.len());
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        // Cut inside a character: drop its first bytes.
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            bytes.truncate(valid);
            String::from_utf8(bytes).unwrap_or_default()
        }
    };
    if !complete {
        text.push_str(TRUNCATED);
    }
    text
}

/// A name or URI cut at [`MAX_NAME`] bytes (a client chooses it).
pub(super) fn name(name: &str) -> String {
    if name.len() <= MAX_NAME {
        return name.to_owned();
    }
    let mut end = MAX_NAME;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{TRUNCATED}", &name[..end])
}

/// A buffer that refuses to grow past [`MAX_ARGUMENTS`].
struct Capped(Vec<u8>);

impl io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = MAX_ARGUMENTS - self.0.len();
        if data.len() > room {
            self.0.extend_from_slice(&data[..room]);
            return Err(io::Error::other("the audit's argument cap"));
        }
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The secret arguments of each tool of a server's table, worked out once.
struct Secrets {
    /// The table they are of (its address: one server's table is static).
    table: usize,
    per_tool: Box<[Box<[Box<str>]>]>,
}

static SECRETS: OnceLock<Secrets> = OnceLock::new();

/// The arguments of tool `name` of `tools` to redact: those whose schema is,
/// or holds, a `Secret` (`writeOnly`), e.g. `Secret`, `Option<Secret>`, or a
/// struct with a `Secret` field (the whole argument is redacted). Worked out
/// once per table; a table other than the first (a second server in one
/// process) is worked out per call.
pub(crate) fn tool_secrets(tools: &'static [Tool], name: &str) -> Cow<'static, [Box<str>]> {
    let Some(index) = tools.iter().position(|t| t.name == name) else {
        return Cow::Borrowed(&[]);
    };
    let table = tools.as_ptr() as usize;
    let cached = SECRETS.get_or_init(|| Secrets {
        table,
        per_tool: tools.iter().map(secret_params).collect(),
    });
    if cached.table == table {
        Cow::Borrowed(&cached.per_tool[index])
    } else {
        Cow::Owned(secret_params(&tools[index]).into_vec())
    }
}

/// The names of `tool`'s secret arguments.
fn secret_params(tool: &Tool) -> Box<[Box<str>]> {
    let schema = &*tool.input_schema;
    let defs = schema.get("$defs").and_then(Value::as_object);
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Box::new([]);
    };
    properties
        .iter()
        .filter(|(_, property)| holds_secret(property, defs, 0))
        .map(|(name, _)| name.as_str().into())
        .collect()
}

/// Whether `schema` is, or holds, a `writeOnly` schema (following `$ref`s into
/// `defs`, to a bounded depth: a recursive type ends).
fn holds_secret(schema: &Value, defs: Option<&Map<String, Value>>, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    match schema {
        Value::Object(map) => {
            if map.get("writeOnly") == Some(&Value::Bool(true)) {
                return true;
            }
            if let Some(target) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .and_then(|name| defs?.get(name))
                && holds_secret(target, defs, depth + 1)
            {
                return true;
            }
            map.iter()
                .filter(|(key, _)| *key != "$ref" && *key != "$defs")
                .any(|(_, value)| holds_secret(value, defs, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| holds_secret(v, defs, depth + 1)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().expect("an object").clone()
    }

    #[test]
    fn secret_arguments_are_redacted_and_the_rest_kept() {
        let secrets: Vec<Box<str>> = vec!["api_key".into(), "token".into()];
        // (arguments, recorded, rule)
        let cases = [
            (
                json!({"api_key": "sk-live-123", "prompt": "hi"}),
                r#"{"api_key":"[redacted]","prompt":"hi"}"#,
                "a secret argument is replaced",
            ),
            (
                json!({"token": null}),
                r#"{"token":"[redacted]"}"#,
                "even an absent (null) secret: its presence is all that shows",
            ),
            (
                json!({"token": {"nested": "sk"}}),
                r#"{"token":"[redacted]"}"#,
                "a secret argument of any shape",
            ),
            (
                json!({"api_keys": "kept", "n": 3}),
                r#"{"api_keys":"kept","n":3}"#,
                "names are matched exactly",
            ),
            (json!({}), "{}", "no arguments"),
        ];
        for (arguments, recorded, rule) in cases {
            let arguments = object(arguments);
            let text = super::arguments(&Redacted {
                arguments: &arguments,
                secrets: &secrets,
            });
            assert_eq!(text, recorded, "{rule}");
        }
    }

    #[test]
    fn arguments_are_cut_at_the_cap_on_a_character_boundary() {
        // (arguments, complete, rule)
        let cases = [
            (json!({"s": "a".repeat(100)}), true, "small: whole"),
            (
                json!({"s": "a".repeat(MAX_ARGUMENTS - 8)}),
                true,
                "exactly the cap: whole",
            ),
            (
                json!({"s": "a".repeat(MAX_ARGUMENTS)}),
                false,
                "over the cap: cut",
            ),
            (
                json!({"s": "é".repeat(MAX_ARGUMENTS)}),
                false,
                "cut between the bytes of a character",
            ),
            (
                json!({"s": "x".repeat(10 * 1024 * 1024)}),
                false,
                "huge: no more than the cap",
            ),
        ];
        for (arguments, complete, rule) in cases {
            let text = super::arguments(&arguments);
            assert!(text.len() <= MAX_ARGUMENTS, "{rule}: {}", text.len());
            assert_eq!(!text.ends_with(TRUNCATED), complete, "{rule}");
            assert_eq!(
                serde_json::from_str::<Value>(&text).is_ok(),
                complete,
                "{rule}: a whole record is JSON, a cut one is not"
            );
        }
    }

    #[test]
    fn long_names_are_cut() {
        assert_eq!(name("forecast"), "forecast");
        let long = "ü".repeat(200);
        let cut = name(&long);
        assert!(cut.ends_with(TRUNCATED) && cut.len() <= MAX_NAME + TRUNCATED.len());
    }

    fn tool(schema: Value) -> Tool {
        Tool::new("t", "", Arc::new(object(schema)))
    }

    #[test]
    fn secret_parameters_are_found_in_the_schema() {
        let secret = json!({"type": "string", "writeOnly": true});
        // (input schema, secret parameters, rule)
        let cases = [
            (
                json!({"properties": {"key": secret, "city": {"type": "string"}}}),
                vec!["key"],
                "a Secret parameter",
            ),
            (
                json!({"properties": {"key": {"type": ["string", "null"], "writeOnly": true}}}),
                vec!["key"],
                "an Option<Secret>",
            ),
            (
                json!({"properties": {"keys": {"type": "array", "items": secret}}}),
                vec!["keys"],
                "a Vec<Secret>",
            ),
            (
                json!({
                    "properties": {"login": {"$ref": "#/$defs/Login"}, "n": {"type": "integer"}},
                    "$defs": {"Login": {"type": "object", "properties": {"password": secret}}}
                }),
                vec!["login"],
                "a struct with a Secret field, by reference",
            ),
            (
                json!({
                    "properties": {"node": {"$ref": "#/$defs/Node"}},
                    "$defs": {"Node": {"properties": {"next": {"$ref": "#/$defs/Node"}}}}
                }),
                vec![],
                "a recursive type without secrets ends",
            ),
            (json!({"type": "object"}), vec![], "no properties"),
        ];
        for (schema, expected, rule) in cases {
            let found: Vec<String> = secret_params(&tool(schema))
                .iter()
                .map(|s| s.to_string())
                .collect();
            assert_eq!(found, expected, "{rule}");
        }
    }

    #[test]
    fn the_schema_of_a_secret_parameter_marks_it() {
        let schema = crate::__private::InputSchema::new()
            .param::<crate::Secret>("key", None, true)
            .param::<Option<crate::Secret>>("other", None, false)
            .param::<String>("city", None, true)
            .finish();
        let found: Vec<String> = secret_params(&Tool::new("t", "", schema))
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(found, ["key", "other"]);
    }
}
