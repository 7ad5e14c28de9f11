//! What a tool's parameters and results may be. The macros check each
//! parameter's and each result's type against the traits here, on the type the
//! user wrote.

pub(crate) mod args;
pub(crate) mod output;

/// A content block of a tool result (text, image, audio, embedded resource).
pub use rmcp::model::ContentBlock as Content;

/// The type of a tool parameter: anything `serde` can deserialize and
/// `schemars` can describe (its JSON Schema is the parameter's schema in the
/// tool's input schema). Implemented for every such type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a tool parameter",
    label = "this parameter's type must implement `serde::Deserialize` and `schemars::JsonSchema`",
    note = "`{Self}` and the types it contains need `#[derive(serde::Deserialize, schemars::JsonSchema)]`"
)]
pub trait ToolArg {
    #[doc(hidden)]
    const __CHECK: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: serde::de::DeserializeOwned + schemars::JsonSchema> ToolArg for T {}

/// What a tool may return: anything `serde` can serialize and `schemars` can
/// describe. Text (`String`, `&'static str`), `()`, [`Content`], `Vec<Content>`
/// and `CallToolResult` are sent as they are; any other type is structured
/// content with its JSON Schema as the tool's output schema (non-objects
/// wrapped as `{"result": ...}`) and a text copy. Any of these may be wrapped
/// in `Result<_, E>` with `E: Display` (the error becomes an `isError` result).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a tool",
    label = "a tool's return type must implement `serde::Serialize` and `schemars::JsonSchema`",
    note = "return text (`String`, `&'static str`), `()`, content (`Content`, `Vec<Content>`), or a type with `#[derive(serde::Serialize, schemars::JsonSchema)]`; any of these may be wrapped in `Result<_, E>` with `E: Display`"
)]
pub trait ToolOutput {
    #[doc(hidden)]
    const __CHECK: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: serde::Serialize + schemars::JsonSchema + 'static> ToolOutput for T {}
