//! Server configuration, start-up and the handle returned to tests.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::ApiResult;
use crate::faults::{FaultConfig, FaultInjector, RateLimiter};
use crate::lifecycle::Delays;
use crate::state::{PersistError, State};

/// The default API token.
pub const DEFAULT_TOKEN: &str = "mock-token";
/// The default S3 root access key (full access to every bucket).
pub const DEFAULT_S3_ACCESS_KEY: &str = "mock-access-key";
/// The default S3 root secret key.
pub const DEFAULT_S3_SECRET_KEY: &str = "mock-secret-key";
/// The default size limit of S3 request bodies: 64 MiB.
pub const DEFAULT_S3_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Everything that can be configured before start.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Address to bind (default `127.0.0.1`).
    pub host: IpAddr,
    /// REST API port; 0 picks a free port.
    pub api_port: u16,
    /// S3 port; 0 picks a free port.
    pub s3_port: u16,
    /// Accepted bearer tokens.
    pub tokens: Vec<String>,
    /// S3 root access key.
    pub s3_access_key: String,
    /// S3 root secret key.
    pub s3_secret_key: String,
    /// Largest S3 request body (object size) accepted; larger ones get `EntityTooLarge`.
    pub s3_max_body_bytes: u64,
    /// How long new LKE nodes stay `not_ready`.
    pub node_ready_delay: Duration,
    /// How long the kubeconfig of a new cluster is unavailable.
    pub kubeconfig_delay: Duration,
    /// Initial fault rates.
    pub faults: FaultConfig,
    /// Seed for fault randomness.
    pub fault_seed: Option<u64>,
    /// Enforced requests per 60-second window (`None`: headers only).
    pub rate_limit: Option<u32>,
    /// State file for persistence across restarts.
    pub state_file: Option<PathBuf>,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            api_port: 0,
            s3_port: 0,
            tokens: vec![DEFAULT_TOKEN.to_string()],
            s3_access_key: DEFAULT_S3_ACCESS_KEY.to_string(),
            s3_secret_key: DEFAULT_S3_SECRET_KEY.to_string(),
            s3_max_body_bytes: DEFAULT_S3_MAX_BODY_BYTES,
            node_ready_delay: Duration::from_millis(200),
            kubeconfig_delay: Duration::from_millis(100),
            faults: FaultConfig::default(),
            fault_seed: None,
            rate_limit: None,
            state_file: None,
        }
    }
}

/// One entry of the request log (`GET /__admin/requests`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Request path (without query).
    pub path: String,
    /// Answer status; 0 when the connection was dropped by a fault.
    pub status: u16,
    /// Time of the request, `YYYY-MM-DDTHH:MM:SS`.
    pub time: String,
    /// The `X-Filter` header, when the request had one (what a listing asked the API to filter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_filter: Option<String>,
}

/// Maximum number of request log entries kept (oldest are dropped first).
pub const REQUEST_LOG_CAP: usize = 100_000;

/// State shared by every handler.
#[derive(Debug)]
pub struct Shared {
    state: Mutex<State>,
    state_file: Option<PathBuf>,
    /// Lifecycle delays.
    pub delays: Mutex<Delays>,
    /// Enforced rate limit.
    pub rate_limit: Mutex<Option<u32>>,
    /// Fault injector.
    pub faults: FaultInjector,
    /// Rate-limit window.
    pub limiter: RateLimiter,
    /// Request log.
    pub log: Mutex<Vec<RequestRecord>>,
    /// Accepted tokens.
    pub tokens: Vec<String>,
    /// S3 root credentials.
    pub s3_root: (String, String),
    /// `host:port` of the S3 endpoint.
    pub s3_endpoint: String,
    /// Largest S3 request body accepted.
    pub s3_max_body_bytes: u64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// Runs `f` on the state for reading.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&lock(&self.state))
    }

    /// Runs `f` on a draft copy of the state; the draft replaces the state (and is persisted)
    /// only when `f` succeeds, so a rejected request changes nothing. Links derived from other
    /// objects (LKE pool firewalls) are brought in step before the draft is kept.
    pub fn write<T>(&self, f: impl FnOnce(&mut State) -> ApiResult<T>) -> ApiResult<T> {
        let mut guard = lock(&self.state);
        let mut draft = guard.clone();
        let out = f(&mut draft)?;
        draft.sync_pool_firewalls();
        *guard = draft;
        self.persist(&guard);
        Ok(out)
    }

    /// Mutates the state in place (the caller validates before changing anything) and persists.
    pub fn write_in_place<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut guard = lock(&self.state);
        let out = f(&mut guard);
        self.persist(&guard);
        out
    }

    fn persist(&self, state: &State) {
        if let Some(path) = &self.state_file
            && let Err(e) = state.save(path)
        {
            tracing::error!(error = %e, "could not persist state");
        }
    }

    /// Current delays.
    pub fn delays(&self) -> Delays {
        *lock(&self.delays)
    }

    /// Appends to the request log.
    pub fn record(&self, rec: RequestRecord) {
        let mut log = lock(&self.log);
        if log.len() >= REQUEST_LOG_CAP {
            log.remove(0);
        }
        log.push(rec);
    }

    /// A copy of the request log.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.log).clone()
    }

    /// Clears the request log.
    pub fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    /// Current enforced rate limit.
    pub fn rate_limit(&self) -> Option<u32> {
        *lock(&self.rate_limit)
    }

    /// Sets the enforced rate limit.
    pub fn set_rate_limit(&self, limit: Option<u32>) {
        *lock(&self.rate_limit) = limit;
    }

    /// Sets the delays.
    pub fn set_delays(&self, d: Delays) {
        *lock(&self.delays) = d;
    }

    /// Checks a bearer token.
    pub fn token_ok(&self, token: &str) -> bool {
        self.tokens.iter().any(|t| t == token)
    }
}

