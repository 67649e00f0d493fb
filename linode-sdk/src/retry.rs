//! Retry policy and the pure rules that decide whether a failed attempt is retried.
//!
//! The rules follow Linode's API contract and the official clients:
//!
//! | outcome | GET/PUT/DELETE | POST (create or action) |
//! |---|---|---|
//! | 429 Too Many Requests | retry | retry (the server refused it) |
//! | 400 with reason `Linode busy.` | retry | retry (the server refused it) |
//! | 408, 502, 504 | retry | **no** (the server may have acted) |
//! | 503 without `X-Maintenance-Mode` | retry | **no** |
//! | 503 with `X-Maintenance-Mode` | no | no |
//! | connection refused / DNS / connect failure | retry | retry (nothing was sent) |
//! | timeout or broken connection after sending | retry | **no** |
//!
//! Waits come from [`backon`]'s jittered exponential backoff; a server hint
//! (`Retry-After`, else on 429 `X-RateLimit-Reset`) replaces the backoff step. Every wait is
//! clamped to `[min_delay, max_delay]`, and retrying stops when the next wait would
//! exceed the total budget or the attempt limit is reached.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::BackoffBuilder;
use http::{HeaderMap, Method};

use crate::error::{FieldError, ReachedServer};

/// How failed requests are retried. Cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Maximum number of attempts, the first one included (1 disables retries).
    pub max_attempts: u32,
    /// Smallest wait between attempts.
    pub min_delay: Duration,
    /// Largest wait between attempts (server hints are clamped to it too).
    pub max_delay: Duration,
    /// Total time that may be spent waiting between attempts.
    pub total_budget: Duration,
    /// Whether to add random jitter to the exponential backoff.
    pub jitter: bool,
    /// Whether to wait as long as `Retry-After` / `X-RateLimit-Reset` say.
    pub honor_retry_after: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            min_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            total_budget: Duration::from_secs(300),
            jitter: true,
            honor_retry_after: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }
    }

    /// Sets [`RetryPolicy::max_attempts`] (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Sets [`RetryPolicy::min_delay`].
    #[must_use]
    pub fn with_min_delay(mut self, d: Duration) -> Self {
        self.min_delay = d;
        self
    }

    /// Sets [`RetryPolicy::max_delay`].
    #[must_use]
    pub fn with_max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Sets [`RetryPolicy::total_budget`].
    #[must_use]
    pub fn with_total_budget(mut self, d: Duration) -> Self {
        self.total_budget = d;
        self
    }

    /// Sets [`RetryPolicy::jitter`].
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets [`RetryPolicy::honor_retry_after`].
    #[must_use]
    pub fn with_honor_retry_after(mut self, honor: bool) -> Self {
        self.honor_retry_after = honor;
        self
    }

    /// The backoff sequence (without server hints) for one request.
    pub fn backoff(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        let max = self.max_delay.max(self.min_delay);
        let b = backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(max)
            .with_factor(2.0)
            .without_max_times();
        let b = if self.jitter { b.with_jitter() } else { b };
        b.build()
    }

    /// The wait before the next attempt: the server hint when honoured, else the
    /// backoff step, clamped to `[min_delay, max_delay]`.
    pub fn delay(&self, backoff_step: Duration, server_hint: Option<Duration>) -> Duration {
        let d = match server_hint {
            Some(h) if self.honor_retry_after => h,
            _ => backoff_step,
        };
        d.clamp(self.min_delay, self.max_delay.max(self.min_delay))
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    /// The server answered with a non-2xx status.
    Response {
        /// HTTP status.
        status: u16,
        /// Response headers.
        headers: &'a HeaderMap,
        /// Decoded Linode field errors (may be empty).
        errors: &'a [FieldError],
    },
    /// The request failed below HTTP.
    Transport {
        /// Whether the request reached the server.
        reached_server: ReachedServer,
    },
}

/// Why an attempt is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// HTTP 429.
    RateLimited,
    /// HTTP 400 `Linode busy.`.
    LinodeBusy,
    /// HTTP 408.
    RequestTimeout,
    /// HTTP 500, 502, 503 or 504 of an idempotent request (never a `POST`: the server may have
    /// acted on it).
    ServerUnavailable,
    /// The connection failed before anything was sent.
    ConnectFailed,
    /// Timeout or broken connection of an idempotent request.
    Transport,
}

