//! The `linode-mock` binary: runs the emulator until interrupted.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use linode_mock::{FaultConfig, MockConfig, MockServer};

/// `--version`: the workspace version and the commit `scripts/release.sh` built from
/// (`LINODE_BUILD_COMMIT`; other builds say `unknown`).
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let commit = option_env!("LINODE_BUILD_COMMIT").unwrap_or("unknown");
    format!("{} (commit {commit})", env!("CARGO_PKG_VERSION"))
});

/// A stateful Linode API v4 emulator (REST and S3) for offline tests.
#[derive(Debug, Parser)]
#[command(name = "linode-mock", version = VERSION.as_str(), about)]
struct Args {
    /// REST API port (0: any free port).
    #[arg(long, env = "LINODE_MOCK_PORT", default_value_t = 0)]
    port: u16,
    /// S3 endpoint port (0: any free port).
    #[arg(long, env = "LINODE_MOCK_S3_PORT", default_value_t = 0)]
    s3_port: u16,
    /// Accepted bearer token (repeatable; default "mock-token").
    #[arg(long = "token", env = "LINODE_MOCK_TOKEN", value_delimiter = ',')]
    tokens: Vec<String>,
    /// S3 root access key.
    #[arg(long, env = "LINODE_MOCK_S3_ACCESS_KEY", default_value = linode_mock::DEFAULT_S3_ACCESS_KEY)]
    s3_access_key: String,
    /// S3 root secret key.
    #[arg(long, env = "LINODE_MOCK_S3_SECRET_KEY", default_value = linode_mock::DEFAULT_S3_SECRET_KEY)]
    s3_secret_key: String,
    /// Largest S3 request body (object size) in bytes; larger uploads get EntityTooLarge.
    #[arg(long, env = "LINODE_MOCK_S3_MAX_BODY_BYTES", default_value_t = linode_mock::DEFAULT_S3_MAX_BODY_BYTES)]
    s3_max_body_bytes: u64,
    /// State file kept across restarts (written atomically, mode 0600).
    #[arg(long, env = "LINODE_MOCK_STATE")]
    state: Option<PathBuf>,
    /// Write a JSON file with the URLs and credentials once serving (mode 0600).
    #[arg(long, env = "LINODE_MOCK_READY_FILE")]
    ready_file: Option<PathBuf>,
    /// Delay before new LKE nodes are ready, in ms.
    #[arg(long, env = "LINODE_MOCK_NODE_READY_DELAY_MS", default_value_t = 2000)]
    node_ready_delay_ms: u64,
    /// Delay before a new cluster's kubeconfig is available, in ms.
    #[arg(long, env = "LINODE_MOCK_KUBECONFIG_DELAY_MS", default_value_t = 1000)]
    kubeconfig_delay_ms: u64,
    /// Rate of injected 500 answers (0..1).
    #[arg(long, env = "LINODE_MOCK_FAULT_5XX_RATE", default_value_t = 0.0)]
    fault_5xx_rate: f64,
    /// Rate of injected 429 answers (0..1).
    #[arg(long, env = "LINODE_MOCK_FAULT_429_RATE", default_value_t = 0.0)]
    fault_429_rate: f64,
    /// Retry-After seconds of injected 429s.
    #[arg(long, env = "LINODE_MOCK_FAULT_RETRY_AFTER", default_value_t = 1)]
    fault_retry_after: u64,
    /// Rate of injected "Linode busy." 400s (0..1).
    #[arg(long, env = "LINODE_MOCK_FAULT_BUSY_RATE", default_value_t = 0.0)]
    fault_busy_rate: f64,
    /// Injected latency in ms.
    #[arg(long, env = "LINODE_MOCK_FAULT_LATENCY_MS", default_value_t = 0)]
    fault_latency_ms: u64,
    /// Rate of requests that get the injected latency (0..1; default 1 when a latency is set).
    #[arg(long, env = "LINODE_MOCK_FAULT_LATENCY_RATE")]
    fault_latency_rate: Option<f64>,
    /// Rate of dropped connections (0..1).
    #[arg(long, env = "LINODE_MOCK_FAULT_DROP_RATE", default_value_t = 0.0)]
    fault_drop_rate: f64,
    /// Rate of requests that are applied and then answered 500 (0..1): the request is served
    /// and its changes are kept, but the client gets a server error instead of the answer, as
    /// when a server fails after committing. Combine with --fault-only-method,
    /// --fault-only-path and --fault-count to target one request, e.g. `--fault-apply-then-500 1
    /// --fault-only-method POST --fault-only-path /domains --fault-count 1` for exactly the next
    /// POST /domains.
    #[arg(
        long,
        env = "LINODE_MOCK_FAULT_APPLY_THEN_500_RATE",
        default_value_t = 0.0,
        value_name = "RATE"
    )]
    fault_apply_then_500: f64,
    /// Only inject faults on paths with these prefixes (repeatable).
    #[arg(long, env = "LINODE_MOCK_FAULT_ONLY_PATHS", value_delimiter = ',')]
    fault_only_path: Vec<String>,
    /// Only inject faults on requests with these methods, e.g. POST (repeatable).
    #[arg(long, env = "LINODE_MOCK_FAULT_ONLY_METHODS", value_delimiter = ',')]
    fault_only_method: Vec<String>,
    /// Inject at most this many faults (latency does not count); default: no limit.
    #[arg(long, env = "LINODE_MOCK_FAULT_COUNT")]
    fault_count: Option<u64>,
    /// Also inject the faults on the S3 endpoint.
    #[arg(long, env = "LINODE_MOCK_FAULT_S3")]
    fault_s3: bool,
    /// Seed for reproducible fault decisions.
    #[arg(long, env = "LINODE_MOCK_FAULT_SEED")]
    fault_seed: Option<u64>,
    /// Enforced requests per 60-second window (default: headers only).
    #[arg(long, env = "LINODE_MOCK_RATE_LIMIT")]
    rate_limit: Option<u32>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LINODE_MOCK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let config = MockConfig {
        api_port: args.port,
        s3_port: args.s3_port,
        tokens: if args.tokens.is_empty() {
            vec![linode_mock::DEFAULT_TOKEN.to_string()]
        } else {
            args.tokens
        },
        s3_access_key: args.s3_access_key,
        s3_secret_key: args.s3_secret_key,
        s3_max_body_bytes: args.s3_max_body_bytes,
        node_ready_delay: Duration::from_millis(args.node_ready_delay_ms),
        kubeconfig_delay: Duration::from_millis(args.kubeconfig_delay_ms),
        faults: FaultConfig {
            http_5xx: args.fault_5xx_rate,
            rate_limit_429: args.fault_429_rate,
            retry_after: args.fault_retry_after,
            busy_400: args.fault_busy_rate,
            latency_ms: args.fault_latency_ms,
            latency_rate: args
                .fault_latency_rate
                .unwrap_or(if args.fault_latency_ms > 0 { 1.0 } else { 0.0 }),
            drop_connection: args.fault_drop_rate,
            apply_then_500: args.fault_apply_then_500,
            only_paths: (!args.fault_only_path.is_empty()).then_some(args.fault_only_path),
            only_methods: (!args.fault_only_method.is_empty()).then_some(args.fault_only_method),
            remaining: args.fault_count,
            s3: args.fault_s3,
        },
        fault_seed: args.fault_seed,
        rate_limit: args.rate_limit,
        state_file: args.state,
        ..MockConfig::default()
    };
    if let Err(field) = config.faults.validate() {
        tracing::error!(field, "fault rates must be between 0 and 1");
        return std::process::ExitCode::FAILURE;
    }
    let handle = match MockServer::start(config).await {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "could not start");
            return std::process::ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.ready_file {
        let ready = serde_json::json!({
            "api_url": handle.api_url(),
            "s3_url": handle.s3_url(),
            "s3_endpoint": handle.s3_endpoint(),
            "admin_url": handle.admin_url(),
            "token": handle.token(),
            "s3_access_key": handle.s3_access_key(),
            "s3_secret_key": handle.s3_secret_key(),
        });
        if let Err(e) = linode_mock::state::write_private(path, ready.to_string().as_bytes()) {
            tracing::error!(error = %e, path = %path.display(), "could not write the ready file");
            return std::process::ExitCode::FAILURE;
        }
    }
    println!(
        "linode-mock: api={} s3={} admin={}",
        handle.api_url(),
        handle.s3_url(),
        handle.admin_url()
    );
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
    handle.shutdown().await;
    std::process::ExitCode::SUCCESS
}
