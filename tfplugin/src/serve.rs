//! Serving a provider to Terraform: the go-plugin handshake, AutoMTLS, the side services
//! (controller, stdio, broker, health) and debug (reattach) mode.
//!
//! ```no_run
//! # use tfplugin::{async_trait, Provider, Resource};
//! # use std::sync::Arc;
//! # struct MyProvider;
//! # #[async_trait] impl Provider for MyProvider {
//! #     fn type_name(&self) -> &str { "example" }
//! #     fn resources(&self) -> Vec<Arc<dyn Resource>> { vec![] }
//! # }
//! #[tokio::main]
//! async fn main() {
//!     tfplugin::serve(MyProvider, tfplugin::ServeOptions::new("registry.terraform.io/example/example")).await;
//! }
//! ```

mod logging;
pub(crate) mod tls;

use std::io::Write as _;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Notify, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;
use tonic::{Request, Response, Status, Streaming};

use crate::proto::plugin as gp;
use crate::proto::tfplugin6::provider_server::ProviderServer;
use crate::provider::Provider;
use crate::server::ProviderService;

/// The magic cookie Terraform sets in the plugin's environment.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Its value.
pub const MAGIC_COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const MAX_MESSAGE: usize = 256 << 20;
/// How long a connection may take to complete its TLS handshake. Terraform handshakes at once;
/// a peer that connects and stays silent must not hold a task and a socket forever.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// What a plugin launched without `PLUGIN_CLIENT_CERT` logs: anything able to reach the socket
/// may then call the provider (and its credentials) without proving who it is.
pub(crate) const PLAINTEXT_WARNING: &str = "serving without TLS: PLUGIN_CLIENT_CERT is not set \
     (TF_DISABLE_PLUGIN_TLS?), so connections to the plugin are neither encrypted nor authenticated";

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The provider's source address, e.g. `registry.terraform.io/linode/linode` (the key of
    /// `TF_REATTACH_PROVIDERS` in debug mode).
    pub address: String,
    /// Serve for `TF_REATTACH_PROVIDERS` instead of being launched by Terraform. Also turned
    /// on by a `--debug` command-line argument.
    pub debug: bool,
    /// Listen on TCP `127.0.0.1` instead of a Unix socket.
    pub tcp: bool,
    /// What `--version` prints after the binary's name, e.g. `1.2.0 (commit 0a1b2c3)`; without
    /// it, `--version` is treated like any other direct run.
    pub version: Option<String>,
}

impl ServeOptions {
    /// Options for the provider at `address`.
    pub fn new(address: impl Into<String>) -> ServeOptions {
        ServeOptions { address: address.into(), debug: false, tcp: !cfg!(unix), version: None }
    }

    /// Turns debug mode on or off.
    #[must_use]
    pub fn debug(mut self, debug: bool) -> ServeOptions {
        self.debug = debug;
        self
    }

    /// Listens on TCP instead of a Unix socket.
    #[must_use]
    pub fn tcp(mut self, tcp: bool) -> ServeOptions {
        self.tcp = tcp;
        self
    }

    /// Sets what `--version` prints after `terraform-provider-<type>`.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> ServeOptions {
        self.version = Some(version.into());
        self
    }
}

/// Serves `provider` the way Terraform expects, and exits the process when Terraform shuts it
/// down. Run by hand (without Terraform's magic cookie) it explains itself and exits with
/// status 1. With `--debug` (or [`ServeOptions::debug`]) it serves for
/// `TF_REATTACH_PROVIDERS` until interrupted. With `--version` and a [`ServeOptions::version`]
/// it prints `terraform-provider-<type> <version>` and returns.
pub async fn serve(provider: impl Provider, options: ServeOptions) {
    if let Some(version) = &options.version
        && std::env::args().skip(1).any(|a| a == "--version" || a == "-version")
    {
        println!("terraform-provider-{} {version}", provider.type_name());
        return;
    }
    let module = format!("provider.terraform-provider-{}", provider.type_name());
    init_logging(module);
    let debug = options.debug || std::env::args().skip(1).any(|a| a == "--debug" || a == "-debug");
    let result = if debug { serve_debug(Arc::new(provider), &options).await } else { serve_managed(Arc::new(provider), &options).await };
    if let Err(message) = result {
        eprintln!("{message}");
        std::process::exit(1);
    }
}

