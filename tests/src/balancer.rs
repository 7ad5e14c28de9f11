//! A round-robin HTTP load balancer on loopback: every request goes to the next
//! replica in turn, so a client behind it alternates between replicas on every
//! request (authorization pages, token requests and MCP messages alike), as it
//! may behind any load balancer without sticky sessions.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderName, StatusCode, header},
    response::{IntoResponse, Response},
};

struct Upstreams {
    /// `http://127.0.0.1:PORT` of each replica.
    bases: Vec<String>,
    next: AtomicUsize,
    /// Requests sent to each replica.
    served: Vec<AtomicUsize>,
    http: reqwest::Client,
}

pub struct Balancer {
    /// `http://127.0.0.1:PORT` of the balancer: the replicas' public URL.
    pub url: String,
    upstreams: Arc<Upstreams>,
    task: tokio::task::JoinHandle<()>,
}

impl Balancer {
    /// Listen on a free loopback port (bound already, so its URL can be given to
    /// the replicas before they start).
    pub async fn bind() -> (tokio::net::TcpListener, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the balancer");
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    }

    /// Balance over `replicas` (their `.../mcp` URLs or bases).
    pub fn start(listener: tokio::net::TcpListener, url: String, replicas: &[&str]) -> Self {
        let bases: Vec<String> = replicas
            .iter()
            .map(|r| r.trim_end_matches("/mcp").to_owned())
            .collect();
        let upstreams = Arc::new(Upstreams {
            served: bases.iter().map(|_| AtomicUsize::new(0)).collect(),
            bases,
            next: AtomicUsize::new(0),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(upstreams.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("balancer");
        });
        Self {
            url,
            upstreams,
            task,
        }
    }

    /// How many requests each replica got.
    pub fn served(&self) -> Vec<usize> {
        self.upstreams
            .served
            .iter()
            .map(|n| n.load(Ordering::SeqCst))
            .collect()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headers that belong to one connection, not to the request.
fn hop_by_hop(name: &HeaderName) -> bool {
    [
        header::CONNECTION,
        header::TRANSFER_ENCODING,
        header::HOST,
        header::CONTENT_LENGTH,
    ]
    .contains(name)
        || name.as_str() == "keep-alive"
}

async fn forward(State(up): State<Arc<Upstreams>>, request: Request) -> Response {
    let i = up.next.fetch_add(1, Ordering::SeqCst) % up.bases.len();
    up.served[i].fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let body = match axum::body::to_bytes(body, 16 << 20).await {
        Ok(body) => body,
        Err(e) => return (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    };
    let mut outbound = up
        .http
        .request(parts.method, format!("{}{path}", up.bases[i]))
        .body(body);
    for (name, value) in &parts.headers {
        if !hop_by_hop(name) {
            outbound = outbound.header(name, value);
        }
    }
    let answer = match outbound.send().await {
        Ok(answer) => answer,
        Err(e) => return (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !hop_by_hop(name) {
            response = response.header(name, value);
        }
    }
    // Streamed, so server-sent events pass as they come.
    response
        .body(Body::from_stream(answer.bytes_stream()))
        .unwrap()
}
