//! [`Client`], its [`ClientBuilder`], and the one send path every request goes through.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::BoxStream;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use url::Url;

use crate::error::{ApiError, Error, ErrorEnvelope, ReachedServer, Result};
use crate::pagination::{ListParams, Page, stream_all};
use crate::retry::{Outcome, RetryDecision, RetryPolicy, classify};

/// The production API host.
pub const DEFAULT_BASE_URL: &str = "https://api.linode.com";

/// The API version path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// `/v4`, the stable API.
    #[default]
    V4,
    /// `/v4beta`, stable plus beta operations.
    V4Beta,
}

impl ApiVersion {
    /// The path segment (`v4` or `v4beta`).
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V4 => "v4",
            ApiVersion::V4Beta => "v4beta",
        }
    }
}

impl FromStr for ApiVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().trim_matches('/') {
            "v4" => Ok(ApiVersion::V4),
            "v4beta" => Ok(ApiVersion::V4Beta),
            other => Err(Error::Config(format!("unknown API version `{other}` (expected v4 or v4beta)"))),
        }
    }
}

/// The API token. Its `Debug` output is redacted.
#[derive(Clone)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A Linode API client. Cheap to clone (one `Arc`); clones share the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: Url,
    api_version: ApiVersion,
    token: Option<Token>,
    retry: RetryPolicy,
    cancel: Option<CancellationToken>,
    /// The server's clock: the `Date` of the latest response and when it arrived.
    clock: std::sync::Mutex<Option<(time::OffsetDateTime, std::time::Instant)>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("api_version", &self.inner.api_version)
            .field("token", &self.inner.token)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Builds a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    token: Option<Token>,
    base_url: String,
    api_version: Option<ApiVersion>,
    ua_prefix: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    ca_pems: Vec<Vec<u8>>,
    ca_files: Vec<PathBuf>,
    retry: RetryPolicy,
    cancel: Option<CancellationToken>,
    /// A configuration problem found while reading the environment, reported by `build`.
    env_error: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token)
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("ua_prefix", &self.ua_prefix)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: None,
            ua_prefix: None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Some(Duration::from_secs(10)),
            ca_pems: Vec::new(),
            ca_files: Vec::new(),
            retry: RetryPolicy::default(),
            cancel: None,
            env_error: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: production URL, `v4`, 60 s timeout, default retries, no token.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder configured from the environment: `LINODE_TOKEN`, `LINODE_URL`,
    /// `LINODE_API_VERSION`, `LINODE_CA` (path to a PEM bundle) and `LINODE_UA_PREFIX`.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientBuilder::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |n: &str| lookup(n).filter(|v| !v.trim().is_empty());
        let mut b = ClientBuilder::new();
        if let Some(t) = get("LINODE_TOKEN") {
            b = b.token(t.trim());
        }
        if let Some(u) = get("LINODE_URL") {
            b = b.base_url(u.trim());
        }
        if let Some(v) = get("LINODE_API_VERSION") {
            match v.parse() {
                Ok(version) => b.api_version = Some(version),
                Err(_) => b.env_error = Some(format!("unknown LINODE_API_VERSION `{v}` (expected v4 or v4beta)")),
            }
        }
        if let Some(ca) = get("LINODE_CA") {
            b = b.ca_cert_file(ca);
        }
        if let Some(p) = get("LINODE_UA_PREFIX") {
            b = b.user_agent_prefix(p);
        }
        b
    }

    /// Sets the API token (personal access token or OAuth token).
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Token(token.into()));
        self
    }

    /// Sets the base URL (default `https://api.linode.com`). A trailing `/v4` or `/v4beta`
    /// path selects the API version unless [`ClientBuilder::api_version`] is set; a value
    /// without scheme gets `http://` for loopback hosts and `https://` otherwise.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Sets the API version (default `v4`).
    #[must_use]
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Prepends `prefix` to the `User-Agent` header.
    #[must_use]
    pub fn user_agent_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.ua_prefix = Some(prefix.into());
        self
    }

    /// Sets the timeout of one HTTP attempt (default 60 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Removes the per-attempt timeout.
    #[must_use]
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Sets the TCP/TLS connect timeout (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Trusts the CA certificate(s) in this PEM data in addition to the system roots.
    #[must_use]
    pub fn ca_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pems.push(pem.into());
        self
    }

    /// Trusts the CA certificate(s) in this PEM file (read by [`ClientBuilder::build`]).
    #[must_use]
    pub fn ca_cert_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Cancels in-flight requests and retry waits when `token` is cancelled
    /// (they fail with [`Error::Cancelled`]).
    #[must_use]
    pub fn cancellation_token(mut self, token: CancellationToken) -> Self {
        self.cancel = Some(token);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Config`] for a malformed URL or API version, or an unreadable or invalid CA.
    pub fn build(self) -> Result<Client> {
        if let Some(e) = self.env_error {
            return Err(Error::Config(e));
        }
        let raw = self.base_url.trim();
        let with_scheme = with_default_scheme(raw);
        let mut url = Url::parse(&with_scheme).map_err(|e| Error::Config(format!("invalid base URL `{raw}`: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Config(format!("base URL `{raw}` must be http or https")));
        }
        let mut version = self.api_version;
        let trimmed = url.path().trim_end_matches('/').to_owned();
        let (prefix, last) = trimmed.rsplit_once('/').unwrap_or(("", trimmed.as_str()));
        if let Ok(v) = last.parse::<ApiVersion>() {
            version = version.or(Some(v));
            url.set_path(prefix);
        } else {
            url.set_path(&trimmed);
        }
        url.set_query(None);

        let ua = match &self.ua_prefix {
            Some(p) => format!("{p} linode-sdk-rust/{}", env!("CARGO_PKG_VERSION")),
            None => format!("linode-sdk-rust/{}", env!("CARGO_PKG_VERSION")),
        };
        let mut http = reqwest::Client::builder().user_agent(ua);
        if let Some(t) = self.timeout {
            http = http.timeout(t);
        }
        if let Some(t) = self.connect_timeout {
            http = http.connect_timeout(t);
        }
        let mut pems = self.ca_pems;
        for path in &self.ca_files {
            let data = std::fs::read(path)
                .map_err(|e| Error::Config(format!("cannot read CA file {}: {e}", path.display())))?;
            pems.push(data);
        }
        for pem in pems {
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::Config(format!("invalid CA certificate: {e}")))?;
            if certs.is_empty() {
                return Err(Error::Config("CA data holds no PEM certificate".into()));
            }
            for c in certs {
                http = http.add_root_certificate(c);
            }
        }
        let http = http.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: url,
                api_version: version.unwrap_or_default(),
                token: self.token,
                retry: self.retry,
                cancel: self.cancel,
                clock: std::sync::Mutex::new(None),
            }),
        })
    }
}

/// Adds a scheme to a URL that has none: `http://` for loopback hosts (`127.0.0.1`,
/// `localhost`, `[::1]`, as the emulator uses), `https://` for everything else.
pub(crate) fn with_default_scheme(url: &str) -> String {
    let e = url.trim().trim_end_matches('/');
    if e.contains("://") {
        return e.to_owned();
    }
    let host = if let Some(rest) = e.strip_prefix('[') {
        rest.split(']').next().map(|h| format!("[{h}]")).unwrap_or_default()
    } else {
        e.split(['/', ':']).next().unwrap_or_default().to_owned()
    };
    let scheme = if matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]") { "http" } else { "https" };
    format!("{scheme}://{e}")
}

