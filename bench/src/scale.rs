//! Parts 6 and 7 of `bench all`: the cost of a small plan (where Terraform starts the provider
//! three times and the work is almost nothing) and a refresh of many domains with many records.

use crate::Res;
use crate::parts::{Ctx, progress};
use crate::report::{ChartRow, Report, Section, Table};
use crate::stats::{count_requests, fmt_ms, fmt_ratio, fmt_secs, median, ratio};
use crate::tf;

/// The one-resource plans, interleaved.
pub struct SmallPlan {
    linode_ms: Vec<f64>,
    data_ms: Vec<f64>,
    /// tfplugin's hello provider: the cost of any plugin process, with a one-type schema.
    hello_ms: Vec<f64>,
    /// The same two plans with the providers installed by `terraform init` from a filesystem
    /// mirror, as users install a release: every command then checks the installed binary
    /// against the lock file's hash (a development override skips that check).
    linode_installed_ms: Vec<f64>,
    hello_installed_ms: Vec<f64>,
    /// The provider binary's size in bytes: what that check hashes on every command.
    linode_binary_bytes: u64,
    providers_per_plan: usize,
}

/// Installs `binary` as `source` (e.g. `linode-rs/linode`) in a filesystem mirror next to
/// `wd`, and points `wd` at that mirror the way a release's README does (no development
/// override), then runs `terraform init`, which records the binary's hash in the lock file.
fn install_from_mirror(wd: &tf::Workdir, source: &str, binary: &std::path::Path) -> Res<()> {
    let provider_type = source.rsplit('/').next().ok_or("provider source")?;
    let platform = wd.path().join("mirror/registry.terraform.io").join(source).join("1.0.0/linux_amd64");
    std::fs::create_dir_all(&platform)?;
    std::fs::copy(binary, platform.join(format!("terraform-provider-{provider_type}_v1.0.0")))?;
    wd.write(
        "cli.tfrc",
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
            wd.path().join("mirror").display()
        ),
    )?;
    wd.run_expect(&["init", "-input=false", "-no-color"], &[0])?;
    Ok(())
}

/// A working directory for tfplugin's hello provider (one `hello_greeting`), applied; with
/// `installed`, installed from a filesystem mirror rather than through a development override.
fn hello_workdir(ctx: &Ctx, binary: &std::path::Path, installed: bool) -> Res<tf::Workdir> {
    let wd = ctx.workdir(None)?;
    wd.write(
        "main.tf",
        "terraform {\n  required_providers {\n    hello = { source = \"example/hello\" }\n  }\n}\n\n\
         resource \"hello_greeting\" \"g\" {\n  name = \"bench\"\n}\n",
    )?;
    if installed {
        install_from_mirror(&wd, "example/hello", binary)?;
    } else {
        let bin = wd.path().join("bin");
        std::fs::create_dir_all(&bin)?;
        std::fs::copy(binary, bin.join("terraform-provider-hello"))?;
        wd.write(
            "cli.tfrc",
            &format!(
                "provider_installation {{\n  dev_overrides {{\n    \"example/hello\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
                bin.display()
            ),
        )?;
        wd.init_if_needed()?;
    }
    wd.apply()?;
    Ok(wd)
}

/// A working directory with one `linode_domain` against `mock`, applied; with `installed`, the
/// provider is installed from a filesystem mirror rather than through a development override.
fn linode_workdir(ctx: &Ctx, mock: &crate::mock::Mock, installed: bool) -> Res<tf::Workdir> {
    let wd = ctx.workdir(Some(mock))?;
    wd.write("main.tf", &tf::linode_records_config(0))?;
    if installed {
        install_from_mirror(&wd, tf::PROVIDER_SOURCE, &ctx.provider())?;
    } else {
        wd.init_if_needed()?;
    }
    wd.apply()?;
    Ok(wd)
}

/// `terraform plan` of one `linode_domain` in state against one `terraform_data` (and one
/// `hello_greeting`, the floor), `reps` times each, interleaved (so drift in the machine's load
/// hits all alike); each provider both through a development override and installed from a
/// mirror.
pub fn small_plan_part(ctx: &Ctx, reps: usize) -> Res<SmallPlan> {
    // One emulator each: both apply the same domain name.
    let (mock, mock_installed) = (ctx.start_mock(&[])?, ctx.start_mock(&[])?);
    let linode = linode_workdir(ctx, &mock, false)?;
    let linode_installed = linode_workdir(ctx, &mock_installed, true)?;
    let data = ctx.workdir(None)?;
    data.write("main.tf", &tf::terraform_data_config(0))?;
    data.init_if_needed()?;
    data.apply()?;
    let (hello, hello_installed) = match ctx.hello_provider() {
        Some(binary) => (Some(hello_workdir(ctx, &binary, false)?), Some(hello_workdir(ctx, &binary, true)?)),
        None => (None, None),
    };
    let mut out = SmallPlan {
        linode_ms: Vec::new(),
        data_ms: Vec::new(),
        hello_ms: Vec::new(),
        linode_installed_ms: Vec::new(),
        hello_installed_ms: Vec::new(),
        linode_binary_bytes: std::fs::metadata(ctx.provider())?.len(),
        providers_per_plan: 0,
    };
    for rep in 0..=reps {
        progress(&format!("one-resource plan {rep}/{reps}"));
        let l = linode.plan()?;
        let d = data.plan()?;
        let h = hello.as_ref().map(tf::Workdir::plan).transpose()?;
        let li = linode_installed.plan()?;
        let hi = hello_installed.as_ref().map(tf::Workdir::plan).transpose()?;
        for m in [Some(&l), Some(&d), h.as_ref(), Some(&li), hi.as_ref()].into_iter().flatten() {
            if m.code != 0 {
                return Err(format!("a one-resource plan is not empty:\n{}", m.all()).into());
            }
        }
        // The first round warms the page cache; it is not counted.
        if rep > 0 {
            out.linode_ms.push(l.secs() * 1000.0);
            out.data_ms.push(d.secs() * 1000.0);
            out.hello_ms.extend(h.map(|h| h.secs() * 1000.0));
            out.linode_installed_ms.push(li.secs() * 1000.0);
            out.hello_installed_ms.extend(hi.map(|h| h.secs() * 1000.0));
            out.providers_per_plan = out.providers_per_plan.max(l.children_seen);
        }
    }
    Ok(out)
}

