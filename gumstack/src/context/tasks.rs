//! Tool calls that run as tasks (the SEP-2663 extension of MCP 2026-07-28):
//! the call answers at once with a task id; the client polls `tasks/get`,
//! answers the task's questions with `tasks/update`, and may `tasks/cancel`.
//!
//! rmcp's `TaskManager` runs them and keeps their state; this registry adds
//! who owns each task (the caller's grant, or `none`): another caller's task
//! is answered like an unknown one.

use std::{
    collections::BTreeMap,
    sync::{Mutex, OnceLock},
};

use rmcp::{
    ErrorData,
    model::{DetailedTask, InputResponses, Task},
    task_manager::{TaskContext, TaskFuture, TaskManager, TaskOptions},
};

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

/// The tasks of one server.
pub(crate) struct Tasks {
    manager: TaskManager,
    /// task id -> principal that created it.
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
        let task = self.manager.spawn(TaskOptions::new(), make_future);
        let mut owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        if owners.len() >= MAX_TASKS {
            // Tasks the manager has evicted (their TTL ended) go first.
            owners.retain(|id, _| self.manager.get_task(id).is_ok());
        }
        owners.insert(task.task_id.clone(), principal);
        Ok(task)
    }

    /// The task, if `principal` owns it; otherwise the error of an unknown
    /// id, so ids of other callers' tasks cannot be probed.
    fn check(&self, principal: &str, id: &str) -> Result<(), ErrorData> {
        let owners = self.owners.lock().unwrap_or_else(|e| e.into_inner());
        match owners.get(id) {
            Some(owner) if owner == principal => Ok(()),
            _ => Err(ErrorData::invalid_params(
                format!("unknown task `{id}`"),
                None,
            )),
        }
    }

    pub(crate) fn get(&self, principal: &str, id: &str) -> Result<DetailedTask, ErrorData> {
        self.check(principal, id)?;
        self.manager.get_task(id)
    }

    pub(crate) fn update(
        &self,
        principal: &str,
        id: &str,
        responses: InputResponses,
    ) -> Result<(), ErrorData> {
        self.check(principal, id)?;
        self.manager.update_task(id, responses)
    }

    pub(crate) fn cancel(&self, principal: &str, id: &str) -> Result<(), ErrorData> {
        self.check(principal, id)?;
        self.manager.cancel_task(id)
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
        assert!(tasks.get("grant:a", id).is_ok());
        let theirs = tasks.get("grant:b", id).unwrap_err();
        let unknown = tasks.get("grant:b", "no-such-task").unwrap_err();
        assert_eq!(theirs.code, unknown.code);
        assert_eq!(
            theirs.message.replace(id, "ID"),
            unknown.message.replace("no-such-task", "ID")
        );
        assert!(tasks.cancel("none", id).is_err());
        assert!(tasks.update("grant:b", id, InputResponses::new()).is_err());
        assert!(tasks.cancel("grant:a", id).is_ok());
    }
}
