//! Paths for generated code only: no semver guarantees.
//!
//! Everything the macros emit goes through `::gumstack::__private`, so a server
//! crate needs no direct dependency on rmcp, serde_json or schemars.

use std::{
    borrow::Cow,
    sync::{Arc, OnceLock},
};

pub use rmcp;
pub use schemars;
pub use serde;
pub use serde_json;

pub use crate::completion::{
    CompletionOutput, IntoCompletion, UncheckedCompletion, completion_error, no_completion,
};
pub use crate::context::{Context, ServerState};
pub use crate::credentials::{CredentialValue, SecretField};
/// For benchmarks of the `creds()` hot path (`benches/creds.rs`).
pub use crate::grants::{CredGrants, OAuthGrants, Vault};
pub use crate::host::run;
pub use crate::mode::{CredAuth, NoAuth, OAuth};
pub use crate::prompts::{
    IntoPrompt, PromptArgs, PromptOutput, TextArg, UncheckedPrompt, prompt_error,
};
pub use crate::resources::{
    IntoJsonResource, IntoResourceContents, ResourceOutput, UncheckedResourceOutput, UriPart,
    UriTemplate, UriVars, not_found as resource_not_found, resource_error,
};
pub use crate::tools::{
    args::{Args, ToolArg},
    output::{
        IntoContent, IntoStructured, NoSchema, Output, OutputSchema, StructuredSchema, tool_error,
    },
};

use rmcp::{
    ErrorData,
    model::{
        CallToolRequestParams, CallToolResponse, Implementation, ListToolsResult,
        ServerCapabilities, ServerConfig, Tool,
    },
};

use crate::{
    CredentialField, Credentials, CredentialsError, FieldError, OAuthCredentials, Result, Server,
};

// ---- trait checks, emitted with the span of the user's own type ----
//
// (A wrong type in `auth = ...` is reported by the generated `type Auth`, whose
// `AuthMode` impl needs `Credentials`/`AuthProvider`: see `UserType` below.)

pub const fn assert_secret_field<T: SecretField>() {}
pub const fn assert_credential_value<T: CredentialValue>() {}

pub const fn assert_tool_arg<T: ToolArg>() {}

/// What a tool may return (`Output` and `OutputSchema` pick the conversion).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a tool",
    label = "a tool's return type must implement `serde::Serialize` and `schemars::JsonSchema`",
    note = "return text (`String`, `&'static str`), `()`, content (`Content`, `Vec<Content>`), or a type with `#[derive(serde::Serialize, schemars::JsonSchema)]`; any of these may be wrapped in `Result<_, E>` with `E: Display`"
)]
pub trait ToolOutput: serde::Serialize + schemars::JsonSchema + 'static {}
impl<T: serde::Serialize + schemars::JsonSchema + 'static> ToolOutput for T {}
pub const fn assert_tool_output<T: ToolOutput>() {}

pub const fn assert_resource_output<T: crate::resources::ResourceValue>() {}
pub const fn assert_prompt_output<T: crate::prompts::PromptValue>() {}
pub const fn assert_completion_output<T: crate::CompletionValues>() {}

pub const fn assert_text_arg<T: TextArg>() {}

/// The parameter gumstack fills with the request's context.
#[diagnostic::on_unimplemented(
    message = "this `{Self}` parameter is not `gumstack::Context`",
    label = "gumstack passes the request's context to a parameter whose type is named `Context`",
    note = "take `ctx: gumstack::Context`, or rename your own type so gumstack does not mistake it for the context"
)]
pub trait IsContext {}
impl IsContext for Context {}
pub const fn assert_context<T: IsContext>() {}

// ---- one error per mistake ----
//
// The generated code names a user's type in several places (a tool parameter in
// the schema and in the argument parser, a credentials type in `type Auth` and in
// `creds()`). Each bounded use would repeat the same trait error, at spans the user
// did not write. So one place reports it (the server's `type Auth`, an
// `assert_*` const) and the other uses go through `UserType<T>`: its methods exist
// when the bound holds and otherwise fall back, by autoref specialization, to
// `Unchecked`'s stubs. Those stubs are never run: the program does not compile.

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

