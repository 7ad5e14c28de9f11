//! Streamable HTTP at `/mcp`, behind the authorization server in `cred` and
//! `oauth` modes, with every input bounded: bodies (size and time), headers and
//! idle connections (the listener), the `Host` of every route.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use http_body_util::BodyExt;
use rmcp::transport::streamable_http_server::{
    StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::{
    cli::HttpSettings,
    creds,
    direct::{self, Direct},
    health, listener, permissions,
    shutdown::{self, InFlight},
    step_up::{self, StepUp},
};
use crate::{
    Error, Result, Server,
    auth_server::{Lifetimes, Settings},
    mode::HostMode,
};

/// How long a client may take to send a whole request body.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// After the calls in flight are done (or their grace is spent) and the
/// streams are closed, how long connections get to close.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

pub(crate) async fn serve<S>(
    server: Arc<S>,
    addr: SocketAddr,
    settings: HttpSettings,
    state: Arc<<S::Auth as HostMode>::State>,
) -> Result<()>
where
    S: Server + rmcp::ServerHandler,
{
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::config(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr()?;
    let issuer = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));
    if settings.test_mode {
        if !is_loopback_url(&issuer) {
            return Err(Error::config(format!(
                "GUMSTACK_TEST_MODE lets client metadata documents come from any address, so it only runs on loopback; the public URL {issuer} is not: unset GUMSTACK_TEST_MODE"
            )));
        }
        tracing::warn!("test mode: client metadata documents are fetched from any address");
    }
    creds::set_issuer(&issuer);
    if let Some(path) = &settings.permissions {
        // Groups name users: a server without authorization has none.
        if S::Auth::vault(&state).is_none() {
            return Err(Error::config(format!(
                "--permissions {} (GUMSTACK_PERMISSIONS): a `none` server has no users to put in groups; permission groups need `auth = cred` or `oauth`",
                path.display()
            )));
        }
        permissions::install(
            path.clone(),
            permissions::Names::of::<S>(),
            S::Auth::vault(&state).map(|vault| vault.store().clone()),
            S::Auth::claims(&state),
        )?;
        reload_on_hangup()?;
    }

    let shutdown = CancellationToken::new();
    let mut config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(settings.allowed_hosts.clone())
        .with_max_request_body_bytes(settings.max_body_bytes)
        .with_cancellation_token(shutdown.child_token());
    let mut origins = settings.allowed_origins.clone();
    if addr.ip().is_loopback() {
        // DNS rebinding and other local pages: `Host` alone lets a page served by
        // another local port (Host 127.0.0.1:<ours>, Origin http://localhost:3000)
        // drive this server. On loopback, a request that carries `Origin` must come
        // from this server's own origin (or one the operator allowed); clients that
        // send no `Origin` (every non-browser client) are unaffected.
        let port = local.port();
        origins.extend(["127.0.0.1", "localhost", "[::1]"].map(|h| format!("http://{h}:{port}")));
        if let Some(url) = &settings.public_url
            && let Ok(url) = url::Url::parse(url)
        {
            origins.push(url.origin().ascii_serialization());
        }
    }
    if !origins.is_empty() {
        config = config.with_allowed_origins(origins);
    }
    if settings.stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    } else {
        // Sessions live in the store when there is one: any replica sharing it
        // (or this one after a restart) resumes a session it has not seen.
        config.session_store = S::Auth::sessions(&state).map(|s| s as _);
    }
    let direct = Direct::new(server.clone(), shutdown.child_token(), settings.stateless);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let in_flight = Arc::new(InFlight::default());
    // `route_layer`: a path that is not mounted answers 404 without running it.
    let mcp = axum::Router::new()
        .nest_service("/mcp", service)
        .route_layer(middleware::from_fn_with_state(
            Arc::new(Mcp {
                limit: settings.max_body_bytes,
                direct,
                in_flight: in_flight.clone(),
                step_up: StepUp::new::<S>(
                    &issuer,
                    S::Auth::vault(&state).map(|vault| vault.store().clone()),
                ),
            }),
            mcp_request::<S>,
        ));
    let router = S::Auth::http(
        &state,
        mcp,
        Settings {
            issuer: issuer.clone(),
            server_name: S::NAME,
            lifetimes: Lifetimes {
                access_token: settings.access_token_ttl,
                ..Lifetimes::default()
            },
            test_mode: settings.test_mode,
            scopes: step_up::policy::<S>(),
        },
    )?;
    // rmcp checks `Host` at `/mcp` too, but only after the bearer check: a
    // rebinding page would learn that a token is needed before being refused.
    let router = router.layer(middleware::from_fn_with_state(
        Arc::new(settings.allowed_hosts.clone()),
        allowed_host,
    ));
    // Probes address the server by whatever name reaches it: outside the
    // `Host` allowlist.
    let ready_state = state.clone();
    let router = router.merge(health::routes(Arc::new(move || {
        let state = ready_state.clone();
        Box::pin(async move { S::Auth::ready(&state).await })
    })));
    let router = if issuer.starts_with("https://") {
        router.layer(middleware::from_fn(strict_transport_security))
    } else {
        router
    };

    tracing::info!(
        server = S::NAME,
        "serving MCP over streamable HTTP at http://{local}/mcp (allowed hosts: {})",
        settings.allowed_hosts.join(", ")
    );
    let grace = settings.shutdown_grace;
    let calls = in_flight.clone();
    listener::serve(
        listener,
        router,
        listener::Limits {
            header_timeout: settings.header_timeout,
            max_connections: settings.max_connections,
            close_wait: CLOSE_WAIT,
        },
        async {
            shutdown::signal().await;
            tracing::info!(
                "shutting down: no new connections; {} calls in flight get up to {} s",
                calls.count(),
                grace.as_secs()
            );
        },
        async move {
            if !in_flight.finished_within(grace).await {
                tracing::warn!(
                    "{} calls still running {} s after shutdown began; stopping them",
                    in_flight.count(),
                    grace.as_secs()
                );
            }
            // Ends rmcp's event streams (and what still runs), so their
            // connections close.
            shutdown.cancel();
        },
    )
    .await;
    Ok(())
}

