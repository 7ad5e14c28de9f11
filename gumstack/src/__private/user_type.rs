//! One error per mistake: the autoref machinery of the generated code.
//!
//! The generated code names a user's type in several places (a tool parameter
//! in the schema and in the argument parser, a credentials type in `type Auth`
//! and in `creds()`). Each bounded use would repeat the same trait error, at
//! spans the user did not write. So one place reports it (a `__CHECK` constant
//! of the public trait, spanned at the user's type, or the server's `type
//! Auth`), and every other use goes through [`UserType<T>`]: its methods exist
//! when the bound holds (the `*Type` traits, implemented for `UserType<T>`)
//! and otherwise fall back, by autoref specialization, to [`Unchecked`]'s
//! stubs on `&UserType<T>`. The stubs are never run: the program does not
//! compile.
//!
//! The same pattern, on `Output<T>` and friends (`tools::output`,
//! `prompts`, `resources`, `completion`), picks how a handler's return value
//! is converted.

use std::sync::{Arc, OnceLock};

use rmcp::ErrorData;

use super::{
    credentials::{
        cred_creds, env_creds_outside_host, load_env_creds, optional_field, required_field,
    },
    handler::InputSchema,
};
use crate::{
    CredentialField, Credentials, CredentialsError, Result,
    context::Context,
    credentials::CredentialValue,
    prompts::{PromptArgs, TextArg},
    resources::UriVars,
    tools::{
        args::Args,
        output::{Output, OutputSchema},
    },
};

/// A user's type, as the generated code uses it.
pub struct UserType<T>(std::marker::PhantomData<fn() -> T>);

