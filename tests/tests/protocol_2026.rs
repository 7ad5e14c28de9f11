//! MCP 2026-07-28 next to 2025-11-25, from the same server code: rmcp's own
//! client in both lifecycles (`server/discover` and `initialize`), and the
//! `requestState` of a multi-round call attacked over raw HTTP: another
//! user's, replayed, altered, for other arguments.

use gumstack_tests::{
    CredServer, HttpServer, args, call_2026 as raw_call, first_text,
    oauth::{OAuthClient, connect_with_token},
};
use rmcp::{
    ClientHandler, ErrorData, RoleClient,
    model::{
        CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult,
        ElicitationAction, ProtocolVersion,
    },
    service::{ClientLifecycleMode, ClientServiceExt, RequestContext, RunningService},
    transport::{
        StreamableHttpClientTransport, streamable_http_client::StreamableHttpClientTransportConfig,
    },
};
use serde_json::{Value, json};

/// A client whose user answers every form: `name` and `color`, `delete`.
#[derive(Clone, Default)]
struct Answers;

impl ClientHandler for Answers {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            rmcp::model::Implementation::new("answers", "1"),
        )
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ElicitRequestParams::FormElicitationParams { message, .. } = request else {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        };
        let content = if message.contains("colour") {
            json!({"color": "teal"})
        } else {
            json!({"name": "Ada", "delete": true})
        };
        Ok(ElicitResult::new(ElicitationAction::Accept).with_content(content))
    }
}

fn transport(url: &str, token: Option<&str>) -> StreamableHttpClientTransport<reqwest::Client> {
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_owned());
    if let Some(token) = token {
        config = config.auth_header(token.to_owned());
    }
    StreamableHttpClientTransport::from_config(config)
}

/// rmcp's client in `lifecycle`, answering with [`Answers`].
async fn client(
    url: &str,
    token: Option<&str>,
    lifecycle: ClientLifecycleMode,
) -> RunningService<RoleClient, Answers> {
    Answers
        .serve_with_lifecycle(transport(url, token), lifecycle)
        .await
        .expect("connect")
}

fn discover() -> ClientLifecycleMode {
    ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    }
}

fn call(name: &'static str, arguments: Value) -> CallToolRequestParams {
    CallToolRequestParams::new(name).with_arguments(args(arguments))
}

/// The same tool, asking two questions one after the other: a session asks
/// the client on the session; a 2026-07-28 client gets `InputRequiredResult`
/// twice, answers, retries with the state, and the tool reruns.
#[tokio::test]
async fn one_tool_asks_in_both_revisions() {
    let server = HttpServer::start("everything", &[], &[]).await;
    let multi_round = || call("test_input_required_result_multi_round", json!({}));

    let legacy = client(&server.url, None, ClientLifecycleMode::Initialize).await;
    let old = legacy
        .call_tool(multi_round())
        .await
        .expect("2025-11-25 call");
    assert_eq!(first_text(&old), "Ada likes teal");

    let modern = client(&server.url, None, discover()).await;
    assert_eq!(
        modern.peer_info().map(|i| i.protocol_version.clone()),
        Some(ProtocolVersion::V_2026_07_28)
    );
    let new = modern
        .call_tool(multi_round())
        .await
        .expect("2026-07-28 call");
    assert_eq!(first_text(&new), "Ada likes teal");
    // rmcp's `call_tool_once` shows the round: the questions, never a request
    // to the client on the response stream.
    let once = modern
        .peer()
        .call_tool_once(multi_round())
        .await
        .expect("round 1");
    let rmcp::model::CallToolResponse::InputRequired(asked) = once else {
        panic!("expected input_required, got {once:?}");
    };
    assert_eq!(
        asked.input_requests.unwrap().keys().collect::<Vec<_>>(),
        ["step1"]
    );
    assert!(asked.request_state.is_some());
}

/// A user's 2026-07-28 client and their 2025-11-25 client act on the same
/// credentials; the bearer token on each stateless request decides whose.
#[tokio::test]
async fn both_revisions_of_one_user_see_the_same_grant() {
    let server = CredServer::start().await;
    let alice = OAuthClient::register(server.url()).await;
    let (token, _) = alice.tokens(&[("api_key", "sk-alice")]).await;
    let generate = || call("generate", json!({"prompt": "p"}));

    let legacy = connect_with_token(server.url(), &token).await;
    let old = legacy.call_tool(generate()).await.expect("2025-11-25");
    let modern = client(server.url(), Some(&token), discover()).await;
    let new = modern.call_tool(generate()).await.expect("2026-07-28");
    assert!(first_text(&old).starts_with("auth=Bearer sk-alice "));
    assert_eq!(first_text(&old), first_text(&new));

    let deleted = modern
        .call_tool(call("delete_file", json!({"file_id": "file-1"})))
        .await
        .expect("delete_file");
    assert_eq!(first_text(&deleted), "file-1 deleted");
}

fn refused(response: &Value) -> bool {
    response["error"]["code"] == -32602
        && response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("requestState is not valid"))
}

#[tokio::test]
async fn a_request_state_opens_once_for_its_user_and_request_only() {
    let server = CredServer::start().await;
    let (alice, _) = OAuthClient::register(server.url())
        .await
        .tokens(&[("api_key", "sk-alice")])
        .await;
    let (bob, _) = OAuthClient::register(server.url())
        .await
        .tokens(&[("api_key", "sk-bob")])
        .await;
    let delete = json!({"name": "delete_file", "arguments": {"file_id": "file-1"}});
    let first = raw_call(server.url(), &alice, delete.clone()).await;
    assert_eq!(first["result"]["resultType"], "input_required", "{first:#}");
    let state = first["result"]["requestState"].as_str().unwrap().to_owned();
    let key = first["result"]["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let answer = json!({ key: {"action": "accept", "content": {"delete": true}} });
    let retry = |arguments: Value, state: &str| {
        json!({
            "name": "delete_file",
            "arguments": arguments,
            "inputResponses": answer,
            "requestState": state,
        })
    };
    let own = json!({"file_id": "file-1"});

    // Bob, another file, an altered state: refused, and the state unspent.
    assert!(refused(
        &raw_call(server.url(), &bob, retry(own.clone(), &state)).await
    ));
    let other_file = retry(json!({"file_id": "file-2"}), &state);
    assert!(refused(&raw_call(server.url(), &alice, other_file).await));
    let altered = retry(own.clone(), &format!("{state}x"));
    assert!(refused(&raw_call(server.url(), &alice, altered).await));

    // Alice's own retry completes, once.
    let done = raw_call(server.url(), &alice, retry(own.clone(), &state)).await;
    assert_eq!(
        done["result"]["content"][0]["text"], "file-1 deleted",
        "{done:#}"
    );
    let replay = raw_call(server.url(), &alice, retry(own, &state)).await;
    assert!(refused(&replay), "{replay:#}");

    // Answers without a state are not taken: the question comes again.
    let unasked = json!({
        "name": "delete_file",
        "arguments": {"file_id": "file-3"},
        "inputResponses": answer,
    });
    let again = raw_call(server.url(), &alice, unasked).await;
    assert_eq!(again["result"]["resultType"], "input_required", "{again:#}");
}
