//! `bench all`: runs the parts and assembles the report.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::Res;
use crate::mock::Mock;
use crate::report::{Chart, ChartRow, Report, Section, Table};
use crate::sdk_list::{self, ListResult, PYTHON_SCRIPT};
use crate::stats::{
    count_requests, fmt_bytes, fmt_kib, fmt_ms, fmt_ratio, fmt_secs, group_requests, median,
    min_apply_requests, min_refresh_requests, per_resource, ratio,
};
use crate::tf::{self, Workdir};

/// A part of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Part {
    /// Provider overhead and API calls per resource (parts 1 and 2).
    Provider,
    /// SDK listing (part 3).
    Sdk,
    /// The platform against its critical path (part 4).
    Platform,
    /// Binary size and handshake time (part 5; the plan's peak RSS comes from `provider`).
    Footprint,
    /// A one-resource plan against terraform_data (part 6).
    SmallPlan,
    /// A refresh of many domains with many records (part 7).
    Fleet,
}

/// Options of `bench all`.
#[derive(Debug, clap::Args)]
pub struct AllArgs {
    /// Where to write the Markdown report (the SVG goes next to it, same stem).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Run only these parts (repeatable; default all).
    #[arg(long, value_enum)]
    only: Vec<Part>,
    /// A quick smoke run with small sizes (for development; figures are not meaningful).
    #[arg(long)]
    quick: bool,
    /// The Terraform CLI.
    #[arg(long, default_value = "terraform")]
    terraform: PathBuf,
    /// The Python with linode_api4 (default: the tools venv).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Folder holding the built `terraform-provider-linode` and `linode-mock` (default: this
    /// binary's folder).
    #[arg(long)]
    bin_dir: Option<PathBuf>,
    /// Record counts of the overhead benchmark.
    #[arg(long, value_delimiter = ',', default_value = "100,500,1000,5000")]
    counts: Vec<usize>,
    /// Repetitions of each plan (median taken).
    #[arg(long, default_value_t = 3)]
    plan_reps: usize,
    /// Repetitions of each apply (destroy in between; median taken) for N up to
    /// `--apply-reps-max-n`; larger N are applied once (an apply of 1000 takes tens of seconds).
    #[arg(long, default_value_t = 3)]
    apply_reps: usize,
    /// The largest N whose applies are repeated.
    #[arg(long, default_value_t = 500)]
    apply_reps_max_n: usize,
    /// Records listed by each SDK client.
    #[arg(long, default_value_t = 10_000)]
    sdk_records: usize,
    /// A second, smaller listing, to show whether peak memory stays flat in the record count
    /// (the API, and so the emulator, caps a domain at 12,000 records).
    #[arg(long, default_value_t = 1_000)]
    sdk_small_records: usize,
    /// Repetitions of each SDK listing (median taken).
    #[arg(long, default_value_t = 5)]
    sdk_reps: usize,
    /// The emulator's node-ready delay for the platform apply (ms).
    #[arg(long, default_value_t = 5000)]
    node_ready_delay_ms: u64,
    /// The emulator's kubeconfig delay for the platform apply (ms).
    #[arg(long, default_value_t = 2000)]
    kubeconfig_delay_ms: u64,
    /// Repetitions of each platform apply (fresh emulator each; median taken).
    #[arg(long, default_value_t = 3)]
    platform_reps: usize,
    /// Repetitions of the handshake timing (median taken).
    #[arg(long, default_value_t = 7)]
    handshake_reps: usize,
    /// Runs of each one-resource plan (median taken).
    #[arg(long, default_value_t = 15)]
    small_plan_reps: usize,
    /// Domains of the fleet refresh.
    #[arg(long, default_value_t = 100)]
    fleet_domains: usize,
    /// Records of each fleet domain.
    #[arg(long, default_value_t = 50)]
    fleet_records: usize,
}

/// Where the binaries, Terraform and Python are.
pub(crate) struct Ctx {
    root: PathBuf,
    bin_dir: PathBuf,
    terraform: PathBuf,
    python: PathBuf,
    self_exe: PathBuf,
}

impl Ctx {
    pub(crate) fn provider(&self) -> PathBuf {
        self.bin_dir.join("terraform-provider-linode")
    }
    fn mock(&self) -> PathBuf {
        self.bin_dir.join("linode-mock")
    }
    pub(crate) fn start_mock(&self, extra: &[&str]) -> Res<Mock> {
        Mock::start(&self.mock(), extra)
    }
    pub(crate) fn workdir(&self, mock: Option<&Mock>) -> Res<Workdir> {
        Workdir::new(&self.terraform, &self.bin_dir, mock)
    }
    /// tfplugin's smallest example provider (`cargo build -p tfplugin --example hello_provider`),
    /// when built next to the provider.
    pub(crate) fn hello_provider(&self) -> Option<PathBuf> {
        Some(self.bin_dir.join("examples/hello_provider")).filter(|p| p.is_file())
    }
}

pub(crate) fn progress(msg: &str) {
    eprintln!("bench: {msg}");
}