/// One API call, before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) filter: Option<String>,
    pub(crate) body: Option<Bytes>,
    pub(crate) retry: bool,
}

impl ApiRequest {
    pub(crate) fn new(method: Method, path: impl Into<String>) -> Self {
        ApiRequest { method, path: path.into(), query: Vec::new(), filter: None, body: None, retry: true }
    }

    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self> {
        self.body = Some(Bytes::from(serde_json::to_vec(body).map_err(Error::Encode)?));
        Ok(self)
    }
}

/// A successful raw response.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) body: Bytes,
}

impl Client {
    /// A [`ClientBuilder`] with defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `LINODE_TOKEN`, `LINODE_URL`, `LINODE_API_VERSION`,
    /// `LINODE_CA` and `LINODE_UA_PREFIX`.
    ///
    /// # Errors
    /// See [`ClientBuilder::build`].
    pub fn from_env() -> Result<Client> {
        ClientBuilder::from_env().build()
    }

    /// The base URL, without the version segment.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The API version in use.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.api_version
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The full URL of an API path such as `/lke/clusters`.
    pub fn url(&self, path: &str) -> Result<Url> {
        let base = self.inner.base_url.as_str().trim_end_matches('/');
        let s = format!("{base}/{}/{}", self.inner.api_version.as_str(), path.trim_start_matches('/'));
        Url::parse(&s).map_err(|e| Error::Config(format!("invalid request URL `{s}`: {e}")))
    }

