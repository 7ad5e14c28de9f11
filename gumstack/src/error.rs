//! The one error type of gumstack: tools return it, `creds()` returns it, `run()` returns it.

use std::fmt;

/// `Result` with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, for callers that branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The user has not connected an account or entered credentials yet.
    NotConnected,
    /// Credentials are missing or invalid.
    Credentials,
    /// The host is configured wrongly (flags, env vars).
    Config,
    /// A tool failed; the message is shown to the MCP client.
    Tool,
    /// The provider no longer accepts the grant (`invalid_grant`, revoked token):
    /// the user must connect again. Never retried. See [`Error::revoked`] for
    /// what the host does with it.
    Revoked,
    /// A passing failure (network, 5xx, rate limit): worth retrying.
    Unavailable,
    /// Anything else (I/O, a third-party error converted with `?`).
    Other,
}

/// An error with a message meant for a person and, optionally, its cause.
///
/// Like `anyhow::Error`, any `std::error::Error` converts into it with `?`, which is
/// why it does not implement `std::error::Error` itself.
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a message for a person.
    pub fn new(kind: ErrorKind, message: impl fmt::Display) -> Self {
        Self {
            kind,
            message: message.to_string(),
            source: None,
        }
    }

    /// A tool error: its message is what the MCP client sees.
    pub fn msg(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Tool, message)
    }

    /// The user has not connected yet; `message` says how to.
    pub fn not_connected(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::NotConnected, message)
    }

    /// The provider refused the grant for good: the user must reconnect.
    ///
    /// What the host does with it depends on who returns it:
    ///
    /// - From [`AuthProvider::refresh`](crate::AuthProvider::refresh) (the
    ///   presets return it for `invalid_grant` and the like): the grant is
    ///   marked disconnected, and the tool call whose `creds().await` needed
    ///   the refresh fails with a single-use reconnect link (over HTTP, also
    ///   offered through URL-mode elicitation; over stdio, a hint to run
    ///   `<server> login`). Its MCP access tokens are withdrawn, so the
    ///   client's next request gets `401` and asks the user to authorize again;
    ///   reconnecting through the link restores the grant instead.
    /// - From a tool, e.g. when the provider's API answers `401` to the user's
    ///   access token: nothing more than any tool error. The client sees an
    ///   `isError` result with the message; the grant stays connected and
    ///   `creds()` keeps returning the same token until it is due for a
    ///   refresh. So the message should say what to do: over HTTP, disconnect
    ///   the account on the server's `/accounts` page (the MCP client is then
    ///   asked to authorize again); over stdio, run `<server> login` again.
    ///
    /// ```
    /// # async fn call(token: &str) -> gumstack::Result<String> {
    /// # let status = 401u16;
    /// if status == 401 {
    ///     return Err(gumstack::Error::revoked(
    ///         "GitHub refused the access token (revoked at GitHub?): disconnect the \
    ///          account at <server>/accounts and authorize again, or run `github login`",
    ///     ));
    /// }
    /// # Ok(String::new())
    /// # }
    /// ```
    pub fn revoked(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Revoked, message)
    }

    /// A passing failure of a provider: the host retries with backoff.
    pub fn unavailable(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Unavailable, message)
    }

    /// Whether retrying may help: `Unavailable`, or an I/O or HTTP transport
    /// failure converted with `?` (timeouts, refused connections).
    pub fn is_transient(&self) -> bool {
        match self.kind {
            ErrorKind::Unavailable => true,
            ErrorKind::Other => self.source.as_deref().is_some_and(|e| {
                e.downcast_ref::<reqwest::Error>()
                    .is_some_and(|e| e.is_timeout() || e.is_connect() || e.is_request())
                    || e.downcast_ref::<std::io::Error>().is_some_and(|e| {
                        matches!(
                            e.kind(),
                            std::io::ErrorKind::TimedOut
                                | std::io::ErrorKind::ConnectionRefused
                                | std::io::ErrorKind::ConnectionReset
                                | std::io::ErrorKind::Interrupted
                        )
                    })
            }),
            _ => false,
        }
    }

    pub(crate) fn config(message: impl fmt::Display) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The cause, when this error wraps another.
    pub fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl fmt::Display for Error {
    /// `{}` prints the message; `{:#}` appends the chain of causes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if f.alternate() {
            let mut cause = self.source();
            while let Some(e) = cause {
                let text = e.to_string();
                if !self.message.contains(&text) {
                    write!(f, ": {text}")?;
                }
                cause = e.source();
            }
        }
        Ok(())
    }
}

/// Debug prints the whole chain, so `main() -> gumstack::Result<()>` ends with a
/// readable message rather than a struct dump.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:#}")
    }
}

impl<E> From<E> for Error
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(error: E) -> Self {
        Self {
            kind: ErrorKind::Other,
            message: error.to_string(),
            source: Some(Box::new(error)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alternate_display_appends_causes_once() {
        let io = std::io::Error::other("disk full");
        let e = Error::from(io);
        assert_eq!(e.to_string(), "disk full");
        assert_eq!(format!("{e:#}"), "disk full");
        assert_eq!(e.kind(), ErrorKind::Other);
    }
}
