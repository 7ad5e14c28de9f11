//! The generated `rmcp::ServerHandler` delegates here: capabilities, the tool
//! table and tool calls, input schemas.

use std::{borrow::Cow, sync::Arc};

use rmcp::{
    ErrorData,
    model::{
        CallToolRequestParams, CallToolResponse, ClientCapabilities, Implementation,
        ListToolsResult, ServerCapabilities, ServerConfig, Tool,
    },
};

use super::{
    Rounds,
    call::{classify, panicked, run_tool, unknown_tool},
    tasks,
};
use crate::{
    Server, audit,
    context::{ServerState, exchange::Outcome, tasks::TaskSupport},
    host::{
        permissions,
        step_up::{self, StepUpLink},
    },
    telemetry::{self, ToolOutcome},
};

/// What a server offers beyond tools and logging, from its `#[resource]`,
/// `#[prompt]` and `#[arg(complete = ..)]` declarations.
#[derive(Clone, Copy, Default)]
pub struct Features {
    pub resources: bool,
    pub subscribe: bool,
    pub prompts: bool,
    pub completions: bool,
    /// Some tool runs as a task (SEP-2663).
    pub tasks: bool,
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
    if features.tasks {
        let tasks = ServerCapabilities::builder().enable_tasks().build();
        capabilities.extensions = tasks.extensions;
    }
    let config = ServerConfig::new(capabilities).with_server_info(info);
    match S::INSTRUCTIONS {
        Some(text) => config.with_instructions(text),
        None => config,
    }
}

/// The tools the caller may call: all of them, unless the operator's
/// permission groups say otherwise.
pub async fn list_tools<S: Server>(
    context: &rmcp::service::RequestContext<rmcp::RoleServer>,
) -> ListToolsResult {
    let identity = context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::auth_server::Identity>());
    let tools = match permissions::allowed(identity).await {
        None => S::tools().to_vec(),
        Some(allowed) => S::tools()
            .iter()
            .filter(|t| allowed.may_call(&t.name))
            .cloned()
            .collect(),
    };
    ListToolsResult::with_all_items(tools)
}

pub fn get_tool<S: Server>(name: &str) -> Option<Tool> {
    S::tools().iter().find(|t| t.name == name).cloned()
}

/// A tool call: the request is taken apart here, before the future is built,
/// so the future holds only what the call needs (rmcp moves it into a box).
///
/// Under 2026-07-28 a call may end with questions (`InputRequiredResult`) or
/// become a task (`CreateTaskResult`): at once for a tool declared
/// `task = "optional"` or `"required"` when the client supports tasks, or
/// where a `"deferred"` one calls `ctx.become_task()`.
pub fn call_tool<'a, S: Server>(
    server: &'a S,
    request: CallToolRequestParams,
    context: rmcp::service::RequestContext<rmcp::RoleServer>,
    state: &'static ServerState,
) -> impl Future<Output = std::result::Result<CallToolResponse, ErrorData>> + Send + 'a {
    let name: Cow<'static, str> = request.name;
    let arguments = request.arguments.unwrap_or_default();
    // The HTTP host put the caller's grant in the request; `creds()` reads it.
    let parts = context.extensions.get::<axum::http::request::Parts>();
    let grant = parts
        .and_then(|parts| parts.extensions.get::<crate::auth_server::Identity>())
        .cloned();
    // The HTTP host's step-up gate: the client did not authorize again for
    // the scopes this tool needs, so the call is answered with a link.
    let step_up = parts
        .and_then(|parts| parts.extensions.get::<StepUpLink>())
        .cloned();
    let (ctx, mut rounds) = Rounds::new(
        S::NAME,
        "tools/call",
        &name,
        &arguments,
        request.request_state,
        request.input_responses,
        &context,
        state,
    );
    // Tasks are a 2026-07-28 extension: the client declares it per request.
    let support = S::__task_support(&name);
    let stateless = rounds.exchange().is_some();
    let client_tasks = ctx
        .request_capabilities()
        .is_some_and(|caps| caps.supports_tasks());
    let refused = stateless && support == TaskSupport::Required && !client_tasks;
    let task_now = client_tasks && matches!(support, TaskSupport::Optional | TaskSupport::Required);
    let deferred = client_tasks && support == TaskSupport::Deferred;
    if let (true, Some(exchange)) = (deferred, rounds.exchange()) {
        exchange.allow_task();
    }
    drop(context);
    async move {
        if refused {
            return Err(ErrorData::missing_required_client_capability(
                ClientCapabilities::builder().enable_tasks().build(),
            ));
        }
        rounds.receive().await?;
        // Refused before anything runs: by the operator's permission groups,
        // or for scopes the client did not authorize again for (the HTTP
        // host's step-up gate answers with a link).
        let refusal = match permissions::allowed(grant.as_ref()).await {
            Some(allowed)
                if !allowed.may_call(&name) && S::tools().iter().any(|t| t.name == name) =>
            {
                Some(crate::tools::output::tool_error(permissions::refusal(
                    &allowed, &name,
                )))
            }
            _ => match &step_up {
                Some(link) => Some(step_up::offer(link, &name, &ctx).await),
                // The gate in front of `/mcp` read the tool's name from the
                // body on its own; here it is the name rmcp dispatched, so a
                // body read two ways cannot reach a tool past its scopes.
                None => {
                    lacking_scopes::<S>(grant.as_ref(), &name).map(crate::tools::output::tool_error)
                }
            },
        };
        if let Some(result) = refusal {
            let caller = grant.as_ref().map(|g| g.record().clone());
            audit::Call::refused(S::tools(), &name, &arguments, caller);
            return match rounds.finish(result, true)? {
                Outcome::Done(result) => Ok(result.into()),
                Outcome::Input(input) => Ok(input.into()),
                Outcome::Task => Err(ErrorData::internal_error("a refusal is no task", None)),
            };
        }
        let start = |arguments| tasks::Start {
            name: name.clone(),
            arguments,
            grant: grant.clone(),
            principal: rounds.principal().to_owned(),
            caps: ctx.request_capabilities().cloned().unwrap_or_default(),
            exchange: rounds.exchange().expect("a task call is stateless").clone(),
        };
        if task_now && let Some(task) = tasks::start::<S>(state, start(arguments.clone())) {
            return task.map(CallToolResponse::Task);
        }
        let kept = deferred.then(|| arguments.clone());
        let started = telemetry::enabled().then(std::time::Instant::now);
        let caller = grant.as_ref().map(|g| g.record().clone());
        let audit = audit::Call::tool(S::tools(), &name, &arguments, caller);
        let run = run_tool(server, &name, arguments, grant.clone(), ctx.clone());
        let outcome = tracing::Instrument::instrument(run, audit.span().clone()).await;
        let class = classify(&outcome);
        let result = match outcome {
            Ok(Some(result)) => result,
            Ok(None) => {
                if let Some(started) = started {
                    record::<S>(&name, class, started.elapsed());
                }
                audit.end(class.into());
                return Err(unknown_tool(&name));
            }
            Err(_) => crate::tools::output::tool_error(panicked(&name)),
        };
        let failed = result.is_error == Some(true);
        let ended = rounds.finish(result, failed)?;
        // A round that ends with questions, or as a task, is not a call's end.
        if let (Some(started), Outcome::Done(_)) = (started, &ended) {
            record::<S>(&name, class, started.elapsed());
        }
        if let Outcome::Done(_) = &ended {
            audit.end(class.into());
        }
        match ended {
            Outcome::Done(result) => Ok(result.into()),
            Outcome::Input(input) => Ok(input.into()),
            Outcome::Task => match tasks::start::<S>(state, start(kept.unwrap_or_default())) {
                Some(task) => task.map(CallToolResponse::Task),
                None => Err(ErrorData::internal_error(
                    "this server cannot run tasks (it is not run by the gumstack host)",
                    None,
                )),
            },
        }
    }
}

