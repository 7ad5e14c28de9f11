//! Tool calls that run as tasks (the SEP-2663 extension of MCP 2026-07-28):
//! the call answers at once with a task id; the client polls `tasks/get`,
//! answers the task's questions with `tasks/update`, and may `tasks/cancel`.
//!
//! rmcp's `TaskManager` runs them in this process and keeps their live state.
//! This registry adds who owns each task (the caller's grant, or `none`;
//! another caller's task is answered like an unknown one) and, when the host
//! has a store, keeps each task's state there: written every
//! [`HEARTBEAT`] while it runs and once when it ends, so any replica answers
//! `tasks/get`, a finished task survives a restart, and a task whose process
//! stopped reads as failed once its writes stop. `tasks/update` and
//! `tasks/cancel` act on the running future, so they must reach the replica
//! that runs it (`Mcp-Name` carries the task id, for sticky routing).

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use rmcp::{
    ErrorData,
    model::{DetailedTask, InputResponses, JsonObject, Task, TaskPayload},
    task_manager::{TaskContext, TaskFuture, TaskManager, TaskOptions},
};

use super::request_state;
use crate::store::{Store, TaskRecord, Timestamp, now};

/// How a tool runs as a task: `#[tool(task = "...")]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum TaskSupport {
    /// Never (no `task` key).
    Never,
    /// A task when the client supports tasks, else a plain call.
    Optional,
    /// Always a task: a client without tasks is refused (-32021).
    Required,
    /// A plain call until the tool calls `ctx.become_task()`, a task from
    /// there when the client supports tasks.
    Deferred,
}

/// Tasks kept at most (running and finished, until [`KEPT`] ends): past
/// this, new tasks are refused rather than memory growing without bound.
const MAX_TASKS: usize = 10_000;

/// Tasks one caller may have at once (running or kept).
const MAX_TASKS_PER_CALLER: usize = 1_000;

/// How long a task may run, as its `ttlMs` says: past it rmcp ends it as
/// failed. An hour: a task may wait on the user (`tasks/update`).
const TTL_MS: u64 = 3_600_000;

/// How often a running task's state is written to the store.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// A running task not written for this long has lost its process.
const ORPHANED_AFTER: Timestamp = 5;

/// How long a task is kept: its TTL and as long again for a poller to read
/// the end, as rmcp keeps it in memory.
const KEPT: Timestamp = 2 * (TTL_MS / 1000) as Timestamp;

/// The tasks of one server.
pub(crate) struct Tasks {
    manager: TaskManager,
    /// task id -> the principal that created it, and when it is forgotten
    /// (tasks of this process).
    owners: Mutex<BTreeMap<String, (String, Timestamp)>>,
}

impl Tasks {
    fn new() -> Self {
        Self {
            manager: TaskManager::new(),
            owners: Mutex::new(BTreeMap::new()),
        }
    }

    /// Start `make_future` as a task of `principal`.
    pub(crate) fn spawn(
        &self,
        principal: String,
        make_future: impl FnOnce(TaskContext) -> TaskFuture,
    ) -> Result<Task, ErrorData> {
        {
            let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
            let now = now();
            owners.retain(|_, (_, forget_at)| *forget_at > now);
            let theirs = owners.values().filter(|(p, _)| *p == principal).count();
            if owners.len() >= MAX_TASKS || theirs >= MAX_TASKS_PER_CALLER {
                return Err(ErrorData::internal_error(
                    "too many tasks are kept for now; try again later",
                    None,
                ));
            }
        }
        let store = request_state::shared_store().cloned();
        let manager = self.manager.clone();
        let owner = principal.clone();
        let options = TaskOptions::new().with_ttl_ms(TTL_MS);
        let task = self.manager.spawn(options, move |ctx| {
            let Some(store) = store else {
                return make_future(ctx);
            };
            let id = ctx.task_id().to_owned();
            let work = make_future(ctx);
            Box::pin(async move {
                let settle = Settle(Some(Recorder {
                    store,
                    manager,
                    id,
                    owner,
                }));
                let record = settle.0.as_ref().expect("set above");
                tokio::select! {
                    outcome = work => outcome,
                    () = record.while_running() => unreachable!("the heartbeat never ends"),
                }
            })
        });
        let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        owners.insert(task.task_id.clone(), (principal, now() + KEPT));
        Ok(task)
    }

    /// Whether this process runs task `id` for `principal`. `None`: it does
    /// not know the task.
    fn local(&self, principal: &str, id: &str) -> Option<bool> {
        let owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        owners.get(id).map(|(owner, _)| owner == principal)
    }

    /// The task as stored by the process that runs or ran it, if `principal`
    /// owns it.
    async fn stored(&self, principal: &str, id: &str) -> Result<DetailedTask, ErrorData> {
        let store = request_state::shared_store().ok_or_else(|| unknown(id))?;
        let record = store.get_task(id).await.map_err(|e| {
            tracing::warn!("reading task {id} from the store failed: {e}");
            ErrorData::internal_error("the server could not read the task", None)
        })?;
        let record = record
            .filter(|r| r.owner == principal)
            .ok_or_else(|| unknown(id))?;
        let task: DetailedTask = serde_json::from_str(&record.state)
            .map_err(|_| ErrorData::internal_error("a stored task could not be read", None))?;
        if !record.terminal && record.updated_at < now() - ORPHANED_AFTER {
            let mut error = JsonObject::new();
            error.insert(
                "code".into(),
                ErrorData::internal_error("", None).code.0.into(),
            );
            error.insert(
                "message".into(),
                "the server running this task stopped before it finished; call the tool again"
                    .into(),
            );
            return Ok(DetailedTask::new(task.task, TaskPayload::Failed { error }));
        }
        Ok(task)
    }

