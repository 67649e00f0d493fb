//! The one error type of the SDK.
//!
//! Every fallible call returns [`Error`]. Linode's error envelope
//! (`{"errors":[{"field": ..., "reason": ...}]}`) becomes an [`ApiError`] with the
//! HTTP status and the field errors; predicates such as [`Error::is_not_found`] keep
//! callers from matching on numbers. Errors never contain the API token.

use std::fmt;
use std::time::Duration;

/// Shorthand for `Result<T, linode_sdk::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Whether a failed request reached the Linode API server.
///
/// This decides whether a non-idempotent request (a create) may be retried: only when
/// the server provably did not act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReachedServer {
    /// The request never left the client (for example the connection was refused),
    /// so the server did not act on it.
    No,
    /// The request may have reached the server (for example it timed out while
    /// waiting for the response), so the server may have acted on it.
    Unknown,
    /// The server answered.
    Yes,
}

impl fmt::Display for ReachedServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReachedServer::No => "the request did not reach the server",
            ReachedServer::Unknown => "the request may have reached the server",
            ReachedServer::Yes => "the server answered",
        })
    }
}

/// One entry of Linode's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
pub struct FieldError {
    /// The request field the error is about (a dotted path for nested fields), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Human-readable reason; always present on the real API.
    #[serde(default)]
    pub reason: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// The error envelope Linode sends with non-2xx responses.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct ErrorEnvelope {
    #[serde(default)]
    pub(crate) errors: Vec<FieldError>,
}

/// A non-2xx answer from the Linode API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// HTTP method of the failed request.
    pub method: String,
    /// API path of the failed request (without host and version), e.g. `/lke/clusters/1`.
    pub path: String,
    /// The decoded `errors` array. Empty when the body was not Linode's envelope; then
    /// [`ApiError::body`] holds the start of the raw body.
    pub errors: Vec<FieldError>,
    /// The start (at most 512 bytes) of a body that was not an error envelope.
    pub body: Option<String>,
    /// The server's `Retry-After` hint (on 429 also the `X-RateLimit-Reset` wait), if any.
    pub retry_after: Option<Duration>,
    /// Whether the response carried `X-Maintenance-Mode`.
    pub maintenance_mode: bool,
}

impl ApiError {
    /// The reasons of all field errors, in order.
    pub fn reasons(&self) -> impl Iterator<Item = &str> {
        self.errors.iter().map(|e| e.reason.as_str())
    }

