//! A testing kit for framework users (feature `testing`): an in-process mock
//! OAuth provider to stand in for Linear or GitHub in tests, and a headless MCP
//! client ([`client`]) that runs the whole authorization flow against a server.
//!
//! It auto-approves authorizations (or denies them on request), issues tokens
//! with a configurable lifetime, rotates refresh tokens, answers a userinfo
//! endpoint, revokes, counts what it served, and can be told to fail.
//!
//! ```no_run
//! # async fn demo() {
//! let provider = gumstack::testing::MockProvider::start().await;
//! // Point an `OAuth2Provider` (or the `oauth2` example) at it:
//! for (name, value) in provider.env() { /* OAUTH_AUTHORIZE_URL=... */ }
//! # }
//! ```

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde_json::json;

use crate::crypto as tokens;

pub mod client;

/// The client id the mock accepts.
pub const CLIENT_ID: &str = "mock-client";
/// The client secret the mock accepts.
pub const CLIENT_SECRET: &str = "mock-secret";

/// How the next refreshes fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshFailure {
    /// `503 Service Unavailable`: worth retrying.
    Unavailable,
    /// `400 invalid_grant`: the grant is gone.
    InvalidGrant,
    /// The refresh token is rotated, then the answer is lost (a crash between the
    /// provider's refresh and the host's write, seen from the provider).
    LoseAnswer,
}

struct Code {
    user: String,
    redirect_uri: String,
    challenge: Option<String>,
    /// What the authorization asked for (`scope`), granted as asked.
    scope: String,
}

struct Refresh {
    user: String,
    scope: String,
    /// Set when rotated: the old token stays valid for the grace period.
    rotated_at: Option<Instant>,
    revoked: bool,
}

#[derive(Default)]
struct Tokens {
    codes: HashMap<String, Code>,
    access: HashMap<String, (String, Instant)>,
    refresh: HashMap<String, Refresh>,
}

struct Shared {
    tokens: Mutex<Tokens>,
    lifetime: Mutex<Duration>,
    refresh_delay: Mutex<Duration>,
    reuse_grace: Mutex<Duration>,
    failures: Mutex<Vec<RefreshFailure>>,
    codes_exchanged: AtomicU64,
    refreshes: AtomicU64,
    refresh_requests: AtomicU64,
    revocations: AtomicU64,
}

/// A running mock provider on a loopback port; stops when dropped.
pub struct MockProvider {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockProvider {
    /// Start on `127.0.0.1:0` with one-hour tokens.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared {
            tokens: Mutex::default(),
            lifetime: Mutex::new(Duration::from_secs(3600)),
            refresh_delay: Mutex::new(Duration::ZERO),
            reuse_grace: Mutex::new(Duration::from_secs(30)),
            failures: Mutex::default(),
            codes_exchanged: AtomicU64::new(0),
            refreshes: AtomicU64::new(0),
            refresh_requests: AtomicU64::new(0),
            revocations: AtomicU64::new(0),
        });
        let app = Router::new()
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .route("/revoke", post(revoke))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared, task }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The `OAUTH_*` variables that point an [`OAuth2Provider`](crate::providers::OAuth2Provider) here.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("OAUTH_NAME", "mock".to_owned()),
            ("OAUTH_AUTHORIZE_URL", self.url("/authorize")),
            ("OAUTH_TOKEN_URL", self.url("/token")),
            ("OAUTH_USERINFO_URL", self.url("/userinfo")),
            ("OAUTH_REVOKE_URL", self.url("/revoke")),
            ("OAUTH_CLIENT_ID", CLIENT_ID.to_owned()),
            ("OAUTH_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("OAUTH_SCOPES", "read write".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Lifetime of access tokens issued from now on (`expires_in`).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        *self.shared.lifetime.lock().expect("lock") = lifetime;
    }

    /// Make every refresh take this long (to let concurrent callers pile up).
    pub fn set_refresh_delay(&self, delay: Duration) {
        *self.shared.refresh_delay.lock().expect("lock") = delay;
    }

    /// How long a rotated refresh token still works (0: strict rotation).
    pub fn set_reuse_grace(&self, grace: Duration) {
        *self.shared.reuse_grace.lock().expect("lock") = grace;
    }

    /// Fail the next refreshes, in order.
    pub fn fail_next_refreshes(&self, failures: &[RefreshFailure]) {
        self.shared
            .failures
            .lock()
            .expect("lock")
            .extend_from_slice(failures);
    }

    /// Revoke every token of `user`, as if they disconnected the app at the provider.
    pub fn revoke_user(&self, user: &str) {
        let mut tokens = self.shared.tokens.lock().expect("lock");
        tokens.access.retain(|_, (u, _)| u != user);
        for refresh in tokens.refresh.values_mut().filter(|r| r.user == user) {
            refresh.revoked = true;
        }
    }

    /// Authorization codes exchanged for tokens (grants served).
    pub fn codes_exchanged(&self) -> u64 {
        self.shared.codes_exchanged.load(Ordering::SeqCst)
    }

    /// Successful refreshes.
    pub fn refreshes(&self) -> u64 {
        self.shared.refreshes.load(Ordering::SeqCst)
    }

    /// Refresh requests, failed ones included.
    pub fn refresh_requests(&self) -> u64 {
        self.shared.refresh_requests.load(Ordering::SeqCst)
    }

    /// Tokens revoked through `/revoke`.
    pub fn revocations(&self) -> u64 {
        self.shared.revocations.load(Ordering::SeqCst)
    }
}