    pub(crate) async fn get(&self, principal: &str, id: &str) -> Result<DetailedTask, ErrorData> {
        match self.local(principal, id) {
            Some(true) => match self.manager.get_task(id) {
                Ok(task) => Ok(task),
                // Evicted here: the store may still have its end.
                Err(_) => self.stored(principal, id).await,
            },
            Some(false) => Err(unknown(id)),
            None => self.stored(principal, id).await,
        }
    }

    pub(crate) async fn update(
        &self,
        principal: &str,
        id: &str,
        responses: InputResponses,
    ) -> Result<(), ErrorData> {
        match self.local(principal, id) {
            Some(true) => self.manager.update_task(id, responses),
            Some(false) => Err(unknown(id)),
            None => Err(elsewhere(&self.stored(principal, id).await?)),
        }
    }

    pub(crate) async fn cancel(&self, principal: &str, id: &str) -> Result<(), ErrorData> {
        match self.local(principal, id) {
            Some(true) => self.manager.cancel_task(id),
            Some(false) => Err(unknown(id)),
            None => {
                // Cancelling a task that ended is acknowledged (SEP-2663).
                let task = self.stored(principal, id).await?;
                if ended(&task) {
                    Ok(())
                } else {
                    Err(elsewhere(&task))
                }
            }
        }
    }
}

/// Whether the task is completed, failed or cancelled.
fn ended(task: &DetailedTask) -> bool {
    matches!(
        task.payload,
        TaskPayload::Completed { .. } | TaskPayload::Failed { .. } | TaskPayload::Cancelled
    )
}

fn unknown(id: &str) -> ErrorData {
    ErrorData::invalid_params(format!("unknown task `{id}`"), None)
}

/// The error of `tasks/update` or `tasks/cancel` at a replica that does not
/// run the task.
fn elsewhere(task: &DetailedTask) -> ErrorData {
    ErrorData::invalid_params(
        format!(
            "task `{}` runs on another replica of this server, or no longer runs: send tasks/update and tasks/cancel to the replica that created it (route on Mcp-Name)",
            task.task.task_id
        ),
        None,
    )
}

/// Writes one task's state to the store.
struct Recorder {
    store: Arc<dyn Store>,
    manager: TaskManager,
    id: String,
    owner: String,
}

impl Recorder {
    /// Write the task's state now; `false` when the manager no longer has it.
    async fn write(&self) -> bool {
        let Ok(task) = self.manager.get_task(&self.id) else {
            return false;
        };
        let terminal = ended(&task);
        let Ok(state) = serde_json::to_string(&task) else {
            return false;
        };
        let record = TaskRecord {
            id: self.id.clone(),
            owner: self.owner.clone(),
            state,
            terminal,
            updated_at: now(),
            expires_at: now() + KEPT,
        };
        if let Err(e) = self.store.put_task(&record).await {
            tracing::warn!(task = %self.id, "writing the task to the store failed: {e}");
        }
        !terminal
    }

    /// While the task runs: its state every [`HEARTBEAT`].
    async fn while_running(&self) {
        loop {
            self.write().await;
            tokio::time::sleep(HEARTBEAT).await;
        }
    }
}

/// Writes the task's end when dropped: when its work ends, or is aborted
/// (its TTL), the manager settles it at once, then this writes what it says.
struct Settle(Option<Recorder>);

impl Drop for Settle {
    fn drop(&mut self) {
        let (Some(record), Ok(runtime)) = (self.0.take(), tokio::runtime::Handle::try_current())
        else {
            return;
        };
        runtime.spawn(async move {
            for _ in 0..100 {
                if !record.write().await {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        });
    }
}

/// The tasks of a server, created on first use.
pub(crate) fn of(slot: &OnceLock<Tasks>) -> &Tasks {
    slot.get_or_init(Tasks::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::CallToolResult;

    #[tokio::test]
    async fn another_callers_task_is_answered_like_an_unknown_one() {
        let tasks = Tasks::new();
        let task = tasks
            .spawn("grant:a".into(), |_| {
                Box::pin(async { Ok(CallToolResult::success(Vec::new())) })
            })
            .unwrap();
        let id = task.task_id.as_str();
        assert!(tasks.get("grant:a", id).await.is_ok());
        let theirs = tasks.get("grant:b", id).await.unwrap_err();
        let unknown = tasks.get("grant:b", "no-such-task").await.unwrap_err();
        assert_eq!(theirs.code, unknown.code);
        assert_eq!(
            theirs.message.replace(id, "ID"),
            unknown.message.replace("no-such-task", "ID")
        );
        assert!(tasks.cancel("none", id).await.is_err());
        assert!(
            tasks
                .update("grant:b", id, InputResponses::new())
                .await
                .is_err()
        );
        assert!(tasks.cancel("grant:a", id).await.is_ok());
    }
}
