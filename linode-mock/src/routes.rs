//! HTTP routing: the "front door" (faults, rate limits, auth, request log) and the REST router
//! served under both `/v4` and `/v4beta`, plus shared extractors and input helpers.

pub mod admin;
pub mod domains;
pub mod firewalls;
pub mod linode_types;
pub mod lke;
pub mod network_transfer;
pub mod nodebalancers;
pub mod object_storage;
pub mod regions;
pub mod vpcs;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tower::ServiceExt;

use crate::error::{ApiError, ApiResult, Errors};
use crate::faults::Fault;
use crate::pagination::{PageParams, paginate};
use crate::server::{RequestRecord, Shared};
use crate::state::{fmt_time, now_ms};

/// The spec version advertised in `X-Spec-Version` (kept at or below linode-cli's baked 4.229).
pub const SPEC_VERSION: &str = "4.189.0";

/// Shared handler state.
pub type AppState = Arc<Shared>;

/// Builds the router: REST under `/v4` and `/v4beta`, admin under `/__admin`.
pub fn router(shared: AppState) -> Router {
    let api = Router::new()
        .merge(lke::routes())
        .merge(nodebalancers::routes())
        .merge(domains::routes())
        .merge(object_storage::routes())
        .merge(regions::routes())
        .merge(linode_types::routes())
        .merge(network_transfer::routes())
        .merge(firewalls::routes())
        .merge(vpcs::routes());
    Router::new()
        .nest("/v4", api.clone())
        .nest("/v4beta", api)
        .nest("/__admin", admin::routes())
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
        })
        .with_state(shared)
}

fn bare_path(path: &str) -> &str {
    path.strip_prefix("/v4beta")
        .or_else(|| path.strip_prefix("/v4"))
        .unwrap_or(path)
}

/// Whether a request may be served without a token (the real API's public endpoints).
pub fn is_public(method: &Method, path: &str) -> bool {
    if method != Method::GET {
        return false;
    }
    let p = bare_path(path);
    [
        "/regions",
        "/linode/types",
        "/lke/types",
        "/nodebalancers/types",
        "/object-storage/types",
        "/object-storage/clusters",
        "/network-transfer/prices",
    ]
    .iter()
    .any(|prefix| p == *prefix || p.starts_with(&format!("{prefix}/")))
}

fn bearer(req: &hyper::Request<hyper::body::Incoming>) -> Option<&str> {
    let v = req
        .headers()
        .get(hyper::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Handles one REST request: decides faults first (before any handler runs, so a faulted
/// request changes nothing, except an apply-then-500 fault whose answer is replaced after the
/// handler ran), counts it against the rate limit, checks the token, routes it, and records it
/// in the request log. `Err` makes hyper close the connection (dropped fault).
pub async fn front_door(
    shared: AppState,
    router: Router,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<Response, std::io::Error> {
    let path = req.uri().path().to_string();
    if path.starts_with("/__admin") {
        let resp: Result<Response, Infallible> = router.oneshot(req.map(Body::new)).await;
        return Ok(resp.unwrap_or_else(|e| match e {}));
    }
    let method = req.method().clone();
    let decision = shared.faults.decide(method.as_str(), &path);
    if let Some(latency) = decision.latency {
        tokio::time::sleep(latency).await;
    }
    let now = now_ms();
    let x_filter = req.headers().get("x-filter").and_then(|v| v.to_str().ok()).map(str::to_string);
    let record = |status: u16| RequestRecord {
        method: method.to_string(),
        path: path.clone(),
        status,
        time: fmt_time(now),
        x_filter: x_filter.clone(),
    };
    if decision.fault == Some(Fault::Drop) {
        tracing::debug!(%method, %path, "request dropped by an injected fault");
        shared.record(record(0));
        return Err(std::io::Error::other("injected fault: connection dropped"));
    }
    let rate = shared.limiter.hit(now / 1000, shared.rate_limit());
    let mut resp = if let Some(answer) = decision.fault.and_then(fault_answer) {
        answer
    } else if rate.exceeded {
        ApiError {
            retry_after: Some(rate.retry_after),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
        }
        .into_response()
    } else if is_public(&method, &path) || bearer(&req).is_some_and(|t| shared.token_ok(t)) {
        let resp: Result<Response, Infallible> = router.oneshot(req.map(Body::new)).await;
        resp.unwrap_or_else(|e| match e {})
    } else {
        ApiError::unauthorized().into_response()
    };
    if decision.fault == Some(Fault::ApplyThen500) {
        // The handler ran (its changes are kept); the client only sees a server error.
        resp = server_error();
    }
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(rate.reset));
    h.insert("x-spec-version", HeaderValue::from_static(SPEC_VERSION));
    h.insert("x-oauth-scopes", HeaderValue::from_static("*"));
    // Linode's responses carry the server's time; clients use it to reason about `created`.
    if let Ok(date) = HeaderValue::from_str(&http_date(time::OffsetDateTime::now_utc())) {
        h.insert(axum::http::header::DATE, date);
    }
    let status = resp.status().as_u16();
    tracing::debug!(%method, %path, status, fault = ?decision.fault, "request");
    shared.record(record(status));
    Ok(resp)
}

fn server_error() -> Response {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response()
}

/// The answer replacing the handler for an injected fault (`None` for a dropped connection,
/// which has no answer, and for an apply-then-500 fault, answered after the handler ran).
fn fault_answer(fault: Fault) -> Option<Response> {
    let err = match fault {
        Fault::Drop | Fault::ApplyThen500 => return None,
        Fault::ServerError => return Some(server_error()),
        Fault::RateLimited(secs) => ApiError {
            retry_after: Some(secs),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Too many requests")
        },
        Fault::Busy => ApiError::bad_request("Linode busy."),
    };
    Some(err.into_response())
}

/// A JSON request body; an empty body reads as `{}`. Invalid JSON is a Linode-style 400.
#[derive(Debug, Clone)]
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::bad_request("Could not read the request body"))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self(json!({})));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(v @ Value::Object(_)) => Ok(Self(v)),
            Ok(_) => Err(ApiError::bad_request(
                "The request body must be a JSON object",
            )),
            Err(_) => Err(ApiError::bad_request("Invalid JSON")),
        }
    }
}