/// Why the caller's token may not call tool `name`, when it lacks scopes
/// the tool needs.
fn lacking_scopes<S: Server>(
    grant: Option<&crate::auth_server::Identity>,
    name: &str,
) -> Option<String> {
    let needed = S::__tool_scopes(name);
    let granted = grant?.scope();
    let missing = crate::scopes::missing(granted, needed, S::__scope_table());
    (!missing.is_empty()).then(|| {
        format!(
            "`{name}` needs the scopes {}, which this authorization lacks: authorize again with them",
            missing.join(", ")
        )
    })
}

/// Count a tool call under its name from the server's table, never the
/// client's string (an unknown name is counted without it).
fn record<S: Server>(name: &str, outcome: ToolOutcome, took: std::time::Duration) {
    match S::tools().iter().find(|t| t.name == name) {
        Some(tool) => telemetry::tool_call(tool.name.clone(), outcome, took),
        None => telemetry::tool_call(Cow::Borrowed(""), ToolOutcome::Unknown, took),
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

    pub fn param<T: schemars::JsonSchema>(
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

    /// Mirror argument `name` into the `Mcp-Param-<header>` header (SEP-2243):
    /// the schema says so (`x-mcp-header`), and rmcp then checks on each
    /// 2026-07-28 call that the header and the argument agree. Only strings,
    /// numbers and booleans can be mirrored.
    pub fn header(mut self, name: &'static str, header: &'static str) -> Self {
        let Some(serde_json::Value::Object(property)) = self.properties.get_mut(name) else {
            panic!("gumstack: no argument `{name}` to mirror into a header");
        };
        let primitive = |t: &serde_json::Value| {
            matches!(
                t.as_str(),
                Some("string" | "number" | "integer" | "boolean")
            )
        };
        // `Option<T>` is `[T, "null"]`.
        let primitive = match property.get("type") {
            Some(serde_json::Value::Array(types)) => {
                types.iter().filter(|t| *t != "null").all(primitive) && types.iter().any(primitive)
            }
            Some(t) => primitive(t),
            None => false,
        };
        assert!(
            primitive,
            "gumstack: argument `{name}` is mirrored into header `Mcp-Param-{header}`, so it must be a string, number or boolean"
        );
        property.insert("x-mcp-header".into(), header.into());
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