/// The verdict of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Try again, after the server's hint if it gave one.
    Retry {
        /// Why.
        reason: RetryReason,
        /// The server's wait hint (`Retry-After`, else `X-RateLimit-Reset`).
        server_hint: Option<Duration>,
    },
    /// Give up and return the error.
    Stop,
}

/// `true` for methods the server may safely receive twice.
pub fn is_idempotent(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS)
}

/// Decides whether an attempt of `method` that ended with `outcome` is retried.
pub fn classify(method: &Method, outcome: Outcome<'_>) -> RetryDecision {
    let idempotent = is_idempotent(method);
    match outcome {
        Outcome::Transport { reached_server } => match reached_server {
            ReachedServer::No => RetryDecision::Retry { reason: RetryReason::ConnectFailed, server_hint: None },
            _ if idempotent => RetryDecision::Retry { reason: RetryReason::Transport, server_hint: None },
            _ => RetryDecision::Stop,
        },
        Outcome::Response { status, headers, errors } => {
            // Linode sends X-RateLimit-Reset on every response; it only says how long to
            // wait when the request was rate limited.
            let hint = server_hint(headers, status == 429);
            let reason = match status {
                429 => RetryReason::RateLimited,
                400 if errors.iter().any(|e| e.reason == "Linode busy.") => RetryReason::LinodeBusy,
                408 if idempotent => RetryReason::RequestTimeout,
                500 | 502 | 504 if idempotent => RetryReason::ServerUnavailable,
                503 if idempotent && !headers.contains_key("x-maintenance-mode") => RetryReason::ServerUnavailable,
                _ => return RetryDecision::Stop,
            };
            RetryDecision::Retry { reason, server_hint: hint }
        }
    }
}

/// The server's wait hint: `Retry-After` (seconds or HTTP date), else, when
/// `rate_limited`, the time until `X-RateLimit-Reset` (epoch seconds).
pub fn server_hint(headers: &HeaderMap, rate_limited: bool) -> Option<Duration> {
    server_hint_at(headers, rate_limited, SystemTime::now())
}

