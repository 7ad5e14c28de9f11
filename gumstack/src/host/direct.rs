//! One request, one reply: a `tools/call` that can only be answered by one
//! JSON-RPC message is served here, in the HTTP handler's own task, without
//! rmcp's per-request service.
//!
//! rmcp 3.11 serves every stateless request (2026-07-28, or a 2025-11-25 server
//! in stateless mode) by building a one-shot transport, a peer, a service loop
//! task and a task per handler, joined by channels, then answering as an event
//! stream. A call whose reply is known to be a single message needs none of
//! it: the request is read into rmcp's own types, rmcp's own dispatch
//! (`Service::handle_request`: version checks, required `_meta`, the
//! 2026-07-28 result shape) runs the handler, and the message goes back as one
//! `application/json` body.
//!
//! Only a request that rmcp would route the same way and accept as it is comes
//! here ([`eligible_headers`], [`Direct::take`]); anything else (an `Origin`,
//! a session, a header rmcp would refuse or must check against the tool's
//! schema, a progress token or log level that could add notifications, a task
//! tool) goes to rmcp unchanged, so every answer rmcp gives that is not a plain
//! reply is still rmcp's.

use std::{collections::HashSet, sync::Arc};

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderName, Method, StatusCode, header, request::Parts},
    response::Response,
};
use rmcp::{
    RoleServer, Service,
    model::{
        CallToolRequest, ClientRequest, ErrorCode, GetExtensions, GetMeta, JsonRpcRequest,
        ProtocolVersion, RequestMetaObject, ServerJsonRpcMessage,
    },
    service::{Peer, RequestContext},
};
use tokio_util::sync::CancellationToken;

use crate::{Server, context::tasks::TaskSupport};

const JSON: &str = "application/json";
const EVENT_STREAM: &str = "text/event-stream";
// Built once: a header looked up by `&str` is parsed into a name each time,
// and these are read on every call.
const PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
const SESSION: HeaderName = HeaderName::from_static("mcp-session-id");
const MCP_PARAM_PREFIX: &str = "mcp-param-";
/// The key of `_meta` that asks for log messages (2026-07-28).
const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";
/// How rmcp marks a `Mcp-Name` value sent as Base64.
const BASE64_HEADER_PREFIX: &str = "=?base64?";

/// Which revision a direct request is served under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Revision {
    /// 2026-07-28: the request carries its own protocol context.
    Modern,
    /// A request of a server run `--stateless`, with no per-request version.
    LegacyStateless,
}

/// The direct path of one server.
pub(crate) struct Direct<S> {
    server: Arc<S>,
    /// Given to every direct request's context. Its service loop has ended, so
    /// anything sent on it fails at once: a direct request sends nothing (no
    /// progress token, no log level; 2026-07-28 asks are results).
    peer: Peer<RoleServer>,
    /// The host's shutdown: a request's token is a child of it.
    shutdown: CancellationToken,
    /// Tools a direct call may name: no `Mcp-Param-*` headers to check, never a
    /// task.
    tools: HashSet<&'static str>,
    /// The server runs `--stateless`: 2025-11-25 calls come without a session.
    legacy_stateless: bool,
}

/// A handler for the idle peer's service loop, which ends as it starts.
struct Idle;

impl rmcp::ServerHandler for Idle {}

impl<S: Server + rmcp::ServerHandler> Direct<S> {
    pub fn new(server: Arc<S>, shutdown: CancellationToken, legacy_stateless: bool) -> Self {
        let transport = (
            futures::sink::drain::<rmcp::service::TxJsonRpcMessage<RoleServer>>(),
            futures::stream::empty::<rmcp::service::RxJsonRpcMessage<RoleServer>>(),
        );
        let peer = rmcp::service::serve_directly(Idle, transport, None)
            .peer()
            .clone();
        let tools = S::tools()
            .iter()
            .filter(|tool| S::__task_support(&tool.name) == TaskSupport::Never)
            .filter(|tool| !has_header_params(&tool.input_schema))
            .map(|tool| match &tool.name {
                std::borrow::Cow::Borrowed(name) => *name,
                std::borrow::Cow::Owned(name) => name.as_str(),
            })
            .collect();
        Self {
            server,
            peer,
            shutdown,
            tools,
            legacy_stateless,
        }
    }

