//! Argument parsing, one parameter at a time, so every error names its parameter;
//! all problems of one call are reported together.

use rmcp::model::{CallToolResult, ContentBlock, JsonObject};
use serde_json::Value;

/// The arguments of one call, taken out parameter by parameter.
#[doc(hidden)]
pub struct Args {
    tool: &'static str,
    rest: JsonObject,
    problems: Vec<String>,
}

impl Args {
    pub fn new(tool: &'static str, arguments: JsonObject) -> Self {
        Self {
            tool,
            rest: arguments,
            problems: Vec::new(),
        }
    }

    /// Take a required parameter.
    pub fn required<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Option<T> {
        match self.rest.remove(name) {
            None => {
                self.problems
                    .push(format!("missing required argument `{name}`"));
                None
            }
            Some(value) => self.parse(name, value),
        }
    }

    /// Take an `Option<T>` parameter: absent and `null` are both `None`.
    pub fn optional<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Option<Option<T>> {
        match self.rest.remove(name) {
            None | Some(Value::Null) => Some(None),
            Some(value) => self.parse(name, value).map(Some),
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(&mut self, name: &str, value: Value) -> Option<T> {
        match serde_json::from_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.problems
                    .push(format!("argument `{name}`: {}", strip_position(&e)));
                None
            }
        }
    }

    /// After every parameter was taken: the error result, if anything was wrong
    /// or left over (unknown arguments).
    pub fn finish(self, known: &[&str]) -> Result<(), CallToolResult> {
        let mut problems = self.problems;
        if !self.rest.is_empty() {
            let unknown: Vec<String> = self.rest.keys().map(|k| format!("`{k}`")).collect();
            let expected = if known.is_empty() {
                "this tool takes no arguments".to_owned()
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
        Err(CallToolResult::error(vec![ContentBlock::text(format!(
            "invalid arguments for tool `{}`: {}",
            self.tool,
            problems.join("; ")
        ))]))
    }
}

/// serde_json reports "at line 1 column 0" for values, which means nothing here.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Args {
        Args::new("forecast", v.as_object().unwrap().clone())
    }

    fn text(r: CallToolResult) -> String {
        assert_eq!(r.is_error, Some(true));
        r.content[0].as_text().unwrap().text.clone()
    }

    #[test]
    fn every_problem_is_named() {
        let mut a = args(json!({"days": "three", "citty": "Paris"}));
        assert!(a.required::<String>("city").is_none());
        assert!(a.optional::<u32>("days").is_none());
        assert_eq!(
            text(a.finish(&["city", "days"]).unwrap_err()),
            "invalid arguments for tool `forecast`: missing required argument `city`; \
             argument `days`: invalid type: string \"three\", expected u32; \
             unknown argument `citty`; expected `city`, `days`"
        );
    }

    #[test]
    fn null_and_absent_options_are_none() {
        let mut a = args(json!({"days": null}));
        assert_eq!(a.optional::<u32>("days"), Some(None));
        assert_eq!(a.optional::<u32>("other"), Some(None));
        assert!(a.finish(&["days", "other"]).is_ok());
    }

    #[test]
    fn no_arguments_expected() {
        let a = args(json!({"x": 1}));
        assert!(text(a.finish(&[]).unwrap_err()).ends_with("this tool takes no arguments"));
    }
}
