//! Fault injection and rate limiting for reliability tests.
//!
//! A fault is decided before the request reaches a handler. An injected 5xx, 429 or
//! "Linode busy." answer means the request changed nothing: clients may safely retry a POST.
//! The one exception is [`Fault::ApplyThen500`]: the request is served (its changes are made)
//! and its answer is then replaced by a `500`, as when a server fails after committing; a
//! client must look before it retries. Faults can be limited to methods, path prefixes and a
//! number of injections (`remaining`), so a test can make exactly the next `POST /domains`
//! succeed in state but answer `500`. Randomness comes from a seedable generator so runs can
//! be reproduced.

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Fault rates (each between 0.0 and 1.0). This is the JSON of `GET/PUT /__admin/faults`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Rate of injected `500` answers.
    pub http_5xx: f64,
    /// Rate of injected `429` answers.
    pub rate_limit_429: f64,
    /// `Retry-After` seconds sent with injected `429`s.
    pub retry_after: u64,
    /// Rate of injected `400 Linode busy.` answers.
    pub busy_400: f64,
    /// Added latency in milliseconds.
    pub latency_ms: u64,
    /// Rate of requests that get the added latency.
    pub latency_rate: f64,
    /// Rate of connections closed without an answer.
    pub drop_connection: f64,
    /// Rate of requests that are applied (served normally, so their changes are made) and then
    /// answered `500` (on S3 an `InternalError`).
    pub apply_then_500: f64,
    /// When set, faults only apply to request paths starting with one of these prefixes
    /// (matched against the path with and without the `/v4` or `/v4beta` prefix; S3 paths are
    /// `/<bucket>/<key>`).
    pub only_paths: Option<Vec<String>>,
    /// When set, faults only apply to requests with one of these methods (e.g. `["POST"]`,
    /// any case).
    pub only_methods: Option<Vec<String>>,
    /// How many more faults may be injected (answer-changing ones: latency does not count);
    /// each injection counts down, and at 0 no fault fires. `None`: no limit.
    pub remaining: Option<u64>,
    /// Also inject faults on the S3 endpoint (off by default). There a 5xx is an S3
    /// `InternalError` 500, and a 429 or "busy" fault is a `SlowDown` 503 with `Retry-After`.
    pub s3: bool,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            http_5xx: 0.0,
            rate_limit_429: 0.0,
            retry_after: 1,
            busy_400: 0.0,
            latency_ms: 0,
            latency_rate: 0.0,
            drop_connection: 0.0,
            apply_then_500: 0.0,
            only_paths: None,
            only_methods: None,
            remaining: None,
            s3: false,
        }
    }
}

impl FaultConfig {
    /// Exactly the next request with `method` whose path starts with `path_prefix` is applied
    /// and then answered `500`; every other request is served normally.
    pub fn apply_then_500_once(method: &str, path_prefix: &str) -> Self {
        Self {
            apply_then_500: 1.0,
            only_methods: Some(vec![method.to_owned()]),
            only_paths: Some(vec![path_prefix.to_owned()]),
            remaining: Some(1),
            ..Self::default()
        }
    }

    /// Checks that every rate lies in `0..=1`; the error names the first bad field.
    pub fn validate(&self) -> Result<(), &'static str> {
        for (name, rate) in [
            ("http_5xx", self.http_5xx),
            ("rate_limit_429", self.rate_limit_429),
            ("busy_400", self.busy_400),
            ("latency_rate", self.latency_rate),
            ("drop_connection", self.drop_connection),
            ("apply_then_500", self.apply_then_500),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(name);
            }
        }
        Ok(())
    }

    /// Whether no fault can trigger.
    pub fn is_quiet(&self) -> bool {
        self.http_5xx <= 0.0
            && self.rate_limit_429 <= 0.0
            && self.busy_400 <= 0.0
            && (self.latency_rate <= 0.0 || self.latency_ms == 0)
            && self.drop_connection <= 0.0
            && self.apply_then_500 <= 0.0
    }

    fn applies_to(&self, method: &str, path: &str) -> bool {
        if let Some(methods) = &self.only_methods
            && !methods.iter().any(|m| m.eq_ignore_ascii_case(method))
        {
            return false;
        }
        let Some(prefixes) = &self.only_paths else {
            return true;
        };
        let bare = path
            .strip_prefix("/v4beta")
            .or_else(|| path.strip_prefix("/v4"))
            .unwrap_or(path);
        prefixes
            .iter()
            .any(|p| path.starts_with(p.as_str()) || bare.starts_with(p.as_str()))
    }
}