    /// The field errors about `field`.
    pub fn field_errors<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FieldError> + 'a {
        self.errors.iter().filter(move |e| e.field.as_deref() == Some(field))
    }

    /// `true` for 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// `true` for 429 Too Many Requests.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
    }

    /// `true` for 401 Unauthorized.
    pub fn is_unauthorized(&self) -> bool {
        self.status == 401
    }

    /// `true` for 403 Forbidden.
    pub fn is_forbidden(&self) -> bool {
        self.status == 403
    }

    /// `true` for 400 Bad Request (validation errors).
    pub fn is_bad_request(&self) -> bool {
        self.status == 400
    }

    /// `true` for a 400 whose reason is exactly `Linode busy.` (retried automatically).
    pub fn is_linode_busy(&self) -> bool {
        self.status == 400 && self.reasons().any(|r| r == "Linode busy.")
    }

    /// `true` for 5xx statuses.
    pub fn is_server_error(&self) -> bool {
        (500..600).contains(&self.status)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} failed with HTTP {}", self.method, self.path, self.status)?;
        if !self.errors.is_empty() {
            f.write_str(": ")?;
            for (i, e) in self.errors.iter().enumerate() {
                if i > 0 {
                    f.write_str("; ")?;
                }
                write!(f, "{e}")?;
            }
        } else if let Some(body) = &self.body {
            write!(f, ": {body}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Everything that can go wrong when talking to Linode.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-2xx status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A 2xx response body did not match the SDK's model; `json_path` names the
    /// failing element (e.g. `data[3].created`).
    #[error("{method} {path}: cannot decode the response at `{json_path}`: {source}")]
    Decode {
        /// HTTP method of the request.
        method: String,
        /// API path of the request.
        path: String,
        /// JSON path of the element that failed to decode.
        json_path: String,
        /// The underlying serde error.
        #[source]
        source: serde_json::Error,
    },

    /// The request failed below HTTP (connect, TLS, timeout, broken connection).
    #[error("{method} {path}: transport error ({reached_server}): {source}")]
    Transport {
        /// HTTP method of the request.
        method: String,
        /// API path of the request.
        path: String,
        /// Whether the request reached the server.
        reached_server: ReachedServer,
        /// `true` when the failure was a timeout.
        timeout: bool,
        /// The underlying HTTP client error (it never contains the token).
        #[source]
        source: reqwest::Error,
    },

    /// The client or a request was configured wrongly (bad URL, unreadable CA, ...).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A request body could not be serialised.
    #[error("cannot encode the request body: {0}")]
    Encode(#[source] serde_json::Error),

    /// The operation was cancelled through the client's or waiter's cancellation token.
    #[error("operation cancelled")]
    Cancelled,

    /// A waiter hit its deadline.
    #[error("timed out after {elapsed:?} waiting for {what} (last state: {last_state})")]
    WaitTimeout {
        /// What was being waited for.
        what: String,
        /// How long the waiter ran.
        elapsed: Duration,
        /// The last observed progress message.
        last_state: String,
    },

    /// An S3 operation failed.
    #[cfg(feature = "s3")]
    #[error("S3 {operation} failed{}: {message}", status.map(|s| format!(" with HTTP {s}")).unwrap_or_default())]
    S3 {
        /// The S3 operation, e.g. `PutObject`.
        operation: &'static str,
        /// HTTP status, when the server answered.
        status: Option<u16>,
        /// S3 error code, e.g. `NoSuchKey`.
        code: Option<String>,
        /// Error message.
        message: String,
    },
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl Error {
    /// The API error, when the server answered with a non-2xx status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of an API (or S3) error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            #[cfg(feature = "s3")]
            Error::S3 { status, .. } => *status,
            _ => None,
        }
    }

    /// `true` when the resource does not exist (HTTP 404, or S3 `NoSuchKey`/`NoSuchBucket`/`NoSuchVersion`).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Api(e) => e.is_not_found(),
            #[cfg(feature = "s3")]
            Error::S3 { status, code, .. } => {
                *status == Some(404)
                    || matches!(code.as_deref(), Some("NoSuchKey" | "NoSuchBucket" | "NoSuchVersion" | "NotFound"))
            }
            _ => false,
        }
    }

    /// `true` for HTTP 429.
    pub fn is_rate_limited(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_rate_limited)
    }

    /// `true` for HTTP 401.
    pub fn is_unauthorized(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_unauthorized)
    }

    /// `true` for HTTP 403.
    pub fn is_forbidden(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_forbidden)
    }

    /// `true` for HTTP 400.
    pub fn is_bad_request(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_bad_request)
    }

    /// `true` for HTTP 5xx.
    pub fn is_server_error(&self) -> bool {
        self.api_error().is_some_and(ApiError::is_server_error)
    }

    /// `true` for transport timeouts.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { timeout: true, .. })
    }

    /// `true` for [`Error::Cancelled`].
    pub fn is_cancelled(&self) -> bool {
        matches!(self, Error::Cancelled)
    }

    /// Whether the failed request reached the server, when that is known.
    pub fn reached_server(&self) -> Option<ReachedServer> {
        match self {
            Error::Api(_) | Error::Decode { .. } => Some(ReachedServer::Yes),
            Error::Transport { reached_server, .. } => Some(*reached_server),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, reasons: &[(&str, Option<&str>)]) -> ApiError {
        ApiError {
            status,
            method: "GET".into(),
            path: "/x".into(),
            errors: reasons
                .iter()
                .map(|(r, f)| FieldError { field: f.map(str::to_owned), reason: (*r).to_owned() })
                .collect(),
            body: None,
            retry_after: None,
            maintenance_mode: false,
        }
    }

    #[test]
    fn display_lists_field_errors() {
        let e = Error::from(api(400, &[("too short", Some("label")), ("bad", None)]));
        assert_eq!(e.to_string(), "GET /x failed with HTTP 400: label: too short; bad");
        assert!(e.is_bad_request());
        assert!(!e.is_not_found());
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.reached_server(), Some(ReachedServer::Yes));
    }

    #[test]
    fn predicates() {
        assert!(Error::from(api(404, &[("Not found", None)])).is_not_found());
        assert!(Error::from(api(429, &[])).is_rate_limited());
        assert!(api(400, &[("Linode busy.", None)]).is_linode_busy());
        assert!(!api(400, &[("Linode busy", None)]).is_linode_busy());
        assert!(Error::from(api(503, &[])).is_server_error());
        let e = api(400, &[("a", Some("label")), ("b", Some("region"))]);
        assert_eq!(e.field_errors("region").count(), 1);
    }
}
