//! Tool calls as tasks (SEP-2663): starting one, and `tasks/get`,
//! `tasks/update`, `tasks/cancel` for the generated `ServerHandler`.

use std::{borrow::Cow, sync::Arc};

use rmcp::{
    ErrorData,
    model::{
        CancelTaskParams, ClientCapabilities, CreateTaskResult, GetTaskParams, GetTaskResult,
        JsonObject, UpdateTaskParams,
    },
    service::RequestContext,
    task_manager::{TaskContext, TaskExit, TaskFuture},
};
use tokio_util::sync::CancellationToken;

use super::{
    call::{classify, panicked, run_tool, unknown_tool},
    rounds::principal,
};
use crate::{
    Server, audit,
    context::{Context, ServerState, exchange::Exchange, tasks},
};

/// What a tool call needs to go on as a task, after its request is gone.
pub(crate) struct Start {
    pub name: Cow<'static, str>,
    pub arguments: JsonObject,
    pub grant: Option<crate::auth_server::Identity>,
    pub principal: String,
    pub caps: ClientCapabilities,
    /// The answers the call was given before it became a task.
    pub exchange: Arc<Exchange>,
}

/// Start the call as a task of its caller; the tool runs from the start in
/// it. `None` when the server is not run by the host (nothing could keep
/// it running after the request).
pub(crate) fn start<S: Server>(
    state: &'static ServerState,
    start: Start,
) -> Option<Result<CreateTaskResult, ErrorData>> {
    let server = S::__instance()?;
    let Start {
        name,
        arguments,
        grant,
        principal,
        caps,
        exchange,
    } = start;
    exchange.rerun();
    let run = move |task: TaskContext| -> TaskFuture {
        Box::pin(async move {
            // `tasks/cancel` cancels the tool's context: cancellation stays
            // cooperative, as for a call.
            let ct = CancellationToken::new();
            let ctx = Context::for_task(state, caps, exchange, task.clone(), ct.clone());
            let link = async {
                task.cancelled().await;
                ct.cancel();
                std::future::pending::<()>().await
            };
            // Audited as the call it is, when it ends (the request that
            // started it recorded nothing).
            let caller = grant.as_ref().map(|g| g.record().clone());
            let audit = audit::Call::tool(S::tools(), &name, &arguments, caller);
            let run = tracing::Instrument::instrument(
                run_tool(&*server, &name, arguments, grant, ctx),
                audit.span().clone(),
            );
            let outcome = tokio::select! {
                outcome = run => outcome,
                () = link => unreachable!("the link never ends"),
            };
            audit.end(classify(&outcome).into());
            match outcome {
                // A tool that stops when cancelled returns an error: the task
                // is cancelled. One that finishes anyway is completed (SEP-2663).
                Ok(Some(result)) if task.is_cancel_requested() && result.is_error == Some(true) => {
                    Err(TaskExit::Cancelled)
                }
                Ok(Some(result)) => Ok(result),
                Ok(None) => Err(TaskExit::Error(unknown_tool(&name))),
                // The task fails (a protocol error), where a call would have
                // answered with a tool error.
                Err(_) => Err(TaskExit::Error(ErrorData::internal_error(
                    panicked(&name),
                    None,
                ))),
            }
        })
    };
    Some(
        tasks::of(&state.tasks)
            .spawn(principal, run)
            .map(CreateTaskResult::new),
    )
}

pub async fn get_task(
    state: &'static ServerState,
    request: GetTaskParams,
    context: &RequestContext<rmcp::RoleServer>,
) -> Result<GetTaskResult, ErrorData> {
    let principal = principal(context);
    tasks::of(&state.tasks)
        .get(&principal, &request.task_id)
        .await
        .map(GetTaskResult::new)
}

pub async fn update_task(
    state: &'static ServerState,
    request: UpdateTaskParams,
    context: &RequestContext<rmcp::RoleServer>,
) -> Result<(), ErrorData> {
    let principal = principal(context);
    tasks::of(&state.tasks)
        .update(&principal, &request.task_id, request.input_responses)
        .await
}

pub async fn cancel_task(
    state: &'static ServerState,
    request: CancelTaskParams,
    context: &RequestContext<rmcp::RoleServer>,
) -> Result<(), ErrorData> {
    let principal = principal(context);
    tasks::of(&state.tasks)
        .cancel(&principal, &request.task_id)
        .await
}
