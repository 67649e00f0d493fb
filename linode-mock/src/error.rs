//! Linode's error envelope: `{"errors":[{"field": ..., "reason": ...}]}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

/// One entry of Linode's `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The request field the error is about (a dotted path such as `node_pools[0].count`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Human-readable reason.
    pub reason: String,
}

/// An error answer of the emulated API: an HTTP status and one or more [`FieldError`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: StatusCode,
    /// The entries of the `errors` array.
    pub errors: Vec<FieldError>,
    /// Seconds for a `Retry-After` header, when set.
    pub retry_after: Option<u64>,
}

/// Result alias used by the route handlers.
pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    /// An error with one reason and no field.
    pub fn new(status: StatusCode, reason: impl Into<String>) -> Self {
        Self {
            status,
            errors: vec![FieldError {
                field: None,
                reason: reason.into(),
            }],
            retry_after: None,
        }
    }

    /// 404 `Not found`.
    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "Not found")
    }

    /// 400 about one field.
    pub fn field(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            errors: vec![FieldError {
                field: Some(field.into()),
                reason: reason.into(),
            }],
            retry_after: None,
        }
    }

    /// 400 without a field.
    pub fn bad_request(reason: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, reason)
    }

    /// 401 `Invalid Token`.
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Invalid Token")
    }

    /// The JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        json!({ "errors": self.errors })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// Collects several field errors so that one request can report all of its problems at once,
/// as the real API does.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error about `field`.
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError {
            field: Some(field.into()),
            reason: reason.into(),
        });
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, otherwise a 400 carrying every recorded error.
    pub fn finish(self) -> ApiResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError {
                status: StatusCode::BAD_REQUEST,
                errors: self.0,
                retry_after: None,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_omits_missing_field() {
        let e = ApiError::not_found();
        assert_eq!(e.body(), json!({"errors":[{"reason":"Not found"}]}));
        let e = ApiError::field("label", "bad");
        assert_eq!(
            e.body(),
            json!({"errors":[{"field":"label","reason":"bad"}]})
        );
    }

    #[test]
    fn collector_reports_all_errors() {
        let mut errs = Errors::new();
        assert!(errs.is_empty());
        errs.add("a", "x");
        errs.add("b", "y");
        let e = errs.finish().unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.errors.len(), 2);
    }
}
