//! What a server remembers about its MCP sessions between requests: the log
//! level each asked for, and who subscribed to which resource (a 2025-11-25
//! session's `resources/subscribe`, or a 2026-07-28 `subscriptions/listen`
//! stream).
//!
//! One `ServerState` per server type (a `static` the macro generates), so two
//! servers in one process (tests) never see each other's sessions.

use std::{
    collections::BTreeMap,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
};

use rmcp::{
    ErrorData, RoleServer,
    model::ResourceUpdatedNotificationParam,
    service::{Peer, RequestContext, SubscriptionContext, SubscriptionSendError, SubscriptionSink},
};

use super::level::LogLevel;

/// Log messages below this are not sent until a client asks for them.
pub(crate) const DEFAULT_LEVEL: LogLevel = LogLevel::Info;

/// Sessions end without telling the handler, so the maps are bounded: past this
/// many, the oldest-keyed entries go (a long-gone session's setting, most likely).
const MAX_SESSIONS: usize = 10_000;

/// The session key of stdio, which serves exactly one session per process.
const STDIO_SESSION: &str = "stdio";

/// What a server remembers per client session: the log level each asked for,
/// and who subscribed to which resource (glue for generated code).
#[doc(hidden)]
pub struct ServerState {
    levels: Mutex<BTreeMap<String, LogLevel>>,
    /// uri -> subscribed sessions
    subscriptions: Mutex<BTreeMap<String, Vec<Subscriber>>>,
    /// Open `subscriptions/listen` streams, by a number of their own.
    listeners: Mutex<BTreeMap<u64, SubscriptionSink>>,
    next_listener: AtomicU64,
    /// Tool calls running as tasks, and the finished ones until their TTL.
    pub(crate) tasks: std::sync::OnceLock<super::tasks::Tasks>,
}

struct Subscriber {
    session: String,
    peer: Peer<RoleServer>,
}

impl ServerState {
    /// Nothing remembered yet.
    pub const fn new() -> Self {
        Self {
            levels: Mutex::new(BTreeMap::new()),
            subscriptions: Mutex::new(BTreeMap::new()),
            listeners: Mutex::new(BTreeMap::new()),
            next_listener: AtomicU64::new(0),
            tasks: std::sync::OnceLock::new(),
        }
    }

    /// Serve one `subscriptions/listen` stream (rmcp has sent the
    /// acknowledgement) until the client closes it: resource updates reach it
    /// through its sink, which sends only what the stream's filter accepted.
    pub(crate) async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let id = self.next_listener.fetch_add(1, Ordering::Relaxed);
        {
            let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
            if listeners.len() >= MAX_SESSIONS {
                return Err(ErrorData::internal_error(
                    "too many open subscription streams; try again later",
                    None,
                ));
            }
            listeners.insert(id, context.sink().clone());
        }
        struct Forget<'a>(&'a ServerState, u64);
        impl Drop for Forget<'_> {
            fn drop(&mut self) {
                let mut listeners = self.0.listeners.lock().unwrap_or_else(|e| e.into_inner());
                listeners.remove(&self.1);
            }
        }
        let _forget = Forget(self, id);
        context.cancelled().await;
        Ok(())
    }

    pub(crate) fn set_level(&self, session: &str, level: LogLevel) {
        let mut levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        if levels.len() >= MAX_SESSIONS && !levels.contains_key(session) {
            levels.pop_first();
        }
        levels.insert(session.to_owned(), level);
    }

    pub(crate) fn level(&self, session: &str) -> LogLevel {
        let levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        levels.get(session).copied().unwrap_or(DEFAULT_LEVEL)
    }

    pub(crate) fn subscribe(&self, uri: &str, session: &str, peer: Peer<RoleServer>) {
        let mut subs = self.subscriptions.lock().unwrap_or_else(|e| e.into_inner());
        let list = subs.entry(uri.to_owned()).or_default();
        list.retain(|s| s.session != session);
        if list.len() >= MAX_SESSIONS {
            list.remove(0);
        }
        list.push(Subscriber {
            session: session.to_owned(),
            peer,
        });
    }

    pub(crate) fn unsubscribe(&self, uri: &str, session: &str) {
        let mut subs = self.subscriptions.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(list) = subs.get_mut(uri) {
            list.retain(|s| s.session != session);
            if list.is_empty() {
                subs.remove(uri);
            }
        }
    }

    /// Notify the subscribers of `uri`; sessions that are gone are forgotten.
    pub(crate) async fn notify_updated(&self, uri: &str) -> usize {
        let peers: Vec<(String, Peer<RoleServer>)> = {
            let subs = self.subscriptions.lock().unwrap_or_else(|e| e.into_inner());
            subs.get(uri)
                .map(|list| {
                    list.iter()
                        .map(|s| (s.session.clone(), s.peer.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let sinks: Vec<(u64, SubscriptionSink)> = {
            let listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
            listeners.iter().map(|(id, s)| (*id, s.clone())).collect()
        };
        let mut delivered = 0;
        for (id, sink) in sinks {
            match sink.notify_resource_updated(uri).await {
                Ok(()) => delivered += 1,
                // The stream did not subscribe to this resource.
                Err(SubscriptionSendError::NotificationNotAccepted(_)) => {}
                Err(e) => {
                    tracing::debug!(listener = id, "subscription stream gone: {e}");
                    let mut listeners = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
                    listeners.remove(&id);
                }
            }
        }
        for (session, peer) in peers {
            let param = ResourceUpdatedNotificationParam::new(uri);
            match peer.notify_resource_updated(param).await {
                Ok(()) => delivered += 1,
                Err(e) => {
                    tracing::debug!(%session, "subscriber gone: {e}");
                    self.unsubscribe(uri, &session);
                }
            }
        }
        delivered
    }
}

impl Default for ServerState {
    fn default() -> Self {
        Self::new()
    }
}

/// The session a request belongs to: the HTTP `Mcp-Session-Id`, or stdio's one
/// session; `None` for stateless HTTP, where each request stands alone.
pub(crate) fn session_key(request: &RequestContext<RoleServer>) -> Option<String> {
    match request.extensions.get::<axum::http::request::Parts>() {
        None => Some(STDIO_SESSION.to_owned()),
        Some(parts) => parts
            .headers
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}
