//! `cred` mode: after consent, a form generated from the server's
//! `Credentials` type; its answer, checked (and tried by the type's `validate`
//! hook, at a bounded rate), becomes the grant.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    routing::{get, post},
};

use super::{
    AuthServer, Flow,
    authorize::{self, ConsentBody},
    cookies::form_token,
    error::{Answer, AuthError},
    pages::{self, NextStep},
    rate::Limiter,
};
use crate::{credentials::FormErrors, grants::CredGrants, store::PendingRecord};

/// Submissions that reach the `validate` hook, per client: a burst of this
/// many, then one every [`VALIDATE_EVERY`]. The hook may try a key at the
/// provider; unbounded, the form would test stolen keys at speed.
const VALIDATE_BURST: u32 = 10;
const VALIDATE_EVERY: Duration = Duration::from_secs(6);
/// Longest accepted value of one field.
const MAX_FIELD_BYTES: usize = 8 * 1024;

/// What `cred` mode brings to the authorization server.
pub(crate) struct CredFlow {
    pub grants: Arc<CredGrants>,
    validations: Limiter,
}

impl CredFlow {
    pub fn new(grants: Arc<CredGrants>) -> Self {
        Self {
            grants,
            validations: Limiter::new(VALIDATE_BURST, VALIDATE_EVERY),
        }
    }
}

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
    }
}

type Server = AuthServer<CredFlow>;

/// The consent page's answer: approved, the credentials form.
async fn consent(
    State(server): State<Arc<Server>>,
    headers: HeaderMap,
    form: ConsentBody,
) -> Answer {
    let (pending, browser) = authorize::consented(&server, &headers, form).await?;
    Ok(form_page(
        &server,
        &pending,
        &browser,
        BTreeMap::new(),
        FormErrors::default(),
    ))
}

fn form_page(
    server: &Server,
    pending: &PendingRecord,
    browser: &str,
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
        return Ok(form_page(&server, &pending, &browser, kept, errors));
    }
    // Single use from here on: a second submit of the same page finds nothing.
    let pending = server
        .store
        .take_pending(&pending.id)
        .await?
        .ok_or_else(|| {
            AuthError::page(
                StatusCode::BAD_REQUEST,
                "Already done",
                "This authorization was already completed.",
            )
        })?;
    let grant = grants
        .create(Some(&pending.client_id), None, &values)
        .await?;
    authorize::complete(&server, &browser, &pending, grant).await
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
