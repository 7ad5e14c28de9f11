//! Prompts: what a `#[prompt]` method may return, and its arguments.
//!
//! A prompt method returns its messages: a `String` or `&'static str` (one
//! message from the user), a [`PromptMessage`], a `Vec<PromptMessage>`, or a
//! `Result` of one of these whose error implements `Display`.
//!
//! Its parameters are the prompt's arguments. MCP sends prompt arguments as
//! text, so each type implements `FromStr` (`String`, numbers, `bool`, your own
//! types); `Option<T>` parameters are optional arguments.
//!
//! ```
//! use gumstack::prompts::{PromptMessage, Role};
//! use gumstack::Content;
//!
//! let messages = vec![
//!     PromptMessage::new(Role::User, Content::image("iVBORw0KGgo=", "image/png")),
//!     PromptMessage::new_text(Role::User, "Please analyze the image above."),
//! ];
//! ```

use std::{cell::Cell, fmt::Display};

use rmcp::{
    ErrorData,
    model::{GetPromptResult, JsonObject},
};
use serde_json::Value;

/// One message of a prompt, from the user or the assistant.
pub use rmcp::model::{PromptMessage, Role};

/// The type of a prompt argument or a URI template parameter: they arrive as
/// text and are parsed with `FromStr` (its error says what is wrong). Implemented
/// for every `FromStr` type whose error implements `Display`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be parsed from text",
    label = "prompt arguments and URI template parameters arrive as text: this type must implement `FromStr`",
    note = "use `String`, a number, `bool`, or a type that implements `std::str::FromStr` with an error that implements `Display`"
)]
pub trait TextArg: Sized {
    /// Parse the text; the error says what is wrong with it.
    fn parse_text(text: &str) -> std::result::Result<Self, String>;

    #[doc(hidden)]
    const __CHECK: () = ();
}

#[diagnostic::do_not_recommend]
impl<T: std::str::FromStr> TextArg for T
where
    T::Err: Display,
{
    fn parse_text(text: &str) -> std::result::Result<Self, String> {
        text.parse().map_err(|e: T::Err| e.to_string())
    }
}

/// What a prompt method may return.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a prompt",
    label = "a prompt returns its messages",
    note = "return a `String` or `&'static str` (one user message), a `PromptMessage`, or a `Vec<PromptMessage>`; any of these may be wrapped in `Result<_, E>` with `E: Display`"
)]
pub trait PromptValue {
    #[doc(hidden)]
    fn into_messages(self) -> Vec<PromptMessage>;

    #[doc(hidden)]
    const __CHECK: () = ();
}

impl PromptValue for String {
    fn into_messages(self) -> Vec<PromptMessage> {
        vec![PromptMessage::new_text(Role::User, self)]
    }
}

impl PromptValue for &'static str {
    fn into_messages(self) -> Vec<PromptMessage> {
        vec![PromptMessage::new_text(Role::User, self)]
    }
}

impl PromptValue for PromptMessage {
    fn into_messages(self) -> Vec<PromptMessage> {
        vec![self]
    }
}

impl PromptValue for Vec<PromptMessage> {
    fn into_messages(self) -> Vec<PromptMessage> {
        self
    }
}

/// A prompt method's return value waiting to be converted; `UncheckedPrompt`
/// answers for a type that is no `PromptValue` (reported by the assert alone).
#[doc(hidden)]
pub struct PromptOutput<T>(Cell<Option<T>>);

impl<T> PromptOutput<T> {
    pub fn new(value: T) -> Self {
        Self(Cell::new(Some(value)))
    }
}

#[doc(hidden)]
pub trait IntoPrompt {
    fn prompt_result(&self, description: &'static str) -> GetPromptResult;
}

impl<T: PromptValue> IntoPrompt for PromptOutput<T> {
    fn prompt_result(&self, description: &'static str) -> GetPromptResult {
        let value = self
            .0
            .take()
            .expect("gumstack: a prompt output is converted once");
        GetPromptResult::new(value.into_messages()).with_description(description)
    }
}

#[doc(hidden)]
pub trait UncheckedPrompt {
    fn prompt_result(&self, _: &'static str) -> GetPromptResult {
        unreachable!()
    }
}
impl<T> UncheckedPrompt for &PromptOutput<T> {}

/// The `Err` of a prompt method returning `Result`.
#[doc(hidden)]
pub fn prompt_error(error: impl Display) -> ErrorData {
    ErrorData::internal_error(format!("{error:#}"), None)
}

/// The arguments of one `prompts/get`, taken out parameter by parameter; all
/// problems are reported together, each naming its argument.
#[doc(hidden)]
pub struct PromptArgs {
    prompt: &'static str,
    rest: JsonObject,
    problems: Vec<String>,
}

impl PromptArgs {
    pub fn new(prompt: &'static str, arguments: Option<JsonObject>) -> Self {
        Self {
            prompt,
            rest: arguments.unwrap_or_default(),
            problems: Vec::new(),
        }
    }

    pub fn required<T: TextArg>(&mut self, name: &str) -> Option<T> {
        match self.text(name) {
            None => {
                self.problems
                    .push(format!("missing required argument `{name}`"));
                None
            }
            Some(text) => self.parse(name, &text),
        }
    }

    pub fn optional<T: TextArg>(&mut self, name: &str) -> Option<Option<T>> {
        match self.text(name) {
            None => Some(None),
            Some(text) => self.parse(name, &text).map(Some),
        }
    }

    /// Arguments are strings on the wire; a client that sends a number or a
    /// boolean gets it read as its JSON text. `null` is absent.
    fn text(&mut self, name: &str) -> Option<String> {
        match self.rest.remove(name)? {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    }

    fn parse<T: TextArg>(&mut self, name: &str, text: &str) -> Option<T> {
        match T::parse_text(text) {
            Ok(v) => Some(v),
            Err(why) => {
                self.problems.push(format!("argument `{name}`: {why}"));
                None
            }
        }
    }

    pub fn finish(self, known: &[&str]) -> Result<(), ErrorData> {
        let mut problems = self.problems;
        if !self.rest.is_empty() {
            let unknown: Vec<String> = self.rest.keys().map(|k| format!("`{k}`")).collect();
            let expected = if known.is_empty() {
                "this prompt takes no arguments".to_owned()
            } else {
                let names: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                format!("expected {}", names.join(", "))
            };
            problems.push(format!(
                "unknown argument {}; {expected}",
                unknown.join(", ")
            ));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(ErrorData::invalid_params(
            format!(
                "invalid arguments for prompt `{}`: {}",
                self.prompt,
                problems.join("; ")
            ),
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_are_parsed_and_every_problem_named() {
        let args = json!({"n": "x", "flag": true, "extra": "1"});
        let mut a = PromptArgs::new("p", args.as_object().cloned());
        assert_eq!(a.required::<u32>("n"), None);
        assert_eq!(a.optional::<bool>("flag"), Some(Some(true)));
        assert_eq!(a.required::<String>("name"), None);
        let error = a.finish(&["n", "flag", "name"]).unwrap_err();
        assert_eq!(
            error.message,
            "invalid arguments for prompt `p`: argument `n`: invalid digit found in string; \
             missing required argument `name`; unknown argument `extra`; expected `n`, `flag`, `name`"
        );
    }
}
