//! `linode-secrets`: the operator command of the Linode secret manager.
//!
//! Secrets are stored client-side-encrypted in a versioned Object Storage bucket (see
//! `linode_sdk::secrets`). Object Storage credentials come from `LINODE_OBJ_ACCESS_KEY` /
//! `LINODE_OBJ_SECRET_KEY`; the master key from `LINODE_SECRETS_KEY` or `--key-file`. Values are
//! read from files or standard input, never from the command line, and the master key is never
//! printed.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use linode_sdk::s3::{S3Client, S3Config};
use linode_sdk::secrets::{
    Bundle, MasterKey, PutOptions, RotationPeriod, SealingCertificate, SealingScope, SecretStore,
    SecretValue, SecretsError, render_sealed_secret, render_secret,
};
use serde_json::json;
use zeroize::Zeroizing;

/// Environment variable with the Object Storage access key.
const ACCESS_KEY_ENV: &str = "LINODE_OBJ_ACCESS_KEY";
/// Environment variable with the Object Storage secret key.
const SECRET_KEY_ENV: &str = "LINODE_OBJ_SECRET_KEY";

/// `--version`: the workspace version and the commit `scripts/release.sh` built from
/// (`LINODE_BUILD_COMMIT`; other builds say `unknown`).
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let commit = option_env!("LINODE_BUILD_COMMIT").unwrap_or("unknown");
    format!("{} (commit {commit})", env!("CARGO_PKG_VERSION"))
});

/// Printed under the keyless listings: their metadata is not authenticated.
const UNVERIFIED_NOTE: &str = "(unverified: read without the master key from x-amz-meta-*, which \
     anyone with write access to the bucket can forge; `get` verifies a secret)";

/// Client-side-encrypted secrets in a versioned Linode Object Storage bucket.
#[derive(Debug, Parser)]
#[command(name = "linode-secrets", version = VERSION.as_str(), about, long_about = None)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
struct Global {
    /// Bucket holding the secrets (versioning must be enabled).
    #[arg(long, global = true, env = "LINODE_SECRETS_BUCKET")]
    bucket: Option<String>,
    /// Key prefix of the secrets in the bucket.
    #[arg(
        long,
        global = true,
        env = "LINODE_SECRETS_PREFIX",
        default_value = "secrets/"
    )]
    prefix: String,
    /// S3 endpoint: URL or host (default: <region>.linodeobjects.com); path-style requests.
    #[arg(long, global = true, env = "LINODE_OBJ_ENDPOINT")]
    endpoint: Option<String>,
    /// Object Storage region (cluster id).
    #[arg(
        long,
        global = true,
        env = "LINODE_OBJ_REGION",
        default_value = "us-east-1"
    )]
    region: String,
    /// File holding the master key (default: the LINODE_SECRETS_KEY variable).
    #[arg(long, global = true, value_name = "FILE")]
    key_file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Store a new version of a secret (value from a file or standard input).
    Put(PutArgs),
    /// Print a secret's value (latest or a given version).
    Get {
        /// Secret name, e.g. platform/grafana-admin-password.
        name: String,
        /// Object version id (default: the latest).
        #[arg(long)]
        version: Option<String>,
    },
    /// List secrets with their metadata (no master key needed, so not authenticated).
    List,
    /// List the versions of one secret (no master key needed).
    Versions {
        /// Secret name.
        name: String,
    },
    /// Delete a secret (a delete marker: earlier versions stay readable by id).
    Delete {
        /// Secret name.
        name: String,
        /// Remove every version for good instead (cannot be undone).
        #[arg(long)]
        purge: bool,
    },
    /// Show which secrets are due for rotation (no master key needed, so not authenticated).
    RotationReport {
        /// Exit with status 3 when any secret is due.
        #[arg(long)]
        fail_if_due: bool,
    },
    /// Render a bundle as a Kubernetes Secret, or a SealedSecret with --sealed.
    Render(RenderArgs),
    /// Re-wrap every secret under a new master key (values unchanged).
    Rewrap {
        /// File holding the new master key.
        #[arg(long, value_name = "FILE")]
        new_key_file: PathBuf,
    },
    /// Write a new random master key to a file (mode 0600, never overwritten).
    GenerateKey {
        /// Output file.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
struct PutArgs {
    /// Secret name, e.g. platform/grafana-admin-password.
    name: String,
    /// Read the value from this file.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "stdin",
        required_unless_present = "stdin"
    )]
    value_file: Option<PathBuf>,
    /// Read the value from standard input.
    #[arg(long)]
    stdin: bool,
    /// Keep a trailing newline (by default one trailing "\n" or "\r\n" is removed).
    #[arg(long)]
    raw: bool,
    /// Rotation period, e.g. 90d, 2w, 12h (default: keep the previous version's).
    #[arg(long, value_name = "PERIOD")]
    rotation: Option<RotationPeriod>,
    /// Label key=value (repeatable; replaces all labels of the previous version).
    #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_label)]
    labels: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct RenderArgs {
    /// Bundle file (YAML).
    bundle: PathBuf,
    /// Render a Bitnami SealedSecret (needs --cert).
    #[arg(long, requires = "cert")]
    sealed: bool,
    /// The sealed-secrets controller's certificate (PEM), e.g. from `kubeseal --fetch-cert`.
    #[arg(long, value_name = "PEM")]
    cert: Option<PathBuf>,
    /// Secret name (default: the bundle's name).
    #[arg(long)]
    name: Option<String>,
    /// Sealing scope (default: the bundle's, else strict).
    #[arg(long, value_parser = parse_scope)]
    scope: Option<SealingScope>,
}

