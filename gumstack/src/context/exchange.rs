//! Input from the user under MCP 2026-07-28: one request, several rounds.
//!
//! There is no session to send a request back on, so a handler that asks
//! (`elicit`, `sample`, `roots`) and has no answer yet ends its call with an
//! `InputRequiredResult`: the requests it asked, and a sealed `requestState`.
//! The client answers them and sends the same request again with the answers
//! and the state; the handler runs again **from the start**, and each ask that
//! now has an answer returns it. So:
//!
//! - work before the last ask runs once per round: ask first, or make it safe
//!   to repeat (a task, [`Context::become_task`](super::Context), runs once);
//! - asks made together (`tokio::join!`) go out in one round, asks made one
//!   after another take one round each;
//! - a handler must ask the same things for the same request: an answer is
//!   used only for the request it answers (its digest), anything else is
//!   asked again.
//!
//! Answers come back only with a state this server issued for this caller and
//! this request ([`request_state`](super::request_state)): `inputResponses`
//! without one are ignored, so every answer a handler gets was asked of this
//! caller for this request.

use std::{collections::BTreeMap, sync::Mutex};

use rmcp::{
    ErrorData,
    model::{
        ClientCapabilities, CreateMessageResult, ElicitResult, InputRequest, InputRequests,
        InputRequiredResult, InputResponses, ListRootsResult,
    },
};
use serde_json::Value;

use super::request_state::{self, Answer, Binding, MAX_ROUNDS};
use crate::crypto;

/// One request's rounds: what came back, and what this run asks.
pub(crate) struct Exchange {
    binding: Binding,
    rounds: Mutex<Rounds>,
}

#[derive(Default)]
struct Rounds {
    /// This round's number (1 for a request without state).
    round: u32,
    /// Answers delivered, by key.
    answers: BTreeMap<String, Answer>,
    /// Answers this run used: carried into the next state.
    used: BTreeMap<String, Answer>,
    /// Asked this run and not answered.
    pending: InputRequests,
    pending_digests: BTreeMap<String, String>,
    /// Keys handed out this run, and the count per kind (for default keys).
    keys: Vec<String>,
    ordinals: BTreeMap<&'static str, u32>,
    /// Capabilities an ask needed and the client did not declare.
    missing: Option<ClientCapabilities>,
    /// The handler may go on as a task (`ctx.become_task()`), and whether it did.
    can_become_task: bool,
    became_task: bool,
}

/// How a handler's run ends.
pub(crate) enum Outcome<R> {
    /// Nothing is missing: the handler's own result.
    Done(R),
    /// Some asks have no answer yet.
    Input(InputRequiredResult),
    /// The handler called `ctx.become_task()`: run it again as a task, with
    /// the answers it was given ([`Exchange::rerun`]).
    Task,
}

/// What an ask is: its default key prefix, and the capability it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Elicitation,
    Sampling,
    Roots,
}

impl Kind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Elicitation => "elicitation",
            Self::Sampling => "sampling",
            Self::Roots => "roots",
        }
    }
}

impl Exchange {
    /// The first round of a request bound to `binding`.
    pub(crate) fn new(binding: Binding) -> Self {
        Self {
            binding,
            rounds: Mutex::new(Rounds {
                round: 1,
                ..Rounds::default()
            }),
        }
    }

    /// What the client sent back: the state is opened (and spent), and the
    /// answers to what it asked are taken from `responses`; other keys are
    /// dropped, and so are answers sent without a state.
    pub(crate) async fn receive(
        &self,
        state: Option<&str>,
        responses: Option<InputResponses>,
    ) -> Result<(), ErrorData> {
        let Some(state) = state else { return Ok(()) };
        let payload = request_state::open(&self.binding, state).await?;
        let mut responses = responses.unwrap_or_default();
        let mut rounds = self.rounds();
        rounds.round = payload.round;
        rounds.answers = payload.answers;
        for (key, request) in payload.asked {
            if let Some(response) = responses.remove(&key) {
                rounds.answers.insert(key, Answer { request, response });
            }
        }
        Ok(())
    }