fn init_logging(module: String) {
    use tracing_subscriber::layer::SubscriberExt;
    if let Some(max_level) = logging::level_from_env() {
        let subscriber = tracing_subscriber::registry().with(logging::HclogLayer { module, max_level });
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
}

/// Checks the environment Terraform sets for its plugins.
pub(crate) fn check_environment(get: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    if get(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err("This binary is a plugin. These are not meant to be executed directly.\n\
                    Please execute the program that consumes these plugins, which will\n\
                    load any plugins automatically (for a Terraform provider: run terraform).\n\
                    To debug the provider, run it with --debug and use TF_REATTACH_PROVIDERS."
            .into());
    }
    let versions = get("PLUGIN_PROTOCOL_VERSIONS").unwrap_or_default();
    if !versions.split(',').any(|v| v.trim() == "6") {
        return Err(format!(
            "This provider speaks plugin protocol 6 only (Terraform 0.15 or later); Terraform offered {versions:?}."
        ));
    }
    Ok(())
}

async fn serve_managed(provider: Arc<dyn Provider>, options: &ServeOptions) -> Result<(), String> {
    check_environment(|k| std::env::var(k).ok())?;
    let tls = match std::env::var("PLUGIN_CLIENT_CERT").ok().filter(|c| !c.trim().is_empty()) {
        Some(pem) => {
            let identity = tls::ServerIdentity::generate()?;
            let config = tls::server_config(&identity, &pem)?;
            Some((identity, config))
        }
        None => {
            tracing::warn!("{PLAINTEXT_WARNING}");
            None
        }
    };
    let listener = Listener::bind(options.tcp).await?;
    let cert = tls
        .as_ref()
        .map(|(id, _)| base64::engine::general_purpose::STANDARD_NO_PAD.encode(id.cert.as_ref()))
        .unwrap_or_default();
    let (network, address) = listener.describe();
    // Only now that the listener is bound: the handshake line, flushed.
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "1|6|{network}|{address}|grpc|{cert}").map_err(|e| e.to_string())?;
        out.flush().map_err(|e| e.to_string())?;
    }
    // Ctrl-C reaches the whole process group; Terraform handles it (StopProvider, Shutdown).
    tokio::spawn(async {
        while tokio::signal::ctrl_c().await.is_ok() {
            tracing::debug!("ignoring SIGINT");
        }
    });
    let shutdown = Arc::new(Notify::new());
    let socket_dir = listener.socket_dir.clone();
    let tls = tls.map(|(_, config)| (config, TLS_HANDSHAKE_TIMEOUT));
    run(ProviderService::new(provider), listener, tls, shutdown.clone(), true).await?;
    if let Some(dir) = socket_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(0);
}

async fn serve_debug(provider: Arc<dyn Provider>, options: &ServeOptions) -> Result<(), String> {
    let listener = Listener::bind(options.tcp).await?;
    let (network, address) = listener.describe();
    let reattach = reattach_json(&options.address, &network, &address, std::process::id());
    println!(
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:\n\n\
         \tTF_REATTACH_PROVIDERS='{reattach}'\n"
    );
    let _ = std::io::stdout().flush();
    let shutdown = Arc::new(Notify::new());
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.notify_one();
    });
    let socket_dir = listener.socket_dir.clone();
    let result = run(ProviderService::new(provider), listener, None, shutdown, false).await;
    if let Some(dir) = socket_dir {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

/// The `TF_REATTACH_PROVIDERS` value for one provider.
pub(crate) fn reattach_json(address: &str, network: &str, addr: &str, pid: u32) -> String {
    serde_json::json!({
        address: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": network, "String": addr },
        }
    })
    .to_string()
}

/// A bound listener: a Unix socket in a fresh temporary directory, or TCP on 127.0.0.1.
pub(crate) struct Listener {
    kind: ListenerKind,
    pub(crate) socket_dir: Option<PathBuf>,
}

enum ListenerKind {
    #[cfg(unix)]
    Unix(tokio::net::UnixListener, PathBuf),
    Tcp(tokio::net::TcpListener),
}