/// Errors of starting the emulator.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A port could not be bound.
    #[error("could not bind {addr}: {source}")]
    Bind {
        /// Address.
        addr: SocketAddr,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The state file could not be loaded.
    #[error(transparent)]
    State(#[from] PersistError),
}

/// Entry point: `MockServer::builder().start().await`.
#[derive(Debug, Default)]
pub struct MockServer;

impl MockServer {
    /// A builder with the default [`MockConfig`].
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            config: MockConfig::default(),
        }
    }

    /// Starts the emulator with `config`.
    pub async fn start(config: MockConfig) -> Result<MockHandle, StartError> {
        start(config).await
    }
}

/// Chained configuration of a [`MockServer`].
#[derive(Debug, Clone)]
#[must_use]
pub struct MockServerBuilder {
    config: MockConfig,
}

impl MockServerBuilder {
    /// REST API port (0: any free port).
    pub fn api_port(mut self, port: u16) -> Self {
        self.config.api_port = port;
        self
    }
    /// S3 port (0: any free port).
    pub fn s3_port(mut self, port: u16) -> Self {
        self.config.s3_port = port;
        self
    }
    /// Replaces the accepted tokens with one token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.config.tokens = vec![token.into()];
        self
    }
    /// Replaces the accepted tokens.
    pub fn tokens(mut self, tokens: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.config.tokens = tokens.into_iter().map(Into::into).collect();
        self
    }
    /// S3 root credentials.
    pub fn s3_credentials(
        mut self,
        access_key: impl Into<String>,
        secret_key: impl Into<String>,
    ) -> Self {
        self.config.s3_access_key = access_key.into();
        self.config.s3_secret_key = secret_key.into();
        self
    }
    /// Largest S3 request body (object size) accepted; larger ones get `EntityTooLarge`.
    pub fn s3_max_body_bytes(mut self, max: u64) -> Self {
        self.config.s3_max_body_bytes = max;
        self
    }
    /// Delay before new LKE nodes become `ready`.
    pub fn node_ready_delay(mut self, d: Duration) -> Self {
        self.config.node_ready_delay = d;
        self
    }
    /// Delay before a new cluster's kubeconfig is available.
    pub fn kubeconfig_delay(mut self, d: Duration) -> Self {
        self.config.kubeconfig_delay = d;
        self
    }
    /// Initial fault rates.
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.config.faults = faults;
        self
    }
    /// Seed for fault randomness.
    pub fn fault_seed(mut self, seed: u64) -> Self {
        self.config.fault_seed = Some(seed);
        self
    }
    /// Enforced requests per 60-second window.
    pub fn rate_limit(mut self, limit: u32) -> Self {
        self.config.rate_limit = Some(limit);
        self
    }
    /// Persist state to this file.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }
    /// The configuration so far.
    pub fn config(&self) -> &MockConfig {
        &self.config
    }
    /// Binds the ports and starts serving.
    pub async fn start(self) -> Result<MockHandle, StartError> {
        start(self.config).await
    }
}