/// Page parameters and the `X-Filter` header of a collection request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// Page and page size.
    pub page: PageParams,
    /// Raw `X-Filter` header.
    pub filter: Option<String>,
    /// Every query parameter.
    pub query: HashMap<String, String>,
}

impl<S: Send + Sync> FromRequestParts<S> for ListQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = query_map(parts.uri.query());
        let page = PageParams::from_query(&query)?;
        let filter = parts
            .headers
            .get("x-filter")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(Self {
            page,
            filter,
            query,
        })
    }
}

/// Parses a query string into a map (percent-decoding `+` and `%XX`).
pub fn query_map(q: Option<&str>) -> HashMap<String, String> {
    q.unwrap_or_default()
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Filters, orders and pages rendered items.
pub fn list_response(
    items: Vec<Value>,
    q: &ListQuery,
    filterable: &[&str],
) -> ApiResult<axum::Json<Value>> {
    let items = crate::filter::apply(items, q.filter.as_deref(), filterable)?;
    Ok(axum::Json(paginate(items, q.page)))
}

/// Parses a numeric path id; anything else is a 404 like the real API.
pub fn parse_id(s: &str) -> ApiResult<u64> {
    s.parse().map_err(|_| ApiError::not_found())
}

/// The `200 {}` answer of deletes and actions.
pub fn empty() -> axum::Json<Value> {
    axum::Json(json!({}))
}

/// Typed access to fields of a JSON request body, recording errors with full field paths.
pub struct Input<'a> {
    obj: Option<&'a Map<String, Value>>,
    prefix: String,
}

impl<'a> Input<'a> {
    /// Wraps a body object; `prefix` is prepended to field names in errors (e.g. `node_pools[0].`).
    pub fn new(v: &'a Value, prefix: impl Into<String>) -> Self {
        Self {
            obj: v.as_object(),
            prefix: prefix.into(),
        }
    }

    /// Full field path of `key`.
    pub fn path(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Raw value, treating JSON `null` as absent.
    pub fn raw(&self, key: &str) -> Option<&'a Value> {
        self.obj.and_then(|o| o.get(key)).filter(|v| !v.is_null())
    }

