//! The `requestState` of an MCP 2026-07-28 multi-round request: what the
//! server hands the client with an `InputRequiredResult` and gets back with the
//! retry.
//!
//! The client holds it, so it is sealed like a grant (XChaCha20-Poly1305 under
//! the host's key: encrypted and integrity-protected) and bound, through the
//! sealing's associated data, to the server, the caller (their grant, or
//! `none`), the method and a digest of the request; it expires after
//! [`LIFETIME`] and opens once (its id is spent in the store, so a second
//! replica refuses it too). Anything else that comes back is refused with one
//! error that names no reason: the reason is logged at debug.

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
};

use rmcp::ErrorData;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    crypto,
    seal::Sealer,
    store::{Store, Timestamp, now},
};

/// How long a client may take to answer (the user fills in a form meanwhile).
pub(crate) const LIFETIME: Timestamp = 10 * 60;

/// A state longer than this is refused unread (a retry is a few KiB).
const MAX_STATE_BYTES: usize = 64 * 1024;

/// A request that needs more rounds than this is refused: a tool that keeps
/// asking something new on every run would otherwise never end.
pub(crate) const MAX_ROUNDS: u32 = 16;

/// Without a store, spent ids are remembered in the process, up to this many.
const MAX_SPENT_IN_MEMORY: usize = 100_000;

/// The key and the spent ids of this process's server.
pub(crate) struct RequestStates {
    sealer: Arc<Sealer>,
    spent: Spent,
}

enum Spent {
    /// Shared by every replica on the same store.
    Store(Arc<dyn Store>),
    /// One process only (`auth = none` without a database).
    Memory(Mutex<BTreeMap<String, Timestamp>>),
}

static STATES: OnceLock<RequestStates> = OnceLock::new();

/// Set the host's key and store (once, at start-up).
pub(crate) fn install(sealer: Arc<Sealer>, store: Option<Arc<dyn Store>>) {
    let spent = match store {
        Some(store) => Spent::Store(store),
        None => Spent::Memory(Mutex::new(BTreeMap::new())),
    };
    if STATES.set(RequestStates { sealer, spent }).is_err() {
        tracing::warn!(
            "requestState keys were in use before the host set its own: states sealed so far open in this process only"
        );
    }
}

/// The store the host installed, if it has one: tasks are kept there too.
pub(crate) fn shared_store() -> Option<&'static Arc<dyn Store>> {
    match &STATES.get()?.spent {
        Spent::Store(store) => Some(store),
        Spent::Memory(_) => None,
    }
}

/// The installed states, or (a server run outside the host: tests) a random
/// key of this process and spent ids in memory.
fn states() -> &'static RequestStates {
    STATES.get_or_init(|| RequestStates {
        sealer: Arc::new(random_sealer()),
        spent: Spent::Memory(Mutex::new(BTreeMap::new())),
    })
}

/// A key of this process only: states it seals open on no other replica.
pub(crate) fn random_sealer() -> Sealer {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).expect("the OS random number generator works");
    Sealer::from_keys(&key, &[])
}

/// What a state is bound to: it opens only for the same server, caller,
/// method, and request (name and arguments).
#[derive(Debug, Clone)]
pub(crate) struct Binding {
    server: &'static str,
    principal: String,
    method: &'static str,
    target: String,
    arguments: Value,
    /// Computed the first time a state is sealed or opened: most calls ask
    /// nothing and never need it.
    purpose: std::sync::OnceLock<String>,
}

/// What the digest covers, in the order of its text (`a`, `m`, `n`: the
/// sorted keys of a JSON object, so the text is the same however the client
/// ordered its keys: serde_json's maps are sorted, no `preserve_order`).
#[derive(Serialize)]
struct Digested<'a> {
    a: &'a Value,
    m: &'a str,
    n: &'a str,
}

impl Binding {
    /// `principal` is `grant:<id>` for an authenticated caller, else `none`.
    pub(crate) fn new(
        server: &'static str,
        principal: &str,
        method: &'static str,
        target: &str,
        arguments: Value,
    ) -> Self {
        Self {
            server,
            principal: principal.to_owned(),
            method,
            target: target.to_owned(),
            arguments,
            purpose: std::sync::OnceLock::new(),
        }
    }