fn parse_label(text: &str) -> Result<(String, String), String> {
    let (k, v) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    Ok((k.to_owned(), v.to_owned()))
}

fn parse_scope(text: &str) -> Result<SealingScope, String> {
    text.parse()
}

/// A failure with the exit status to use.
struct Failure {
    message: String,
    status: u8,
}

impl From<SecretsError> for Failure {
    fn from(e: SecretsError) -> Self {
        Self {
            message: e.to_string(),
            status: 1,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Self { message, status: 2 }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.status)
        }
    }
}

fn store(global: &Global) -> Result<SecretStore<S3Client>, Failure> {
    let bucket = global
        .bucket
        .clone()
        .ok_or_else(|| "--bucket (or LINODE_SECRETS_BUCKET) is required".to_owned())?;
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("{name} is not set (Object Storage credentials)"))
    };
    let endpoint = global
        .endpoint
        .clone()
        .unwrap_or_else(|| format!("{}.linodeobjects.com", global.region));
    let config = S3Config::new(endpoint, env(ACCESS_KEY_ENV)?, env(SECRET_KEY_ENV)?)
        .region(global.region.clone());
    let client = S3Client::new(config).map_err(|e| format!("S3 client: {e}"))?;
    Ok(SecretStore::new(client, bucket, global.prefix.clone()))
}

fn master_key(global: &Global) -> Result<MasterKey, Failure> {
    Ok(MasterKey::load(global.key_file.as_deref())?)
}

