//! Resources, templates, subscriptions, prompts, completion and `Context`
//! (logging, progress, elicitation in both modes, sampling, cancellation),
//! driven in-process by rmcp's client over an in-memory pipe.

// rmcp marks logging, sampling and `resources/subscribe` deprecated for its
// 2026-07-28 protocol; this client speaks 2025-11-25, where they are current.
#![allow(deprecated)]

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU32, Ordering},
    },
    time::Duration,
};

use gumstack::{
    context::Elicitation,
    prelude::*,
    prompts::{PromptMessage, Role},
    resources::Blob,
};
use rmcp::{
    ClientHandler, RoleClient, ServiceExt,
    model::{
        ArgumentInfo, CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig,
        ClientRequest, CompleteRequestParams, CreateMessageRequestParams, CreateMessageResult,
        ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationCapability,
        FormElicitationCapability, GetPromptRequestParams, Implementation,
        LoggingMessageNotificationParam, ProgressNotificationParam, ProtocolVersion,
        ReadResourceRequestParams, Reference, ResourceContents, ResourceUpdatedNotificationParam,
        SamplingCapability, SamplingMessage, SamplingMessageContentBlock, SetLevelRequestParams,
        SubscribeRequestParams, UnsubscribeRequestParams, UrlElicitationCapability,
    },
    service::{NotificationContext, PeerRequestOptions, RequestContext, RunningService},
};
use serde_json::{Value, json};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Contact {
    /// Your name
    name: String,
}

#[derive(serde::Serialize)]
struct Item {
    id: u32,
}

static WAIT_CANCELLED: AtomicBool = AtomicBool::new(false);

#[derive(Default)]
struct Surface {
    counter: AtomicU32,
}

#[gumstack::server(auth = none, name = "surface")]
impl Surface {
    /// Logs at three levels.
    #[tool]
    async fn chatty(&self, ctx: Context) -> &'static str {
        ctx.debug("debug line").await;
        ctx.info("info line").await;
        ctx.error("error line").await;
        "done"
    }

    /// Two steps of progress.
    #[tool]
    async fn steps(&self, ctx: Context) -> &'static str {
        ctx.progress(1.0, 2.0).await;
        ctx.progress_message(2.0, 2.0, "finished").await;
        "done"
    }

    /// Asks for a name.
    #[tool]
    async fn ask(&self, ctx: Context) -> gumstack::Result<String> {
        Ok(match ctx.elicit::<Contact>("Who are you?").await? {
            Elicitation::Accepted(contact) => format!("hello {}", contact.name),
            other => other.action().to_owned(),
        })
    }

    /// Sends the user to a page.
    #[tool]
    async fn visit(&self, ctx: Context) -> gumstack::Result<String> {
        let answer = ctx
            .elicit_url("Sign in", "https://example.com/login")
            .await?;
        Ok(answer.action().to_owned())
    }

    /// Asks the client's model.
    #[tool]
    async fn think(&self, ctx: Context) -> gumstack::Result<String> {
        ctx.sample_text("2+2?", 10).await
    }

    /// Waits until the client cancels it.
    #[tool]
    async fn wait(&self, ctx: Context) -> &'static str {
        ctx.cancelled().await;
        WAIT_CANCELLED.store(true, Ordering::SeqCst);
        "cancelled"
    }

    /// Bumps the counter and notifies its subscribers.
    #[tool]
    async fn bump(&self, ctx: Context) -> String {
        self.counter.fetch_add(1, Ordering::SeqCst);
        ctx.notify_resource_updated("mem://counter")
            .await
            .to_string()
    }

    /// The counter.
    #[resource(uri = "mem://counter", mime_type = "text/plain", subscribe)]
    fn counter(&self) -> String {
        self.counter.load(Ordering::SeqCst).to_string()
    }

    /// One item, as JSON.
    #[resource(uri = "mem://items/{id}")]
    async fn item(&self, #[arg(complete = suggest_ids)] id: u32) -> Item {
        Item { id }
    }

    /// Some bytes.
    #[resource(uri = "mem://blob", mime_type = "application/x-thing")]
    fn blob(&self) -> Blob {
        Blob::new(vec![0, 1, 2])
    }

    /// Fails.
    #[resource(uri = "mem://broken")]
    fn broken(&self) -> Result<String, std::io::Error> {
        Err(std::io::Error::other("disk on fire"))
    }

    /// Greets someone.
    #[prompt(title = "Greeting")]
    fn greet(
        &self,
        #[arg(description = "Who to greet", complete = suggest_names)] name: String,
        times: Option<u32>,
    ) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new_text(Role::User, format!("Greet {name} {}x", times.unwrap_or(1))),
            PromptMessage::new_text(Role::Assistant, "Hello!"),
        ]
    }

    fn suggest_names(&self, value: &str) -> Vec<&'static str> {
        ["ada", "alan", "grace"]
            .into_iter()
            .filter(|n| n.starts_with(value))
            .collect()
    }

    async fn suggest_ids(&self, _value: String) -> Vec<String> {
        (0..150).map(|i| i.to_string()).collect()
    }
}