/// Auto-approve (or deny with `mock_deny=1`); `mock_user=NAME` picks the
/// account. Grants the `scope` asked for.
async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect_uri), Some(state)) = (q.get("redirect_uri"), q.get("state")) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri and state are required",
        )
            .into_response();
    };
    if q.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return (StatusCode::BAD_REQUEST, "unknown client").into_response();
    }
    let Ok(mut url) = url::Url::parse(redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "bad redirect_uri").into_response();
    };
    if q.contains_key("mock_deny") {
        url.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("state", state);
        return Redirect::to(url.as_str()).into_response();
    }
    let code = tokens::random();
    shared.tokens.lock().expect("lock").codes.insert(
        code.clone(),
        Code {
            user: q.get("mock_user").cloned().unwrap_or_else(|| "user".into()),
            redirect_uri: redirect_uri.clone(),
            challenge: q.get("code_challenge").cloned(),
            scope: q
                .get("scope")
                .cloned()
                .unwrap_or_else(|| "read write".into()),
        },
    );
    url.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    Redirect::to(url.as_str()).into_response()
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"error": error}))).into_response()
}

fn issue(shared: &Shared, tokens: &mut Tokens, user: &str, scope: &str) -> Response {
    let lifetime = *shared.lifetime.lock().expect("lock");
    let access = format!("mock-at-{}", tokens::random());
    let refresh = format!("mock-rt-{}", tokens::random());
    tokens
        .access
        .insert(access.clone(), (user.to_owned(), Instant::now() + lifetime));
    tokens.refresh.insert(
        refresh.clone(),
        Refresh {
            user: user.to_owned(),
            scope: scope.to_owned(),
            rotated_at: None,
            revoked: false,
        },
    );
    Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
        "refresh_token": refresh,
        "scope": scope,
    }))
    .into_response()
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let mut tokens = shared.tokens.lock().expect("lock");
            let Some(code) = form.get("code").and_then(|c| tokens.codes.remove(c)) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            if form.get("redirect_uri") != Some(&code.redirect_uri) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            if let Some(challenge) = &code.challenge {
                let verifier = form
                    .get("code_verifier")
                    .map(String::as_str)
                    .unwrap_or_default();
                if !tokens::pkce_matches(verifier, challenge) {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                }
            }
            shared.codes_exchanged.fetch_add(1, Ordering::SeqCst);
            issue(&shared, &mut tokens, &code.user, &code.scope)
        }
        Some("refresh_token") => {
            shared.refresh_requests.fetch_add(1, Ordering::SeqCst);
            let delay = *shared.refresh_delay.lock().expect("lock");
            tokio::time::sleep(delay).await;
            let failure = {
                let mut failures = shared.failures.lock().expect("lock");
                (!failures.is_empty()).then(|| failures.remove(0))
            };
            match failure {
                Some(RefreshFailure::Unavailable) => {
                    return oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
                }
                Some(RefreshFailure::InvalidGrant) => {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                }
                _ => {}
            }
            let grace = *shared.reuse_grace.lock().expect("lock");
            let mut tokens = shared.tokens.lock().expect("lock");
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            let (user, scope) = match tokens.refresh.get_mut(&presented) {
                Some(r) if !r.revoked && r.rotated_at.is_none_or(|at| at.elapsed() <= grace) => {
                    r.rotated_at.get_or_insert_with(Instant::now);
                    (r.user.clone(), r.scope.clone())
                }
                _ => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"),
            };
            let response = issue(&shared, &mut tokens, &user, &scope);
            if failure == Some(RefreshFailure::LoseAnswer) {
                return StatusCode::BAD_GATEWAY.into_response();
            }
            shared.refreshes.fetch_add(1, Ordering::SeqCst);
            response
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let tokens = shared.tokens.lock().expect("lock");
    match tokens.access.get(token) {
        Some((user, expires)) if *expires > Instant::now() => Json(json!({
            "sub": format!("mock-{user}"),
            "login": user,
            "email": format!("{user}@example.com"),
            "name": user,
        }))
        .into_response(),
        _ => oauth_error(StatusCode::UNAUTHORIZED, "invalid_token"),
    }
}

async fn revoke(
    State(shared): State<Arc<Shared>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let token = form.get("token").cloned().unwrap_or_default();
    let mut tokens = shared.tokens.lock().expect("lock");
    let user = tokens
        .access
        .remove(&token)
        .map(|(u, _)| u)
        .or_else(|| tokens.refresh.get(&token).map(|r| r.user.clone()));
    if let Some(user) = user {
        tokens.access.retain(|_, (u, _)| *u != user);
        for r in tokens.refresh.values_mut().filter(|r| r.user == user) {
            r.revoked = true;
        }
        shared.revocations.fetch_add(1, Ordering::SeqCst);
    }
    StatusCode::OK.into_response()
}
