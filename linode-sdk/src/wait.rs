//! A generic waiter: poll until done, with a deadline, cancellation, jittered poll intervals
//! that grow with the time already waited (capped), and progress reported as tracing events.
//!
//! By default each interval is at most a tenth of the time waited so far (between 250 ms and
//! 10 s), so a wait notices readiness within about 1.1× the time it took, at any scale: a
//! 5-second provisioning step is noticed within half a second, a 10-minute one within a minute
//! at worst and usually within 10 s. Cost of the defaults, without jitter: 10 polls in the
//! first 2.5 s, about 39 more up to 100 s, then one every 10 s; a 10-minute wait makes about
//! 100 requests (jitter, which shortens each interval to between half and all of it, at most
//! doubles that), far below Linode's per-token rate limits (hundreds of requests a minute).
//!
//! Area-specific waiters build on [`wait_until`], e.g.
//! [`LkeHandler::wait_for_nodes_ready`](crate::api::lke::LkeHandler::wait_for_nodes_ready),
//! [`LkeHandler::wait_for_pool_count`](crate::api::lke::LkeHandler::wait_for_pool_count),
//! [`LkeHandler::wait_for_kubeconfig`](crate::api::lke::LkeHandler::wait_for_kubeconfig) and
//! [`LkeHandler::wait_for_deleted`](crate::api::lke::LkeHandler::wait_for_deleted).

use std::future::Future;
use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// Deadline and polling of a waiter.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long ([`Error::WaitTimeout`]).
    pub timeout: Duration,
    /// First (and smallest) poll interval.
    pub poll_interval: Duration,
    /// The largest poll interval.
    pub max_poll_interval: Duration,
    /// `Some(f)`: each interval is `f` × the time waited so far, within
    /// [`poll_interval`](Self::poll_interval)..=[`max_poll_interval`](Self::max_poll_interval),
    /// so readiness is noticed within about `(1 + f)` × the time it took. `None`: the interval
    /// grows by half each poll.
    pub proportional: Option<f64>,
    /// Randomise each interval within `[interval/2, interval]`.
    pub jitter: bool,
    /// Stops the wait with [`Error::Cancelled`] (defaults to the client's token).
    pub cancel: Option<CancellationToken>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            timeout: Duration::from_secs(25 * 60),
            poll_interval: Duration::from_millis(250),
            max_poll_interval: Duration::from_secs(10),
            proportional: Some(0.1),
            jitter: true,
            cancel: None,
        }
    }
}

impl WaitOptions {
    /// Default options with this deadline.
    pub fn with_timeout(timeout: Duration) -> Self {
        WaitOptions { timeout, ..Self::default() }
    }

    /// Sets the first and the largest poll interval (equal: a fixed interval).
    #[must_use]
    pub fn poll(mut self, first: Duration, max: Duration) -> Self {
        self.poll_interval = first;
        self.max_poll_interval = max.max(first);
        self
    }

    /// Sets the cancellation token.
    #[must_use]
    pub fn cancel(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }
}

/// The result of one poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitState<T> {
    /// Finished with this value.
    Done(T),
    /// Not yet; the message describes the progress.
    Pending(String),
}

/// `true` for errors a poll should shrug off (rate limits, 5xx, transport errors).
pub fn is_transient(e: &Error) -> bool {
    e.is_rate_limited() || e.is_server_error() || matches!(e, Error::Transport { .. })
}