    /// The client-wide cancellation token, if any.
    pub(crate) fn cancel_token(&self) -> Option<&CancellationToken> {
        self.inner.cancel.as_ref()
    }

    async fn cancellable<F: Future>(&self, fut: F) -> Result<F::Output> {
        match &self.inner.cancel {
            Some(tok) => tokio::select! {
                biased;
                _ = tok.cancelled() => Err(Error::Cancelled),
                out = fut => Ok(out),
            },
            None => Ok(fut.await),
        }
    }

    async fn send_once(&self, req: &ApiRequest) -> Result<std::result::Result<reqwest::Response, reqwest::Error>> {
        let url = self.url(&req.path)?;
        let mut rb = self.inner.http.request(req.method.clone(), url).header(ACCEPT, "application/json");
        if !req.query.is_empty() {
            rb = rb.query(&req.query);
        }
        if let Some(token) = &self.inner.token {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", token.0))
                .map_err(|_| Error::Config("the API token contains characters not allowed in a header".into()))?;
            v.set_sensitive(true);
            rb = rb.header(AUTHORIZATION, v);
        }
        if let Some(f) = &req.filter {
            rb = rb.header("X-Filter", f.as_str());
        }
        if let Some(b) = &req.body {
            rb = rb.header(CONTENT_TYPE, "application/json").body(b.clone());
        }
        self.cancellable(rb.send()).await
    }

