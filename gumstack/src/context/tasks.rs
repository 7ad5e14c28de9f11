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

/// Tasks kept at most (running and finished, until their TTL ends): past
/// this, new tasks are refused rather than memory growing without bound.
const MAX_TASKS: usize = 10_000;

/// How often a running task's state is written to the store.
const HEARTBEAT: Duration = Duration::from_secs(1);

/// A running task not written for this long has lost its process.
const ORPHANED_AFTER: Timestamp = 5;

/// How long a task's record is kept: its TTL (rmcp's default, 5 minutes) and
/// as long again for a poller to read the end, as rmcp keeps it in memory.
const KEPT: Timestamp = 2 * (rmcp::task_manager::DEFAULT_TASK_TTL_MS / 1000) as Timestamp;

/// The tasks of one server.
pub(crate) struct Tasks {
    manager: TaskManager,
    /// task id -> principal that created it (tasks of this process).
    owners: Mutex<BTreeMap<String, String>>,
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
        if self.manager.running_task_count() >= MAX_TASKS {
            return Err(ErrorData::internal_error(
                "too many tasks are running; try again later",
                None,
            ));
        }
        let store = request_state::shared_store().cloned();
        let manager = self.manager.clone();
        let owner = principal.clone();
        let task = self.manager.spawn(TaskOptions::new(), move |ctx| {
            let Some(store) = store else {
                return make_future(ctx);
            };
            let id = ctx.task_id().to_owned();
            let work = make_future(ctx);
            Box::pin(async move {
                let record = Recorder {
                    store,
                    manager,
                    id,
                    owner,
                };
                let outcome = tokio::select! {
                    outcome = work => outcome,
                    () = record.while_running() => unreachable!("the heartbeat never ends"),
                };
                // The manager settles the task once this future returns.
                tokio::spawn(async move { record.when_settled().await });
                outcome
            })
        });
        let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        if owners.len() >= MAX_TASKS {
            // Tasks the manager has evicted (their TTL ended) go first.
            owners.retain(|id, _| self.manager.get_task(id).is_ok());
        }
        owners.insert(task.task_id.clone(), principal);
        Ok(task)
    }

    /// Whether this process runs task `id` for `principal`. `None`: it does
    /// not know the task.
    fn local(&self, principal: &str, id: &str) -> Option<bool> {
        let owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        owners.get(id).map(|owner| owner == principal)
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
                let task = self.stored(principal, id).await?;
                match task.payload {
                    // Cancelling a task that ended is acknowledged (SEP-2663).
                    TaskPayload::Completed { .. }
                    | TaskPayload::Failed { .. }
                    | TaskPayload::Cancelled => Ok(()),
                    _ => Err(elsewhere(&task)),
                }
            }
        }
    }
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
        let terminal = matches!(
            task.payload,
            TaskPayload::Completed { .. } | TaskPayload::Failed { .. } | TaskPayload::Cancelled
        );
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

    /// Once the manager has settled the task: its end.
    async fn when_settled(self) {
        for _ in 0..100 {
            if !self.write().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
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
