//! The environment of the run, for the report's header.

use std::path::Path;
use std::process::Command;

fn first_line(cmd: &mut Command) -> Option<String> {
    let out = cmd.output().ok()?;
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
}

/// The value of `key` in `/proc/cpuinfo`-style text (`key\t: value`).
pub fn cpuinfo_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// `name: value` lines: date, commit, CPU, memory, kernel, Terraform, rustc, Python and
/// linode_api4, the build profile.
pub fn describe(terraform: &Path, python: &Path, root: &Path) -> Vec<(String, String)> {
    let unknown = || "unknown".to_string();
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo_value(&cpuinfo, "model name").unwrap_or_else(unknown);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = crate::procs::parse_status_kb(&meminfo, "MemTotal")
        .map(|k| format!("{:.1} GiB", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(unknown);
    let date = first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
        .unwrap_or_else(unknown);
    let commit = first_line(Command::new("git").args(["-C"]).arg(root).args([
        "rev-parse",
        "--short",
        "HEAD",
    ]))
    .unwrap_or_else(unknown);
    let kernel = first_line(Command::new("uname").args(["-sr"])).unwrap_or_else(unknown);
    let terraform_v = crate::tf::version(terraform).unwrap_or_else(unknown);
    let rustc = first_line(Command::new("rustc").arg("--version")).unwrap_or_else(unknown);
    let py = first_line(Command::new(python).arg("--version")).unwrap_or_else(unknown);
    let api4 = first_line(Command::new(python).args([
        "-c",
        "import importlib.metadata as m; print(m.version('linode_api4'))",
    ]))
    .unwrap_or_else(unknown);
    let profile = if cfg!(debug_assertions) {
        "debug (figures are not representative: use scripts/bench.sh)"
    } else {
        "release"
    };
    vec![
        ("Date".into(), date),
        ("Commit".into(), commit),
        ("CPU".into(), format!("{cpus} × {model}")),
        ("Memory".into(), mem),
        ("Kernel".into(), kernel),
        (
            "Terraform".into(),
            format!("{terraform_v} ({})", terraform.display()),
        ),
        ("rustc".into(), rustc),
        ("Python".into(), format!("{py}, linode_api4 {api4}")),
        ("Build profile".into(), profile.into()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpuinfo_lookup() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu\n";
        assert_eq!(
            cpuinfo_value(text, "model name").as_deref(),
            Some("AMD EPYC 7B13")
        );
        assert_eq!(cpuinfo_value(text, "missing"), None);
    }
}
