//! The MCP conformance suites' fixture server, written with gumstack's macros
//! only: every tool, resource, template, prompt and completion that the
//! `server` scenarios of `@modelcontextprotocol/conformance` exercise, in its
//! 2025-11-25 release (0.1.16) and its 2026-07-28 one (0.2.0-alpha.12:
//! multi-round input, `subscriptions/listen`, `Mcp-Param-*` headers, tasks).
//!
//! ```sh
//! cargo run --bin everything -- serve --http 127.0.0.1:3001
//! npx @modelcontextprotocol/conformance@0.1.16 server --url http://127.0.0.1:3001/mcp --suite all
//! npx @modelcontextprotocol/conformance@0.2.0-alpha.12 server --url http://127.0.0.1:3001/mcp --suite all
//! ```

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use gumstack::{
    context::{Elicitation, Sampling},
    prelude::*,
    prompts::{PromptMessage, Role},
    resources::{Blob, ResourceContents},
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A 1x1 red pixel.
const RED_PIXEL_PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
/// One millisecond of silence, 8 kHz mono.
const SILENCE_WAV: &str =
    "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";

fn red_pixel() -> Content {
    Content::image(RED_PIXEL_PNG, "image/png")
}

// ---- elicitation forms ----

/// `test_elicitation`: the user's contact details.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Contact {
    /// User's response
    username: String,
    /// User's email address
    email: String,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Status {
    Active,
    Inactive,
    Pending,
}

/// SEP-1034: a default for every primitive type.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Defaults {
    /// User name
    #[serde(default = "default_name")]
    name: String,
    /// User age
    #[serde(default = "default_age")]
    age: i64,
    /// User score
    #[serde(default = "default_score")]
    score: f64,
    /// User status
    #[serde(default = "default_status")]
    status: Status,
    /// Verification status
    #[serde(default = "default_verified")]
    verified: bool,
}

fn default_name() -> String {
    "John Doe".into()
}
fn default_age() -> i64 {
    30
}
fn default_score() -> f64 {
    95.5
}
fn default_status() -> Status {
    Status::Active
}
fn default_verified() -> bool {
    true
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Untitled {
    Option1,
    Option2,
    Option3,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
enum TitledSingle {
    #[serde(rename = "value1")]
    #[schemars(title = "First Option")]
    Value1,
    #[serde(rename = "value2")]
    #[schemars(title = "Second Option")]
    Value2,
    #[serde(rename = "value3")]
    #[schemars(title = "Third Option")]
    Value3,
}

/// The deprecated way to title choices: `enumNames` beside `enum`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(extend("enumNames" = ["Option One", "Option Two", "Option Three"]))]
enum Legacy {
    Opt1,
    Opt2,
    Opt3,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
enum TitledMulti {
    #[serde(rename = "value1")]
    #[schemars(title = "First Choice")]
    Value1,
    #[serde(rename = "value2")]
    #[schemars(title = "Second Choice")]
    Value2,
    #[serde(rename = "value3")]
    #[schemars(title = "Third Choice")]
    Value3,
}

/// SEP-1330: the five shapes of a choice.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Choices {
    /// Untitled single-select
    untitled_single: Option<Untitled>,
    /// Titled single-select
    titled_single: Option<TitledSingle>,
    /// Legacy titled single-select
    legacy_enum: Option<Legacy>,
    /// Untitled multi-select
    untitled_multi: Option<Vec<Untitled>>,
    /// Titled multi-select
    titled_multi: Option<Vec<TitledMulti>>,
}

fn describe<T: Serialize>(answer: &Elicitation<T>) -> String {
    let content = match answer {
        Elicitation::Accepted(value) => serde_json::to_string(value).unwrap_or_default(),
        _ => "{}".to_owned(),
    };
    format!("action={}, content={content}", answer.action())
}

// ---- multi-round input (2026-07-28, SEP-2322) ----

/// A name, as the suite asks for it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Name {
    /// Your name
    name: String,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Confirmation {
    /// Whether you confirm
    ok: bool,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Confirm {
    /// Whether to go on
    confirm: bool,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct Colour {
    /// Your favourite colour
    color: String,
}

#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct UserContext {
    /// What you are working on
    context: String,
}

/// Ask the name under the key `user_name`, and greet.
async fn greet_by_name(ctx: Context) -> gumstack::Result<String> {
    let name = ctx
        .key("user_name")
        .elicit::<Name>("What is your name?")
        .await?;
    Ok(format!("Hello, {}!", name_of(name)))
}

fn name_of(answer: Elicitation<Name>) -> String {
    answer
        .accepted()
        .map_or_else(|| "stranger".to_owned(), |n| n.name)
}

// ---- JSON Schema 2020-12 ----

/// A postal address (named `address` in `$defs`).
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(rename = "address")]
struct Address {
    street: Option<String>,
    city: Option<String>,
}

/// `test://template/{id}/data`
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TemplateData {
    id: String,
    template_test: bool,
    data: String,
}

#[derive(Default)]
struct Everything {
    /// Bumped by `touch_watched_resource`, shown by `test://watched-resource`.
    watched_version: AtomicU64,
}

#[gumstack::server(
    auth = none,
    name = "everything",
    instructions = "The MCP conformance suite's fixture: every kind of tool, resource and prompt."
)]
impl Everything {
    // ---- tools ----

