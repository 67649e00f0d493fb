//! `bench`: the benchmark command. `bench all --out docs/benchmarks.md` measures, in one run,
//! the provider against Terraform core alone, the API calls per resource, the SDK against
//! linode_api4 and a bare reqwest loop, the platform's apply against its critical path, and the
//! provider's footprint; it prints the tables and writes the Markdown report and an SVG chart.
//! `bench sdk-list` is the child process whose listing time and peak RSS are measured.
//! Run it through `scripts/bench.sh`, which builds release binaries first.

mod env;
mod mock;
mod parts;
mod procs;
mod report;
mod scale;
mod sdk_list;
mod stats;
mod tf;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The error type of the command: any error, as text in the end.
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "Benchmarks against the baselines (see docs/benchmarks.md)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Runs the benchmarks, prints the tables, writes the report and its SVG chart.
    All(parts::AllArgs),
    /// Lists every record of a domain with one client and prints a JSON result line (the
    /// measured child process of the SDK benchmark).
    SdkList {
        /// Which client.
        #[arg(long, value_enum)]
        client: sdk_list::ClientKind,
        /// API root (without /v4).
        #[arg(long)]
        api_url: String,
        /// API token.
        #[arg(long)]
        token: String,
        /// The domain whose records to list.
        #[arg(long)]
        domain_id: u64,
        /// Fail unless exactly this many records were listed.
        #[arg(long)]
        expect: Option<usize>,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::All(args) => parts::run_all(args),
        Cmd::SdkList {
            client,
            api_url,
            token,
            domain_id,
            expect,
        } => sdk_list::run(client, &api_url, &token, domain_id, expect),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}