    /// Serve the request here when it is one this path answers exactly as rmcp
    /// would; otherwise give its head back, untouched, for rmcp.
    pub async fn serve(&self, parts: Parts, body: &Bytes) -> Result<Response, Parts> {
        let Some((revision, request)) = self.take(&parts, body) else {
            return Err(parts);
        };
        let JsonRpcRequest {
            id, mut request, ..
        } = request;
        let ct = self.shutdown.child_token();
        // The handler's token is cancelled when the reply is made or the client
        // goes away (this future dropped), as rmcp cancels it.
        let _done = ct.clone().drop_guard();
        let mut context = RequestContext::new(id.clone(), self.peer.clone());
        context.ct = ct;
        context.meta = std::mem::take(request.get_meta_mut());
        context.extensions = std::mem::take(request.extensions_mut());
        context.extensions.insert(parts);
        let message = match self.server.handle_request(request, context).await {
            Ok(result) => ServerJsonRpcMessage::response(result, id),
            Err(error) => ServerJsonRpcMessage::error(error, Some(id)),
        };
        Ok(reply(&message, revision))
    }

    /// The request, when this path serves it.
    fn take(
        &self,
        parts: &Parts,
        body: &Bytes,
    ) -> Option<(Revision, JsonRpcRequest<ClientRequest>)> {
        let revision = eligible_headers(parts, self.legacy_stateless)?;
        // Straight into the call's type (the headers said `tools/call`): rmcp's
        // message enum is untagged, and trying each of its shapes buffers the
        // whole body and builds an error for each shape that does not fit. A
        // body that is not a call goes to rmcp, which says what is wrong.
        let call: JsonRpcRequest<CallToolRequest> = serde_json::from_slice(body).ok()?;
        let name: &str = &call.request.params.name;
        let named = header(&parts.headers, &MCP_NAME);
        let names_it = self.tools.contains(name)
            && !name.starts_with(BASE64_HEADER_PREFIX)
            && match revision {
                Revision::Modern => named == Some(name),
                Revision::LegacyStateless => named.is_none_or(|value| value == name),
            };
        if !names_it {
            return None;
        }
        let request = JsonRpcRequest::new(call.id, ClientRequest::CallToolRequest(call.request));
        // Where rmcp reads `_meta` from: the request's, not the typed params'.
        let meta = request.request.get_meta();
        let versioned = meta.protocol_version();
        let served = quiet(meta)
            && match revision {
                Revision::Modern => {
                    versioned == Some(ProtocolVersion::V_2026_07_28)
                        && meta
                            .missing_required_keys(&ProtocolVersion::V_2026_07_28)
                            .is_empty()
                }
                Revision::LegacyStateless => versioned.is_none(),
            };
        served.then_some((revision, request))
    }
}

/// Whether a request's `_meta` asks for nothing that would be sent before the
/// reply: no progress token, no log level.
fn quiet(meta: &RequestMetaObject) -> bool {
    !meta.contains_key("progressToken") && !meta.contains_key(META_LOG_LEVEL)
}

/// Whether a tool's input schema marks a property as sent in a header
/// (`x-mcp-header`): rmcp checks those headers against the arguments.
fn has_header_params(schema: &rmcp::model::JsonObject) -> bool {
    serde_json::to_string(schema).is_ok_and(|text| text.contains("\"x-mcp-header\""))
}

/// The single value of header `name`, when there is exactly one and it is text.
fn header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    optional_header(headers, name).flatten()
}

/// Header `name`: `Some(None)` when absent, `Some(Some(value))` when sent once
/// as text, `None` (rmcp must judge it) when repeated or not text.
fn optional_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<Option<&'a str>> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Some(None);
    };
    match values.next() {
        Some(_) => None,
        None => first.to_str().ok().map(Some),
    }
}