    fn rounds(&self) -> std::sync::MutexGuard<'_, Rounds> {
        self.rounds.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key of the next ask: the handler's own, or the kind and a count
    /// (`elicitation-1`), the same on every run of the same handler.
    pub(crate) fn key(&self, kind: Kind, explicit: Option<&str>) -> crate::Result<String> {
        let mut rounds = self.rounds();
        let key = match explicit {
            Some(key) => key.to_owned(),
            None => {
                let n = rounds.ordinals.entry(kind.name()).or_default();
                *n += 1;
                format!("{}-{n}", kind.name())
            }
        };
        if rounds.keys.contains(&key) {
            return Err(crate::Error::msg(format!(
                "the input key `{key}` was used twice in one call: give each ask its own key"
            )));
        }
        rounds.keys.push(key.clone());
        Ok(key)
    }

    /// An id that stays the same on every run (a URL elicitation's, which is
    /// part of the request and so of its digest).
    pub(crate) fn stable_id(&self, key: &str) -> String {
        crypto::hash(&format!("{}|{key}", self.binding.seed()))[..32].to_owned()
    }

    /// The answer to `request` under `key`, if the client gave it; otherwise
    /// the request is added to what this run asks.
    pub(crate) fn ask(&self, key: String, kind: Kind, request: InputRequest) -> Option<Value> {
        let digest = digest(&request);
        if let Some(answer) = self.answered(&key, kind, &digest) {
            return Some(answer);
        }
        let mut rounds = self.rounds();
        rounds.pending_digests.insert(key.clone(), digest);
        rounds.pending.insert(key, request);
        None
    }

    /// The answer the client gave under `key` to this request, if any.
    pub(crate) fn answered(&self, key: &str, kind: Kind, request: &str) -> Option<Value> {
        let mut rounds = self.rounds();
        let answer = rounds.answers.get(key)?;
        if answer.request != request || !answers(kind, &answer.response) {
            return None;
        }
        let answer = answer.clone();
        let response = answer.response.clone();
        rounds.used.insert(key.to_owned(), answer);
        Some(response)
    }

    /// Let the handler go on as a task (a `deferred` task tool, and a client
    /// that supports tasks).
    pub(crate) fn allow_task(&self) {
        self.rounds().can_become_task = true;
    }

    /// `ctx.become_task()`: whether the handler is to stop here and run again
    /// as a task.
    pub(crate) fn become_task(&self) -> bool {
        let mut rounds = self.rounds();
        rounds.became_task = rounds.can_become_task;
        rounds.became_task
    }

    /// Ready the exchange for the run as a task: the same keys are handed out
    /// again, and the answers stay.
    pub(crate) fn rerun(&self) {
        let mut rounds = self.rounds();
        rounds.keys.clear();
        rounds.ordinals.clear();
        rounds.pending.clear();
        rounds.pending_digests.clear();
        rounds.can_become_task = false;
        rounds.became_task = false;
    }

    /// An ask needed `capability`, which the client did not declare.
    pub(crate) fn missing(&self, capability: ClientCapabilities) {
        let mut rounds = self.rounds();
        let missing = rounds
            .missing
            .get_or_insert_with(ClientCapabilities::default);
        missing.sampling = missing.sampling.take().or(capability.sampling);
        missing.elicitation = missing.elicitation.take().or(capability.elicitation);
        missing.roots = missing.roots.take().or(capability.roots);
    }