fn read_value(args: &PutArgs) -> Result<SecretValue, Failure> {
    let mut bytes = Vec::new();
    match &args.value_file {
        Some(path) => {
            bytes = std::fs::read(path)
                .map_err(|e| format!("reading value file {}: {e}", path.display()))?;
        }
        None => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("reading standard input: {e}"))?;
        }
    }
    if !args.raw {
        if bytes.ends_with(b"\r\n") {
            bytes.truncate(bytes.len() - 2);
        } else if bytes.ends_with(b"\n") {
            bytes.truncate(bytes.len() - 1);
        }
    }
    Ok(SecretValue::new(bytes))
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("JSON values serialise")
    );
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let g = &cli.global;
    match &cli.command {
        Command::Put(args) => {
            let key = master_key(g)?;
            let value = read_value(args)?;
            let labels = (!args.labels.is_empty())
                .then(|| args.labels.iter().cloned().collect::<BTreeMap<_, _>>());
            let options = PutOptions {
                rotation_period: args.rotation,
                labels,
            };
            let written = store(g)?.put(&key, &args.name, &value, options).await?;
            if g.json {
                print_json(&serde_json::to_value(&written).expect("metadata serialises"));
            } else {
                println!(
                    "stored {} version {} (revision {})",
                    written.name,
                    written.version_id.as_deref().unwrap_or("-"),
                    written.revision
                );
            }
        }
        Command::Get { name, version } => {
            let key = master_key(g)?;
            let secret = store(g)?.get(&key, name, version.as_deref()).await?;
            if g.json {
                let mut doc = serde_json::to_value(&secret.metadata).expect("metadata serialises");
                match secret.value.expose_str() {
                    Some(text) => doc["value"] = json!(text),
                    None => {
                        use base64::Engine as _;
                        doc["value_base64"] = json!(
                            base64::engine::general_purpose::STANDARD.encode(secret.value.expose())
                        );
                    }
                }
                print_json(&doc);
            } else {
                let mut out = std::io::stdout().lock();
                out.write_all(secret.value.expose())
                    .and_then(|()| out.flush())
                    .map_err(|e| format!("writing standard output: {e}"))?;
            }
        }
        Command::List => {
            let secrets = store(g)?.list().await?;
            if g.json {
                print_json(&serde_json::to_value(&secrets).expect("metadata serialises"));
            } else {
                println!(
                    "{:<40} {:>4} {:<21} {:<8} KEY",
                    "NAME", "REV", "UPDATED", "ROTATION"
                );
                for m in secrets {
                    println!(
                        "{:<40} {:>4} {:<21} {:<8} {}",
                        m.name,
                        m.revision,
                        rfc3339(m.updated),
                        m.rotation_period
                            .map(|p| p.to_string())
                            .unwrap_or_else(|| "-".into()),
                        m.key_id
                    );
                }
                println!("{UNVERIFIED_NOTE}");
            }
        }
        Command::Versions { name } => {
            let versions = store(g)?.versions(name).await?;
            if g.json {
                print_json(&serde_json::to_value(&versions).expect("versions serialise"));
            } else {
                for v in versions {
                    println!(
                        "{}{}{}  {}",
                        v.version_id,
                        if v.is_latest { " (latest)" } else { "" },
                        if v.deleted { " (deleted)" } else { "" },
                        v.last_modified.map(rfc3339).unwrap_or_default()
                    );
                }
            }
        }
        Command::Delete { name, purge } => {
            let store = store(g)?;
            if *purge {
                let removed = store.purge(name).await?;
                if g.json {
                    print_json(&json!({"purged": name, "versions_removed": removed}));
                } else {
                    println!("purged {name}: {removed} version(s) removed for good");
                }
            } else {
                store.delete(name).await?;
                if g.json {
                    print_json(&json!({"deleted": name}));
                } else {
                    println!("deleted {name} (earlier versions remain readable by version id)");
                }
            }
        }
        Command::RotationReport { fail_if_due } => {
            let report = store(g)?
                .rotation_report(time::OffsetDateTime::now_utc())
                .await?;
            if g.json {
                let mut doc = serde_json::to_value(&report).expect("report serialises");
                doc["verified"] = json!(false);
                print_json(&doc);
            } else {
                if report.due.is_empty() {
                    println!("no secret is due for rotation");
                }
                for e in &report.due {
                    println!(
                        "DUE      {} (every {}, due since {})",
                        e.name,
                        e.rotation_period,
                        rfc3339(e.due_at)
                    );
                }
                for e in &report.upcoming {
                    println!(
                        "ok       {} (every {}, due {})",
                        e.name,
                        e.rotation_period,
                        rfc3339(e.due_at)
                    );
                }
                for name in &report.unscheduled {
                    println!("no-period {name}");
                }
                println!("{UNVERIFIED_NOTE}");
            }
            if *fail_if_due && !report.due.is_empty() {
                return Ok(ExitCode::from(3));
            }
        }
        Command::Render(args) => {
            let bundle = Bundle::load(&args.bundle)?;
            let key = master_key(g)?;
            let values = store(g)?.bundle_values(&key, &bundle).await?;
            let scope = args.scope.unwrap_or(bundle.scope);
            // The plain Secret holds the values: it stays in a zeroed-on-drop buffer.
            let manifest = if args.sealed {
                let cert_path = args
                    .cert
                    .as_deref()
                    .expect("clap requires --cert with --sealed");
                let cert = SealingCertificate::from_pem(&read_text(cert_path)?)?;
                Zeroizing::new(render_sealed_secret(
                    &bundle,
                    args.name.as_deref(),
                    &values,
                    &cert,
                    scope,
                )?)
            } else {
                render_secret(&bundle, args.name.as_deref(), &values)?
            };
            if g.json {
                print_json(&json!({"manifest": manifest.as_str()}));
            } else {
                print!("{}", manifest.as_str());
            }
        }
        Command::Rewrap { new_key_file } => {
            let old = master_key(g)?;
            let new = MasterKey::from_file(new_key_file)?;
            let report = store(g)?.rewrap(&old, &new).await?;
            if g.json {
                let mut doc = serde_json::to_value(&report).expect("report serialises");
                doc["new_key_id"] = json!(new.fingerprint().as_str());
                print_json(&doc);
            } else {
                println!(
                    "re-wrapped {} secret(s) under master key {}; {} already under it",
                    report.rewrapped.len(),
                    new.fingerprint(),
                    report.already_current.len()
                );
                println!("use the new key from now on (LINODE_SECRETS_KEY or --key-file)");
            }
        }
        Command::GenerateKey { out } => {
            let key = MasterKey::generate();
            write_new_key_file(out, &key)?;
            if g.json {
                print_json(&json!({"file": out, "key_id": key.fingerprint().as_str()}));
            } else {
                println!(
                    "wrote a new master key to {} (key id {})",
                    out.display(),
                    key.fingerprint()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()).into())
}

fn write_new_key_file(path: &Path, key: &MasterKey) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| format!("creating key file {}: {e}", path.display()))?;
    let text = key.to_base64();
    file.write_all(text.as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .map_err(|e| format!("writing key file {}: {e}", path.display()).into())
}