    /// Whether `key` is present (and not null).
    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    /// Optional string.
    pub fn str(&self, key: &str, errs: &mut Errors) -> Option<&'a str> {
        match self.raw(key) {
            None => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => {
                errs.add(self.path(key), format!("{key} must be a string"));
                None
            }
        }
    }

    /// Required string.
    pub fn req_str(&self, key: &str, errs: &mut Errors) -> Option<&'a str> {
        if !self.has(key) {
            errs.add(self.path(key), format!("{key} is required"));
            return None;
        }
        self.str(key, errs)
    }

    /// Optional integer.
    pub fn int(&self, key: &str, errs: &mut Errors) -> Option<i64> {
        match self.raw(key) {
            None => None,
            Some(v) => match v.as_i64() {
                Some(n) => Some(n),
                None => {
                    errs.add(self.path(key), format!("{key} must be an integer"));
                    None
                }
            },
        }
    }

    /// Optional integer within `lo..=hi`.
    pub fn int_range(&self, key: &str, lo: i64, hi: i64, errs: &mut Errors) -> Option<i64> {
        let n = self.int(key, errs)?;
        if n < lo || n > hi {
            errs.add(
                self.path(key),
                format!("{key} must be between {lo} and {hi}"),
            );
            return None;
        }
        Some(n)
    }

    /// Optional boolean.
    pub fn bool(&self, key: &str, errs: &mut Errors) -> Option<bool> {
        match self.raw(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                errs.add(self.path(key), format!("{key} must be a boolean"));
                None
            }
        }
    }

    /// Optional string restricted to `allowed`.
    pub fn one_of(&self, key: &str, allowed: &[&str], errs: &mut Errors) -> Option<&'a str> {
        let s = self.str(key, errs)?;
        if allowed.contains(&s) {
            Some(s)
        } else {
            errs.add(
                self.path(key),
                format!("{key} must be one of {}", allowed.join(", ")),
            );
            None
        }
    }

    /// Optional array of strings.
    pub fn str_list(&self, key: &str, errs: &mut Errors) -> Option<Vec<String>> {
        match self.raw(key) {
            None => None,
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
            ),
            Some(_) => {
                errs.add(self.path(key), format!("{key} must be an array of strings"));
                None
            }
        }
    }

    /// Optional tags (strings of 3 to 50 characters).
    pub fn tags(&self, errs: &mut Errors) -> Option<Vec<String>> {
        let tags = self.str_list("tags", errs)?;
        for (i, t) in tags.iter().enumerate() {
            if t.chars().count() < 3 || t.chars().count() > 50 {
                errs.add(
                    self.path(&format!("tags[{i}]")),
                    "Length must be 3-50 characters",
                );
            }
        }
        Some(tags)
    }
}

/// An HTTP date (RFC 9110 IMF-fixdate), e.g. `Mon, 30 Nov 2026 10:00:00 GMT`.
fn http_date(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_default()
}

#[cfg(test)]
mod tests {

    #[test]
    fn dates_are_imf_fixdate() {
        let t = time::macros::datetime!(2026-11-30 10:00:00 UTC);
        assert_eq!(super::http_date(t), "Mon, 30 Nov 2026 10:00:00 GMT");
    }

    use super::*;

    #[test]
    fn public_paths() {
        assert!(is_public(&Method::GET, "/v4/regions"));
        assert!(is_public(
            &Method::GET,
            "/v4beta/linode/types/g6-standard-1"
        ));
        assert!(is_public(&Method::GET, "/v4/lke/types"));
        assert!(!is_public(&Method::GET, "/v4/lke/clusters"));
        assert!(!is_public(&Method::POST, "/v4/regions"));
    }

    #[test]
    fn query_parsing_decodes() {
        let q = query_map(Some("name=a%2Fb+c&page=2&x"));
        assert_eq!(q["name"], "a/b c");
        assert_eq!(q["page"], "2");
        assert_eq!(q["x"], "");
    }

    #[test]
    fn input_collects_errors_with_paths() {
        let v = json!({"count": 0, "label": 5, "tags": ["ok-tag", "x"]});
        let i = Input::new(&v, "node_pools[0].");
        let mut errs = Errors::new();
        assert_eq!(i.int_range("count", 1, 100, &mut errs), None);
        assert_eq!(i.str("label", &mut errs), None);
        i.tags(&mut errs);
        i.req_str("type", &mut errs);
        let e = errs.finish().unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.clone().unwrap()).collect();
        assert_eq!(
            fields,
            [
                "node_pools[0].count",
                "node_pools[0].label",
                "node_pools[0].tags[1]",
                "node_pools[0].type"
            ]
        );
    }
}