    /// How the run ends: with what it asked, if anything is unanswered (the
    /// handler's result then only says it could not go on); with
    /// `MissingRequiredClientCapability` (-32021) if it failed after asking
    /// for something the client cannot do; else with its result.
    pub(crate) fn conclude<R>(&self, result: R, failed: bool) -> Result<Outcome<R>, ErrorData> {
        let mut rounds = self.rounds();
        if !rounds.pending.is_empty() {
            if rounds.round >= MAX_ROUNDS {
                return Err(ErrorData::internal_error(
                    format!("the handler asked for input {MAX_ROUNDS} times in one request"),
                    None,
                ));
            }
            let pending = std::mem::take(&mut rounds.pending);
            let asked = std::mem::take(&mut rounds.pending_digests);
            let used = std::mem::take(&mut rounds.used);
            let state = request_state::seal(&self.binding, rounds.round + 1, asked, used)?;
            return Ok(Outcome::Input(InputRequiredResult::new(
                Some(pending),
                Some(state),
            )));
        }
        if rounds.became_task {
            return Ok(Outcome::Task);
        }
        match rounds.missing.take() {
            Some(missing) if failed => Err(ErrorData::missing_required_client_capability(missing)),
            _ => Ok(Outcome::Done(result)),
        }
    }
}

/// What identifies an input request: the digest of its JSON.
pub(crate) fn digest(request: &InputRequest) -> String {
    crypto::hash(&serde_json::to_string(request).expect("an input request serializes"))
}

