//! Argument completion (`completion/complete`): a completer method suggests
//! values for a prompt argument or URI template parameter that names it with
//! `#[arg(complete = method)]`.

use std::{cell::Cell, fmt::Display};

use rmcp::{
    ErrorData,
    model::{CompleteResult, CompletionInfo},
};

/// What a completer may return: the suggested values, best first.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a completer",
    label = "a completer returns the suggested values",
    note = "return `Vec<String>` or `Vec<&str>`, or a `Result` of one whose error implements `Display`"
)]
pub trait CompletionValues {
    #[doc(hidden)]
    fn into_values(self) -> Vec<String>;

    #[doc(hidden)]
    const __CHECK: () = ();
}

impl<S: Into<String>> CompletionValues for Vec<S> {
    fn into_values(self) -> Vec<String> {
        self.into_iter().map(Into::into).collect()
    }
}

/// A completer's return value waiting to be converted (see `PromptOutput`).
#[doc(hidden)]
pub struct CompletionOutput<T>(Cell<Option<T>>);

impl<T> CompletionOutput<T> {
    pub fn new(value: T) -> Self {
        Self(Cell::new(Some(value)))
    }
}

#[doc(hidden)]
pub trait IntoCompletion {
    fn completion(&self) -> CompleteResult;
}

impl<T: CompletionValues> IntoCompletion for CompletionOutput<T> {
    fn completion(&self) -> CompleteResult {
        let values = self
            .0
            .take()
            .expect("gumstack: a completion is converted once")
            .into_values();
        complete_result(values)
    }
}

#[doc(hidden)]
pub trait UncheckedCompletion {
    fn completion(&self) -> CompleteResult {
        unreachable!()
    }
}
impl<T> UncheckedCompletion for &CompletionOutput<T> {}

/// MCP caps one answer at 100 values; the rest are counted in `total`.
fn complete_result(mut values: Vec<String>) -> CompleteResult {
    let total = values.len();
    values.truncate(CompletionInfo::MAX_VALUES);
    let has_more = total > values.len();
    let mut info = CompletionInfo::default();
    info.values = values;
    info.total = Some(u32::try_from(total).unwrap_or(u32::MAX));
    info.has_more = Some(has_more);
    CompleteResult::new(info)
}

/// Nothing to suggest: an argument without a completer.
#[doc(hidden)]
pub fn no_completion() -> CompleteResult {
    complete_result(Vec::new())
}

/// The `Err` of a completer returning `Result`.
#[doc(hidden)]
pub fn completion_error(error: impl Display) -> ErrorData {
    ErrorData::internal_error(format!("{error:#}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_capped_at_one_hundred() {
        let result = complete_result((0..150).map(|i| i.to_string()).collect());
        assert_eq!(result.completion.values.len(), 100);
        assert_eq!(result.completion.total, Some(150));
        assert_eq!(result.completion.has_more, Some(true));
        assert_eq!(no_completion().completion.values.len(), 0);
    }
}