impl Listener {
    pub(crate) async fn bind(tcp: bool) -> Result<Listener, String> {
        #[cfg(unix)]
        if !tcp {
            use std::os::unix::fs::PermissionsExt as _;
            let base = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
            // Owner only, like go-plugin's: nobody else may reach (or replace) the socket.
            let dir = tempfile::Builder::new()
                .prefix("plugin")
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir_in(&base)
                .map_err(|e| format!("creating the socket directory: {e}"))?
                .keep();
            let path = dir.join("plugin.sock");
            let l = tokio::net::UnixListener::bind(&path).map_err(|e| format!("binding {}: {e}", path.display()))?;
            return Ok(Listener { kind: ListenerKind::Unix(l, path), socket_dir: Some(dir) });
        }
        let _ = tcp;
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| format!("binding TCP: {e}"))?;
        Ok(Listener { kind: ListenerKind::Tcp(l), socket_dir: None })
    }

    /// `(network, address)` as go-plugin writes them.
    pub(crate) fn describe(&self) -> (String, String) {
        match &self.kind {
            #[cfg(unix)]
            ListenerKind::Unix(_, path) => ("unix".into(), path.display().to_string()),
            ListenerKind::Tcp(l) => {
                ("tcp".into(), l.local_addr().map(|a| a.to_string()).unwrap_or_default())
            }
        }
    }

    async fn accept(&self) -> std::io::Result<BoxedIo> {
        match &self.kind {
            #[cfg(unix)]
            ListenerKind::Unix(l, _) => Ok(BoxedIo(Box::pin(l.accept().await?.0))),
            ListenerKind::Tcp(l) => {
                let (s, _) = l.accept().await?;
                s.set_nodelay(true)?;
                Ok(BoxedIo(Box::pin(s)))
            }
        }
    }
}

trait Io: AsyncRead + AsyncWrite + Send + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + 'static> Io for T {}

/// A connection of any kind (plain or TLS, Unix or TCP).
struct BoxedIo(Pin<Box<dyn Io>>);

impl Connected for BoxedIo {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for BoxedIo {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_read(cx, buf)
    }
}

impl AsyncWrite for BoxedIo {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        self.0.as_mut().poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        self.0.as_mut().poll_shutdown(cx)
    }
}

/// Serves until `shutdown` is notified (by GRPCController.Shutdown when `controller` is on).
/// With `tls`, each connection must complete its handshake within the given time.
pub(crate) async fn run(
    service: ProviderService,
    listener: Listener,
    tls: Option<(Arc<rustls::ServerConfig>, Duration)>,
    shutdown: Arc<Notify>,
    controller: bool,
) -> Result<(), String> {
    let (tx, rx) = mpsc::channel::<std::io::Result<BoxedIo>>(16);
    let acceptor = tls.map(|(config, limit)| (tokio_rustls::TlsAcceptor::from(config), limit));
    let accept_task = tokio::spawn(async move {
        loop {
            let io = match listener.accept().await {
                Ok(io) => io,
                Err(e) => {
                    // E.g. out of file descriptors: retrying at once would spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let tx = tx.clone();
            match &acceptor {
                None => {
                    if tx.send(Ok(io)).await.is_err() {
                        return;
                    }
                }
                Some((acceptor, limit)) => {
                    let (acceptor, limit) = (acceptor.clone(), *limit);
                    tokio::spawn(async move {
                        match tokio::time::timeout(limit, acceptor.accept(io)).await {
                            Ok(Ok(stream)) => {
                                let _ = tx.send(Ok(BoxedIo(Box::pin(stream)))).await;
                            }
                            Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                            // Dropping the handshake closes the connection.
                            Err(_) => tracing::debug!(?limit, "TLS handshake timed out"),
                        }
                    });
                }
            }
        }
    });

    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_service_status("plugin", tonic_health::ServingStatus::Serving).await;
    let provider = ProviderServer::new(service)
        .max_decoding_message_size(MAX_MESSAGE)
        .max_encoding_message_size(MAX_MESSAGE);
    let mut builder = tonic::transport::Server::builder();
    let router = builder
        .add_service(provider)
        .add_service(health_service)
        .add_service(gp::grpc_stdio_server::GrpcStdioServer::new(Stdio))
        .add_service(gp::grpc_broker_server::GrpcBrokerServer::new(Broker));
    let router = if controller {
        router.add_service(gp::grpc_controller_server::GrpcControllerServer::new(Controller(shutdown.clone())))
    } else {
        router
    };
    let signal = shutdown.clone();
    let result = router
        .serve_with_incoming_shutdown(ReceiverStream::new(rx), async move { signal.notified().await })
        .await
        .map_err(|e| format!("serving gRPC: {e}"));
    accept_task.abort();
    result
}

/// go-plugin's controller: Shutdown ends the server (and so the process).
struct Controller(Arc<Notify>);

#[tonic::async_trait]
impl gp::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<gp::Empty>) -> Result<Response<gp::Empty>, Status> {
        tracing::debug!("GRPCController.Shutdown");
        self.0.notify_one();
        Ok(Response::new(gp::Empty {}))
    }
}