/// A client that records notifications and answers the server's requests.
#[derive(Clone, Default)]
struct Recorder {
    logs: Arc<Mutex<Vec<LoggingMessageNotificationParam>>>,
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    updates: Arc<Mutex<Vec<String>>>,
    decline: bool,
}

impl ClientHandler for Recorder {
    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, rmcp::ErrorData> {
        if self.decline {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        }
        Ok(match request {
            ElicitRequestParams::FormElicitationParams {
                requested_schema, ..
            } => {
                let schema = serde_json::to_value(&requested_schema).unwrap();
                assert_eq!(schema["properties"]["name"]["description"], "Your name");
                ElicitResult::new(ElicitationAction::Accept).with_content(json!({"name": "Ada"}))
            }
            ElicitRequestParams::UrlElicitationParams { url, .. } => {
                assert_eq!(url, "https://example.com/login");
                ElicitResult::new(ElicitationAction::Accept)
            }
            _ => ElicitResult::new(ElicitationAction::Cancel),
        })
    }

    async fn create_message(
        &self,
        params: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, rmcp::ErrorData> {
        assert_eq!(params.max_tokens, 10);
        Ok(CreateMessageResult::new(
            SamplingMessage::new(Role::Assistant, SamplingMessageContentBlock::text("4")),
            "test-model".into(),
        ))
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.logs.lock().unwrap().push(params);
    }

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }

    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.updates.lock().unwrap().push(params.uri);
    }

    fn get_info(&self) -> ClientConfig {
        let mut capabilities = ClientCapabilities::default();
        capabilities.sampling = Some(SamplingCapability::default());
        let mut elicitation = ElicitationCapability::new();
        elicitation.form = Some(FormElicitationCapability::default());
        elicitation.url = Some(UrlElicitationCapability::new());
        capabilities.elicitation = Some(elicitation);
        // Server-to-client requests exist up to 2025-11-25.
        ClientConfig::new(capabilities, Implementation::new("recorder", "1.0"))
            .with_protocol_version(ProtocolVersion::V_2025_11_25)
    }
}

async fn connect(recorder: Recorder) -> RunningService<RoleClient, Recorder> {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let running = Surface::default()
            .serve(server_io)
            .await
            .expect("server handshake");
        let _ = running.waiting().await;
    });
    recorder.serve(client_io).await.expect("client handshake")
}

async fn call(client: &RunningService<RoleClient, Recorder>, name: &'static str) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(name))
        .await
        .expect("answered")
}

fn text(result: &CallToolResult) -> &str {
    result.content[0].as_text().expect("text").text.as_str()
}

/// Notifications travel beside responses: give them a moment to land.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

#[tokio::test]
async fn capabilities_follow_the_declarations() {
    let client = connect(Recorder::default()).await;
    let caps = &client.peer_info().unwrap().capabilities;
    assert!(caps.logging.is_some());
    assert_eq!(caps.resources.as_ref().unwrap().subscribe, Some(true));
    assert!(caps.prompts.is_some());
    assert!(caps.completions.is_some());
}