/// [`server_hint`] relative to a given `now` (for tests).
pub fn server_hint_at(headers: &HeaderMap, rate_limited: bool, now: SystemTime) -> Option<Duration> {
    let now_secs = now.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    if let Some(v) = headers.get(http::header::RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let v = v.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc2822) {
            let at = u64::try_from(at.unix_timestamp()).unwrap_or(0);
            return Some(Duration::from_secs(at.saturating_sub(now_secs)));
        }
    }
    if !rate_limited {
        return None;
    }
    let reset = headers.get("x-ratelimit-reset")?.to_str().ok()?.trim().parse::<u64>().ok()?;
    Some(Duration::from_secs(reset.saturating_sub(now_secs)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn resp(status: u16, headers: &HeaderMap, reason: Option<&str>) -> (u16, Vec<FieldError>) {
        let _ = headers;
        (status, reason.map(|r| vec![FieldError { field: None, reason: r.into() }]).unwrap_or_default())
    }

    fn decide(method: Method, status: u16, headers: &HeaderMap, reason: Option<&str>) -> RetryDecision {
        let (status, errors) = resp(status, headers, reason);
        classify(&method, Outcome::Response { status, headers, errors: &errors })
    }

    fn retries(d: RetryDecision) -> bool {
        matches!(d, RetryDecision::Retry { .. })
    }

    #[test]
    fn status_rules_for_idempotent_methods() {
        let h = HeaderMap::new();
        for status in [429, 408, 500, 502, 503, 504] {
            assert!(retries(decide(Method::GET, status, &h, None)), "GET {status}");
            assert!(retries(decide(Method::PUT, status, &h, None)), "PUT {status}");
            assert!(retries(decide(Method::DELETE, status, &h, None)), "DELETE {status}");
        }
        for status in [400, 401, 403, 404, 501] {
            assert!(!retries(decide(Method::GET, status, &h, None)), "GET {status}");
        }
        assert!(retries(decide(Method::GET, 400, &h, Some("Linode busy."))));
        assert!(!retries(decide(Method::GET, 400, &h, Some("label is invalid"))));
    }

    #[test]
    fn maintenance_mode_503_is_not_retried() {
        let mut h = HeaderMap::new();
        h.insert("x-maintenance-mode", HeaderValue::from_static("true"));
        assert_eq!(decide(Method::GET, 503, &h, None), RetryDecision::Stop);
    }

    #[test]
    fn post_is_retried_only_when_the_server_did_not_act() {
        let h = HeaderMap::new();
        assert!(retries(decide(Method::POST, 429, &h, None)));
        assert!(retries(decide(Method::POST, 400, &h, Some("Linode busy."))));
        for status in [408, 500, 502, 503, 504] {
            assert_eq!(decide(Method::POST, status, &h, None), RetryDecision::Stop, "POST {status}");
        }
        let refused = Outcome::Transport { reached_server: ReachedServer::No };
        let maybe = Outcome::Transport { reached_server: ReachedServer::Unknown };
        assert!(retries(classify(&Method::POST, refused)));
        assert_eq!(classify(&Method::POST, maybe), RetryDecision::Stop);
        assert!(retries(classify(&Method::GET, maybe)));
    }

    #[test]
    fn retry_after_and_reset_headers() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(server_hint_at(&h, true, now), None);
        h.insert("x-ratelimit-reset", HeaderValue::from_static("1700000007"));
        assert_eq!(server_hint_at(&h, true, now), Some(Duration::from_secs(7)));
        assert_eq!(server_hint_at(&h, false, now), None, "the reset header only matters on 429");
        let busy = [FieldError { field: None, reason: "Linode busy.".into() }];
        let d = classify(&Method::GET, Outcome::Response { status: 400, headers: &h, errors: &busy });
        assert_eq!(d, RetryDecision::Retry { reason: RetryReason::LinodeBusy, server_hint: None });
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(server_hint_at(&h, true, now), Some(Duration::from_secs(3)), "Retry-After wins");
        assert_eq!(server_hint_at(&h, false, now), Some(Duration::from_secs(3)));
        h.insert(http::header::RETRY_AFTER, HeaderValue::from_static("Tue, 14 Nov 2023 22:13:30 GMT"));
        assert_eq!(server_hint_at(&h, true, now), Some(Duration::from_secs(10)));
        let d = decide(Method::GET, 429, &h, None);
        assert!(matches!(d, RetryDecision::Retry { reason: RetryReason::RateLimited, server_hint: Some(_) }));
    }

    #[test]
    fn delays_are_clamped_and_hints_honoured() {
        let p = RetryPolicy::default()
            .with_min_delay(Duration::from_millis(500))
            .with_max_delay(Duration::from_secs(30));
        assert_eq!(p.delay(Duration::from_millis(10), None), Duration::from_millis(500));
        assert_eq!(p.delay(Duration::from_secs(1), Some(Duration::from_secs(7))), Duration::from_secs(7));
        assert_eq!(p.delay(Duration::from_secs(1), Some(Duration::from_secs(600))), Duration::from_secs(30));
        assert_eq!(p.delay(Duration::from_secs(1), Some(Duration::ZERO)), Duration::from_millis(500));
        let ignoring = p.with_honor_retry_after(false);
        assert_eq!(ignoring.delay(Duration::from_secs(1), Some(Duration::from_secs(7))), Duration::from_secs(1));
    }

    #[test]
    fn backoff_grows_within_bounds() {
        let p = RetryPolicy::default().with_jitter(false);
        let steps: Vec<_> = p.backoff().take(10).collect();
        assert_eq!(steps[0], Duration::from_millis(500));
        assert_eq!(steps[1], Duration::from_secs(1));
        assert!(steps.windows(2).all(|w| w[0] <= w[1]));
        assert!(steps.iter().all(|d| *d <= Duration::from_secs(30)));
        let jittered = RetryPolicy::default();
        for d in jittered.backoff().take(10) {
            assert!(d >= Duration::from_millis(500) && d <= Duration::from_secs(60));
        }
    }
}