/// Adds the one-resource plan's table and summary rows.
pub fn small_plan_section(report: &mut Report, s: &SmallPlan) {
    let d = median(&s.data_ms);
    let (l, li) = (median(&s.linode_ms), median(&s.linode_installed_ms));
    let (r, ri) = (ratio(l, d), ratio(li, d));
    let mut t = Table::new(&["Configuration", "plan (median)", "min", "max", "vs terraform_data"]);
    let min = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
    let mut row = |label: &str, xs: &[f64]| {
        if !xs.is_empty() {
            let m = median(xs);
            t.row(vec![label.into(), fmt_ms(m), fmt_ms(min(xs)), fmt_ms(max(xs)), fmt_ratio(ratio(m, d))]);
        }
    };
    row("one `linode_domain`, development override", &s.linode_ms);
    row("one `linode_domain`, installed from a mirror (lock file checked)", &s.linode_installed_ms);
    row("one `hello_greeting` (tfplugin's hello example: a plugin that does nothing), development override", &s.hello_ms);
    row("one `hello_greeting`, installed from a mirror", &s.hello_installed_ms);
    row("one `terraform_data`", &s.data_ms);
    report.chart.rows.push(ChartRow::Group("A small plan".into()));
    report.chart.rows.push(ChartRow::Bar("plan, one resource".into(), r.unwrap_or(f64::NAN)));
    report.chart.rows.push(ChartRow::Bar("plan, one resource, installed".into(), ri.unwrap_or(f64::NAN)));
    report.summary.row(vec![
        "plan of one resource in state".into(),
        fmt_ms(l),
        format!("{} terraform_data (target ≤ 1.5×)", fmt_ms(d)),
        fmt_ratio(r),
    ]);
    report.summary.row(vec![
        "plan of one resource, provider installed from a mirror".into(),
        fmt_ms(li),
        format!("{} terraform_data", fmt_ms(d)),
        fmt_ratio(ri),
    ]);
    report.sections.push(Section {
        title: "A small plan".into(),
        intro: format!(
            "`terraform plan` (with refresh) of one `linode_domain` in state against one \
             `terraform_data`, {} runs each, interleaved, after one untimed round. Terraform starts \
             the provider {} times in such a plan (seen in /proc), so the provider's start-up and \
             schema work is paid that many times. Each provider runs twice: through the \
             development override the other parts use, and installed by `terraform init` from a \
             filesystem mirror, as users install a release; then every command also hashes the \
             installed binary to check it against the lock file.",
            s.linode_ms.len(),
            s.providers_per_plan
        ),
        tables: vec![t],
        notes: small_plan_notes(s, r),
    });
}

fn small_plan_notes(s: &SmallPlan, r: Option<f64>) -> Vec<String> {
    let mut notes = vec![format!(
        "Target (from the performance issue): within 1.5× of terraform_data — {}.",
        match r {
            Some(r) if r <= 1.5 => "met",
            Some(_) => "not met",
            None => "not measured",
        }
    )];
    if !s.hello_ms.is_empty() {
        let (l, h, d) = (median(&s.linode_ms), median(&s.hello_ms), median(&s.data_ms));
        let floor = ratio(h, d);
        notes.push(format!(
            "What any plugin costs: the hello provider, which has one resource type and calls no \
             API, takes {} ({} terraform_data): Terraform starting, handshaking with and \
             stopping a plugin process three times. This provider adds {} to that floor (the \
             schema of every resource and data source type in GetProviderSchema, the API client, \
             one GET of the domain). {}",
            fmt_ms(h),
            fmt_ratio(floor),
            fmt_ms(l - h),
            match floor {
                Some(f) if f > 1.5 => "The floor alone is above the 1.5× target, so no provider running as \
                                       a plugin can meet it on this machine.",
                Some(_) => "The floor is within the 1.5× target, so what is above it is this provider's.",
                None => "",
            }
        ));
    }
    if !s.hello_installed_ms.is_empty() {
        let (li, hi) = (median(&s.linode_installed_ms), median(&s.hello_installed_ms));
        notes.push(format!(
            "Installed from a mirror, the plan also pays for hashing the provider binary ({:.1} MiB) \
             on every command: {} over the installed hello provider, against {} through the \
             development override.",
            s.linode_binary_bytes as f64 / (1024.0 * 1024.0),
            fmt_ms(li - hi),
            fmt_ms(median(&s.linode_ms) - median(&s.hello_ms)),
        ));
    }
    notes
}