/// A running emulator. Dropping it stops the servers; [`MockHandle::shutdown`] also waits.
#[derive(Debug)]
pub struct MockHandle {
    shared: Arc<Shared>,
    api_addr: SocketAddr,
    s3_addr: SocketAddr,
    token: String,
    shutdown_tx: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

async fn bind(host: IpAddr, port: u16) -> Result<TcpListener, StartError> {
    let addr = SocketAddr::new(host, port);
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

async fn start(config: MockConfig) -> Result<MockHandle, StartError> {
    let state = match &config.state_file {
        Some(path) => State::load(path)?,
        None => State::default(),
    };
    let api = bind(config.host, config.api_port).await?;
    let s3 = bind(config.host, config.s3_port).await?;
    let api_addr = api.local_addr().map_err(|source| StartError::Bind {
        addr: SocketAddr::new(config.host, config.api_port),
        source,
    })?;
    let s3_addr = s3.local_addr().map_err(|source| StartError::Bind {
        addr: SocketAddr::new(config.host, config.s3_port),
        source,
    })?;
    let shared = Arc::new(Shared {
        state: Mutex::new(state),
        state_file: config.state_file.clone(),
        delays: Mutex::new(Delays::new(
            config.node_ready_delay,
            config.kubeconfig_delay,
        )),
        rate_limit: Mutex::new(config.rate_limit),
        faults: FaultInjector::new(config.faults.clone(), config.fault_seed),
        limiter: RateLimiter::default(),
        log: Mutex::new(Vec::new()),
        tokens: config.tokens.clone(),
        s3_root: (config.s3_access_key.clone(), config.s3_secret_key.clone()),
        s3_endpoint: s3_addr.to_string(),
        s3_max_body_bytes: config.s3_max_body_bytes,
    });
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let router = crate::routes::router(shared.clone());
    let api_shared = shared.clone();
    let api_task = tokio::spawn(serve(api, shutdown_rx.clone(), move || {
        let router = router.clone();
        let shared = api_shared.clone();
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            crate::routes::front_door(shared.clone(), router.clone(), req)
        })
    }));
    let s3_service = crate::s3::service(shared.clone());
    let s3_shared = shared.clone();
    let s3_task = tokio::spawn(serve(s3, shutdown_rx, move || {
        let svc = s3_service.clone();
        let shared = s3_shared.clone();
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            crate::s3::front_door(shared.clone(), svc.clone(), req)
        })
    }));
    let token = config.tokens.first().cloned().unwrap_or_default();
    tracing::info!(api = %api_addr, s3 = %s3_addr, "linode-mock serving");
    Ok(MockHandle {
        shared,
        api_addr,
        s3_addr,
        token,
        shutdown_tx,
        tasks: vec![api_task, s3_task],
    })
}

async fn serve<S, B, F>(listener: TcpListener, mut shutdown: watch::Receiver<bool>, make: F)
where
    F: Fn() -> S + Send + 'static,
    S: hyper::service::Service<hyper::Request<Incoming>, Response = hyper::Response<B>>
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = shutdown.changed() => break,
        };
        let Ok((stream, _)) = accepted else { continue };
        let svc = make();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
                }
            }
        });
    }
}

impl MockHandle {
    /// Root URL of the REST API, e.g. `http://127.0.0.1:PORT` (clients append `/v4`).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.api_addr)
    }
    /// Address of the REST API.
    pub fn api_addr(&self) -> SocketAddr {
        self.api_addr
    }
    /// `host:port` of the S3 endpoint (the buckets' `s3_endpoint`).
    pub fn s3_endpoint(&self) -> String {
        self.s3_addr.to_string()
    }
    /// URL of the S3 endpoint, e.g. `http://127.0.0.1:PORT`.
    pub fn s3_url(&self) -> String {
        format!("http://{}", self.s3_addr)
    }
    /// URL of the admin endpoint, e.g. `http://127.0.0.1:PORT/__admin`.
    pub fn admin_url(&self) -> String {
        format!("http://{}/__admin", self.api_addr)
    }
    /// The first accepted token.
    pub fn token(&self) -> &str {
        &self.token
    }
    /// S3 root access key.
    pub fn s3_access_key(&self) -> &str {
        &self.shared.s3_root.0
    }
    /// S3 root secret key.
    pub fn s3_secret_key(&self) -> &str {
        &self.shared.s3_root.1
    }
    /// Current fault configuration.
    pub fn faults(&self) -> FaultConfig {
        self.shared.faults.config()
    }
    /// Replaces the fault configuration.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.faults.set_config(faults);
    }
    /// Re-seeds fault randomness.
    pub fn set_fault_seed(&self, seed: u64) {
        self.shared.faults.reseed(seed);
    }
    /// Sets the enforced rate limit (`None`: headers only).
    pub fn set_rate_limit(&self, limit: Option<u32>) {
        self.shared.set_rate_limit(limit);
    }
    /// Sets lifecycle delays for objects created from now on.
    pub fn set_delays(&self, node_ready: Duration, kubeconfig: Duration) {
        self.shared.set_delays(Delays::new(node_ready, kubeconfig));
    }
    /// The request log (REST API requests, admin excluded).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests()
    }
    /// Clears the request log.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }
    /// Wipes all state.
    pub fn reset(&self) {
        self.shared.write_in_place(|s| *s = State::default());
    }
    /// Completes all pending lifecycle transitions now.
    pub fn settle(&self) {
        self.shared
            .write_in_place(|s| crate::lifecycle::settle(s, crate::state::now_ms()));
    }
    /// JSON dump of every collection (same as `GET /__admin/state`).
    pub fn state_json(&self) -> serde_json::Value {
        self.shared.read(crate::routes::admin::dump)
    }
    /// Stops accepting, lets open connections finish, and waits for the servers.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown_tx.send(true);
        for t in self.tasks.drain(..) {
            let _ = t.await;
        }
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        let _ = self.shutdown_tx.send(true);
    }
}