fn is_loopback_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| match u.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    })
}

/// Why a request body was not read.
enum BodyError {
    TooLarge(usize),
    TooSlow,
    Broken,
}

/// Past a body's limit, how much more is read (and dropped) before answering:
/// a client still sending would otherwise see its connection reset and never
/// read the 413 that says why.
const DRAIN_BYTES: usize = 1024 * 1024;

/// Read a whole request body: at most `limit` bytes, within [`BODY_TIMEOUT`].
async fn read_body(body: Body, limit: usize) -> std::result::Result<Bytes, BodyError> {
    let read = async {
        let mut body = std::pin::pin!(body);
        let mut chunks: Vec<Bytes> = Vec::new();
        let mut seen = 0usize;
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.map_err(|_| BodyError::Broken)?.into_data() else {
                continue;
            };
            seen = seen.saturating_add(data.len());
            if seen > limit.saturating_add(DRAIN_BYTES) {
                break;
            }
            if seen <= limit {
                chunks.push(data);
            }
        }
        if seen > limit {
            return Err(BodyError::TooLarge(limit));
        }
        // Most bodies arrive in one chunk: kept as it is, not copied.
        Ok(match chunks.len() {
            0 => Bytes::new(),
            1 => chunks.pop().expect("one chunk"),
            _ => Bytes::from(chunks.concat()),
        })
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .unwrap_or(Err(BodyError::TooSlow))
}

impl BodyError {
    fn status_and_message(&self) -> (StatusCode, String) {
        match self {
            BodyError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the request body is larger than {limit} bytes"),
            ),
            BodyError::TooSlow => (
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            ),
            BodyError::Broken => (
                StatusCode::BAD_REQUEST,
                "the request body could not be read".to_owned(),
            ),
        }
    }
}

/// A JSON-RPC error with no id (the request could not be read far enough).
fn jsonrpc_error(status: StatusCode, code: i32, message: &str) -> Response {
    (
        status,
        axum::Json(json!({
            "jsonrpc": "2.0",
            "id": null,
            "error": {"code": code, "message": message},
        })),
    )
        .into_response()
}

/// What `/mcp` needs before rmcp: the body limit, the direct path, the calls
/// in flight (one layer for all three: each layer boxes the streamed answer
/// once more).
struct Mcp<S> {
    limit: usize,
    direct: Direct<S>,
    in_flight: Arc<InFlight>,
    /// `None` when no tool needs a scope.
    step_up: Option<StepUp>,
}