/// The refresh of a fleet of domains.
pub struct Fleet {
    domains: usize,
    records: usize,
    apply_secs: f64,
    plan_secs: f64,
    data_plan_secs: f64,
    refresh_requests: usize,
    domain_gets: usize,
    record_lists: usize,
    record_gets: usize,
}

/// Applies `domains` domains with `records` records each, then times a plan (with refresh)
/// and counts its API requests; the same graph in `terraform_data` is the time baseline.
pub fn fleet_part(ctx: &Ctx, domains: usize, records: usize) -> Res<Fleet> {
    let mock = ctx.start_mock(&[])?;
    let wd = ctx.workdir(Some(&mock))?;
    wd.write("main.tf", &tf::linode_fleet_config(domains, records))?;
    wd.init_if_needed()?;
    progress(&format!("fleet: apply {domains} domains × {records} records"));
    let apply_secs = wd.apply()?.secs();
    mock.clear_requests()?;
    progress("fleet: plan");
    let plan = wd.plan()?;
    if plan.code != 0 {
        return Err(format!("the fleet's plan after apply is not empty:\n{}", plan.all()).into());
    }
    let log = mock.requests()?;
    drop(wd);
    drop(mock);

    let data = ctx.workdir(None)?;
    data.write("main.tf", &tf::terraform_data_fleet_config(domains, records))?;
    data.init_if_needed()?;
    progress("fleet: terraform_data apply and plan");
    data.apply()?;
    let data_plan_secs = data.plan()?.secs();
    let record_gets = log
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"].as_str().is_some_and(|p| p.contains("/records/")))
        .count();
    Ok(Fleet {
        domains,
        records,
        apply_secs,
        plan_secs: plan.secs(),
        data_plan_secs,
        refresh_requests: log.len(),
        domain_gets: log.len() - count_requests(&log, "GET", "/records"),
        record_lists: count_requests(&log, "GET", "/records") - record_gets,
        record_gets,
    })
}

/// The fewest requests of a refresh: per domain, its GET and one page of its records.
pub fn fleet_min_requests(domains: usize, records: usize) -> usize {
    domains * (1 + records.div_ceil(500).max(1))
}

/// Adds the fleet's table and summary rows.
pub fn fleet_section(report: &mut Report, f: &Fleet) {
    let min = fleet_min_requests(f.domains, f.records);
    let mut t = Table::new(&[
        "Resources",
        "apply",
        "plan: linode",
        "plan: terraform_data",
        "plan ratio",
        "refresh requests",
        "minimum",
        "domain GETs / record listings / record GETs",
    ]);
    t.row(vec![
        format!("{} domains × {} records", f.domains, f.records),
        fmt_secs(f.apply_secs),
        fmt_secs(f.plan_secs),
        fmt_secs(f.data_plan_secs),
        fmt_ratio(ratio(f.plan_secs, f.data_plan_secs)),
        f.refresh_requests.to_string(),
        min.to_string(),
        format!("{} / {} / {}", f.domain_gets, f.record_lists, f.record_gets),
    ]);
    report.chart.rows.push(ChartRow::Group("Many domains".into()));
    report.chart.rows.push(ChartRow::Bar(
        format!("plan, {} × {}", f.domains, f.records),
        ratio(f.plan_secs, f.data_plan_secs).unwrap_or(f64::NAN),
    ));
    report.summary.row(vec![
        format!("refresh of {} domains × {} records: API requests", f.domains, f.records),
        f.refresh_requests.to_string(),
        format!("{min} (a GET and a record listing per domain)"),
        fmt_ratio(ratio(f.refresh_requests as f64, min as f64)),
    ]);
    report.sections.push(Section {
        title: "Many domains".into(),
        intro: format!(
            "{} `linode_domain` with {} `linode_domain_record` each ({} resources), applied once, \
             then one `terraform plan` with refresh; its API requests from the emulator's log. \
             The same graph in `terraform_data` is the time baseline.",
            f.domains,
            f.records,
            f.domains * (f.records + 1)
        ),
        tables: vec![t],
        notes: vec![
            "A record's refresh is served from one paginated listing of its domain's records, \
             shared by every record of the domain (the provider's per-process list cache), so \
             the requests grow with the domains, not the records; a GET per record would be \
             one request per record."
                .into(),
        ],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fewest_refresh_requests_are_two_per_domain_below_a_page() {
        assert_eq!(fleet_min_requests(100, 50), 200);
        assert_eq!(fleet_min_requests(2, 501), 6);
        assert_eq!(fleet_min_requests(3, 0), 6);
    }
}