/// Runs the selected parts and writes/prints the report.
pub fn run_all(mut args: AllArgs) -> Res<()> {
    if args.quick {
        args.counts = vec![10, 30];
        args.plan_reps = 2;
        args.apply_reps = 2;
        args.sdk_records = 1000;
        args.sdk_small_records = 200;
        args.sdk_reps = 2;
        args.node_ready_delay_ms = 1500;
        args.kubeconfig_delay_ms = 600;
        args.handshake_reps = 3;
        args.platform_reps = 1;
        args.small_plan_reps = 3;
        args.fleet_domains = 5;
        args.fleet_records = 4;
    }
    let root = crate::workspace_root();
    let self_exe = std::env::current_exe()?;
    let bin_dir = match &args.bin_dir {
        // Absolute: Terraform runs in other directories.
        Some(d) => std::fs::canonicalize(d).map_err(|e| format!("{}: {e}", d.display()))?,
        None => self_exe.parent().ok_or("no binary folder")?.to_path_buf(),
    };
    let python = args
        .python
        .clone()
        .unwrap_or_else(|| root.join(".tools/venv/bin/python"));
    let ctx = Ctx {
        root,
        bin_dir,
        terraform: args.terraform.clone(),
        python,
        self_exe,
    };
    for (what, p) in [("provider", ctx.provider()), ("emulator", ctx.mock())] {
        if !p.is_file() {
            return Err(format!("the {what} is not built at {}", p.display()).into());
        }
    }
    let want = |p: Part| args.only.is_empty() || args.only.contains(&p);
    let started = Instant::now();

    let mut report = Report {
        environment: crate::env::describe(&ctx.terraform, &ctx.python, &ctx.root),
        summary: Table::new(&["Measure", "Figure", "Baseline / minimum", "Ratio"]),
        chart: Chart {
            title: "Ratios to the baselines (log scale; 1× = baseline)".into(),
            rows: Vec::new(),
        },
        ..Report::default()
    };

    // A part that fails is reported as such; the others still run.
    let mut failures: Vec<(&str, String)> = Vec::new();
    let overhead = run_part(want(Part::Provider), "provider", &mut failures, || {
        provider_part(&ctx, &args)
    });
    let sdk = run_part(want(Part::Sdk), "sdk", &mut failures, || {
        sdk_part(&ctx, &args)
    });
    let platform = run_part(want(Part::Platform), "platform", &mut failures, || {
        platform_part(&ctx, &args)
    });
    let footprint = run_part(want(Part::Footprint), "footprint", &mut failures, || {
        footprint_part(&ctx, &args)
    });
    let small_plan = run_part(want(Part::SmallPlan), "small-plan", &mut failures, || {
        crate::scale::small_plan_part(&ctx, args.small_plan_reps)
    });
    let fleet = run_part(want(Part::Fleet), "fleet", &mut failures, || {
        crate::scale::fleet_part(&ctx, args.fleet_domains, args.fleet_records)
    });

    if let Some(rows) = &overhead {
        overhead_sections(&mut report, rows, &args);
    }
    if let Some(s) = &sdk {
        sdk_section(&mut report, s, &args);
    }
    if let Some(p) = &platform {
        platform_section(&mut report, p);
    }
    if let Some(f) = &footprint {
        footprint_section(&mut report, f, overhead.as_deref());
    }
    if let Some(s) = &small_plan {
        crate::scale::small_plan_section(&mut report, s);
    }
    if let Some(f) = &fleet {
        crate::scale::fleet_section(&mut report, f);
    }
    for (name, err) in &failures {
        report.sections.push(Section {
            title: format!("Part `{name}` failed"),
            intro: format!(
                "This part did not complete in this run:\n\n```\n{}\n```",
                err.trim()
            ),
            tables: Vec::new(),
            notes: Vec::new(),
        });
    }
    report.method = method_notes(&args, started.elapsed());

    print!("{}", report.text());
    if let Some(out) = &args.out {
        let svg_path = out.with_extension("svg");
        let svg_name = svg_path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("benchmarks.svg")
            .to_string();
        let command = if args.quick {
            "scripts/bench.sh --quick"
        } else {
            "scripts/bench.sh"
        };
        std::fs::write(out, report.markdown(&svg_name, command))?;
        std::fs::write(&svg_path, crate::report::svg(&report.chart))?;
        progress(&format!(
            "wrote {} and {}",
            out.display(),
            svg_path.display()
        ));
    }
    progress(&format!("done in {:.0} s", started.elapsed().as_secs_f64()));
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} part(s) failed", failures.len()).into())
    }
}

