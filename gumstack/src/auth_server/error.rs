//! The one error type of the authorization server's handlers: each knows the
//! response it becomes (a page for the person in the browser, a JSON error for
//! the client), and a failure of the server itself (the store, the key) is
//! logged and answered 503 through `From<crate::Error>`, so handlers use `?`.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::{pages, protocol};

#[derive(Debug)]
pub(crate) enum AuthError {
    /// A page for the person in the browser.
    Page {
        status: StatusCode,
        title: &'static str,
        detail: String,
    },
    /// An error for the client (RFC 6749 5.2, RFC 7591 3.2.2): JSON, not cached.
    Client {
        status: StatusCode,
        error: &'static str,
        description: String,
    },
    /// The server could not do its part (logged where it was converted); a
    /// page, or JSON `temporarily_unavailable` for a client endpoint.
    Unavailable { for_client: bool },
    /// A whole response: the user is sent back to the client with an error.
    Redirect(Box<Response>),
}

impl AuthError {
    pub fn page(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Self::Page {
            status,
            title,
            detail: detail.into(),
        }
    }

    /// 400 "Invalid request" with what was wrong.
    pub fn bad_request(why: impl std::fmt::Display) -> Self {
        Self::page(
            StatusCode::BAD_REQUEST,
            "Invalid request",
            format!("{why}. Return to your application and try again."),
        )
    }

    /// 403 "Request not accepted".
    pub fn not_accepted(detail: impl Into<String>) -> Self {
        Self::page(StatusCode::FORBIDDEN, "Request not accepted", detail)
    }

    pub fn client(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self::Client {
            status,
            error,
            description: description.into(),
        }
    }

    /// `invalid_client` (RFC 6749 5.2: 401).
    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::client(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    /// The same failure, answered to a client endpoint (JSON, not a page).
    pub fn for_client(self) -> Self {
        match self {
            Self::Unavailable { .. } => Self::Unavailable { for_client: true },
            Self::Page { status, detail, .. } => Self::client(status, "invalid_request", detail),
            other => other,
        }
    }
}

impl From<crate::Error> for AuthError {
    fn from(error: crate::Error) -> Self {
        tracing::error!("the authorization server could not complete a step: {error:#}");
        Self::Unavailable { for_client: false }
    }
}

/// A protocol rule refused a client's request.
impl From<protocol::Refused> for AuthError {
    fn from(r: protocol::Refused) -> Self {
        let status = if r.error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::client(status, r.error, r.description)
    }
}

/// Responses to clients are never cached (RFC 6749 5.1).
pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        match self {
            Self::Page {
                status,
                title,
                detail,
            } => pages::message(status, title, &detail),
            Self::Client {
                status,
                error,
                description,
            } => no_store(
                (
                    status,
                    Json(json!({"error": error, "error_description": description})),
                )
                    .into_response(),
            ),
            Self::Unavailable { for_client: false } => pages::message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Something went wrong",
                "The server could not complete this step. Please try again in a moment.",
            ),
            Self::Unavailable { for_client: true } => Self::client(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "try again in a moment",
            )
            .into_response(),
            Self::Redirect(response) => *response,
        }
    }
}

/// What a handler returns.
pub(crate) type Answer = Result<Response, AuthError>;