/// Polls `poll` until it returns [`WaitState::Done`], an error, the deadline passes or
/// the wait is cancelled. Progress changes are logged at `info`, repeats at `debug`.
pub async fn wait_until<T, F, Fut>(what: &str, opts: &WaitOptions, mut poll: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<WaitState<T>>>,
{
    let start = Instant::now();
    let deadline = start + opts.timeout;
    let mut interval = opts.poll_interval.max(Duration::from_millis(1));
    let mut last = String::from("not polled yet");
    let mut polls: u32 = 0;
    loop {
        polls += 1;
        let state = match &opts.cancel {
            Some(tok) => tokio::select! {
                biased;
                _ = tok.cancelled() => return Err(Error::Cancelled),
                s = poll() => s?,
            },
            None => poll().await?,
        };
        match state {
            WaitState::Done(v) => {
                tracing::info!(what, polls, elapsed_ms = start.elapsed().as_millis() as u64, "wait complete");
                return Ok(v);
            }
            WaitState::Pending(progress) => {
                if progress != last {
                    tracing::info!(what, polls, progress = %progress, "waiting");
                } else {
                    tracing::debug!(what, polls, progress = %progress, "still waiting");
                }
                last = progress;
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::WaitTimeout { what: what.to_owned(), elapsed: now - start, last_state: last });
        }
        let mut sleep_for = interval;
        if opts.jitter {
            let factor: f64 = rand::rng().random_range(0.5..=1.0);
            sleep_for = sleep_for.mul_f64(factor);
        }
        sleep_for = sleep_for.min(deadline - now);
        match &opts.cancel {
            Some(tok) => tokio::select! {
                biased;
                _ = tok.cancelled() => return Err(Error::Cancelled),
                _ = tokio::time::sleep(sleep_for) => {}
            },
            None => tokio::time::sleep(sleep_for).await,
        }
        interval = next_interval(opts, interval, start.elapsed());
    }
}

/// The interval after `interval`, `waited` into the wait.
fn next_interval(opts: &WaitOptions, interval: Duration, waited: Duration) -> Duration {
    let (min, max) = (opts.poll_interval, opts.max_poll_interval.max(opts.poll_interval));
    match opts.proportional {
        Some(f) if f.is_finite() && f > 0.0 => waited.mul_f64(f).clamp(min, max),
        _ => interval.mul_f64(1.5).min(max),
    }
}

/// Waits until `get` fails with 404 (the resource is gone). Transient errors are retried.
pub async fn wait_for_deletion<T, F, Fut>(what: &str, opts: &WaitOptions, mut get: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    wait_until(what, opts, || {
        let fut = get();
        async move {
            match fut.await {
                Ok(_) => Ok(WaitState::Pending("still exists".to_owned())),
                Err(e) if e.is_not_found() => Ok(WaitState::Done(())),
                Err(e) if is_transient(&e) => Ok(WaitState::Pending(format!("poll failed: {e}"))),
                Err(e) => Err(e),
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn polls_until_done() {
        let n = AtomicU32::new(0);
        let opts = WaitOptions::with_timeout(Duration::from_secs(60)).poll(Duration::from_secs(1), Duration::from_secs(4));
        let v = wait_until("thing", &opts, || async {
            let i = n.fetch_add(1, Ordering::SeqCst);
            Ok(if i >= 3 { WaitState::Done(i) } else { WaitState::Pending(format!("step {i}")) })
        })
        .await
        .unwrap();
        assert_eq!(v, 3);
    }

    /// The times at which a wait with `opts` polls (no jitter, paused clock), up to `until`.
    async fn poll_times(opts: WaitOptions, until: Duration) -> Vec<Duration> {
        let start = Instant::now();
        let times = std::sync::Mutex::new(Vec::new());
        let opts = WaitOptions { jitter: false, timeout: until, ..opts };
        let _ = wait_until::<(), _, _>("x", &opts, || {
            times.lock().unwrap().push(start.elapsed());
            async { Ok(WaitState::Pending("no".into())) }
        })
        .await;
        times.into_inner().unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn default_polling_notices_readiness_within_a_tenth_of_the_time_waited() {
        let times = poll_times(WaitOptions::default(), Duration::from_secs(600)).await;
        for ready in [0.3, 1.0, 5.0, 8.3, 60.0, 299.0] {
            let ready = Duration::from_secs_f64(ready);
            let noticed = times.iter().find(|t| **t >= ready).copied().unwrap();
            let late = noticed - ready;
            assert!(
                late <= ready.mul_f64(0.1).max(Duration::from_millis(250)),
                "ready at {ready:?}, noticed at {noticed:?}"
            );
        }
        // The cost documented in the module: about 100 polls in 10 minutes, never faster than
        // every 250 ms, never slower than every 10 s.
        assert!((90..=110).contains(&times.len()), "{} polls", times.len());
        assert!(times.windows(2).all(|w| {
            let gap = w[1] - w[0];
            gap >= Duration::from_millis(250) && gap <= Duration::from_secs(10)
        }));
    }

    #[tokio::test(start_paused = true)]
    async fn a_fixed_interval_and_the_growing_one() {
        let fixed = WaitOptions { proportional: None, ..WaitOptions::default() }.poll(Duration::from_secs(2), Duration::from_secs(2));
        let times = poll_times(fixed, Duration::from_secs(10)).await;
        assert_eq!(times.iter().map(Duration::as_secs).collect::<Vec<_>>(), vec![0, 2, 4, 6, 8, 10]);
        let growing = WaitOptions { proportional: None, ..WaitOptions::default() }.poll(Duration::from_secs(1), Duration::from_secs(4));
        let times = poll_times(growing, Duration::from_secs(12)).await;
        let secs: Vec<f64> = times.iter().map(Duration::as_secs_f64).collect();
        assert_eq!(secs, vec![0.0, 1.0, 2.5, 4.75, 8.125, 12.0]);
    }

    #[tokio::test(start_paused = true)]
    async fn deadline_reports_last_state() {
        let opts = WaitOptions::with_timeout(Duration::from_secs(10)).poll(Duration::from_secs(1), Duration::from_secs(2));
        let err = wait_until::<(), _, _>("forever", &opts, || async { Ok(WaitState::Pending("2/3 ready".into())) })
            .await
            .unwrap_err();
        match err {
            Error::WaitTimeout { what, last_state, elapsed } => {
                assert_eq!(what, "forever");
                assert_eq!(last_state, "2/3 ready");
                assert!(elapsed >= Duration::from_secs(10));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_stops_the_wait() {
        let tok = CancellationToken::new();
        let opts = WaitOptions::with_timeout(Duration::from_secs(3600)).cancel(tok.clone());
        let t2 = tok.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(20)).await;
            t2.cancel();
        });
        let err = wait_until::<(), _, _>("x", &opts, || async { Ok(WaitState::Pending("no".into())) }).await.unwrap_err();
        assert!(err.is_cancelled());
    }

    #[tokio::test(start_paused = true)]
    async fn deletion_waits_for_404_and_propagates_other_errors() {
        use crate::error::ApiError;
        let api = |status| {
            Error::from(ApiError {
                status,
                method: "GET".into(),
                path: "/x".into(),
                errors: vec![],
                body: None,
                retry_after: None,
                maintenance_mode: false,
            })
        };
        let n = AtomicU32::new(0);
        let opts = WaitOptions::with_timeout(Duration::from_secs(60));
        wait_for_deletion("x", &opts, || {
            let i = n.fetch_add(1, Ordering::SeqCst);
            async move {
                match i {
                    0 => Ok(()),
                    1 => Err(api(502)),
                    _ => Err(api(404)),
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 3);
        let err = wait_for_deletion("x", &opts, || async { Err::<(), _>(api(403)) }).await.unwrap_err();
        assert!(err.is_forbidden());
    }
}