/// In front of rmcp at `/mcp`: the call is counted in flight; the body is read
/// within its limits first; a
/// call that can only be answered by one message is served on the direct path
/// ([`super::direct`]); and two of rmcp's answers are put the way clients
/// expect: a body that is not JSON (rmcp: 415) is a JSON-RPC parse error (400,
/// -32700), one that is JSON but no JSON-RPC message an invalid request (400,
/// -32600); the end of a session (`DELETE`, rmcp: 202) is 204, since the
/// Python SDK reads 202 as a failure.
async fn mcp_request<S>(State(mcp): State<Arc<Mcp<S>>>, request: Request, next: Next) -> Response
where
    S: Server + rmcp::ServerHandler,
{
    let (parts, body) = request.into_parts();
    let call = mcp.in_flight.track(&parts.method, &parts.headers);
    let bytes = match read_body(body, mcp.limit).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let (status, message) = e.status_and_message();
            return jsonrpc_error(status, -32600, &message);
        }
    };
    let mut parts = parts;
    if let Some(step_up) = &mcp.step_up {
        match step_up.check(&parts, &bytes).await {
            step_up::Verdict::Go => {}
            step_up::Verdict::Refuse(refusal) => return shutdown::hold(refusal, call),
            step_up::Verdict::Link(link) => {
                parts.extensions.insert(link);
            }
        }
    }
    let parts = match mcp.direct.serve(parts, &bytes).await {
        Ok(response) => return shutdown::hold(response, call),
        Err(parts) => parts,
    };
    let method = parts.method.clone();
    // rmcp answers 415 both for another `Content-Type` (left as it is) and for
    // a JSON body it could not read as a JSON-RPC message (rewritten below).
    let json = direct::says_json(&parts.headers);
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    let response = match (method, response.status()) {
        (Method::POST, StatusCode::UNSUPPORTED_MEDIA_TYPE) if json => {
            match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                Err(e) => jsonrpc_error(
                    StatusCode::BAD_REQUEST,
                    -32700,
                    &format!("Parse error: the body is not JSON ({e})"),
                ),
                Ok(_) => jsonrpc_error(
                    StatusCode::BAD_REQUEST,
                    -32600,
                    "Invalid Request: the body is JSON but not a JSON-RPC request, notification or response",
                ),
            }
        }
        (Method::DELETE, StatusCode::ACCEPTED) => {
            *response.status_mut() = StatusCode::NO_CONTENT;
            response
        }
        _ => response,
    };
    shutdown::hold(response, call)
}

/// `SIGHUP` reads the permission groups again.
fn reload_on_hangup() -> Result<()> {
    let mut hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .map_err(|e| Error::config(format!("cannot listen for SIGHUP: {e}")))?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            permissions::reload();
        }
    });
    Ok(())
}

/// In front of the authorization routes: a body of at most `limit` bytes.
pub(crate) async fn bounded_request(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    match read_body(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(e) => {
            let (status, message) = e.status_and_message();
            (
                status,
                axum::Json(json!({"error": "invalid_request", "error_description": message})),
            )
                .into_response()
        }
    }
}

/// The `Host` allowlist (rmcp's, against DNS rebinding) on every route.
async fn allowed_host(
    State(allowed): State<Arc<Vec<String>>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|host| host_allowed(host, &allowed)) {
        return next.run(request).await;
    }
    tracing::warn!(
        ?host,
        "refused a request with a Host that is not allowed (possible DNS rebinding)"
    );
    (
        StatusCode::FORBIDDEN,
        "Forbidden: Host header is not allowed",
    )
        .into_response()
}

/// `host[:port]` against entries `host` (any port) or `host:port` (that port),
/// as rmcp matches them.
fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let Ok(authority) = host.parse::<axum::http::uri::Authority>() else {
        return false;
    };
    let name = authority.host().trim_matches(['[', ']']);
    allowed.iter().any(|entry| {
        let (entry_host, entry_port) = match entry.parse::<axum::http::uri::Authority>() {
            Ok(a) => (a.host().to_owned(), a.port_u16()),
            Err(_) => (entry.clone(), None),
        };
        entry_host
            .trim_matches(['[', ']'])
            .eq_ignore_ascii_case(name)
            && entry_port.is_none_or(|p| authority.port_u16() == Some(p))
    })
}

/// Over https, browsers are told to use nothing else for this host.
async fn strict_transport_security(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_match_as_rmcp_matches_them() {
        let allowed: Vec<String> = ["localhost", "127.0.0.1", "::1", "mcp.example.com:8443"]
            .map(String::from)
            .to_vec();
        let cases = [
            ("localhost:8000", true),
            ("LOCALHOST", true),
            ("127.0.0.1:1", true),
            ("[::1]:9", true),
            ("mcp.example.com:8443", true),
            ("mcp.example.com", false),
            ("mcp.example.com:443", false),
            ("evil.example", false),
            ("", false),
        ];
        for (host, ok) in cases {
            assert_eq!(host_allowed(host, &allowed), ok, "{host}");
        }
    }
}