/// Runs one part when it is wanted; a failure is recorded and yields `None`.
fn run_part<T>(
    wanted: bool,
    name: &'static str,
    failures: &mut Vec<(&'static str, String)>,
    f: impl FnOnce() -> Res<T>,
) -> Option<T> {
    if !wanted {
        return None;
    }
    match f() {
        Ok(v) => Some(v),
        Err(e) => {
            progress(&format!("part {name} failed: {e}"));
            failures.push((name, e.to_string()));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 1 + 2: provider overhead and API calls
// ---------------------------------------------------------------------------------------------

/// Everything measured for one record count.
struct OverheadRow {
    n: usize,
    linode_plan: Vec<f64>,
    linode_apply: Vec<f64>,
    data_plan: Vec<f64>,
    data_apply: Vec<f64>,
    apply_log: Vec<Value>,
    refresh_log: Vec<Value>,
    plan_changes: bool,
    provider_plan_peak_kb: Option<u64>,
    terraform_plan_peak_kb: Option<u64>,
    terraform_data_plan_peak_kb: Option<u64>,
    providers_per_plan: usize,
}

fn provider_part(ctx: &Ctx, args: &AllArgs) -> Res<Vec<OverheadRow>> {
    warm_up(ctx)?;
    let mut rows = Vec::new();
    for &n in &args.counts {
        let apply_reps = apply_reps_for(args, n);
        let mock = ctx.start_mock(&[])?;
        let wd = ctx.workdir(Some(&mock))?;
        wd.write("main.tf", &tf::linode_records_config(n))?;
        wd.init_if_needed()?;
        let mut row = OverheadRow {
            n,
            linode_plan: Vec::new(),
            linode_apply: Vec::new(),
            data_plan: Vec::new(),
            data_apply: Vec::new(),
            apply_log: Vec::new(),
            refresh_log: Vec::new(),
            plan_changes: false,
            provider_plan_peak_kb: None,
            terraform_plan_peak_kb: None,
            terraform_data_plan_peak_kb: None,
            providers_per_plan: 0,
        };
        for rep in 0..apply_reps {
            if rep > 0 {
                wd.destroy()?;
            }
            mock.clear_requests()?;
            progress(&format!("N={n}: linode apply {}/{}", rep + 1, apply_reps));
            let m = wd.apply()?;
            row.linode_apply.push(m.secs());
            if rep == 0 {
                row.apply_log = mock.requests()?;
            }
        }
        for rep in 0..args.plan_reps.max(1) {
            mock.clear_requests()?;
            progress(&format!(
                "N={n}: linode plan {}/{}",
                rep + 1,
                args.plan_reps.max(1)
            ));
            let m = wd.plan()?;
            row.linode_plan.push(m.secs());
            row.plan_changes |= m.code == 2;
            row.provider_plan_peak_kb = row.provider_plan_peak_kb.max(m.peak_child_kb);
            row.terraform_plan_peak_kb = row.terraform_plan_peak_kb.max(m.peak_kb);
            row.providers_per_plan = row.providers_per_plan.max(m.children_seen);
            if rep == 0 {
                row.refresh_log = mock.requests()?;
            }
        }
        drop(wd);
        drop(mock);

        let wd = ctx.workdir(None)?;
        wd.write("main.tf", &tf::terraform_data_config(n))?;
        wd.init_if_needed()?;
        for rep in 0..apply_reps {
            if rep > 0 {
                wd.destroy()?;
            }
            progress(&format!(
                "N={n}: terraform_data apply {}/{}",
                rep + 1,
                apply_reps
            ));
            row.data_apply.push(wd.apply()?.secs());
        }
        for rep in 0..args.plan_reps.max(1) {
            progress(&format!(
                "N={n}: terraform_data plan {}/{}",
                rep + 1,
                args.plan_reps.max(1)
            ));
            let m = wd.plan()?;
            row.data_plan.push(m.secs());
            row.terraform_data_plan_peak_kb = row.terraform_data_plan_peak_kb.max(m.peak_kb);
        }
        rows.push(row);
    }
    Ok(rows)
}

/// How many times N records are applied.
fn apply_reps_for(args: &AllArgs, n: usize) -> usize {
    if n <= args.apply_reps_max_n {
        args.apply_reps.max(1)
    } else {
        1
    }
}

/// One untimed apply of each configuration with a single record, so that the first timed run
/// does not pay for cold caches (binaries, Terraform's own start-up).
fn warm_up(ctx: &Ctx) -> Res<()> {
    progress("warm-up (untimed)");
    let mock = ctx.start_mock(&[])?;
    let wd = ctx.workdir(Some(&mock))?;
    wd.write("main.tf", &tf::linode_records_config(1))?;
    wd.init_if_needed()?;
    wd.apply()?;
    let wd = ctx.workdir(None)?;
    wd.write("main.tf", &tf::terraform_data_config(1))?;
    wd.init_if_needed()?;
    wd.apply()?;
    Ok(())
}

fn overhead_sections(report: &mut Report, rows: &[OverheadRow], args: &AllArgs) {
    let mut t = Table::new(&[
        "N records",
        "plan: linode",
        "plan: terraform_data",
        "plan ratio",
        "apply: linode",
        "apply: terraform_data",
        "apply ratio",
    ]);
    report.chart.rows.push(ChartRow::Group(
        "Provider vs Terraform core alone (time)".into(),
    ));
    for r in rows {
        let (lp, dp, la, da) = (
            median(&r.linode_plan),
            median(&r.data_plan),
            median(&r.linode_apply),
            median(&r.data_apply),
        );
        t.row(vec![
            r.n.to_string(),
            fmt_secs(lp),
            fmt_secs(dp),
            fmt_ratio(ratio(lp, dp)),
            fmt_secs(la),
            fmt_secs(da),
            fmt_ratio(ratio(la, da)),
        ]);
        report.chart.rows.push(ChartRow::Bar(
            format!("plan, N = {}", r.n),
            ratio(lp, dp).unwrap_or(f64::NAN),
        ));
        report.chart.rows.push(ChartRow::Bar(
            format!("apply, N = {}", r.n),
            ratio(la, da).unwrap_or(f64::NAN),
        ));
    }
    if let Some(last) = rows.last() {
        let (lp, dp, la, da) = (
            median(&last.linode_plan),
            median(&last.data_plan),
            median(&last.linode_apply),
            median(&last.data_apply),
        );
        report.summary.row(vec![
            format!("plan (refresh) of {} records", last.n),
            fmt_secs(lp),
            format!("{} terraform_data", fmt_secs(dp)),
            fmt_ratio(ratio(lp, dp)),
        ]);
        report.summary.row(vec![
            format!("apply of {} records", last.n),
            fmt_secs(la),
            format!("{} terraform_data", fmt_secs(da)),
            fmt_ratio(ratio(la, da)),
        ]);
    }
    let mut notes = vec![format!(
        "Each configuration is one parent (`linode_domain` / `terraform_data`) and N children \
         (`linode_domain_record` A records / `terraform_data` with the same attributes), so the graph \
         is the same and only the provider differs. Plans are with refresh against the applied state, \
         median of {}; applies create everything from empty state, median of {} for N ≤ {} \
         (destroy in between, not timed) and one apply above. Terraform's default \
         `-parallelism=10`.",
        args.plan_reps.max(1),
        args.apply_reps.max(1),
        args.apply_reps_max_n
    )];
    if rows.iter().any(|r| r.plan_changes) {
        notes.push(
            "**A plan after apply was not empty** (exit code 2) for some N: the provider reports drift \
             on its own resources; the timing still includes the whole plan."
                .into(),
        );
    } else {
        notes.push("Every plan after apply was empty (`-detailed-exitcode` 0).".into());
    }
    report.sections.push(Section {
        title: "Provider overhead".into(),
        intro: "Wall time of `terraform plan` (with refresh) and `terraform apply` of N \
                `linode_domain_record` against linode-mock, against the same N `terraform_data` \
                (Terraform core alone, no plugin). The ratio is the provider's total cost, emulator \
                round trips included."
            .into(),
        tables: vec![t],
        notes,
    });

    // 2: API calls.
    let mut t = Table::new(&[
        "N records",
        "apply: requests",
        "per resource",
        "minimum per resource",
        "refresh: requests",
        "per resource",
        "minimum per resource",
    ]);
    report
        .chart
        .rows
        .push(ChartRow::Group("API requests vs the minimum".into()));
    for r in rows {
        let resources = r.n + 1;
        let (apply, refresh) = (r.apply_log.len(), r.refresh_log.len());
        let (min_apply, min_refresh) = (min_apply_requests(r.n), min_refresh_requests(r.n, 500));
        t.row(vec![
            r.n.to_string(),
            apply.to_string(),
            format!("{:.2}", per_resource(apply, resources)),
            format!("{:.2}", per_resource(min_apply, resources)),
            refresh.to_string(),
            format!("{:.3}", per_resource(refresh, resources)),
            format!("{:.3}", per_resource(min_refresh, resources)),
        ]);
        report.chart.rows.push(ChartRow::Bar(
            format!("apply requests, N = {}", r.n),
            ratio(apply as f64, min_apply as f64).unwrap_or(f64::NAN),
        ));
        report.chart.rows.push(ChartRow::Bar(
            format!("refresh requests, N = {}", r.n),
            ratio(refresh as f64, min_refresh as f64).unwrap_or(f64::NAN),
        ));
    }
    let mut tables = vec![t];
    if let Some(last) = rows.last() {
        let apply = group_requests(&last.apply_log);
        let refresh = group_requests(&last.refresh_log);
        let mut keys: Vec<String> = apply
            .iter()
            .chain(refresh.iter())
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys.dedup();
        let get =
            |v: &[(String, usize)], k: &str| v.iter().find(|(x, _)| x == k).map_or(0, |(_, c)| *c);
        keys.sort_by_key(|k| std::cmp::Reverse(get(&apply, k) + get(&refresh, k)));
        let mut kinds = Table::new(&[&format!("Request (N = {})", last.n), "apply", "refresh"]);
        for k in keys {
            kinds.row(vec![
                format!("`{k}`"),
                get(&apply, &k).to_string(),
                get(&refresh, &k).to_string(),
            ]);
        }
        tables.push(kinds);
        let resources = last.n + 1;
        report.summary.row(vec![
            format!("API requests per resource, refresh of {}", last.n),
            format!("{:.3}", per_resource(last.refresh_log.len(), resources)),
            format!(
                "{:.3} (list pages)",
                per_resource(min_refresh_requests(last.n, 500), resources)
            ),
            fmt_ratio(ratio(
                last.refresh_log.len() as f64,
                min_refresh_requests(last.n, 500) as f64,
            )),
        ]);
        report.summary.row(vec![
            format!("API requests per resource, apply of {}", last.n),
            format!("{:.2}", per_resource(last.apply_log.len(), resources)),
            format!(
                "{:.2} (one POST each)",
                per_resource(min_apply_requests(last.n), resources)
            ),
            fmt_ratio(ratio(
                last.apply_log.len() as f64,
                min_apply_requests(last.n) as f64,
            )),
        ]);
    }
    report.sections.push(Section {
        title: "API calls".into(),
        intro: "Requests the emulator logged (`GET <api>/__admin/requests`) during the first apply \
                from empty state and during the first plan's refresh, per resource (N records + 1 \
                domain). Minimum for an apply: one `POST` per resource (the API answers a `POST` with \
                the whole object, so no read-back is needed). Minimum for a refresh: one \
                `GET /domains/{id}` plus one `GET /domains/{id}/records` page per 500 records (the \
                largest page); a provider that reads each record by id needs 1.0 per resource."
            .into(),
        tables,
        notes: Vec::new(),
    });
}

// ---------------------------------------------------------------------------------------------
// 3: SDK
// ---------------------------------------------------------------------------------------------

struct SdkRow {
    client: &'static str,
    records: usize,
    runs: Vec<ListResult>,
    requests: usize,
}

struct SdkResults {
    rows: Vec<SdkRow>,
    seed_secs: f64,
}

fn sdk_part(ctx: &Ctx, args: &AllArgs) -> Res<SdkResults> {
    let t0 = Instant::now();
    progress(&format!(
        "SDK: seeding {} + {} records",
        args.sdk_small_records, args.sdk_records
    ));
    let counts = [args.sdk_small_records, args.sdk_records];
    let (mock, ids) = crate::mock::start_seeded(&ctx.mock(), &counts)?;
    let domains: Vec<(u64, usize)> = ids.into_iter().zip(counts).collect();
    let seed_secs = t0.elapsed().as_secs_f64();
    let python_ok = ctx.python.is_file();
    if !python_ok {
        progress(&format!(
            "SDK: {} not found; skipping linode_api4 (run scripts/setup-tools.sh)",
            ctx.python.display()
        ));
    }
    let mut rows: Vec<SdkRow> = Vec::new();
    let clients: Vec<&'static str> = if python_ok {
        vec!["reqwest", "linode-sdk", "linode_api4"]
    } else {
        vec!["reqwest", "linode-sdk"]
    };
    for &(domain_id, count) in &domains {
        for &client in &clients {
            rows.push(SdkRow {
                client,
                records: count,
                runs: Vec::new(),
                requests: 0,
            });
        }
        // Interleave the clients rep by rep so that drift hits them alike.
        for rep in 0..args.sdk_reps.max(1) {
            progress(&format!(
                "SDK: {count} records, round {}/{}",
                rep + 1,
                args.sdk_reps.max(1)
            ));
            for &client in &clients {
                mock.clear_requests()?;
                let mut cmd = match client {
                    "linode_api4" => {
                        let mut c = Command::new(&ctx.python);
                        c.args([
                            "-c",
                            PYTHON_SCRIPT,
                            &mock.api_url,
                            &mock.token,
                            &domain_id.to_string(),
                        ]);
                        c
                    }
                    _ => {
                        let mut c = Command::new(&ctx.self_exe);
                        c.args([
                            "sdk-list",
                            "--client",
                            if client == "reqwest" {
                                "reqwest"
                            } else {
                                "sdk"
                            },
                        ])
                        .args(["--api-url", &mock.api_url, "--token", &mock.token])
                        .args([
                            "--domain-id",
                            &domain_id.to_string(),
                            "--expect",
                            &count.to_string(),
                        ]);
                        c
                    }
                };
                let out = cmd.stdin(Stdio::null()).output()?;
                let stdout = String::from_utf8_lossy(&out.stdout);
                let res = sdk_list::parse_result(&stdout)
                    .filter(|r| out.status.success() && r.records == count);
                let Some(res) = res else {
                    return Err(format!(
                        "{client} listing {count} records failed ({}):\n{stdout}\n{}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    )
                    .into());
                };
                let requests = mock.requests()?.len();
                let row = rows
                    .iter_mut()
                    .find(|r| r.client == client && r.records == count)
                    .ok_or("row")?;
                row.runs.push(res);
                row.requests = requests;
            }
        }
    }
    Ok(SdkResults { rows, seed_secs })
}

fn sdk_section(report: &mut Report, s: &SdkResults, args: &AllArgs) {
    let mut t = Table::new(&[
        "Client",
        "Records",
        "Requests",
        "Time (median)",
        "vs reqwest",
        "Peak RSS (max)",
    ]);
    let med = |r: &SdkRow| median(&r.runs.iter().map(|x| x.ms).collect::<Vec<_>>());
    let peak = |r: &SdkRow| r.runs.iter().filter_map(|x| x.peak_rss_kb).max();
    let base = |records: usize| {
        s.rows
            .iter()
            .find(|r| r.client == "reqwest" && r.records == records)
            .map(med)
    };
    report.chart.rows.push(ChartRow::Group(format!(
        "Listing {} records vs bare reqwest (time)",
        args.sdk_records
    )));
    for r in &s.rows {
        let b = base(r.records).unwrap_or(f64::NAN);
        t.row(vec![
            r.client.to_string(),
            r.records.to_string(),
            r.requests.to_string(),
            fmt_ms(med(r)),
            fmt_ratio(ratio(med(r), b)),
            fmt_kib(peak(r)),
        ]);
        if r.records == args.sdk_records && r.client != "reqwest" {
            report.chart.rows.push(ChartRow::Bar(
                r.client.to_string(),
                ratio(med(r), b).unwrap_or(f64::NAN),
            ));
        }
    }
    let find = |client: &str, records: usize| {
        s.rows
            .iter()
            .find(|r| r.client == client && r.records == records)
    };
    let mut notes = Vec::new();
    if let (Some(sdk), Some(rq)) = (
        find("linode-sdk", args.sdk_records),
        find("reqwest", args.sdk_records),
    ) {
        let r = ratio(med(sdk), med(rq));
        report.summary.row(vec![
            format!("linode-sdk listing {} records", args.sdk_records),
            fmt_ms(med(sdk)),
            format!("{} bare reqwest (target ≤ 1.2×)", fmt_ms(med(rq))),
            fmt_ratio(r),
        ]);
        notes.push(format!(
            "SDK target (from the SDK issue): within 1.2× of the bare loop — {}.",
            match r {
                Some(x) if x <= 1.2 => format!("met ({})", fmt_ratio(r)),
                Some(_) => format!("**not met** ({})", fmt_ratio(r)),
                None => "not measured".into(),
            }
        ));
    }
    if let Some(api4) = find("linode_api4", args.sdk_records) {
        let rq = find("reqwest", args.sdk_records)
            .map(med)
            .unwrap_or(f64::NAN);
        report.summary.row(vec![
            format!("linode_api4 listing {} records", args.sdk_records),
            fmt_ms(med(api4)),
            format!("{} bare reqwest", fmt_ms(rq)),
            fmt_ratio(ratio(med(api4), rq)),
        ]);
    }
    for client in ["linode-sdk", "reqwest", "linode_api4"] {
        let (Some(small), Some(big)) = (
            find(client, args.sdk_small_records),
            find(client, args.sdk_records),
        ) else {
            continue;
        };
        let (a, b) = (peak(small), peak(big));
        let growth = match (a, b) {
            (Some(a), Some(b)) => ratio(b as f64, a as f64),
            _ => None,
        };
        let times = ratio(args.sdk_records as f64, args.sdk_small_records as f64);
        if client == "linode-sdk" {
            report.summary.row(vec![
                format!(
                    "linode-sdk peak RSS, {} → {} records",
                    args.sdk_small_records, args.sdk_records
                ),
                format!("{} → {}", fmt_kib(a), fmt_kib(b)),
                format!("{} the records", fmt_ratio(times)),
                fmt_ratio(growth),
            ]);
        }
        notes.push(format!(
            "{client} peak memory, records consumed one at a time: {} at {} records, {} at {} \
             records ({} the records, {} the memory).",
            fmt_kib(a),
            args.sdk_small_records,
            fmt_kib(b),
            args.sdk_records,
            fmt_ratio(times),
            fmt_ratio(growth)
        ));
    }
    notes.push(
        "The API caps a domain at 12,000 records and the emulator enforces it, so flatness is shown \
         between two sizes that fit one domain rather than at 40,000."
            .into(),
    );
    notes.push(format!(
        "Seeding the emulator with {} + {} records (through a state file: one record per domain \
         created over the API, then replicated in the emulator's state) took {:.1} s (not part of \
         any figure).",
        args.sdk_small_records, args.sdk_records, s.seed_secs
    ));
    report.sections.push(Section {
        title: "SDK".into(),
        intro: format!(
            "Listing every record of one domain against the same emulator, 500 records per page, \
             consuming the records one at a time: linode-sdk's `list_all_records` stream; a bare \
             `reqwest` + `serde_json::Value` loop making the same requests; the official Python SDK \
             (`LinodeClient(..., retry=False, page_size=500)`, `client.load(Domain, id).records`, which \
             also GETs the domain). Each run is its own process (`bench sdk-list`, `python -c`): the \
             time is measured inside it from client construction to the last record (imports and \
             process start excluded), the peak RSS is the process's own `VmHWM`. Median of {} runs, \
             clients interleaved.",
            args.sdk_reps.max(1)
        ),
        tables: vec![t],
        notes,
    });
}

// ---------------------------------------------------------------------------------------------
// 4: the platform
// ---------------------------------------------------------------------------------------------

struct PlatformRun {
    label: String,
    node_ms: u64,
    kube_ms: u64,
    poll: String,
    wall: f64,
    requests: usize,
    lke_gets: usize,
}

struct PlatformResults {
    runs: Vec<PlatformRun>,
}

fn platform_part(ctx: &Ctx, args: &AllArgs) -> Res<PlatformResults> {
    let config = ctx.root.join("examples/terraform/platform");
    let (dn, dk) = (args.node_ready_delay_ms, args.kubeconfig_delay_ms);
    let cases: [(&str, u64, u64, Option<u64>); 3] = [
        ("no delays (the work alone)", 0, 0, None),
        ("delays, default polling", dn, dk, None),
        ("delays, 200 ms polling", dn, dk, Some(200)),
    ];
    let mut runs = Vec::new();
    for (label, node_ms, kube_ms, poll) in cases {
        let mut walls = Vec::new();
        let mut logs = Vec::new();
        let mut poll_label = "provider defaults".to_string();
        for rep in 0..args.platform_reps.max(1) {
            progress(&format!(
                "platform: apply, {label} {}/{}",
                rep + 1,
                args.platform_reps.max(1)
            ));
            let mock = ctx.start_mock(&[
                "--node-ready-delay-ms",
                &node_ms.to_string(),
                "--kubeconfig-delay-ms",
                &kube_ms.to_string(),
            ])?;
            let mut wd = ctx.workdir(Some(&mock))?;
            wd.copy_tf_files(&config)?;
            wd.init_if_needed()?;
            if let Some(p) = poll {
                wd.set_env("LINODE_EVENT_POLL_MS", &p.to_string());
                wd.set_env("LINODE_LKE_NODE_READY_POLL_MS", &p.to_string());
                poll_label = format!("{p} ms / {p} ms");
            }
            mock.clear_requests()?;
            walls.push(wd.apply()?.secs());
            logs.push(mock.requests()?);
        }
        let log = logs.first().cloned().unwrap_or_default();
        runs.push(PlatformRun {
            label: label.to_string(),
            node_ms,
            kube_ms,
            poll: poll_label,
            wall: median(&walls),
            requests: log.len(),
            lke_gets: count_requests(&log, "GET", "/lke/clusters/"),
        });
    }
    Ok(PlatformResults { runs })
}

/// The critical path of the platform's apply with delays: the zero-delay apply (all the work
/// that is not waiting) plus the longer of the two provisioning delays, since the emulator
/// starts both clocks when the cluster is created and nothing else waits.
pub fn critical_path_secs(zero_delay_wall: f64, node_ms: u64, kube_ms: u64) -> f64 {
    zero_delay_wall + node_ms.max(kube_ms) as f64 / 1000.0
}

fn platform_section(report: &mut Report, p: &PlatformResults) {
    let zero = p.runs.first().map_or(f64::NAN, |r| r.wall);
    let mut t = Table::new(&[
        "Apply",
        "node ready / kubeconfig delay",
        "poll (event / node ready)",
        "wall",
        "critical path",
        "waiting overhead",
        "ratio",
        "requests (LKE GETs)",
    ]);
    report.chart.rows.push(ChartRow::Group(
        "Platform apply vs its critical path".into(),
    ));
    for r in &p.runs {
        let cp = critical_path_secs(zero, r.node_ms, r.kube_ms);
        t.row(vec![
            r.label.clone(),
            format!("{} ms / {} ms", r.node_ms, r.kube_ms),
            r.poll.clone(),
            fmt_secs(r.wall),
            fmt_secs(cp),
            fmt_secs(r.wall - cp),
            fmt_ratio(ratio(r.wall, cp)),
            format!("{} ({})", r.requests, r.lke_gets),
        ]);
        if r.node_ms > 0 || r.kube_ms > 0 {
            report.chart.rows.push(ChartRow::Bar(
                format!("platform, {}", r.poll),
                ratio(r.wall, cp).unwrap_or(f64::NAN),
            ));
        }
    }
    if let Some(r) = p.runs.get(1) {
        let cp = critical_path_secs(zero, r.node_ms, r.kube_ms);
        report.summary.row(vec![
            "platform apply, provisioning delays set".into(),
            fmt_secs(r.wall),
            format!("{} critical path", fmt_secs(cp)),
            fmt_ratio(ratio(r.wall, cp)),
        ]);
    }
    report.sections.push(Section {
        title: "The platform".into(),
        intro: "`terraform apply` of examples/terraform/platform (LKE cluster with two pools, \
                NodeBalancer and two configs, domain and nine records, three buckets, a limited key) \
                against a fresh emulator each time, with the emulator's provisioning delays set to \
                known values (`--node-ready-delay-ms`, `--kubeconfig-delay-ms`). Wall time: median of \
                 the row's applies (see Method); requests: those of its first apply."
            .into(),
        tables: vec![t],
        notes: vec![
            "How the critical path is derived: the emulator starts both clocks when \
             `POST /lke/clusters` answers (nodes turn ready `node_ready_delay` after creation; the \
             kubeconfig is served `kubeconfig_delay` after creation), and only the cluster waits: \
             the NodeBalancer, DNS and bucket chains run in parallel and are instantaneous in the \
             emulator. So the fastest possible apply is the zero-delay apply (Terraform, the \
             provider and every request, without waiting) plus `max(node_ready_delay, \
             kubeconfig_delay)`. (The issue's rough \"cluster create + node ready delay + \
             kubeconfig delay\" would add the two delays; the emulator runs them concurrently, so \
             the longer one is the path.) Waiting overhead = wall − critical path: time lost \
             between the moment the cluster is ready and the moment the provider notices (poll \
             intervals). The estimate is slightly high (work after the cluster's creation that \
             overlaps the wait is counted twice), so an overhead within ±0.1 s is noise."
                .into(),
            "The provider waits for the kubeconfig (first poll interval `event_poll_ms`, default \
             4000 ms) and then for the nodes (`lke_node_ready_poll_ms`, default 3000 ms); \
             linode-sdk's waiter grows each interval by half and jitters it within [i/2, i], so \
             when the provider notices readiness varies from run to run. The third row sets both \
             first intervals to 200 ms through `LINODE_EVENT_POLL_MS` / \
             `LINODE_LKE_NODE_READY_POLL_MS`: more polls, and the growing interval can still \
             overshoot. \"LKE GETs\" counts the `GET /lke/clusters/...` requests (reads and \
             polls)."
                .into(),
        ],
    });
}

// ---------------------------------------------------------------------------------------------
// 5: footprint
// ---------------------------------------------------------------------------------------------

/// The provider's go-plugin magic cookie value.
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

struct FootprintResults {
    binary_bytes: Option<u64>,
    mock_bytes: Option<u64>,
    handshake_ms: Vec<f64>,
    handshake_line: String,
}

/// Whether a line is a go-plugin handshake for protocol 6 over a unix socket.
pub fn is_handshake(line: &str) -> bool {
    let parts: Vec<&str> = line.trim().split('|').collect();
    parts.len() >= 5
        && parts[0] == "1"
        && parts[1] == "6"
        && parts[2] == "unix"
        && parts[4] == "grpc"
}

fn handshake_once(provider: &Path) -> Res<(f64, String)> {
    let start = Instant::now();
    let mut child = Command::new(provider)
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send((start.elapsed(), line));
    });
    let got = rx.recv_timeout(Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    let (elapsed, line) = got.map_err(|_| "the provider printed no handshake line within 20 s")?;
    if !is_handshake(&line) {
        return Err(format!("unexpected first line from the provider: {line:?}").into());
    }
    Ok((elapsed.as_secs_f64() * 1000.0, line.trim().to_string()))
}

fn footprint_part(ctx: &Ctx, args: &AllArgs) -> Res<FootprintResults> {
    progress("footprint: handshake");
    let mut handshake_ms = Vec::new();
    let mut handshake_line = String::new();
    // One untimed start first, so that every timed start finds the binary in the page cache.
    handshake_once(&ctx.provider())?;
    for _ in 0..args.handshake_reps.max(1) {
        let (ms, line) = handshake_once(&ctx.provider())?;
        handshake_ms.push(ms);
        handshake_line = line;
    }
    Ok(FootprintResults {
        binary_bytes: crate::procs::file_size(&ctx.provider()),
        mock_bytes: crate::procs::file_size(&ctx.mock()),
        handshake_ms,
        handshake_line,
    })
}

fn footprint_section(report: &mut Report, f: &FootprintResults, overhead: Option<&[OverheadRow]>) {
    let mut t = Table::new(&["Measure", "Figure"]);
    let size = f
        .binary_bytes
        .map(fmt_bytes)
        .unwrap_or_else(|| "n/a".into());
    t.row(vec![
        "terraform-provider-linode binary size".into(),
        size.clone(),
    ]);
    t.row(vec![
        "linode-mock binary size (for reference)".into(),
        f.mock_bytes.map(fmt_bytes).unwrap_or_else(|| "n/a".into()),
    ]);
    let hs = median(&f.handshake_ms);
    t.row(vec![
        format!(
            "start to handshake line (median of {})",
            f.handshake_ms.len()
        ),
        fmt_ms(hs),
    ]);
    report.summary.row(vec![
        "provider binary size".into(),
        size,
        String::new(),
        String::new(),
    ]);
    report.summary.row(vec![
        "provider start to handshake".into(),
        fmt_ms(hs),
        String::new(),
        String::new(),
    ]);
    if let Some(last) = overhead.and_then(|o| o.last()) {
        t.row(vec![
            format!("provider peak RSS during the {}-record plan", last.n),
            fmt_kib(last.provider_plan_peak_kb),
        ]);
        t.row(vec![
            format!("terraform peak RSS during the same plan (for reference)"),
            fmt_kib(last.terraform_plan_peak_kb),
        ]);
        t.row(vec![
            format!(
                "terraform peak RSS during the {}-resource terraform_data plan",
                last.n
            ),
            fmt_kib(last.terraform_data_plan_peak_kb),
        ]);
        report.summary.row(vec![
            format!("provider peak RSS, {}-record plan", last.n),
            fmt_kib(last.provider_plan_peak_kb),
            format!("terraform itself: {}", fmt_kib(last.terraform_plan_peak_kb)),
            String::new(),
        ]);
    }
    report.sections.push(Section {
        title: "Footprint".into(),
        intro: "The release binary's size (stripped, thin LTO: the workspace's release profile); the \
                time from starting the provider by hand (`TF_PLUGIN_MAGIC_COOKIE=…`, \
                `PLUGIN_PROTOCOL_VERSIONS=6`) to its first stdout line, the go-plugin handshake \
                (one untimed start first to warm the page cache); the peak RSS (`VmHWM`) of the \
                provider process Terraform starts during the largest plan, sampled from /proc every \
                20 ms (max over the plan repetitions)."
            .into(),
        tables: vec![t],
        notes: {
            let mut n = vec![format!("Handshake line seen: `{}`.", f.handshake_line)];
            if let Some(last) = overhead.and_then(|o| o.last()) {
                n.push(format!(
                    "Terraform started the provider {} time(s) during one plan; the peak is the largest of them.",
                    last.providers_per_plan
                ));
            }
            n
        },
    });
}

fn method_notes(args: &AllArgs, elapsed: Duration) -> Vec<String> {
    let mut m = vec![
        format!(
            "Repetitions: plans {} (median), applies {} (median) for N ≤ {} and 1 above, SDK \
             listings {} per client and size (median time, max peak RSS), handshake {} (median), \
             platform applies {} per row (median).",
            args.plan_reps.max(1),
            args.apply_reps.max(1),
            args.apply_reps_max_n,
            args.sdk_reps.max(1),
            args.handshake_reps.max(1),
            args.platform_reps.max(1)
        ),
        "Every emulator is a fresh `linode-mock` process on free loopback ports; Terraform finds \
         the provider through a `dev_overrides` CLI config (`terraform init` only for Terraform \
         1.15 and later), except in the small plan's rows marked installed, where `terraform \
         init` installs it from a filesystem mirror as a user installs a release. One untimed \
         warm-up apply of each configuration runs first."
            .into(),
        "Timings are wall-clock on a shared 2-core machine: the ratios, taken in the same run, are \
         the figures to compare; absolute times vary from run to run."
            .into(),
        format!("The whole run took {:.0} s.", elapsed.as_secs_f64()),
    ];
    if args.quick {
        m.insert(
            0,
            "**Quick run** (`--quick`): small sizes, figures not meaningful.".into(),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_lines() {
        assert!(is_handshake("1|6|unix|/tmp/plugin123|grpc|MIIB...\n"));
        assert!(!is_handshake("1|5|unix|/tmp/p|grpc|"));
        assert!(!is_handshake("This binary is a plugin."));
    }

    #[test]
    fn critical_path_is_work_plus_longest_delay() {
        assert!((critical_path_secs(2.0, 5000, 2000) - 7.0).abs() < 1e-9);
        assert!((critical_path_secs(2.0, 1000, 3000) - 5.0).abs() < 1e-9);
        assert!((critical_path_secs(1.5, 0, 0) - 1.5).abs() < 1e-9);
    }
}
