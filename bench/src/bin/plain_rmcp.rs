//! The baseline: the weather example's `get_alerts(region: String) -> String` tool,
//! written by hand against rmcp 3.11's own API (no gumstack).
//!
//! ```sh
//! plain_rmcp serve --stdio
//! plain_rmcp serve --http 127.0.0.1:8000 [--stateless] [--bearer]
//! ```
//!
//! Same transport set-up as gumstack's host: rmcp's `StreamableHttpService` at
//! `/mcp` in axum, `TCP_NODELAY` on accepted sockets, and in stateless mode no
//! sessions and plain JSON replies.
//!
//! `--bearer` puts a hand-written bearer check in front of `/mcp`, the baseline
//! for gumstack's `auth = cred` host: the tokens come from `PLAIN_BEARER_TOKENS`
//! (comma-separated), each one a user with its own key; the middleware looks up
//! the SHA-256 of the presented token in an in-memory map (401 if absent) and
//! hands the user to the tool through the request's extensions.

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use axum::{
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    serve::ListenerExt,
};
use gumstack_bench::plain::{Plain, User};
use rmcp::{
    ServiceExt,
    transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    },
};
use sha2::{Digest, Sha256};

/// SHA-256 of each accepted token, to its user.
type Users = Arc<HashMap<[u8; 32], Arc<User>>>;

fn users_from_env() -> Users {
    let tokens = std::env::var("PLAIN_BEARER_TOKENS").unwrap_or_default();
    let users: HashMap<_, _> = tokens
        .split(',')
        .filter(|t| !t.is_empty())
        .enumerate()
        .map(|(i, token)| {
            let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
            let user = User {
                api_key: format!("key-{i}"),
            };
            (hash, Arc::new(user))
        })
        .collect();
    if users.is_empty() {
        eprintln!("--bearer needs PLAIN_BEARER_TOKENS (comma-separated tokens)");
        std::process::exit(2);
    }
    Arc::new(users)
}

/// 401 unless `Authorization: Bearer <token>` names a known user.
async fn require_bearer(State(users): State<Users>, mut request: Request, next: Next) -> Response {
    let user = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| {
            let hash: [u8; 32] = Sha256::digest(token.trim().as_bytes()).into();
            users.get(&hash).cloned()
        });
    match user {
        Some(user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response(),
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: plain_rmcp serve --stdio | plain_rmcp serve --http ADDR [--stateless] [--bearer]"
    );
    std::process::exit(2);
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["serve", "--stdio"] => {
            let running = Plain::new().serve(rmcp::transport::stdio()).await?;
            running.waiting().await?;
            Ok(())
        }
        ["serve", "--http", addr, rest @ ..] => {
            let (mut stateless, mut bearer) = (false, false);
            for flag in rest {
                match *flag {
                    "--stateless" => stateless = true,
                    "--bearer" => bearer = true,
                    _ => usage(),
                }
            }
            let users = bearer.then(users_from_env);
            serve_http(addr.parse()?, stateless, users).await
        }
        _ => usage(),
    }
}

async fn serve_http(
    addr: SocketAddr,
    stateless: bool,
    users: Option<Users>,
) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let mut config = StreamableHttpServerConfig::default();
    if stateless {
        config = config
            .with_legacy_session_mode(false)
            .with_json_response(true);
    }
    let server = Plain::new();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let mut router = axum::Router::new().nest_service("/mcp", service);
    if let Some(users) = users {
        router = router.layer(axum::middleware::from_fn_with_state(users, require_bearer));
    }
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    eprintln!("serving MCP over streamable HTTP at http://{local}/mcp");
    axum::serve(listener, router).await?;
    Ok(())
}