    fn purpose(&self) -> &str {
        self.purpose.get_or_init(|| {
            let request = Digested {
                a: &self.arguments,
                m: self.method,
                n: &self.target,
            };
            let text = serde_json::to_string(&request).unwrap_or_default();
            let digest = crypto::hash(&text);
            let (server, principal, method) = (self.server, &self.principal, self.method);
            format!("mcp-request-state/v1|{server}|{principal}|{method}|{digest}")
        })
    }

    /// What ids that must be the same on every run derive from (a URL
    /// elicitation's): the whole binding, so two callers never share one.
    pub(crate) fn seed(&self) -> &str {
        self.purpose()
    }
}

/// An answer the client gave: the digest of the request it answers, and the
/// answer (an `ElicitResult`, `CreateMessageResult` or `ListRootsResult`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Answer {
    #[serde(rename = "d")]
    pub(crate) request: String,
    #[serde(rename = "r")]
    pub(crate) response: Value,
}

/// What a state holds.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Payload {
    v: u8,
    /// Random: what is spent when the state comes back.
    sid: String,
    /// Unix seconds.
    exp: Timestamp,
    pub(crate) round: u32,
    /// key -> digest of the input request sent under it this round.
    pub(crate) asked: BTreeMap<String, String>,
    /// Answers of earlier rounds the run used (a client resends only the
    /// answers to the last round's requests).
    pub(crate) answers: BTreeMap<String, Answer>,
}

/// Seal the state of the next round; refused when it would be longer than
/// a state this server accepts back (the answers it carries are too large).
pub(crate) fn seal(
    binding: &Binding,
    round: u32,
    asked: BTreeMap<String, String>,
    answers: BTreeMap<String, Answer>,
) -> Result<String, ErrorData> {
    let state = seal_payload(
        binding,
        &Payload {
            v: 1,
            sid: crypto::random(),
            exp: now() + LIFETIME,
            round,
            asked,
            answers,
        },
    );
    if state.len() > MAX_STATE_BYTES {
        return Err(ErrorData::internal_error(
            format!(
                "the answers this call gathered are too large to carry to the next round (over {} KiB)",
                MAX_STATE_BYTES / 1024
            ),
            None,
        ));
    }
    Ok(state)
}

fn seal_payload(binding: &Binding, payload: &Payload) -> String {
    let json = serde_json::to_vec(payload).expect("a payload serializes");
    states().sealer.seal(&json, binding.purpose())
}

