//! Processes: run a command timed, and sample the peak resident set (`VmHWM`) of it and of the
//! children it starts (Terraform starts the provider), from `/proc`.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A value of `/proc/<pid>/status` in kB, e.g. `VmHWM`.
pub fn parse_status_kb(status: &str, key: &str) -> Option<u64> {
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// `(comm, ppid)` from the text of `/proc/<pid>/stat` (comm may hold spaces and parentheses).
pub fn parse_stat(stat: &str) -> Option<(String, u32)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?.to_string();
    let mut rest = stat.get(close + 1..)?.split_whitespace();
    let _state = rest.next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((comm, ppid))
}

/// The peak resident set of a process in kB (`VmHWM`), while it lives.
pub fn vmhwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&s, "VmHWM")
}

/// This process's own peak resident set in kB.
pub fn self_vmhwm_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kb(&s, "VmHWM")
}

/// Pids of the live children of `ppid` whose command name starts with `comm_prefix`.
///
/// Reads `/proc/<ppid>/task/*/children` (a few small files: each thread lists the children it
/// started), and falls back to scanning every `/proc/<pid>/stat` when the kernel lacks them.
pub fn children_named(ppid: u32, comm_prefix: &str) -> Vec<u32> {
    let named = |pid: &u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|s| parse_stat(&s))
            .is_some_and(|(comm, pp)| pp == ppid && comm.starts_with(comm_prefix))
    };
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{ppid}/task")) {
        let mut kids: Vec<u32> = Vec::new();
        let mut any = false;
        for t in tasks.flatten() {
            if let Ok(text) = std::fs::read_to_string(t.path().join("children")) {
                any = true;
                kids.extend(parse_children(&text));
            }
        }
        if any {
            kids.sort_unstable();
            kids.dedup();
            kids.retain(named);
            return kids;
        }
    }
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(named)
        .collect()
}

/// The pids of a `/proc/<pid>/task/<tid>/children` file.
pub fn parse_children(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// The outcome of a watched command.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Wall time from spawn to exit.
    pub wall: Duration,
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Largest `VmHWM` seen of the command itself (kB; sampled).
    pub peak_kb: Option<u64>,
    /// Largest `VmHWM` seen of any child named like the watched name (kB; sampled).
    pub peak_child_kb: Option<u64>,
    /// How many distinct such children were seen.
    pub children_seen: usize,
}

impl Measured {
    /// Seconds of wall time.
    pub fn secs(&self) -> f64 {
        self.wall.as_secs_f64()
    }

    /// Both streams, for error messages.
    pub fn all(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            tail(&self.stdout, 4000),
            tail(&self.stderr, 4000)
        )
    }
}

fn tail(s: &str, n: usize) -> &str {
    let start = s.len().saturating_sub(n);
    let start = (start..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(s.len());
    &s[start..]
}

/// Runs `cmd` to completion, timing it, while a sampler thread reads the `VmHWM` of the command
/// and of its children whose name starts with `child_prefix` every 20 ms. Output goes to files in
/// `scratch` (no pipe can fill up) and is read back at the end.
pub fn run_watched(
    mut cmd: Command,
    child_prefix: &str,
    scratch: &Path,
) -> std::io::Result<Measured> {
    let out_path = scratch.join("cmd.stdout");
    let err_path = scratch.join("cmd.stderr");
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?);
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        let prefix = child_prefix.to_string();
        std::thread::spawn(move || {
            let mut own: Option<u64> = None;
            let mut kids: HashMap<u32, u64> = HashMap::new();
            while !stop.load(Ordering::Relaxed) {
                if let Some(k) = vmhwm_kb(pid) {
                    own = own.max(Some(k));
                }
                if !prefix.is_empty() {
                    for kid in children_named(pid, &prefix) {
                        if let Some(k) = vmhwm_kb(kid) {
                            let e = kids.entry(kid).or_insert(0);
                            *e = (*e).max(k);
                        }
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            (own, kids)
        })
    };
    let status = child.wait()?;
    let wall = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (peak_kb, kids) = sampler.join().unwrap_or_default();
    Ok(Measured {
        wall,
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        peak_kb,
        peak_child_kb: kids.values().copied().max(),
        children_seen: kids.len(),
    })
}

/// Size of a file in bytes.
pub fn file_size(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_values() {
        let s = "Name:\tbench\nVmPeak:\t  20000 kB\nVmHWM:\t    5120 kB\nVmRSS:\t 4096 kB\n";
        assert_eq!(parse_status_kb(s, "VmHWM"), Some(5120));
        assert_eq!(parse_status_kb(s, "VmRSS"), Some(4096));
        assert_eq!(parse_status_kb(s, "VmSwap"), None);
    }

    #[test]
    fn stat_with_odd_comm() {
        let s = "1234 (terraform-provi) S 999 1234 1234 0 -1 4194560";
        assert_eq!(parse_stat(s), Some(("terraform-provi".to_string(), 999)));
        let s = "7 (a (b) c) R 1 7 7";
        assert_eq!(parse_stat(s), Some(("a (b) c".to_string(), 1)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn children_files() {
        assert_eq!(parse_children("12 345 \n"), vec![12, 345]);
        assert_eq!(parse_children(""), Vec::<u32>::new());
    }

    #[test]
    fn finds_a_named_child() {
        let mut child = Command::new("sleep").arg("5").spawn().unwrap();
        let me = std::process::id();
        let mut found = Vec::new();
        for _ in 0..100 {
            found = children_named(me, "sleep");
            if !found.is_empty() {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(found, vec![child.id()]);
    }

    #[test]
    fn own_peak_is_readable() {
        assert!(self_vmhwm_kb().is_some_and(|k| k > 0));
    }

    #[test]
    fn watched_command_reports_exit_code_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let m = run_watched(cmd, "", dir.path()).unwrap();
        assert_eq!(m.code, 3);
        assert_eq!(m.stdout.trim(), "out");
        assert_eq!(m.stderr.trim(), "err");
        assert_eq!(m.children_seen, 0);
    }
}