/// The answer-replacing part of a fault decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection without answering.
    Drop,
    /// Answer `500`.
    ServerError,
    /// Answer `429` with this `Retry-After`.
    RateLimited(u64),
    /// Answer `400 Linode busy.`.
    Busy,
    /// Serve the request (its changes are made), then answer `500` instead of its answer.
    ApplyThen500,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Decision {
    /// Delay before doing anything else.
    pub latency: Option<Duration>,
    /// Replacement answer, if any.
    pub fault: Option<Fault>,
}

/// Holds the fault configuration and the seeded random generator.
#[derive(Debug)]
pub struct FaultInjector {
    config: Mutex<FaultConfig>,
    rng: Mutex<StdRng>,
}

impl FaultInjector {
    /// A new injector; `seed` makes decisions reproducible.
    pub fn new(config: FaultConfig, seed: Option<u64>) -> Self {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        };
        Self {
            config: Mutex::new(config),
            rng: Mutex::new(rng),
        }
    }

    /// Current configuration.
    pub fn config(&self) -> FaultConfig {
        self.config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Replaces the configuration.
    pub fn set_config(&self, config: FaultConfig) {
        *self.config.lock().unwrap_or_else(|e| e.into_inner()) = config;
    }

    /// Re-seeds the generator.
    pub fn reseed(&self, seed: u64) {
        *self.rng.lock().unwrap_or_else(|e| e.into_inner()) = StdRng::seed_from_u64(seed);
    }

    /// Decides the fate of a `method` request to `path`. Draws a fixed number of random values
    /// per request for a given configuration (when faults are configured) so seeded runs stay
    /// reproducible; an injected fault counts down `remaining`.
    pub fn decide(&self, method: &str, path: &str) -> Decision {
        let mut c = self.config.lock().unwrap_or_else(|e| e.into_inner());
        if c.is_quiet() || !c.applies_to(method, path) {
            return Decision::default();
        }
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        let draws: [f64; 5] = std::array::from_fn(|_| rng.random::<f64>());
        // Drawn only when configured, so seeded runs of configurations without it are unchanged.
        let apply_then_500 = c.apply_then_500 > 0.0 && rng.random::<f64>() < c.apply_then_500;
        let latency = (draws[0] < c.latency_rate && c.latency_ms > 0)
            .then(|| Duration::from_millis(c.latency_ms));
        let mut fault = if draws[1] < c.drop_connection {
            Some(Fault::Drop)
        } else if draws[2] < c.http_5xx {
            Some(Fault::ServerError)
        } else if draws[3] < c.rate_limit_429 {
            Some(Fault::RateLimited(c.retry_after))
        } else if draws[4] < c.busy_400 {
            Some(Fault::Busy)
        } else if apply_then_500 {
            Some(Fault::ApplyThen500)
        } else {
            None
        };
        if fault.is_some() {
            match &mut c.remaining {
                Some(0) => fault = None,
                Some(n) => *n -= 1,
                None => {}
            }
        }
        Decision { latency, fault }
    }
}

/// Length of a rate-limit window in seconds.
pub const RATE_WINDOW_SECS: u64 = 60;

/// Value of `X-RateLimit-Limit` when no limit is enforced (Linode's general limit).
pub const DEFAULT_ADVERTISED_LIMIT: u32 = 800;

/// A fixed-window request counter behind the `X-RateLimit-*` headers.
#[derive(Debug, Default)]
pub struct RateLimiter {
    window: Mutex<(u64, u32)>,
}

/// Outcome of counting one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateStatus {
    /// `X-RateLimit-Limit`.
    pub limit: u32,
    /// `X-RateLimit-Remaining`.
    pub remaining: u32,
    /// `X-RateLimit-Reset` (epoch seconds).
    pub reset: u64,
    /// Whether the request is over the enforced limit.
    pub exceeded: bool,
    /// Seconds until the window resets.
    pub retry_after: u64,
}

