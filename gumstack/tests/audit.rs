//! The audit log of an in-process server (rmcp's client over an in-memory
//! pipe), with the writer `serve` installs for `cred` and `oauth` servers, on a
//! real SQLite file: tool calls (ok, tool error, panic, unknown), prompts and
//! resource reads (ok, error), each with its outcome; `Secret` arguments
//! redacted. (Its own test binary: the writer is once per process.)

use std::sync::Arc;

use gumstack::{
    prelude::*,
    store::{AuditQuery, Store},
};
use rmcp::{
    ServiceExt,
    model::{CallToolRequestParams, GetPromptRequestParams, JsonObject, ReadResourceRequestParams},
};
use serde_json::json;

struct Audited;

#[gumstack::server(auth = none, name = "audited")]
impl Audited {
    /// Logs in somewhere with a password.
    #[tool]
    fn sign_in(&self, user: String, password: Secret, otp: Option<Secret>) -> String {
        format!("{user}: {} {}", password.expose().len(), otp.is_some())
    }

    /// Fails.
    #[tool]
    fn fails(&self) -> gumstack::Result<String> {
        Err(gumstack::Error::msg("no"))
    }

    /// Panics.
    #[tool]
    fn boom(&self) -> String {
        panic!("kaboom")
    }

    /// A resource.
    #[resource(uri = "mem://note", mime_type = "text/plain")]
    fn note(&self) -> &'static str {
        "a note"
    }

    /// A prompt.
    #[prompt]
    fn greet(&self, name: String) -> String {
        format!("Hello {name}")
    }
}

fn arguments(value: serde_json::Value) -> JsonObject {
    value.as_object().unwrap().clone()
}

#[tokio::test]
async fn tools_prompts_and_resources_are_recorded_with_their_outcomes() {
    let dir = std::env::temp_dir().join(format!("gumstack-audit-test-{}", std::process::id()));
    let store: Arc<dyn Store> = Arc::new(gumstack::store::open(&dir).await.unwrap());
    gumstack::__private::audit_install(store.clone(), std::time::Duration::from_secs(3600));

    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    tokio::spawn(async move {
        let running = Audited.serve(server_io).await.expect("server handshake");
        let _ = running.waiting().await;
    });
    let client = ().serve(client_io).await.expect("client handshake");
    let call = |name: &'static str, args: serde_json::Value| {
        client.call_tool(CallToolRequestParams::new(name).with_arguments(arguments(args)))
    };
    let signed = call(
        "sign_in",
        json!({"user": "ada", "password": "hunter2-secret", "otp": "918273"}),
    )
    .await
    .unwrap();
    assert_eq!(signed.is_error, Some(false), "{signed:?}");
    assert_eq!(call("fails", json!({})).await.unwrap().is_error, Some(true));
    assert_eq!(call("boom", json!({})).await.unwrap().is_error, Some(true));
    assert!(call("nope", json!({"x": 1})).await.is_err());
    client
        .get_prompt(
            GetPromptRequestParams::new("greet").with_arguments(arguments(json!({"name": "Ada"}))),
        )
        .await
        .unwrap();
    assert!(
        client
            .get_prompt(GetPromptRequestParams::new("absent"))
            .await
            .is_err()
    );
    client
        .read_resource(ReadResourceRequestParams::new("mem://note"))
        .await
        .unwrap();
    assert!(
        client
            .read_resource(ReadResourceRequestParams::new("mem://missing"))
            .await
            .is_err()
    );
    gumstack::__private::audit_flush().await;

    let mut records = store
        .audit(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    records.reverse();
    let seen: Vec<(&str, &str, &str)> = records
        .iter()
        .map(|r| (r.kind.as_str(), r.name.as_str(), r.outcome.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("tool", "sign_in", "ok"),
            ("tool", "fails", "tool_error"),
            ("tool", "boom", "panic"),
            ("tool", "nope", "unknown"),
            ("prompt", "greet", "ok"),
            ("prompt", "absent", "error"),
            ("resource", "mem://note", "ok"),
            ("resource", "mem://missing", "error"),
        ]
    );
    assert_eq!(
        records[0].arguments,
        r#"{"otp":"[redacted]","password":"[redacted]","user":"ada"}"#
    );
    assert_eq!(
        records[3].arguments, r#"{"x":1}"#,
        "an unknown tool's, as sent"
    );
    assert_eq!(records[4].arguments, r#"{"name":"Ada"}"#);
    for r in &records {
        assert_eq!(
            (r.grant_id.as_deref(), r.client_id.as_deref()),
            (None, None)
        );
        assert!(!r.arguments.contains("hunter2") && !r.arguments.contains("918273"));
    }
    let _ = std::fs::remove_dir_all(dir);
}
