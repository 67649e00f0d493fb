//! Every data source with real Terraform against the emulator: each folder under
//! examples/terraform/data-sources/ creates what its data sources read (filters of each
//! `match_by`, an `order_by`) and outputs what they return. Apply, every output holds something,
//! a second plan has no changes, destroy leaves the emulator empty. On the Terraform on PATH and
//! Terraform 1.15. (What each list data source costs in API calls is checked in the provider's
//! own tests, against the emulator's request log.)

use acceptance::terraform::{Workdir, each_cli};
use acceptance::{Mock, paths};
use serde_json::Value;

/// The scenario folders.
fn folders() -> Vec<String> {
    let root = paths::example("data-sources");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("main.tf").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Whether an output holds something: not null, not an empty list, map or string.
fn holds_something(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

#[test]
fn every_data_source_reads_what_exists_and_plans_clean() {
    let folders = folders();
    assert!(!folders.is_empty(), "no scenario under examples/terraform/data-sources");
    let mut runs = 0;
    let ran = each_cli("the data-source scenarios", |c| c.at_least(1, 5), |cli| {
        for folder in &folders {
            let mock = Mock::start(&[]);
            let wd = Workdir::new(cli, &paths::example("data-sources").join(folder), &mock);
            wd.init();
            let applied = wd.apply();
            // A scenario's `check` blocks say what its filters and orders must select.
            assert!(!applied.all().contains("assertion failed"), "[{}/{folder}] {}", cli.name, applied.all());
            let outputs = wd.outputs();
            let map = outputs.as_object().unwrap_or_else(|| panic!("[{}/{folder}] no outputs", cli.name));
            assert!(!map.is_empty(), "[{}/{folder}] the scenario outputs nothing", cli.name);
            for (name, out) in map {
                assert!(holds_something(&out["value"]), "[{}/{folder}] output {name} is empty: {out}", cli.name);
            }
            mock.clear_requests();
            let again = wd.plan_exit_code();
            assert_eq!(again.code, 0, "[{}/{folder}] second plan is not empty:\n{}", cli.name, again.all());
            assert!(!again.all().contains("assertion failed"), "[{}/{folder}] {}", cli.name, again.all());
            wd.destroy();
            mock.assert_empty();
            runs += 1;
        }
    });
    assert_eq!(runs, folders.len() * ran.len());
}