/// Open a state that came back, and spend it.
pub(crate) async fn open(binding: &Binding, state: &str) -> Result<Payload, ErrorData> {
    let refuse = |why: &str| {
        tracing::debug!("requestState refused: {why}");
        ErrorData::invalid_params(
            "requestState is not valid for this request (altered, expired, already used, or issued to another caller or for other arguments); call again without it",
            None,
        )
    };
    if state.len() > MAX_STATE_BYTES {
        return Err(refuse("too long"));
    }
    let states = states();
    // The error of `open` names the key's env var: never shown to the client.
    let plain = states
        .sealer
        .open(state, binding.purpose())
        .map_err(|e| refuse(&e.to_string()))?;
    let payload: Payload = serde_json::from_slice(&plain).map_err(|_| refuse("not a payload"))?;
    if payload.v != 1 {
        return Err(refuse("unknown version"));
    }
    if payload.exp < now() {
        return Err(refuse("expired"));
    }
    let fresh = match &states.spent {
        Spent::Store(store) => store
            .spend_once(&crypto::hash(&payload.sid), payload.exp)
            .await
            .map_err(|e| {
                tracing::warn!("requestState could not be checked against the store: {e}");
                ErrorData::internal_error("the server could not check requestState", None)
            })?,
        Spent::Memory(spent) => {
            let mut spent = spent.lock().unwrap_or_else(|e| e.into_inner());
            let now = now();
            if spent.len() >= MAX_SPENT_IN_MEMORY {
                spent.retain(|_, exp| *exp >= now);
            }
            if spent.len() >= MAX_SPENT_IN_MEMORY {
                // Forgetting a live id would let its state be replayed.
                return Err(ErrorData::internal_error(
                    "too many requestStates are in use; try again later",
                    None,
                ));
            }
            spent.insert(payload.sid.clone(), payload.exp).is_none()
        }
    };
    if !fresh {
        return Err(refuse("already used"));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn binding(principal: &str, arguments: Value) -> Binding {
        Binding::new("srv", principal, "tools/call", "tool", arguments)
    }

    fn one_answer() -> BTreeMap<String, Answer> {
        BTreeMap::from([(
            "name".to_owned(),
            Answer {
                request: "d".into(),
                response: json!({"action": "accept"}),
            },
        )])
    }

    #[tokio::test]
    async fn a_state_opens_once_for_its_own_request_only() {
        let b = binding("grant:a", json!({"x": 1}));
        let state = seal(&b, 2, BTreeMap::new(), one_answer()).unwrap();
        assert!(!state.contains("accept"), "the state is encrypted: {state}");

        // Another caller, other arguments, another method or server: refused,
        // and none of these attempts spends it.
        for other in [
            binding("grant:b", json!({"x": 1})),
            binding("none", json!({"x": 1})),
            binding("grant:a", json!({"x": 2})),
            Binding::new("srv", "grant:a", "prompts/get", "tool", json!({"x": 1})),
            Binding::new("other", "grant:a", "tools/call", "tool", json!({"x": 1})),
        ] {
            let e = open(&other, &state).await.unwrap_err();
            assert_eq!(e.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        }
        let payload = open(&b, &state).await.unwrap();
        assert_eq!(payload.round, 2);
        assert_eq!(payload.answers, one_answer());
        // Replayed.
        assert!(open(&b, &state).await.is_err());
    }

    #[tokio::test]
    async fn an_altered_or_oversized_state_is_refused_without_saying_why() {
        let b = binding("none", json!({}));
        let state = seal(&b, 1, BTreeMap::new(), BTreeMap::new()).unwrap();
        for bad in [
            format!("{state}-TAMPERED"),
            state.replacen("v1.", "v2.", 1),
            "not a state".to_owned(),
            "x".repeat(MAX_STATE_BYTES + 1),
        ] {
            let e = open(&b, &bad).await.unwrap_err();
            assert!(e.message.contains("call again without it"), "{}", e.message);
            assert!(!e.message.contains("GUMSTACK"), "{}", e.message);
        }
    }

    #[tokio::test]
    async fn an_expired_state_is_refused() {
        let b = binding("none", json!({}));
        let payload = Payload {
            v: 1,
            sid: crypto::random(),
            exp: now() - 1,
            round: 1,
            asked: BTreeMap::new(),
            answers: BTreeMap::new(),
        };
        assert!(open(&b, &seal_payload(&b, &payload)).await.is_err());
        let fresh = Payload {
            exp: now() + 5,
            ..payload
        };
        assert!(open(&b, &seal_payload(&b, &fresh)).await.is_ok());
    }

    #[test]
    fn the_digest_does_not_depend_on_key_order() {
        let a: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": 2, "x": 3}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a": {"x": 3, "y": 2}, "b": 1}"#).unwrap();
        assert_eq!(binding("none", a).seed(), binding("none", b).seed());
        assert_ne!(
            binding("none", json!({})).seed(),
            binding("grant:x", json!({})).seed()
        );
    }

    #[test]
    fn the_digested_text_is_the_one_states_were_sealed_under() {
        // A rolling upgrade: a state sealed by the previous version (which
        // digested this JSON object) still opens.
        let arguments = json!({"region": "Brittany", "n": [1, 2]});
        let before = json!({"m": "tools/call", "n": "tool", "a": arguments.clone()}).to_string();
        let digest = crypto::hash(&before);
        assert_eq!(
            binding("none", arguments).seed(),
            format!("mcp-request-state/v1|srv|none|tools/call|{digest}")
        );
    }
}