    /// Returns a simple text response.
    #[tool]
    fn test_simple_text(&self) -> &'static str {
        "This is a simple text response for testing."
    }

    /// Returns an image (a 1x1 red PNG).
    #[tool]
    fn test_image_content(&self) -> Content {
        red_pixel()
    }

    /// Returns audio (a short WAV).
    #[tool]
    fn test_audio_content(&self) -> Content {
        Content::audio(SILENCE_WAV, "audio/wav")
    }

    /// Returns an embedded resource.
    #[tool]
    fn test_embedded_resource(&self) -> Content {
        Content::resource(ResourceContents::text(
            "This is an embedded resource content.",
            "test://embedded-resource",
        ))
    }

    /// Returns text, an image and an embedded resource.
    #[tool]
    fn test_multiple_content_types(&self) -> Vec<Content> {
        vec![
            Content::text("Multiple content types test:"),
            red_pixel(),
            Content::resource(
                ResourceContents::text(
                    r#"{"test":"data","value":123}"#,
                    "test://mixed-content-resource",
                )
                .with_mime_type("application/json"),
            ),
        ]
    }

    /// Sends three log messages while it runs.
    #[tool]
    async fn test_tool_with_logging(&self, ctx: Context) -> &'static str {
        ctx.info("Tool execution started").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        ctx.info("Tool processing data").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        ctx.info("Tool execution completed").await;
        "Tool with logging executed successfully"
    }

    /// Reports progress 0, 50 and 100 of 100.
    #[tool]
    async fn test_tool_with_progress(&self, ctx: Context) -> gumstack::Result<&'static str> {
        for (i, done) in [0.0, 50.0, 100.0].into_iter().enumerate() {
            if ctx.is_cancelled() {
                return Err(gumstack::Error::msg("cancelled"));
            }
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            ctx.progress(done, 100.0).await;
        }
        Ok("Tool with progress executed successfully")
    }

    /// Waits `ms` milliseconds (at most a minute), then says so: a call still
    /// running when the server is asked to stop (tests/tests/lifecycle.rs).
    #[tool]
    async fn wait(&self, ms: u64) -> String {
        let ms = ms.min(60_000);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        format!("waited {ms} ms")
    }

    /// Always fails.
    #[tool]
    fn test_error_handling(&self) -> gumstack::Result<String> {
        Err(gumstack::Error::msg(
            "This tool intentionally returns an error for testing",
        ))
    }

    /// Asks the client's model to answer a prompt.
    #[tool]
    async fn test_sampling(
        &self,
        ctx: Context,
        #[arg(description = "The prompt to send to the LLM")] prompt: String,
    ) -> gumstack::Result<String> {
        let reply = ctx.sample_text(prompt, 100).await?;
        Ok(format!("LLM response: {reply}"))
    }

    /// Asks the user for their name and email.
    #[tool]
    async fn test_elicitation(
        &self,
        ctx: Context,
        #[arg(description = "The message to show the user")] message: String,
    ) -> gumstack::Result<String> {
        let answer = ctx.elicit::<Contact>(message).await?;
        Ok(format!("User response: {}", describe(&answer)))
    }

    /// Asks the user's name, under the key `user_name` (SEP-2322).
    #[tool]
    async fn test_input_required_result_elicitation(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        greet_by_name(ctx).await
    }

    /// Asks the client's model a question (SEP-2322).
    #[tool]
    async fn test_input_required_result_sampling(&self, ctx: Context) -> gumstack::Result<String> {
        let reply = ctx
            .sample_text("What is the capital of France?", 100)
            .await?;
        Ok(format!("The model answered: {reply}"))
    }

    /// Lists the client's roots (SEP-2322).
    #[tool]
    async fn test_input_required_result_list_roots(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let roots = ctx.key("client_roots").roots().await?;
        let names: Vec<String> = roots
            .iter()
            .map(|r| format!("{} ({})", r.uri, r.name.as_deref().unwrap_or("unnamed")))
            .collect();
        Ok(format!(
            "The client has {} roots: {}",
            roots.len(),
            names.join(", ")
        ))
    }

    /// Asks for a confirmation; the retry carries the sealed requestState.
    #[tool]
    async fn test_input_required_result_request_state(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let answer = ctx
            .key("confirm")
            .elicit::<Confirmation>("Please confirm")
            .await?;
        let ok = answer.accepted().is_some_and(|c| c.ok);
        Ok(format!(
            "state-ok: the requestState was valid, confirmed={ok}"
        ))
    }

    /// Asks three things of three kinds in one round.
    #[tool]
    async fn test_input_required_result_multiple_inputs(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let (name, greeting, roots) = tokio::join!(
            ctx.key("user_name").elicit::<Name>("What is your name?"),
            ctx.key("greeting")
                .sample(Sampling::new(50).user("Write a short greeting.")),
            ctx.key("client_roots").roots(),
        );
        let (name, greeting, roots) = (name?, greeting?, roots?);
        Ok(format!(
            "{} / {} / {} roots",
            name_of(name),
            greeting.text().unwrap_or_default(),
            roots.len()
        ))
    }

    /// Asks in two rounds: the second question depends on the first answer.
    #[tool]
    async fn test_input_required_result_multi_round(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let name = name_of(
            ctx.key("step1")
                .elicit::<Name>("What is your name?")
                .await?,
        );
        let colour = ctx
            .key("step2")
            .elicit::<Colour>(format!("{name}, what is your favourite colour?"))
            .await?;
        let colour = colour
            .accepted()
            .map_or_else(|| "no colour".to_owned(), |c| c.color);
        Ok(format!("{name} likes {colour}"))
    }

    /// Asks for a name; the suite sends back an altered requestState.
    #[tool]
    async fn test_input_required_result_tampered_state(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        greet_by_name(ctx).await
    }

    /// Asks the user and the model at once: only what the client declared
    /// goes out (the suite declares sampling alone).
    #[tool]
    async fn test_input_required_result_capabilities(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let (name, reply) = tokio::join!(
            ctx.key("user_name").elicit::<Name>("What is your name?"),
            ctx.key("capital")
                .sample_text("What is the capital of France?", 100),
        );
        let name = name
            .map(name_of)
            .unwrap_or_else(|_| "(no elicitation)".to_owned());
        Ok(format!("{name} / {}", reply?))
    }

    /// Needs sampling: a client that did not declare it gets -32021.
    #[tool]
    async fn test_missing_capability(&self, ctx: Context) -> gumstack::Result<String> {
        let reply = ctx.sample_text("Say hello.", 20).await?;
        Ok(format!("The model said: {reply}"))
    }

    /// Elicits: under 2026-07-28 the question comes back in the result,
    /// never as a request on the response stream.
    #[tool]
    async fn test_streaming_elicitation(&self, ctx: Context) -> gumstack::Result<String> {
        let name = ctx.elicit::<Name>("What is your name?").await?;
        Ok(format!("Hello, {}!", name_of(name)))
    }

    /// Echoes a region that the client also sends as `Mcp-Param-Region`
    /// (SEP-2243): the server checks that header and argument agree.
    #[tool]
    fn test_custom_header(
        &self,
        #[arg(header = "Region", description = "Where to run")] region: String,
    ) -> String {
        format!("region: {region}")
    }

    // ---- tasks (SEP-2663) ----

    /// Greets someone, at once (never a task).
    #[tool]
    fn greet(&self, name: String) -> String {
        format!("Hello, {name}!")
    }

    /// Computes for `seconds`; a task when the client supports tasks.
    #[tool(task = "optional")]
    async fn slow_compute(
        &self,
        ctx: Context,
        seconds: f64,
        label: Option<String>,
    ) -> gumstack::Result<String> {
        let label = label.unwrap_or_else(|| "job".to_owned());
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs_f64(seconds.clamp(0.0, 600.0))) => {
                Ok(format!("{label}: computed for {seconds} s"))
            }
            () = ctx.cancelled() => Err(gumstack::Error::msg(format!("{label}: cancelled"))),
        }
    }

    /// Always a task, which ends with a tool error.
    #[tool(task = "required")]
    async fn failing_job(&self) -> gumstack::Result<String> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Err(gumstack::Error::msg(
            "failing_job failed, as it always does",
        ))
    }

    /// A task that fails (the tool panics): the task is `failed`, with an error.
    #[tool(task = "optional")]
    async fn protocol_error_job(&self) -> String {
        tokio::time::sleep(Duration::from_millis(100)).await;
        panic!("protocol_error_job fails the task on purpose")
    }

    /// Asks the user to confirm before deleting (in a task: the question is
    /// answered with `tasks/update`).
    #[tool(task = "optional")]
    async fn confirm_delete(&self, ctx: Context, filename: String) -> gumstack::Result<String> {
        let answer = ctx.elicit::<Confirm>(format!("Delete {filename}?")).await?;
        Ok(match answer.accepted() {
            Some(Confirm { confirm: true }) => format!("deleted {filename}"),
            _ => format!("kept {filename}"),
        })
    }

    /// Asks two questions at once (two pending inputs).
    #[tool(task = "optional")]
    async fn multi_input(&self, ctx: Context) -> gumstack::Result<String> {
        let (name, confirm) = tokio::join!(
            ctx.elicit::<Name>("What is your name?"),
            ctx.elicit::<Confirm>("Go on?"),
        );
        let confirmed = confirm?.accepted().is_some_and(|c| c.confirm);
        Ok(format!("{}, confirmed={confirmed}", name_of(name?)))
    }

    /// Asks a name through the request's rounds, then goes on as a task.
    #[tool(task = "deferred")]
    async fn test_tool_with_task(&self, ctx: Context) -> gumstack::Result<String> {
        let name = name_of(
            ctx.key("user_name")
                .elicit::<Name>("What is your name?")
                .await?,
        );
        ctx.become_task()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(format!("Hello, {name}!"))
    }

    /// Logs at info: sent only to a client that asked for that level.
    #[tool]
    async fn test_logging_tool(&self, ctx: Context) -> &'static str {
        ctx.info("test_logging_tool ran").await;
        "logged"
    }

    /// Asks the user for a form whose fields all have defaults (SEP-1034).
    #[tool]
    async fn test_elicitation_sep1034_defaults(&self, ctx: Context) -> gumstack::Result<String> {
        let answer = ctx
            .elicit::<Defaults>("Please review and update the form fields with defaults")
            .await?;
        Ok(format!("Elicitation completed: {}", describe(&answer)))
    }

    /// Asks the user to choose, in every enum shape (SEP-1330).
    #[tool]
    async fn test_elicitation_sep1330_enums(&self, ctx: Context) -> gumstack::Result<String> {
        let answer = ctx
            .elicit::<Choices>("Please select options from the enum fields")
            .await?;
        Ok(format!("Elicitation completed: {}", describe(&answer)))
    }

    /// Tool with JSON Schema 2020-12 features.
    #[tool]
    fn json_schema_2020_12_tool(&self, name: Option<String>, address: Option<Address>) -> String {
        let city = address.and_then(|a| a.city.or(a.street));
        format!(
            "name={}, city={}",
            name.as_deref().unwrap_or("-"),
            city.as_deref().unwrap_or("-")
        )
    }

    /// Changes `test://watched-resource` and notifies its subscribers.
    #[tool]
    async fn touch_watched_resource(&self, ctx: Context) -> String {
        let version = self.watched_version.fetch_add(1, Ordering::Relaxed) + 1;
        let notified = ctx.notify_resource_updated("test://watched-resource").await;
        format!("watched resource is now version {version}; {notified} subscriber(s) notified")
    }

    // ---- resources ----

    /// A static text resource.
    #[resource(
        uri = "test://static-text",
        name = "static-text",
        mime_type = "text/plain"
    )]
    fn static_text(&self) -> &'static str {
        "This is the content of the static text resource."
    }

    /// A static binary resource (a 1x1 red PNG).
    #[resource(
        uri = "test://static-binary",
        name = "static-binary",
        mime_type = "image/png"
    )]
    fn static_binary(&self) -> gumstack::Result<Blob> {
        Blob::from_base64(RED_PIXEL_PNG)
    }

    /// Data for any id.
    #[resource(
        uri = "test://template/{id}/data",
        name = "template-data",
        mime_type = "application/json"
    )]
    fn template_data(&self, #[arg(complete = suggest_ids)] id: String) -> TemplateData {
        TemplateData {
            data: format!("Data for ID: {id}"),
            id,
            template_test: true,
        }
    }

    /// A resource clients can subscribe to.
    #[resource(
        uri = "test://watched-resource",
        name = "watched-resource",
        mime_type = "text/plain",
        subscribe
    )]
    fn watched_resource(&self) -> String {
        let version = self.watched_version.load(Ordering::Relaxed);
        format!("Watched resource content (version {version})")
    }

    // ---- prompts ----

    /// A simple prompt without arguments.
    #[prompt]
    fn test_simple_prompt(&self) -> &'static str {
        "This is a simple prompt for testing."
    }

    /// A prompt with two arguments.
    #[prompt]
    fn test_prompt_with_arguments(
        &self,
        #[arg(description = "First test argument", complete = suggest_arg1)] arg1: String,
        #[arg(description = "Second test argument")] arg2: String,
    ) -> String {
        format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
    }

    /// A prompt that embeds a resource.
    #[prompt]
    fn test_prompt_with_embedded_resource(
        &self,
        #[arg(name = "resourceUri", description = "URI of the resource to embed")]
        resource_uri: String,
    ) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new(
                Role::User,
                Content::resource(ResourceContents::text(
                    "Embedded resource content for testing.",
                    resource_uri,
                )),
            ),
            PromptMessage::new_text(Role::User, "Please process the embedded resource above."),
        ]
    }

    /// A prompt that asks the user for context first (SEP-2322).
    #[prompt]
    async fn test_input_required_result_prompt(&self, ctx: Context) -> gumstack::Result<String> {
        let answer = ctx
            .key("user_context")
            .elicit::<UserContext>("What are you working on?")
            .await?;
        let context = answer
            .accepted()
            .map_or_else(|| "nothing".to_owned(), |c| c.context);
        Ok(format!("Help me with what I am working on: {context}"))
    }

    /// A prompt with an image.
    #[prompt]
    fn test_prompt_with_image(&self) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new(Role::User, red_pixel()),
            PromptMessage::new_text(Role::User, "Please analyze the image above."),
        ]
    }

    // ---- completers ----

    /// Values of `arg1` that start with what was typed.
    fn suggest_arg1(&self, value: &str) -> Vec<&'static str> {
        ["paris", "park", "party", "test", "testing"]
            .into_iter()
            .filter(|v| v.starts_with(value))
            .collect()
    }

    /// Ids that start with what was typed.
    async fn suggest_ids(&self, value: String) -> Vec<String> {
        (1..=200)
            .map(|id| id.to_string())
            .filter(|id| id.starts_with(&value))
            .collect()
    }
}

#[tokio::main]
async fn main() -> gumstack::Result<()> {
    Everything::default().run().await
}