#[tokio::test]
async fn resources_and_templates_are_listed_and_read() {
    let client = connect(Recorder::default()).await;
    let resources = client.list_all_resources().await.unwrap();
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(uris, ["mem://counter", "mem://blob", "mem://broken"]);
    assert_eq!(resources[0].description.as_deref(), Some("The counter."));
    let templates = client.list_all_resource_templates().await.unwrap();
    assert_eq!(templates.len(), 1);
    assert_eq!(templates[0].uri_template, "mem://items/{id}");

    let read = |uri: &'static str| client.read_resource(ReadResourceRequestParams::new(uri));
    let value = |contents: &ResourceContents| serde_json::to_value(contents).unwrap();
    let item = read("mem://items/42").await.unwrap();
    assert_eq!(
        value(&item.contents[0]),
        json!({"uri": "mem://items/42", "mimeType": "application/json", "text": "{\"id\":42}"})
    );
    let blob = read("mem://blob").await.unwrap();
    assert_eq!(
        value(&blob.contents[0]),
        json!({"uri": "mem://blob", "mimeType": "application/x-thing", "blob": "AAEC"})
    );

    let not_a_number = read("mem://items/forty-two").await.unwrap_err().to_string();
    assert!(not_a_number.contains("`id` is invalid"), "{not_a_number}");
    let missing = read("mem://nothing").await.unwrap_err().to_string();
    assert!(missing.contains("no resource `mem://nothing`"), "{missing}");
    let broken = read("mem://broken").await.unwrap_err().to_string();
    assert!(broken.contains("disk on fire"), "{broken}");
}

#[tokio::test]
async fn subscribers_hear_about_updates_until_they_unsubscribe() {
    let recorder = Recorder::default();
    let client = connect(recorder.clone()).await;
    let refused = client
        .subscribe(SubscribeRequestParams::new("mem://blob"))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("does not offer subscriptions"),
        "{refused}"
    );

    client
        .subscribe(SubscribeRequestParams::new("mem://counter"))
        .await
        .unwrap();
    assert_eq!(text(&call(&client, "bump").await), "1");
    settle().await;
    assert_eq!(*recorder.updates.lock().unwrap(), ["mem://counter"]);
    let counter = client
        .read_resource(ReadResourceRequestParams::new("mem://counter"))
        .await
        .unwrap();
    assert_eq!(
        serde_json::to_value(&counter.contents[0]).unwrap()["text"],
        "1"
    );

    client
        .unsubscribe(UnsubscribeRequestParams::new("mem://counter"))
        .await
        .unwrap();
    assert_eq!(text(&call(&client, "bump").await), "0");
}

#[tokio::test]
async fn prompts_parse_their_arguments() {
    let client = connect(Recorder::default()).await;
    let prompts = client.list_all_prompts().await.unwrap();
    let greet = &prompts[0];
    assert_eq!(greet.title.as_deref(), Some("Greeting"));
    let args: Vec<(&str, Option<bool>)> = greet
        .arguments
        .as_ref()
        .unwrap()
        .iter()
        .map(|a| (a.name.as_str(), a.required))
        .collect();
    assert_eq!(args, [("name", Some(true)), ("times", Some(false))]);

    let get = |args: Value| {
        client.get_prompt(
            GetPromptRequestParams::new("greet").with_arguments(args.as_object().unwrap().clone()),
        )
    };
    let result = get(json!({"name": "Ada", "times": "3"})).await.unwrap();
    assert_eq!(
        serde_json::to_value(&result.messages).unwrap(),
        json!([
            {"role": "user", "content": {"type": "text", "text": "Greet Ada 3x"}},
            {"role": "assistant", "content": {"type": "text", "text": "Hello!"}}
        ])
    );
    let error = get(json!({"times": "x"})).await.unwrap_err().to_string();
    assert!(
        error.contains("missing required argument `name`") && error.contains("argument `times`"),
        "{error}"
    );
    let unknown = client
        .get_prompt(GetPromptRequestParams::new("nope"))
        .await
        .unwrap_err()
        .to_string();
    assert!(unknown.contains("unknown prompt `nope`"), "{unknown}");
}