/// go-plugin's stdio forwarding: we never write to stdout, so the stream stays open and empty.
struct Stdio;

#[tonic::async_trait]
impl gp::grpc_stdio_server::GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<tonic::codegen::BoxStream<gp::StdioData>>, Status> {
        Ok(Response::new(Box::pin(futures::stream::pending())))
    }
}

/// go-plugin's broker: Terraform providers do not broker connections; drain and end.
struct Broker;

#[tonic::async_trait]
impl gp::grpc_broker_server::GrpcBroker for Broker {
    async fn start_stream(
        &self,
        req: Request<Streaming<gp::ConnInfo>>,
    ) -> Result<Response<tonic::codegen::BoxStream<gp::ConnInfo>>, Status> {
        use futures::StreamExt as _;
        let inbound = req.into_inner();
        let out = futures::stream::unfold(inbound, |mut inbound| async move {
            while inbound.next().await.is_some() {}
            None::<(Result<gp::ConnInfo, Status>, Streaming<gp::ConnInfo>)>
        });
        Ok(Response::new(Box::pin(out)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_checks() {
        let env = |cookie: Option<&str>, versions: &str| {
            let cookie = cookie.map(str::to_string);
            let versions = versions.to_string();
            move |k: &str| match k {
                MAGIC_COOKIE_KEY => cookie.clone(),
                "PLUGIN_PROTOCOL_VERSIONS" => Some(versions.clone()),
                _ => None,
            }
        };
        let err = check_environment(env(None, "5,6")).unwrap_err();
        assert!(err.contains("This binary is a plugin"));
        assert!(check_environment(env(Some(MAGIC_COOKIE_VALUE), "6,5")).is_ok());
        assert!(check_environment(env(Some(MAGIC_COOKIE_VALUE), "5")).unwrap_err().contains("protocol 6"));
    }

    struct Nothing;

    #[crate::async_trait]
    impl Provider for Nothing {
        fn type_name(&self) -> &str {
            "nothing"
        }
        fn resources(&self) -> Vec<Arc<dyn crate::Resource>> {
            vec![]
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn the_socket_directory_is_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt as _;
        let listener = Listener::bind(false).await.unwrap();
        let dir = listener.socket_dir.clone().expect("a unix socket has a directory");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(mode, 0o700, "socket directory mode {mode:o}");
    }

    #[tokio::test]
    async fn a_silent_peer_is_dropped_after_the_handshake_timeout() {
        use tokio::io::AsyncReadExt as _;
        let listener = Listener::bind(true).await.unwrap();
        let (_, address) = listener.describe();
        let identity = tls::ServerIdentity::generate().unwrap();
        let client = rcgen::generate_simple_self_signed(vec!["client".to_string()]).unwrap();
        let config = tls::server_config(&identity, &client.cert.pem()).unwrap();
        let shutdown = Arc::new(Notify::new());
        let service = ProviderService::new(Arc::new(Nothing));
        let limit = Duration::from_millis(200);
        let server = tokio::spawn(run(service, listener, Some((config, limit)), shutdown.clone(), false));

        // Connects and never says a word: the server must hang up on its own.
        let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();
        let started = std::time::Instant::now();
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0) | Err(_))), "the connection is still open after 10 s: {read:?}");
        assert!(started.elapsed() >= limit, "closed before the timeout");
        shutdown.notify_one();
        server.await.unwrap().unwrap();
    }

    #[test]
    fn reattach_line() {
        let json = reattach_json("example.com/ex/ex", "unix", "/tmp/p/plugin.sock", 42);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["example.com/ex/ex"]["ProtocolVersion"], 6);
        assert_eq!(v["example.com/ex/ex"]["Addr"]["String"], "/tmp/p/plugin.sock");
        assert_eq!(v["example.com/ex/ex"]["Pid"], 42);
    }
}
