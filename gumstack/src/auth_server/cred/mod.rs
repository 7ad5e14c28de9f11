//! `cred` mode: after consent, a form generated from the server's
//! `Credentials` type; its answer, checked (and tried by the type's `validate`
//! hook, at a bounded rate), becomes the grant.
//!
//! A client that authorizes again in a browser that connected it before (a
//! step-up: the client asks for more of the server's scopes) may keep the
//! credentials entered then: the new tokens belong to the same grant, and the
//! client's older tokens keep working.

mod state;
mod step_up;

use std::{collections::BTreeMap, sync::Arc};

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
};

pub(crate) use state::CredFlow;
use state::{MAX_FIELD_BYTES, Server};

use super::{
    AuthServer, Flow,
    authorize::{self, ConsentBody},
    cookies::form_token,
    error::{Answer, AuthError},
    pages::{self, NextStep},
};
use crate::{credentials::FormErrors, store::PendingRecord};

impl Flow for CredFlow {
    fn next_step(&self) -> NextStep {
        NextStep::Credentials(self.grants.fields().iter().map(|f| f.label).collect())
    }

    async fn delete(&self, grant_id: &str) -> crate::Result<()> {
        self.grants.delete(grant_id).await
    }

    async fn forget(&self, grant_id: &str) -> crate::Result<()> {
        self.grants.delete(grant_id).await
    }

    fn routes() -> Router<Arc<AuthServer<Self>>> {
        Router::new()
            .route(
                "/authorize",
                get(authorize::authorize::<Self>).post(consent),
            )
            .route("/authorize/credentials", post(credentials))
            .route("/auth/reconnect", get(step_up::page).post(step_up::allow))
    }
}

/// The consent page's answer: approved, the credentials form.
async fn consent(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: ConsentBody,
) -> Answer {
    let (pending, browser) = authorize::consented(&server, &headers, form).await?;
    let saved = saved_grant(&server, &browser, &pending.client_id)
        .await?
        .is_some();
    Ok(form_page(
        &server,
        &pending,
        &browser,
        saved,
        BTreeMap::new(),
        FormErrors::default(),
    ))
}

/// The connected grant of `client_id` that this browser completed, if any:
/// what "keep the credentials you entered" keeps. Looked up here each time,
/// never named by the form.
async fn saved_grant(
    server: &Server,
    browser: &str,
    client_id: &str,
) -> Result<Option<String>, AuthError> {
    let grants = server
        .store
        .grants_of_browser(&crate::crypto::hash(browser))
        .await?;
    Ok(grants
        .into_iter()
        .filter(|g| !g.disconnected && g.client_id.as_deref() == Some(client_id))
        .max_by_key(|g| g.updated_at)
        .map(|g| g.id))
}

fn form_page(
    server: &Server,
    pending: &PendingRecord,
    browser: &str,
    saved: bool,
    values: BTreeMap<String, String>,
    errors: FormErrors,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = pages::Credentials::new(
        server.server_name,
        server.flow.grants.fields(),
        &values,
        errors,
        &pending.id,
        &form_token(browser, &authorize::pending_purpose(&pending.id)),
        saved,
    );
    pages::render(status, &page)
}

/// The credentials form's answer.
async fn credentials(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: Result<Form<BTreeMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Answer {
    let Form(mut form) = form.map_err(|_| AuthError::bad_request("The form could not be read"))?;
    let pending_id = form.remove("pending").unwrap_or_default();
    let csrf = form.remove("csrf").unwrap_or_default();
    let (pending, browser) =
        authorize::checked_pending(&server, &headers, &pending_id, &csrf).await?;
    if !pending.consented {
        return Err(AuthError::page(
            StatusCode::BAD_REQUEST,
            "Consent needed",
            "Approve the application first. Start again from your application.",
        ));
    }
    if form.contains_key("keep") {
        return keep_saved(&server, &pending, &browser).await;
    }
    let grants = &server.flow.grants;
    // Only the declared fields are kept.
    let fields = grants.fields();
    let values: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|f| {
            form.get(f.name)
                .map(|v| (f.name.to_owned(), v.trim().to_owned()))
        })
        .collect();
    let errors = check(&server.flow, &pending.client_id, &values).await;
    if !errors.is_empty() {
        // Secret values are never sent back into the page.
        let kept = values
            .into_iter()
            .filter(|(k, _)| fields.iter().any(|f| f.name == k && !f.secret))
            .collect();
        let saved = saved_grant(&server, &browser, &pending.client_id)
            .await?
            .is_some();
        return Ok(form_page(&server, &pending, &browser, saved, kept, errors));
    }
    let pending = take(&server, &pending).await?;
    let grant = grants
        .create(Some(&pending.client_id), None, &values)
        .await?;
    authorize::complete(&server, &browser, &pending, grant).await
}

/// Single use from here on: a second submit of the same page finds nothing.
async fn take(server: &Server, pending: &PendingRecord) -> Result<PendingRecord, AuthError> {
    server
        .store
        .take_pending(&pending.id)
        .await?
        .ok_or_else(|| {
            AuthError::page(
                StatusCode::BAD_REQUEST,
                "Already done",
                "This authorization was already completed.",
            )
        })
}

/// "Keep the credentials you entered": the new authorization belongs to the
/// grant this browser connected for this client, with no form to fill.
async fn keep_saved(server: &Server, pending: &PendingRecord, browser: &str) -> Answer {
    let Some(grant) = saved_grant(server, browser, &pending.client_id).await? else {
        return Err(AuthError::page(
            StatusCode::BAD_REQUEST,
            "Nothing saved here",
            "This browser has no credentials saved for this application. Start again from your application and enter them.",
        ));
    };
    let pending = take(server, pending).await?;
    authorize::complete(server, browser, &pending, grant).await
}

/// What is wrong with submitted values: their sizes, their parsing, then the
/// type's `validate` hook, at most at the client's rate.
async fn check(flow: &CredFlow, client_id: &str, values: &BTreeMap<String, String>) -> FormErrors {
    let mut errors = FormErrors::default();
    for f in flow.grants.fields() {
        if values
            .get(f.name)
            .is_some_and(|v| v.len() > MAX_FIELD_BYTES)
        {
            errors.fields.insert(
                f.name,
                format!(
                    "{} is too long (at most {MAX_FIELD_BYTES} characters)",
                    f.label
                ),
            );
        }
    }
    if !errors.is_empty() {
        return errors;
    }
    let errors = flow.grants.parse_errors(values);
    if !errors.is_empty() {
        return errors;
    }
    match flow.validations.take(client_id) {
        Ok(()) => flow.grants.check(values).await,
        Err(wait) => FormErrors {
            form: Some(format!(
                "Too many attempts from this application. Wait {} seconds and submit again.",
                wait.as_secs().max(1)
            )),
            ..Default::default()
        },
    }
}