/// The revision a request's headers route it to on the direct path, or `None`
/// when rmcp must see it: not a `POST` of JSON accepting both JSON and event
/// streams, an `Origin` to check, a session, duplicated or unexpected MCP
/// headers.
fn eligible_headers(parts: &Parts, legacy_stateless: bool) -> Option<Revision> {
    let headers = &parts.headers;
    if parts.method != Method::POST
        || headers.contains_key(header::ORIGIN)
        || headers.contains_key(SESSION)
        || !says_json(headers)
        || !accepts_json_and_events(headers)
        || headers
            .keys()
            .any(|name| name.as_str().starts_with(MCP_PARAM_PREFIX))
    {
        return None;
    }
    let version = optional_header(headers, &PROTOCOL_VERSION)?;
    let method = optional_header(headers, &MCP_METHOD)?;
    match version {
        Some("2026-07-28") if method == Some("tools/call") => Some(Revision::Modern),
        Some("2025-11-25" | "2025-06-18" | "2025-03-26")
            if legacy_stateless && method.is_none_or(|m| m == "tools/call") =>
        {
            Some(Revision::LegacyStateless)
        }
        _ => None,
    }
}

/// Whether a request says its body is JSON (`Content-Type`, any parameters).
pub(super) fn says_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(JSON))
}

/// `Accept` lists both media types rmcp requires, plainly: any weight, any
/// wildcard or a second `Accept` header goes to rmcp, which reads them all.
fn accepts_json_and_events(headers: &HeaderMap) -> bool {
    let Some(accept) = header(headers, &header::ACCEPT) else {
        return false;
    };
    if accept.contains(['q', '*', '"']) {
        return false;
    }
    let (mut json, mut events) = (false, false);
    for range in accept.split(',') {
        let essence = range.split(';').next().unwrap_or_default().trim();
        json |= essence.eq_ignore_ascii_case(JSON);
        events |= essence.eq_ignore_ascii_case(EVENT_STREAM);
    }
    json && events
}

/// The reply: one JSON body, with the status rmcp gives the same message.
fn reply(message: &ServerJsonRpcMessage, revision: Revision) -> Response {
    let status = match revision {
        Revision::Modern => status(message),
        // rmcp keeps HTTP 200 for every JSON-RPC error of a legacy request.
        Revision::LegacyStateless => StatusCode::OK,
    };
    match serde_json::to_vec(message) {
        Ok(body) => Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, JSON)
            .body(Body::from(body))
            .expect("a valid response"),
        Err(e) => {
            tracing::error!("a reply could not be written as JSON: {e}");
            Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::empty())
                .expect("a valid response")
        }
    }
}