#[tokio::test]
async fn completers_answer_for_their_argument() {
    let client = connect(Recorder::default()).await;
    let complete = |reference: Reference, name: &str, value: &str| {
        client.complete(CompleteRequestParams::new(
            reference,
            ArgumentInfo::new(name, value),
        ))
    };
    let names = complete(Reference::for_prompt("greet"), "name", "a")
        .await
        .unwrap();
    assert_eq!(names.completion.values, ["ada", "alan"]);
    let ids = complete(Reference::for_resource("mem://items/{id}"), "id", "")
        .await
        .unwrap();
    assert_eq!(ids.completion.values.len(), 100);
    assert_eq!(
        (ids.completion.total, ids.completion.has_more),
        (Some(150), Some(true))
    );
    let none = complete(Reference::for_prompt("greet"), "times", "")
        .await
        .unwrap();
    assert!(none.completion.values.is_empty());
    assert!(
        complete(Reference::for_prompt("nope"), "x", "")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn logging_follows_the_level_the_client_sets() {
    let recorder = Recorder::default();
    let client = connect(recorder.clone()).await;
    call(&client, "chatty").await;
    settle().await;
    let levels = |r: &Recorder| -> Vec<String> {
        r.logs
            .lock()
            .unwrap()
            .drain(..)
            .map(|l| l.data.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(levels(&recorder), ["info line", "error line"]);

    #[allow(deprecated)]
    client
        .set_level(SetLevelRequestParams::new(rmcp::model::LoggingLevel::Debug))
        .await
        .unwrap();
    call(&client, "chatty").await;
    settle().await;
    assert_eq!(levels(&recorder), ["debug line", "info line", "error line"]);
}

#[tokio::test]
async fn progress_reaches_the_client_that_asked() {
    let recorder = Recorder::default();
    let client = connect(recorder.clone()).await;
    // rmcp's client puts a progress token on every request.
    call(&client, "steps").await;
    settle().await;
    let progress: Vec<(f64, Option<f64>, Option<String>)> = recorder
        .progress
        .lock()
        .unwrap()
        .iter()
        .map(|p| (p.progress, p.total, p.message.clone()))
        .collect();
    assert_eq!(
        progress,
        [
            (1.0, Some(2.0), None),
            (2.0, Some(2.0), Some("finished".into()))
        ]
    );
}

#[tokio::test]
async fn elicitation_sampling_and_cancellation_round_trip() {
    let client = connect(Recorder::default()).await;
    assert_eq!(text(&call(&client, "ask").await), "hello Ada");
    assert_eq!(text(&call(&client, "visit").await), "accept");
    assert_eq!(text(&call(&client, "think").await), "4");

    let declining = connect(Recorder {
        decline: true,
        ..Recorder::default()
    })
    .await;
    assert_eq!(text(&call(&declining, "ask").await), "decline");

    let request = ClientRequest::CallToolRequest(rmcp::model::CallToolRequest::new(
        CallToolRequestParams::new("wait"),
    ));
    let handle = client
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .unwrap();
    settle().await;
    assert!(!WAIT_CANCELLED.load(Ordering::SeqCst));
    handle.cancel(Some("enough".into())).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), async {
        while !WAIT_CANCELLED.load(Ordering::SeqCst) {
            settle().await;
        }
    })
    .await
    .expect("the tool saw the cancellation");
}

#[tokio::test]
async fn a_client_without_the_capability_gets_a_clear_error() {
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let running = Surface::default().serve(server_io).await.unwrap();
        let _ = running.waiting().await;
    });
    let client = ().serve(client_io).await.unwrap();
    let result = client
        .call_tool(CallToolRequestParams::new("think"))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let message = result.content[0].as_text().unwrap().text.clone();
    assert!(message.contains("does not support sampling"), "{message}");
}

#[tokio::test]
async fn a_detached_context_does_nothing_and_fails_politely() {
    let ctx = Context::detached();
    ctx.info("nobody listens").await;
    ctx.progress(1.0, None).await;
    assert!(!ctx.is_cancelled());
    assert_eq!(ctx.notify_resource_updated("mem://counter").await, 0);
    let error = ctx.sample_text("hi", 5).await.unwrap_err().to_string();
    assert!(error.contains("outside one"), "{error}");
}