impl<T: ToolArg> ToolArgType<T> for UserType<T> {
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
/// it, so another type named `Context` is reported once, by `assert_context`.
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

/// `(&Output::new(v)).tool_result()` when `v` is no tool output (`assert_tool_output` says so).
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

// ---- #[derive(Credentials)] ----

/// Parse one required field, recording what is wrong.
pub fn required_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: Option<String>,
    errors: &mut CredentialsError,
) -> Option<T> {
    match raw {
        None => {
            errors.fields.push(FieldError {
                field,
                invalid: None,
            });
            None
        }
        Some(raw) => parse_field(field, raw, errors),
    }
}

/// Parse one `Option<T>` field; blank means `None`.
pub fn optional_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: Option<String>,
    errors: &mut CredentialsError,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) if raw.trim().is_empty() => Some(None),
        Some(raw) => parse_field(field, raw, errors).map(Some),
    }
}

fn parse_field<T: CredentialValue>(
    field: &'static CredentialField,
    raw: String,
    errors: &mut CredentialsError,
) -> Option<T> {
    match T::parse_credential(raw) {
        Ok(v) => Some(v),
        Err(why) => {
            errors.fields.push(FieldError {
                field,
                invalid: Some(why),
            });
            None
        }
    }
}

/// Blank values count as missing.
pub fn non_blank(raw: Option<String>) -> Option<String> {
    raw.filter(|v| !v.trim().is_empty())
}

// ---- creds() of each mode ----

/// `none` mode start-up: read the credentials from env into the server's cell.
pub fn load_env_creds<C: Credentials>(cell: &OnceLock<C>) -> Result<()> {
    if cell.get().is_none() {
        let creds = crate::credentials::from_env::<C>()?;
        let _ = cell.set(creds);
    }
    Ok(())
}

/// `none` mode `creds()` called outside `run()` (a unit test calling a tool
/// directly): read env now. The host has already checked env at start-up, so a
/// served tool never reaches the panic.
#[cold]
pub fn env_creds_outside_host<C: Credentials>() -> C {
    match crate::credentials::from_env::<C>() {
        Ok(c) => c,
        Err(e) => panic!("gumstack: creds() called before the host started: {e}"),
    }
}

/// `cred` mode: the calling user's grant (or, for development, `LOCAL_<FIELD>`).
pub async fn cred_creds<C: Credentials>() -> Result<Arc<C>> {
    crate::host::creds::cred::<C>().await
}

/// `oauth` mode: the caller's tokens, refreshed when about to expire.
pub async fn oauth_creds() -> Result<Arc<OAuthCredentials>> {
    crate::host::creds::oauth().await
}

// ---- rmcp::ServerHandler, delegated to by the generated impl ----

/// What a server offers beyond tools and logging, from its `#[resource]`,
/// `#[prompt]` and `#[arg(complete = ..)]` declarations.
#[derive(Clone, Copy, Default)]
pub struct Features {
    pub resources: bool,
    pub subscribe: bool,
    pub prompts: bool,
    pub completions: bool,
}

#[allow(deprecated)] // logging: see `context/mod.rs`
pub fn server_config<S: Server>(features: Features) -> ServerConfig {
    let info = Implementation::new(S::NAME, S::VERSION);
    // Every server logs: `Context::log` works in any handler.
    let mut capabilities = ServerCapabilities::builder()
        .enable_tools()
        .enable_logging()
        .build();
    if features.resources {
        let mut resources = rmcp::model::ResourcesCapability::default();
        resources.subscribe = features.subscribe.then_some(true);
        capabilities.resources = Some(resources);
    }
    if features.prompts {
        capabilities.prompts = Some(rmcp::model::PromptsCapability::default());
    }
    if features.completions {
        capabilities.completions = Some(Default::default());
    }
    let config = ServerConfig::new(capabilities).with_server_info(info);
    match S::INSTRUCTIONS {
        Some(text) => config.with_instructions(text),
        None => config,
    }
}

pub fn list_tools<S: Server>() -> ListToolsResult {
    ListToolsResult::with_all_items(S::tools().to_vec())
}

pub fn get_tool<S: Server>(name: &str) -> Option<Tool> {
    S::tools().iter().find(|t| t.name == name).cloned()
}