/// Whether `response` has the shape of an answer to a `kind` request; one
/// that does not is asked again.
fn answers(kind: Kind, response: &Value) -> bool {
    let value = response.clone();
    match kind {
        Kind::Elicitation => serde_json::from_value::<ElicitResult>(value).is_ok(),
        Kind::Sampling => serde_json::from_value::<CreateMessageResult>(value).is_ok(),
        Kind::Roots => serde_json::from_value::<ListRootsResult>(value).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{ElicitRequest, ElicitRequestParams, ElicitationSchema};
    use serde_json::json;

    fn form(message: &str) -> InputRequest {
        InputRequest::Elicitation(ElicitRequest::new(
            ElicitRequestParams::FormElicitationParams {
                meta: None,
                message: message.into(),
                requested_schema: ElicitationSchema::builder()
                    .required_string("name")
                    .build()
                    .unwrap(),
            },
        ))
    }

    fn binding() -> Binding {
        Binding::new("srv", "none", "tools/call", "t", json!({}))
    }

    async fn open(state: Option<&str>, responses: Option<Value>) -> Exchange {
        let x = Exchange::new(binding());
        let responses = responses.map(|r| serde_json::from_value(r).unwrap());
        x.receive(state, responses).await.unwrap();
        x
    }

    async fn next(state: &str, responses: Value) -> Exchange {
        open(Some(state), Some(responses)).await
    }

    fn state_of<R>(outcome: Outcome<R>) -> (InputRequests, String) {
        match outcome {
            Outcome::Input(result) => (
                result.input_requests.unwrap(),
                result.request_state.unwrap(),
            ),
            Outcome::Done(_) | Outcome::Task => panic!("expected input_required"),
        }
    }

    /// Three rounds: the third carries only the second answer, and the first
    /// still comes back from the state.
    #[tokio::test]
    async fn answers_of_earlier_rounds_come_back_from_the_state() {
        let accept = |v: &str| json!({"action": "accept", "content": {"name": v}});
        let run = |x: &Exchange| -> (Option<Value>, Option<Value>) {
            let a = x.ask(
                x.key(Kind::Elicitation, Some("a")).unwrap(),
                Kind::Elicitation,
                form("a?"),
            );
            let b = a.as_ref().and_then(|_| {
                x.ask(
                    x.key(Kind::Elicitation, Some("b")).unwrap(),
                    Kind::Elicitation,
                    form("b?"),
                )
            });
            (a, b)
        };
        let first = open(None, None).await;
        assert_eq!(run(&first), (None, None));
        let (asked, state) = state_of(first.conclude((), true).unwrap());
        assert_eq!(asked.keys().collect::<Vec<_>>(), ["a"]);

        let second = next(&state, json!({"a": accept("ada"), "z": accept("extra")})).await;
        assert_eq!(run(&second), (Some(accept("ada")), None));
        let (asked, state2) = state_of(second.conclude((), true).unwrap());
        assert_eq!(asked.keys().collect::<Vec<_>>(), ["b"]);
        assert_ne!(state, state2);

        let third = next(&state2, json!({"b": accept("blue")})).await;
        assert_eq!(run(&third), (Some(accept("ada")), Some(accept("blue"))));
        assert!(matches!(third.conclude((), false), Ok(Outcome::Done(()))));
    }

    #[tokio::test]
    async fn answers_without_a_state_or_to_another_question_are_not_used() {
        let answer = json!({"elicitation-1": {"action": "accept", "content": {"name": "x"}}});
        let no_state = open(None, Some(answer)).await;
        let key = no_state.key(Kind::Elicitation, None).unwrap();
        assert_eq!(key, "elicitation-1");
        assert_eq!(no_state.ask(key, Kind::Elicitation, form("q")), None);
        let (_, state) = state_of(no_state.conclude((), true).unwrap());

        // The rerun asks something else under the same key: asked again.
        let other = next(
            &state,
            json!({"elicitation-1": {"action": "accept", "content": {"name": "x"}}}),
        )
        .await;
        let key = other.key(Kind::Elicitation, None).unwrap();
        assert_eq!(other.ask(key, Kind::Elicitation, form("another q")), None);
        let (_, state) = state_of(other.conclude((), true).unwrap());

        // An answer that is no elicitation result: asked again.
        let malformed = next(&state, json!({"elicitation-1": 12345})).await;
        let key = malformed.key(Kind::Elicitation, None).unwrap();
        assert_eq!(
            malformed.ask(key, Kind::Elicitation, form("another q")),
            None
        );
    }

    #[tokio::test]
    async fn a_failure_after_a_missing_capability_is_that_error() {
        let x = open(None, None).await;
        x.missing(ClientCapabilities::builder().enable_sampling().build());
        let e = match x.conclude((), true) {
            Err(e) => e,
            Ok(_) => panic!("expected an error"),
        };
        assert_eq!(e.code.0, -32021);
        assert_eq!(
            e.data.unwrap()["requiredCapabilities"]["sampling"],
            json!({})
        );
        // A handler that got over it (the ask was optional) completes.
        let x = open(None, None).await;
        x.missing(ClientCapabilities::builder().enable_sampling().build());
        assert!(matches!(x.conclude((), false), Ok(Outcome::Done(()))));
    }

    #[tokio::test]
    async fn become_task_stops_the_run_only_where_a_task_is_allowed_and_keeps_the_answers() {
        let x = open(None, None).await;
        assert!(
            !x.become_task(),
            "not a deferred task tool: the call goes on"
        );
        assert!(matches!(x.conclude((), false), Ok(Outcome::Done(()))));

        let accept = json!({"action": "accept", "content": {"name": "ada"}});
        let first = open(None, None).await;
        let key = first.key(Kind::Elicitation, Some("n")).unwrap();
        assert_eq!(first.ask(key, Kind::Elicitation, form("q")), None);
        let (_, state) = state_of(first.conclude((), true).unwrap());
        let second = next(&state, json!({ "n": accept.clone() })).await;
        second.allow_task();
        let key = second.key(Kind::Elicitation, Some("n")).unwrap();
        assert_eq!(
            second.ask(key, Kind::Elicitation, form("q")),
            Some(accept.clone())
        );
        assert!(second.become_task());
        assert!(matches!(second.conclude((), true), Ok(Outcome::Task)));
        // The run as a task gets the same key, and the answer, again.
        second.rerun();
        let key = second.key(Kind::Elicitation, Some("n")).unwrap();
        assert_eq!(
            second.answered(&key, Kind::Elicitation, &digest(&form("q"))),
            Some(accept)
        );
        assert!(!second.become_task(), "a task goes on");
    }

    #[tokio::test]
    async fn a_key_asked_twice_in_one_run_is_an_error() {
        let x = open(None, None).await;
        x.key(Kind::Roots, Some("k")).unwrap();
        assert!(x.key(Kind::Roots, Some("k")).is_err());
    }
}