impl RateLimiter {
    /// Counts a request at `now_secs` against `limit` (`None`: advertise only, never reject).
    pub fn hit(&self, now_secs: u64, limit: Option<u32>) -> RateStatus {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        let start = now_secs - now_secs % RATE_WINDOW_SECS;
        if w.0 != start {
            *w = (start, 0);
        }
        let advertised = limit.unwrap_or(DEFAULT_ADVERTISED_LIMIT);
        let exceeded = limit.is_some_and(|l| w.1 >= l);
        if !exceeded {
            w.1 += 1;
        }
        let reset = start + RATE_WINDOW_SECS;
        RateStatus {
            limit: advertised,
            remaining: advertised.saturating_sub(w.1),
            reset,
            exceeded,
            retry_after: reset.saturating_sub(now_secs).max(1),
        }
    }

    /// Forgets the current window.
    pub fn reset(&self) {
        *self.window.lock().unwrap_or_else(|e| e.into_inner()) = (0, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_config_never_faults() {
        let f = FaultInjector::new(FaultConfig::default(), Some(1));
        for _ in 0..100 {
            assert_eq!(f.decide("GET", "/v4/domains"), Decision::default());
        }
    }

    #[test]
    fn certain_faults_always_fire_and_seed_reproduces() {
        let cfg = FaultConfig {
            http_5xx: 0.5,
            busy_400: 0.5,
            ..Default::default()
        };
        let a = FaultInjector::new(cfg.clone(), Some(42));
        let b = FaultInjector::new(cfg, Some(42));
        let da: Vec<_> = (0..50).map(|_| a.decide("GET", "/v4/x")).collect();
        let db: Vec<_> = (0..50).map(|_| b.decide("GET", "/v4/x")).collect();
        assert_eq!(da, db);
        let f = FaultInjector::new(
            FaultConfig {
                rate_limit_429: 1.0,
                retry_after: 7,
                ..Default::default()
            },
            None,
        );
        assert_eq!(f.decide("GET", "/v4/x").fault, Some(Fault::RateLimited(7)));
    }

    #[test]
    fn only_paths_limits_scope() {
        let cfg = FaultConfig {
            http_5xx: 1.0,
            only_paths: Some(vec!["/lke".into()]),
            ..Default::default()
        };
        let f = FaultInjector::new(cfg, Some(3));
        assert_eq!(
            f.decide("GET", "/v4/lke/clusters").fault,
            Some(Fault::ServerError)
        );
        assert_eq!(f.decide("GET", "/v4/domains").fault, None);
    }

    #[test]
    fn apply_then_500_once_fires_exactly_once_on_its_method_and_path() {
        let f = FaultInjector::new(FaultConfig::apply_then_500_once("post", "/domains"), None);
        assert_eq!(f.decide("GET", "/v4/domains").fault, None);
        assert_eq!(f.decide("POST", "/v4/lke/clusters").fault, None);
        assert_eq!(
            f.decide("POST", "/v4/domains").fault,
            Some(Fault::ApplyThen500)
        );
        assert_eq!(f.decide("POST", "/v4/domains").fault, None);
        assert_eq!(f.config().remaining, Some(0));
        assert_eq!(
            FaultConfig {
                apply_then_500: 1.5,
                ..Default::default()
            }
            .validate(),
            Err("apply_then_500")
        );
    }

    #[test]
    fn remaining_counts_down_every_kind_of_fault() {
        let f = FaultInjector::new(
            FaultConfig {
                http_5xx: 1.0,
                remaining: Some(2),
                ..Default::default()
            },
            Some(1),
        );
        let faults: Vec<_> = (0..4).map(|_| f.decide("GET", "/v4/x").fault).collect();
        assert_eq!(
            faults,
            [
                Some(Fault::ServerError),
                Some(Fault::ServerError),
                None,
                None
            ]
        );
    }

    #[test]
    fn rate_limiter_enforces_and_resets_per_window() {
        let r = RateLimiter::default();
        let s1 = r.hit(120, Some(2));
        assert_eq!((s1.remaining, s1.exceeded), (1, false));
        assert_eq!(r.hit(121, Some(2)).remaining, 0);
        let s3 = r.hit(130, Some(2));
        assert!(s3.exceeded);
        assert_eq!(s3.retry_after, 50);
        assert!(!r.hit(180, Some(2)).exceeded);
        assert!(!r.hit(181, None).exceeded);
    }
}