/// A tool call: the request is taken apart here, before the future is built,
/// so the future holds only what the call needs (rmcp moves it into a box).
pub fn call_tool<'a, S: Server>(
    server: &'a S,
    request: CallToolRequestParams,
    context: rmcp::service::RequestContext<rmcp::RoleServer>,
    state: &'static ServerState,
) -> impl Future<Output = std::result::Result<CallToolResponse, ErrorData>> + Send + 'a {
    let name: Cow<'static, str> = request.name;
    let arguments = request.arguments.unwrap_or_default();
    // The HTTP host put the caller's grant in the request; `creds()` reads it.
    let grant = context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth_server::Identity>())
        .map(|identity| identity.grant_id.clone());
    let ctx = Context::from_request(&context, state);
    drop(context);
    async move {
        // A panicking tool answers its own call with an error; the server keeps serving.
        let call = std::panic::AssertUnwindSafe(
            crate::host::creds::CURRENT_GRANT
                .scope(grant, ctx.scope(server.call_tool(&name, arguments))),
        );
        match futures::FutureExt::catch_unwind(call).await {
            Ok(Some(result)) => Ok(result.into()),
            Ok(None) => Err(ErrorData::invalid_params(
                format!("unknown tool `{name}`"),
                None,
            )),
            Err(panic) => {
                let reason = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".to_owned());
                tracing::error!(tool = %name, "tool panicked: {reason}");
                Ok(crate::tools::output::tool_error(format!(
                    "tool `{name}` failed unexpectedly (it panicked); see the server log"
                ))
                .into())
            }
        }
    }
}

/// Build one tool's descriptor (done once, when the table is first read).
#[allow(clippy::too_many_arguments)]
pub fn tool(
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    input_schema: Arc<rmcp::model::JsonObject>,
    output_schema: Option<Arc<rmcp::model::JsonObject>>,
    annotations: [Option<bool>; 4],
) -> Tool {
    let mut tool = Tool::new(name, description, input_schema);
    if let Some(title) = title {
        tool = tool.with_title(title);
    }
    if let Some(schema) = output_schema {
        tool = tool.with_raw_output_schema(schema);
    }
    let [read_only, destructive, idempotent, open_world] = annotations;
    if annotations.iter().any(Option::is_some) || title.is_some() {
        let mut a = rmcp::model::ToolAnnotations::new();
        a.title = title.map(str::to_owned);
        a.read_only_hint = read_only;
        a.destructive_hint = destructive;
        a.idempotent_hint = idempotent;
        a.open_world_hint = open_world;
        tool = tool.with_annotations(a);
    }
    tool
}

/// The input schema of a tool's parameters (`Args` is the macro's hidden struct).
pub fn input_schema<Args: schemars::JsonSchema + 'static>() -> Arc<rmcp::model::JsonObject> {
    rmcp::handler::server::common::schema_for_input::<Args>()
        .unwrap_or_else(|e| panic!("gumstack: invalid tool input schema: {e}"))
}

/// A tool's input schema, assembled parameter by parameter (draft 2020-12).
///
/// Built from each parameter's own schema rather than a derived wrapper struct:
/// the macro then needs no derive of its own, and a bad parameter type gives one
/// error on that parameter.
pub struct InputSchema {
    generator: schemars::SchemaGenerator,
    properties: serde_json::Map<String, serde_json::Value>,
    required: Vec<serde_json::Value>,
}

impl InputSchema {
    pub fn new() -> Self {
        Self {
            generator: schemars::generate::SchemaSettings::draft2020_12().into_generator(),
            properties: serde_json::Map::new(),
            required: Vec::new(),
        }
    }

    pub fn param<T: ToolArg>(
        mut self,
        name: &'static str,
        description: Option<&'static str>,
        required: bool,
    ) -> Self {
        let mut schema = self.generator.subschema_for::<T>().to_value();
        if let (Some(text), serde_json::Value::Object(map)) = (description, &mut schema) {
            map.insert("description".into(), text.into());
        }
        self.properties.insert(name.into(), schema);
        if required {
            self.required.push(name.into());
        }
        self
    }

