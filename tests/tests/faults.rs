//! The platform under injected faults, and an apply interrupted midway: both converge to exactly
//! the declared resources, with nothing duplicated or lost, and a plan with no changes.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use acceptance::terraform::{Workdir, newest};
use acceptance::{Mock, paths, platform_expected_counts};

#[test]
fn platform_applies_through_5xx_429_and_latency() {
    let cli = newest();
    let mock = Mock::start(&[
        "--node-ready-delay-ms", "300",
        "--kubeconfig-delay-ms", "200",
        "--fault-5xx-rate", "0.10",
        "--fault-429-rate", "0.05",
        "--fault-latency-ms", "400",
        "--fault-latency-rate", "0.05",
        "--fault-seed", "20261122",
    ]);
    let wd = Workdir::new(&cli, &paths::example("platform"), &mock);
    wd.init();
    wd.apply();
    assert_eq!(mock.counts(), platform_expected_counts(), "emulator after a faulty apply");
    let statuses: Vec<u64> = mock.requests().iter().filter_map(|r| r["status"].as_u64()).collect();
    assert!(statuses.iter().any(|s| *s >= 500), "no 5xx was injected: {statuses:?}");
    assert!(statuses.contains(&429), "no 429 was injected");
    let again = wd.plan_exit_code();
    assert_eq!(again.code, 0, "plan after a faulty apply is not empty:\n{}", again.all());
    wd.destroy();
    mock.assert_empty();
}

#[test]
fn interrupted_apply_converges_when_run_again() {
    let cli = newest();
    let mock = Mock::start(&["--node-ready-delay-ms", "1500", "--kubeconfig-delay-ms", "500"]);
    let wd = Workdir::new(&cli, &paths::example("platform"), &mock);
    wd.init();

    let mut child = wd
        .command(&["apply", "-auto-approve", "-input=false", "-no-color"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start terraform apply");
    // Interrupt once a few resources have been created and the cluster is being waited for.
    let start = Instant::now();
    loop {
        let creates = mock.requests().iter().filter(|r| r["method"] == "POST").count();
        if creates >= 6 || start.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("send SIGINT");
    let status = child.wait().expect("terraform exits after SIGINT");
    assert!(!status.success(), "the interrupted apply should not report success");

    wd.apply();
    assert_eq!(mock.counts(), platform_expected_counts(), "emulator after re-running the apply");
    let again = wd.plan_exit_code();
    assert_eq!(again.code, 0, "plan after the re-run is not empty:\n{}", again.all());
    wd.destroy();
    mock.assert_empty();
}