impl<T> UserType<T> {
    pub const fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T> Default for UserType<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// `UserType<C>` of a credentials type.
pub trait CredentialsType<C> {
    fn env_creds_outside_host(&self) -> C;
    fn load_env_creds(&self, cell: &OnceLock<C>) -> Result<()>;
    fn cred_creds(&self) -> impl Future<Output = Result<Arc<C>>> + Send;
}

impl<C: Credentials> CredentialsType<C> for UserType<C> {
    fn env_creds_outside_host(&self) -> C {
        env_creds_outside_host::<C>()
    }
    fn load_env_creds(&self, cell: &OnceLock<C>) -> Result<()> {
        load_env_creds(cell)
    }
    fn cred_creds(&self) -> impl Future<Output = Result<Arc<C>>> + Send {
        cred_creds::<C>()
    }
}

/// `UserType<T>` of a credentials field's value type.
pub trait CredentialValueType<T> {
    fn required_field(
        &self,
        field: &'static CredentialField,
        raw: Option<String>,
        errors: &mut CredentialsError,
    ) -> Option<T>;
    fn optional_field(
        &self,
        field: &'static CredentialField,
        raw: Option<String>,
        errors: &mut CredentialsError,
    ) -> Option<Option<T>>;
}

impl<T: CredentialValue> CredentialValueType<T> for UserType<T> {
    fn required_field(
        &self,
        field: &'static CredentialField,
        raw: Option<String>,
        errors: &mut CredentialsError,
    ) -> Option<T> {
        required_field(field, raw, errors)
    }
    fn optional_field(
        &self,
        field: &'static CredentialField,
        raw: Option<String>,
        errors: &mut CredentialsError,
    ) -> Option<Option<T>> {
        optional_field(field, raw, errors)
    }
}

/// `UserType<T>` of a tool parameter's type.
pub trait ToolArgType<T> {
    fn required(&self, args: &mut Args, name: &str) -> Option<T>;
    fn optional(&self, args: &mut Args, name: &str) -> Option<Option<T>>;
    fn param(
        &self,
        schema: InputSchema,
        name: &'static str,
        description: Option<&'static str>,
        required: bool,
    ) -> InputSchema;
}

impl<T: serde::de::DeserializeOwned + schemars::JsonSchema> ToolArgType<T> for UserType<T> {
    fn required(&self, args: &mut Args, name: &str) -> Option<T> {
        args.required(name)
    }
    fn optional(&self, args: &mut Args, name: &str) -> Option<Option<T>> {
        args.optional(name)
    }
    fn param(
        &self,
        schema: InputSchema,
        name: &'static str,
        description: Option<&'static str>,
        required: bool,
    ) -> InputSchema {
        schema.param::<T>(name, description, required)
    }
}

/// `UserType<T>` of a prompt argument's or URI template parameter's type.
pub trait TextArgType<T> {
    fn prompt_required(&self, args: &mut PromptArgs, name: &str) -> Option<T>;
    fn prompt_optional(&self, args: &mut PromptArgs, name: &str) -> Option<Option<T>>;
    fn uri_param(&self, vars: &UriVars, name: &str, uri: &str)
    -> std::result::Result<T, ErrorData>;
}

impl<T: TextArg> TextArgType<T> for UserType<T> {
    fn prompt_required(&self, args: &mut PromptArgs, name: &str) -> Option<T> {
        args.required(name)
    }
    fn prompt_optional(&self, args: &mut PromptArgs, name: &str) -> Option<Option<T>> {
        args.optional(name)
    }
    fn uri_param(
        &self,
        vars: &UriVars,
        name: &str,
        uri: &str,
    ) -> std::result::Result<T, ErrorData> {
        T::parse_text(vars.get(name)).map_err(|why| {
            ErrorData::resource_not_found(
                format!("no resource `{uri}`: `{name}` is invalid: {why}"),
                Some(serde_json::json!({ "uri": uri })),
            )
        })
    }
}

/// `UserType<T>` of a `Context` parameter's type: only gumstack's `Context` has
/// it, so another type named `Context` is reported once, by `IsContext::__CHECK`.
pub trait ContextType<T> {
    fn context_arg(&self, ctx: &Context) -> T;
}

impl ContextType<Context> for UserType<Context> {
    fn context_arg(&self, ctx: &Context) -> Context {
        ctx.clone()
    }
}

/// The stubs picked when a bound does not hold (which is reported elsewhere).
pub trait Unchecked<T> {
    fn env_creds_outside_host(&self) -> T {
        unreachable!()
    }
    fn load_env_creds(&self, _: &OnceLock<T>) -> Result<()> {
        unreachable!()
    }
    fn cred_creds(&self) -> impl Future<Output = Result<Arc<T>>> + Send {
        async { unreachable!() }
    }
    fn required_field(
        &self,
        _: &'static CredentialField,
        _: Option<String>,
        _: &mut CredentialsError,
    ) -> Option<T> {
        unreachable!()
    }
    fn optional_field(
        &self,
        _: &'static CredentialField,
        _: Option<String>,
        _: &mut CredentialsError,
    ) -> Option<Option<T>> {
        unreachable!()
    }
    fn required(&self, _: &mut Args, _: &str) -> Option<T> {
        unreachable!()
    }
    fn optional(&self, _: &mut Args, _: &str) -> Option<Option<T>> {
        unreachable!()
    }
    fn param(
        &self,
        _: InputSchema,
        _: &'static str,
        _: Option<&'static str>,
        _: bool,
    ) -> InputSchema {
        unreachable!()
    }
    fn prompt_required(&self, _: &mut PromptArgs, _: &str) -> Option<T> {
        unreachable!()
    }
    fn prompt_optional(&self, _: &mut PromptArgs, _: &str) -> Option<Option<T>> {
        unreachable!()
    }
    fn uri_param(&self, _: &UriVars, _: &str, _: &str) -> std::result::Result<T, ErrorData> {
        unreachable!()
    }
    fn context_arg(&self, _: &Context) -> T {
        unreachable!()
    }
}

impl<T> Unchecked<T> for &UserType<T> {}

/// `(&Output::new(v)).tool_result()` when `v` is no tool output (`ToolOutput::__CHECK` says so).
pub trait UncheckedOutput {
    fn tool_result(&mut self) -> rmcp::model::CallToolResult {
        unreachable!()
    }
}
impl<T> UncheckedOutput for &Output<T> {}

/// `(&OutputSchema::<T>::new()).output_schema()` when `T` is no tool output.
pub trait UncheckedOutputSchema {
    fn output_schema(&mut self) -> Option<Arc<rmcp::model::JsonObject>> {
        unreachable!()
    }
}
impl<T> UncheckedOutputSchema for &OutputSchema<T> {}