    /// The one send path: auth, tracing span, retries, error decoding.
    pub(crate) async fn execute(&self, req: ApiRequest) -> Result<RawResponse> {
        let policy = if req.retry { self.inner.retry } else { RetryPolicy::none() };
        let mut backoff = policy.backoff();
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        let method = req.method.as_str().to_owned();
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "linode_api",
                method = %req.method,
                path = %req.path,
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let started = tokio::time::Instant::now();
            let sent = self.send_once(&req).instrument(span.clone()).await?;
            let (err, decision) = match sent {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    self.observe_clock(&headers);
                    span.record("status", status);
                    match self.cancellable(resp.bytes()).await? {
                        Err(e) => {
                            span.record("latency_ms", started.elapsed().as_millis() as u64);
                            let reached = ReachedServer::Unknown;
                            let decision = classify(&req.method, Outcome::Transport { reached_server: reached });
                            (transport_error(&method, &req.path, e, reached), decision)
                        }
                        Ok(body) => {
                            span.record("latency_ms", started.elapsed().as_millis() as u64);
                            if (200..300).contains(&status) {
                                span.in_scope(|| tracing::debug!(status, "Linode API response"));
                                return Ok(RawResponse { body });
                            }
                            let api = api_error(&method, &req.path, status, &headers, &body);
                            let outcome = Outcome::Response { status, headers: &headers, errors: &api.errors };
                            let decision = classify(&req.method, outcome);
                            span.in_scope(|| tracing::debug!(status, error = %api, "Linode API error"));
                            (Error::from(api), decision)
                        }
                    }
                }
                Err(e) => {
                    span.record("latency_ms", started.elapsed().as_millis() as u64);
                    let reached = if e.is_connect() { ReachedServer::No } else { ReachedServer::Unknown };
                    let decision = classify(&req.method, Outcome::Transport { reached_server: reached });
                    let err = transport_error(&method, &req.path, e, reached);
                    span.in_scope(|| tracing::debug!(error = %err, "Linode API transport error"));
                    (err, decision)
                }
            };
            let RetryDecision::Retry { reason, server_hint } = decision else { return Err(err) };
            if attempt >= policy.max_attempts {
                return Err(err);
            }
            let step = backoff.next().unwrap_or(policy.max_delay);
            let delay = policy.delay(step, server_hint);
            if waited + delay > policy.total_budget {
                return Err(err);
            }
            span.in_scope(|| {
                tracing::info!(?reason, delay_ms = delay.as_millis() as u64, "retrying Linode API request")
            });
            self.cancellable(tokio::time::sleep(delay)).await?;
            waited += delay;
        }
    }

    /// Records the server's time from a response's `Date` header (RFC 9110 IMF-fixdate).
    fn observe_clock(&self, headers: &HeaderMap) {
        let format = time::macros::format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        let date = headers.get(http::header::DATE).and_then(|v| v.to_str().ok());
        if let Some(t) = date.and_then(|d| time::PrimitiveDateTime::parse(d, format).ok())
            && let Ok(mut clock) = self.inner.clock.lock()
        {
            *clock = Some((t.assume_utc(), std::time::Instant::now()));
        }
    }

    /// The API server's time at the local instant `at`, estimated from the `Date` header of the
    /// latest response (one-second resolution); `None` before any response carried one. It tells
    /// whether an object's server-side `created` time falls after a local event (e.g. after a
    /// create that failed ambiguously), whatever the local clock says.
    pub fn server_time_at(&self, at: std::time::Instant) -> Option<time::OffsetDateTime> {
        let (server, seen) = (*self.inner.clock.lock().ok()?)?;
        let offset = if at >= seen {
            time::Duration::try_from(at - seen).ok()?
        } else {
            -time::Duration::try_from(seen - at).ok()?
        };
        Some(server + offset)
    }

    // ----- generic CRUD calls (used by the handlers; public for endpoints without a handler) -----

    /// `GET {path}` decoded as `T` (path without version, e.g. `/linode/instances/1`).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let raw = self.execute(ApiRequest::new(Method::GET, path)).await?;
        decode("GET", path, &raw.body)
    }

    /// `GET {path}?{query}` decoded as `T`.
    pub async fn get_query<T: DeserializeOwned>(&self, path: &str, query: Vec<(&'static str, String)>) -> Result<T> {
        let mut req = ApiRequest::new(Method::GET, path);
        req.query = query;
        let raw = self.execute(req).await?;
        decode("GET", path, &raw.body)
    }

    /// Like [`Client::get`], with 404 mapped to `Ok(None)`.
    pub async fn get_opt<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>> {
        match self.get(path).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One page of a collection.
    pub async fn list_page<T: DeserializeOwned>(&self, path: &str, params: &ListParams) -> Result<Page<T>> {
        let mut req = ApiRequest::new(Method::GET, path);
        req.query = params.query();
        req.filter = params.filter.as_ref().filter(|f| !f.is_empty()).map(|f| f.to_header());
        let raw = self.execute(req).await?;
        decode("GET", path, &raw.body)
    }

    /// Every item of a collection, page by page (see [`crate::pagination::stream_all`]).
    pub fn list_stream<T: DeserializeOwned + Send + 'static>(
        &self,
        path: String,
        params: ListParams,
    ) -> BoxStream<'static, Result<T>> {
        stream_all(self.clone(), path, params)
    }

    /// `POST {path}` with a JSON body, decoded as `T`. Retried only when the server
    /// provably did not act on it.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let raw = self.execute(ApiRequest::new(Method::POST, path).json(body)?).await?;
        decode("POST", path, &raw.body)
    }

    /// `POST {path}` without a body (actions such as recycle); the response is ignored.
    pub async fn post_action(&self, path: &str) -> Result<()> {
        self.execute(ApiRequest::new(Method::POST, path)).await.map(drop)
    }

    /// `PUT {path}` with a JSON body, decoded as `T`.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let raw = self.execute(ApiRequest::new(Method::PUT, path).json(body)?).await?;
        decode("PUT", path, &raw.body)
    }

    /// `DELETE {path}`; the (empty) response is ignored.
    pub async fn delete(&self, path: &str) -> Result<()> {
        self.execute(ApiRequest::new(Method::DELETE, path)).await.map(drop)
    }

    /// GET without retries (used by waiters, which poll anyway).
    pub(crate) async fn get_no_retry<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let mut req = ApiRequest::new(Method::GET, path);
        req.retry = false;
        let raw = self.execute(req).await?;
        decode("GET", path, &raw.body)
    }
}