/// The HTTP status of a 2026-07-28 reply, as rmcp maps it (`jsonrpc_http_status`
/// in its streamable HTTP server). The request's `_meta` was complete, so an
/// invalid-params error is a JSON-RPC answer (200).
fn status(message: &ServerJsonRpcMessage) -> StatusCode {
    let ServerJsonRpcMessage::Error(error) = message else {
        return StatusCode::OK;
    };
    match error.error.code {
        ErrorCode::UNSUPPORTED_PROTOCOL_VERSION
        | ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY
        | ErrorCode::HEADER_MISMATCH => StatusCode::BAD_REQUEST,
        ErrorCode::METHOD_NOT_FOUND => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: Method, headers: &[(&str, &str)]) -> Parts {
        let mut request = axum::http::Request::builder().method(method).uri("/mcp");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.body(()).expect("a request").into_parts().0
    }

    #[test]
    fn only_plain_calls_are_routed_here() {
        let base = [
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", "tools/call"),
        ];
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut headers = base.to_vec();
            headers.extend_from_slice(extra);
            headers
        };
        let without = |name: &str| {
            base.iter()
                .copied()
                .filter(|(n, _)| *n != name)
                .collect::<Vec<_>>()
        };
        let modern = Some(Revision::Modern);
        // (method, headers, server run --stateless, route, why)
        type Case<'a> = (
            Method,
            Vec<(&'a str, &'a str)>,
            bool,
            Option<Revision>,
            &'a str,
        );
        let cases: Vec<Case> = vec![
            (
                Method::POST,
                base.to_vec(),
                false,
                modern,
                "a plain 2026-07-28 call",
            ),
            (Method::GET, base.to_vec(), false, None, "not a POST"),
            (
                Method::POST,
                with(&[("origin", "http://x")]),
                false,
                None,
                "an Origin to check",
            ),
            (
                Method::POST,
                with(&[("mcp-session-id", "s")]),
                false,
                None,
                "a session",
            ),
            (
                Method::POST,
                with(&[("mcp-param-region", "x")]),
                false,
                None,
                "a header parameter",
            ),
            (
                Method::POST,
                with(&[("mcp-method", "tools/call")]),
                false,
                None,
                "Mcp-Method twice",
            ),
            (
                Method::POST,
                without("content-type"),
                false,
                None,
                "no JSON body",
            ),
            (
                Method::POST,
                without("mcp-method"),
                false,
                None,
                "2026-07-28 without Mcp-Method",
            ),
            (Method::POST, without("accept"), false, None, "no Accept"),
            (
                Method::POST,
                vec![
                    ("content-type", "application/json"),
                    ("accept", "application/json;q=0, text/event-stream"),
                    ("mcp-protocol-version", "2026-07-28"),
                    ("mcp-method", "tools/call"),
                ],
                false,
                None,
                "a weight rmcp must read",
            ),
            (
                Method::POST,
                vec![
                    ("content-type", "application/json"),
                    ("accept", "application/json, text/event-stream"),
                    ("mcp-protocol-version", "2025-11-25"),
                ],
                true,
                Some(Revision::LegacyStateless),
                "2025-11-25 on a stateless server",
            ),
            (
                Method::POST,
                vec![
                    ("content-type", "application/json"),
                    ("accept", "application/json, text/event-stream"),
                    ("mcp-protocol-version", "2025-11-25"),
                ],
                false,
                None,
                "2025-11-25 without a session on a stateful server",
            ),
            (
                Method::POST,
                vec![
                    ("content-type", "application/json"),
                    ("accept", "application/json, text/event-stream"),
                    ("mcp-protocol-version", "2024-11-05"),
                ],
                true,
                None,
                "an older version",
            ),
            (
                Method::POST,
                vec![
                    ("content-type", "application/json"),
                    ("accept", "application/json, text/event-stream"),
                    ("mcp-protocol-version", "2026-07-28"),
                    ("mcp-method", "tools/list"),
                ],
                false,
                None,
                "another method",
            ),
        ];
        for (method, headers, stateless, route, why) in cases {
            assert_eq!(
                eligible_headers(&parts(method, &headers), stateless),
                route,
                "{why}"
            );
        }
    }

    #[test]
    fn statuses_are_rmcps() {
        let error = |code| {
            ServerJsonRpcMessage::error(
                rmcp::ErrorData::new(code, "e", None),
                Some(rmcp::model::RequestId::Number(1)),
            )
        };
        let cases = [
            (
                ErrorCode::MISSING_REQUIRED_CLIENT_CAPABILITY,
                StatusCode::BAD_REQUEST,
            ),
            (
                ErrorCode::UNSUPPORTED_PROTOCOL_VERSION,
                StatusCode::BAD_REQUEST,
            ),
            (ErrorCode::HEADER_MISMATCH, StatusCode::BAD_REQUEST),
            (ErrorCode::METHOD_NOT_FOUND, StatusCode::NOT_FOUND),
            (ErrorCode::INVALID_PARAMS, StatusCode::OK),
            (ErrorCode::INTERNAL_ERROR, StatusCode::OK),
        ];
        for (code, expected) in cases {
            assert_eq!(status(&error(code)), expected, "{code:?}");
        }
    }
}
