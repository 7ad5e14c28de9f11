//! Turning a tool's return value into a `CallToolResult`.
//!
//! A tool may return text, content blocks, a ready `CallToolResult`, or any
//! `Serialize + JsonSchema` value (structured content plus a text copy). Text-like
//! types are also `Serialize`, so the choice is made with autoref specialization on
//! the concrete type the macro sees: `(&Output::new(v)).tool_result()` picks an
//! impl on `Output<T>` for the specific types before the blanket impl on
//! `&Output<T>` for structured values. `OutputSchema` does the same for the schema.

use std::{cell::Cell, fmt::Display, marker::PhantomData, sync::Arc};

use rmcp::{
    handler::server::common::schema_for_output,
    model::{CallToolResult, ContentBlock, JsonObject},
};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

#[doc(hidden)]
/// A return value waiting to be converted (taken out once through `&self`).
pub struct Output<T>(Cell<Option<T>>);

impl<T> Output<T> {
    pub fn new(value: T) -> Self {
        Self(Cell::new(Some(value)))
    }
    fn take(&self) -> T {
        self.0
            .take()
            .expect("gumstack: a tool output is converted once")
    }
}

#[doc(hidden)]
/// Conversion of the specific (non-structured) return types.
pub trait IntoContent {
    fn tool_result(&self) -> CallToolResult;
}

impl IntoContent for Output<String> {
    fn tool_result(&self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::text(self.take())])
    }
}
impl IntoContent for Output<&'static str> {
    fn tool_result(&self) -> CallToolResult {
        CallToolResult::success(vec![ContentBlock::text(self.take())])
    }
}
impl IntoContent for Output<()> {
    fn tool_result(&self) -> CallToolResult {
        CallToolResult::success(Vec::new())
    }
}
impl IntoContent for Output<ContentBlock> {
    fn tool_result(&self) -> CallToolResult {
        CallToolResult::success(vec![self.take()])
    }
}
impl IntoContent for Output<Vec<ContentBlock>> {
    fn tool_result(&self) -> CallToolResult {
        CallToolResult::success(self.take())
    }
}
impl IntoContent for Output<CallToolResult> {
    fn tool_result(&self) -> CallToolResult {
        self.take()
    }
}

#[doc(hidden)]
/// Conversion of any other `Serialize + JsonSchema` value: structured content.
pub trait IntoStructured {
    fn tool_result(&self) -> CallToolResult;
}

impl<T: Serialize + JsonSchema + 'static> IntoStructured for &Output<T> {
    fn tool_result(&self) -> CallToolResult {
        let value = match serde_json::to_value(self.take()) {
            Ok(value) => value,
            Err(e) => return error_text(format!("the tool's result could not be serialized: {e}")),
        };
        let value = if structured_shape::<T>().1 {
            serde_json::json!({ WRAP_KEY: value })
        } else {
            value
        };
        CallToolResult::structured(value)
    }
}

/// Output schemas must describe an object for older clients; other values are
/// wrapped as `{"result": value}`, as the Python SDK does.
const WRAP_KEY: &str = "result";

fn structured_shape<T: JsonSchema + 'static>() -> (Arc<JsonObject>, bool) {
    let schema = schema_for_output::<T>();
    if schema.get("type").and_then(Value::as_str) == Some("object") {
        return (schema, false);
    }
    let mut wrapped = JsonObject::new();
    wrapped.insert("type".into(), "object".into());
    let mut inner = schema.as_ref().clone();
    // `$defs` stay at the root so `$ref`s keep resolving.
    let defs = inner.remove("$defs");
    inner.remove("$schema");
    wrapped.insert(
        "properties".into(),
        serde_json::json!({ WRAP_KEY: Value::Object(inner) }),
    );
    wrapped.insert("required".into(), serde_json::json!([WRAP_KEY]));
    if let Some(defs) = defs {
        wrapped.insert("$defs".into(), defs);
    }
    (Arc::new(wrapped), true)
}

#[doc(hidden)]
/// The output schema of a return type, `None` for text-like types.
pub struct OutputSchema<T>(PhantomData<fn() -> T>);

impl<T> OutputSchema<T> {
    pub fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T> Default for OutputSchema<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[doc(hidden)]
pub trait NoSchema {
    fn output_schema(&self) -> Option<Arc<JsonObject>>;
}
macro_rules! no_schema {
    ($($t:ty),*) => {$(
        impl NoSchema for OutputSchema<$t> {
            fn output_schema(&self) -> Option<Arc<JsonObject>> { None }
        }
    )*};
}
no_schema!(
    String,
    &'static str,
    (),
    ContentBlock,
    Vec<ContentBlock>,
    CallToolResult
);

#[doc(hidden)]
pub trait StructuredSchema {
    fn output_schema(&self) -> Option<Arc<JsonObject>>;
}
impl<T: Serialize + JsonSchema + 'static> StructuredSchema for &OutputSchema<T> {
    fn output_schema(&self) -> Option<Arc<JsonObject>> {
        Some(structured_shape::<T>().0)
    }
}

#[doc(hidden)]
/// The `Err` of a tool returning `Result`: an `isError` result the model can read.
pub fn tool_error(error: impl Display) -> CallToolResult {
    error_text(format!("{error:#}"))
}

fn error_text(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

// The borrows mirror the generated code, where they select the impl.
#[cfg(test)]
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;

    #[derive(Serialize, JsonSchema)]
    struct Forecast {
        city: String,
        high: i32,
    }

    #[test]
    fn text_stays_text_and_structs_are_structured() {
        let r = (&Output::new(String::from("hi"))).tool_result();
        assert_eq!(r.structured_content, None);
        assert!((&OutputSchema::<String>::new()).output_schema().is_none());

        let r = (&Output::new(Forecast {
            city: "Paris".into(),
            high: 21,
        }))
            .tool_result();
        assert_eq!(
            r.structured_content,
            Some(serde_json::json!({"city": "Paris", "high": 21}))
        );
        let text = r.content[0].as_text().unwrap().text.clone();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap(),
            serde_json::json!({"city": "Paris", "high": 21})
        );
        let schema = (&OutputSchema::<Forecast>::new()).output_schema().unwrap();
        assert_eq!(schema["type"], "object");
    }

    #[test]
    fn non_objects_are_wrapped_in_result() {
        let r = (&Output::new(vec![1, 2])).tool_result();
        assert_eq!(
            r.structured_content,
            Some(serde_json::json!({"result": [1, 2]}))
        );
        let schema = (&OutputSchema::<Vec<i32>>::new()).output_schema().unwrap();
        assert_eq!(schema["properties"]["result"]["type"], "array");
        assert_eq!(schema["required"], serde_json::json!(["result"]));
    }
}