    pub fn finish(mut self) -> Arc<rmcp::model::JsonObject> {
        let mut schema = rmcp::model::JsonObject::new();
        // The dialect the generator wrote in (MCP's default since 2025-11-25),
        // said explicitly so no client has to guess (SEP-1613).
        schema.insert(
            "$schema".into(),
            "https://json-schema.org/draft/2020-12/schema".into(),
        );
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), self.properties.into());
        if !self.required.is_empty() {
            schema.insert("required".into(), self.required.into());
        }
        // Unknown arguments are rejected, so the schema says so.
        schema.insert("additionalProperties".into(), false.into());
        let defs = self.generator.take_definitions(true);
        if !defs.is_empty() {
            schema.insert("$defs".into(), defs.into());
        }
        Arc::new(schema)
    }
}

impl Default for InputSchema {
    fn default() -> Self {
        Self::new()
    }
}

// ---- resources, prompts, completion, logging ----

/// A resource's descriptor, built once into the static list.
pub fn resource(
    uri: &'static str,
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    mime_type: Option<&'static str>,
) -> rmcp::model::Resource {
    let mut resource = rmcp::model::Resource::new(uri, name).with_description(description);
    resource.title = title.map(str::to_owned);
    resource.mime_type = mime_type.map(str::to_owned);
    resource
}

/// A resource template's descriptor.
pub fn resource_template(
    uri_template: &'static str,
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    mime_type: Option<&'static str>,
) -> rmcp::model::ResourceTemplate {
    let mut template =
        rmcp::model::ResourceTemplate::new(uri_template, name).with_description(description);
    template.title = title.map(str::to_owned);
    template.mime_type = mime_type.map(str::to_owned);
    template
}

/// A prompt's descriptor; `arguments` are (name, description, required).
pub fn prompt(
    name: &'static str,
    title: Option<&'static str>,
    description: &'static str,
    arguments: &[(&'static str, Option<&'static str>, bool)],
) -> rmcp::model::Prompt {
    let arguments: Vec<rmcp::model::PromptArgument> = arguments
        .iter()
        .map(|(name, description, required)| {
            let mut argument = rmcp::model::PromptArgument::new(*name).with_required(*required);
            argument.description = description.map(str::to_owned);
            argument
        })
        .collect();
    let mut prompt = rmcp::model::Prompt::new(
        name,
        Some(description),
        (!arguments.is_empty()).then_some(arguments),
    );
    prompt.title = title.map(str::to_owned);
    prompt
}

pub fn unknown_prompt(name: &str) -> ErrorData {
    ErrorData::invalid_params(format!("unknown prompt `{name}`"), None)
}

/// `completion/complete` for something this server does not have.
pub fn unknown_completion_ref(reference: &rmcp::model::Reference) -> ErrorData {
    let what = match reference {
        rmcp::model::Reference::Prompt(p) => format!("prompt `{}`", p.name),
        rmcp::model::Reference::Resource(r) => format!("resource template `{}`", r.uri),
        _ => "reference".to_owned(),
    };
    ErrorData::invalid_params(format!("cannot complete: unknown {what}"), None)
}

/// `logging/setLevel`: remembered for the session, read by `Context::log`.
#[allow(deprecated)] // see `context/mod.rs`: logging is current in 2025-11-25
pub fn set_level(
    state: &'static ServerState,
    request: rmcp::model::SetLevelRequestParams,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) {
    if let Some(session) = crate::context::session_key(context) {
        state.set_level(&session, crate::context::LogLevel::from_mcp(request.level));
    }
}

/// `resources/subscribe` to `uri`, which the server says whether it offers.
pub fn subscribe(
    state: &'static ServerState,
    uri: &str,
    subscribable: bool,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) -> std::result::Result<(), ErrorData> {
    if !subscribable {
        return Err(ErrorData::invalid_params(
            format!("resource `{uri}` does not offer subscriptions"),
            Some(serde_json::json!({ "uri": uri })),
        ));
    }
    // Stateless HTTP has no session to notify later: accepted, and moot.
    if let Some(session) = crate::context::session_key(context) {
        state.subscribe(uri, &session, context.peer.clone());
    }
    Ok(())
}

pub fn unsubscribe(
    state: &'static ServerState,
    uri: &str,
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) {
    if let Some(session) = crate::context::session_key(context) {
        state.unsubscribe(uri, &session);
    }
}
