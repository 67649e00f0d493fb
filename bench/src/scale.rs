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
    providers_per_plan: usize,
}

/// A working directory for tfplugin's hello provider (one `hello_greeting`), applied.
fn hello_workdir(ctx: &Ctx, binary: &std::path::Path) -> Res<tf::Workdir> {
    let wd = ctx.workdir(None)?;
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
    wd.write(
        "main.tf",
        "terraform {\n  required_providers {\n    hello = { source = \"example/hello\" }\n  }\n}\n\n\
         resource \"hello_greeting\" \"g\" {\n  name = \"bench\"\n}\n",
    )?;
    wd.init_if_needed()?;
    wd.apply()?;
    Ok(wd)
}

/// `terraform plan` of one `linode_domain` in state against one `terraform_data`, `reps` times
/// each, interleaved (so drift in the machine's load hits both alike).
pub fn small_plan_part(ctx: &Ctx, reps: usize) -> Res<SmallPlan> {
    let mock = ctx.start_mock(&[])?;
    let linode = ctx.workdir(Some(&mock))?;
    linode.write("main.tf", &tf::linode_records_config(0))?;
    linode.init_if_needed()?;
    linode.apply()?;
    let data = ctx.workdir(None)?;
    data.write("main.tf", &tf::terraform_data_config(0))?;
    data.init_if_needed()?;
    data.apply()?;
    let hello = match ctx.hello_provider() {
        Some(binary) => Some(hello_workdir(ctx, &binary)?),
        None => None,
    };
    let mut out = SmallPlan { linode_ms: Vec::new(), data_ms: Vec::new(), hello_ms: Vec::new(), providers_per_plan: 0 };
    for rep in 0..=reps {
        progress(&format!("one-resource plan {rep}/{reps}"));
        let l = linode.plan()?;
        let d = data.plan()?;
        let h = hello.as_ref().map(tf::Workdir::plan).transpose()?;
        for m in [Some(&l), Some(&d), h.as_ref()].into_iter().flatten() {
            if m.code != 0 {
                return Err(format!("a one-resource plan is not empty:\n{}", m.all()).into());
            }
        }
        // The first round warms the page cache; it is not counted.
        if rep > 0 {
            out.linode_ms.push(l.secs() * 1000.0);
            out.data_ms.push(d.secs() * 1000.0);
            out.hello_ms.extend(h.map(|h| h.secs() * 1000.0));
            out.providers_per_plan = out.providers_per_plan.max(l.children_seen);
        }
    }
    Ok(out)
}

/// Adds the one-resource plan's table and summary row.
pub fn small_plan_section(report: &mut Report, s: &SmallPlan) {
    let (l, d) = (median(&s.linode_ms), median(&s.data_ms));
    let r = ratio(l, d);
    let mut t = Table::new(&["Configuration", "plan (median)", "min", "max", "vs terraform_data"]);
    let min = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |xs: &[f64]| xs.iter().copied().fold(0.0, f64::max);
    t.row(vec![
        "one `linode_domain`".into(),
        fmt_ms(l),
        fmt_ms(min(&s.linode_ms)),
        fmt_ms(max(&s.linode_ms)),
        fmt_ratio(r),
    ]);
    if !s.hello_ms.is_empty() {
        let h = median(&s.hello_ms);
        t.row(vec![
            "one `hello_greeting` (tfplugin's hello example: a plugin process that does nothing)".into(),
            fmt_ms(h),
            fmt_ms(min(&s.hello_ms)),
            fmt_ms(max(&s.hello_ms)),
            fmt_ratio(ratio(h, d)),
        ]);
    }
    t.row(vec![
        "one `terraform_data`".into(),
        fmt_ms(d),
        fmt_ms(min(&s.data_ms)),
        fmt_ms(max(&s.data_ms)),
        fmt_ratio(Some(1.0)),
    ]);
    report.chart.rows.push(ChartRow::Group("A small plan".into()));
    report.chart.rows.push(ChartRow::Bar("plan, one resource".into(), r.unwrap_or(f64::NAN)));
    report.summary.row(vec![
        "plan of one resource in state".into(),
        fmt_ms(l),
        format!("{} terraform_data (target ≤ 1.5×)", fmt_ms(d)),
        fmt_ratio(r),
    ]);
    report.sections.push(Section {
        title: "A small plan".into(),
        intro: format!(
            "`terraform plan` (with refresh) of one `linode_domain` in state against one \
             `terraform_data`, {} runs each, interleaved, after one untimed pair. Terraform starts \
             the provider {} times in such a plan (seen in /proc), so the provider's start-up and \
             schema work is paid that many times.",
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
        notes.push(format!(
            "What any plugin costs: the hello provider, which has one resource type and calls no \
             API, takes {} ({} terraform_data): Terraform starting, handshaking with and \
             stopping a plugin process three times. This provider adds {} to that floor (the \
             schema of every resource and data source type in GetProviderSchema, the API client, \
             one GET of the domain). The floor alone is above the 1.5× target, so no provider running as a \
             plugin can meet it on this machine.",
            fmt_ms(h),
            fmt_ratio(ratio(h, d)),
            fmt_ms(l - h)
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