fn transport_error(method: &str, path: &str, e: reqwest::Error, reached: ReachedServer) -> Error {
    Error::Transport {
        method: method.to_owned(),
        path: path.to_owned(),
        reached_server: reached,
        timeout: e.is_timeout(),
        source: e.without_url(),
    }
}

fn api_error(method: &str, path: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let envelope = serde_json::from_slice::<ErrorEnvelope>(body).ok();
    let errors = envelope.map(|e| e.errors).unwrap_or_default();
    let raw = if errors.is_empty() && !body.is_empty() {
        let end = body.len().min(512);
        Some(String::from_utf8_lossy(&body[..end]).into_owned())
    } else {
        None
    };
    ApiError {
        status,
        method: method.to_owned(),
        path: path.to_owned(),
        errors,
        body: raw,
        retry_after: crate::retry::server_hint(headers, status == 429),
        maintenance_mode: headers.contains_key("x-maintenance-mode"),
    }
}

/// Decodes a JSON body, naming the failing JSON path on error. An empty body decodes as `{}`.
pub(crate) fn decode<T: DeserializeOwned>(method: &str, path: &str, body: &[u8]) -> Result<T> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        method: method.to_owned(),
        path: path.to_owned(),
        json_path: e.path().to_string(),
        source: e.into_inner(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_and_version_resolution() {
        let c = Client::builder().build().unwrap();
        assert_eq!(c.url("/lke/clusters").unwrap().as_str(), "https://api.linode.com/v4/lke/clusters");
        let c = Client::builder().base_url("http://127.0.0.1:8080/v4beta/").build().unwrap();
        assert_eq!(c.api_version(), ApiVersion::V4Beta);
        assert_eq!(c.url("/domains").unwrap().as_str(), "http://127.0.0.1:8080/v4beta/domains");
        let c = Client::builder().base_url("example.test/prefix").api_version(ApiVersion::V4).build().unwrap();
        assert_eq!(c.url("/regions").unwrap().as_str(), "https://example.test/prefix/v4/regions");
        assert!(Client::builder().base_url("ftp://x").build().is_err());
        let c = Client::builder().base_url("127.0.0.1:8080").build().unwrap();
        assert_eq!(c.url("/regions").unwrap().as_str(), "http://127.0.0.1:8080/v4/regions");
    }

    #[test]
    fn env_lookup() {
        let env = |n: &str| match n {
            "LINODE_TOKEN" => Some("secret-token".to_owned()),
            "LINODE_URL" => Some("http://localhost:9000".to_owned()),
            "LINODE_API_VERSION" => Some("v4beta".to_owned()),
            "LINODE_UA_PREFIX" => Some("terraform-provider-linode/1.0".to_owned()),
            _ => None,
        };
        let b = ClientBuilder::from_lookup(env);
        assert_eq!(b.ua_prefix.as_deref(), Some("terraform-provider-linode/1.0"));
        let c = b.build().unwrap();
        assert_eq!(c.url("/x").unwrap().as_str(), "http://localhost:9000/v4beta/x");
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("secret-token"), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        let bad = ClientBuilder::from_lookup(|n| (n == "LINODE_API_VERSION").then(|| "v5".to_owned()));
        assert!(matches!(bad.build(), Err(Error::Config(_))));
        let missing_ca = ClientBuilder::from_lookup(|n| (n == "LINODE_CA").then(|| "/nonexistent/ca.pem".to_owned()));
        assert!(matches!(missing_ca.build(), Err(Error::Config(m)) if m.contains("/nonexistent/ca.pem")));
    }

    #[test]
    fn decode_names_the_json_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            id: u64,
        }
        let err = decode::<Page<Item>>("GET", "/x", br#"{"data":[{"id":1},{"id":"two"}],"page":1,"pages":1,"results":2}"#)
            .unwrap_err();
        match err {
            Error::Decode { json_path, .. } => assert_eq!(json_path, "data[1].id"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
