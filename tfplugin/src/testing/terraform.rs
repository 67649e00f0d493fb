//! Finding Terraform CLIs and running them against a locally built provider.
//!
//! The CLIs looked for, in order:
//! * `terraform` on `PATH`;
//! * `<tools>/bin/terraform-1.15` and `<tools>/bin/terraform-1.0.3`, where `<tools>` is
//!   `$LINODE_TOOLS_DIR` (the workspace's convention) or `<workspace>/.tools`.
//!
//! A missing CLI is skipped with a notice, except that with `CI=true` a missing 1.15 or 1.0.3
//! makes [`available_clis`] panic, so CI cannot silently test less.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Environment variable naming the tools directory.
pub const TOOLS_DIR_ENV: &str = "LINODE_TOOLS_DIR";

/// One Terraform CLI.
#[derive(Clone, Debug)]
pub struct TerraformCli {
    /// A short label for messages: `"PATH"`, `"1.15"` or `"1.0.3"`.
    pub label: String,
    /// The executable.
    pub path: PathBuf,
}

impl TerraformCli {
    /// The version (`"1.11.4"`), from `terraform version -json` (or the first line).
    pub fn version(&self) -> Option<String> {
        let out = Command::new(&self.path).args(["version", "-json"]).env("CHECKPOINT_DISABLE", "1").output().ok()?;
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout)
            && let Some(s) = v["terraform_version"].as_str()
        {
            return Some(s.to_string());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        text.lines().next()?.strip_prefix("Terraform v").map(str::to_string)
    }

    /// Whether `terraform init` works with `dev_overrides` (1.15 and later).
    pub fn init_supports_dev_overrides(&self) -> bool {
        self.version()
            .and_then(|v| {
                let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
                Some((parts.next()?, parts.next()?))
            })
            .is_some_and(|(major, minor)| major > 1 || (major == 1 && minor >= 15))
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

/// The Terraform CLIs present (see the [module docs](self)). Prints a notice for each
/// missing one; panics under `CI=true` if 1.15 or 1.0.3 is missing.
pub fn available_clis() -> Vec<TerraformCli> {
    let mut found = Vec::new();
    match on_path("terraform") {
        Some(path) => found.push(TerraformCli { label: "PATH".into(), path }),
        None => eprintln!("notice: no `terraform` on PATH; skipping it"),
    }
    let bin = tools_dir().join("bin");
    for version in ["1.15", "1.0.3"] {
        let path = bin.join(format!("terraform-{version}"));
        if path.is_file() {
            found.push(TerraformCli { label: version.into(), path });
        } else if is_ci() {
            panic!(
                "CI=true but Terraform {version} is missing at {} (run scripts/setup-tools.sh)",
                path.display()
            );
        } else {
            eprintln!("notice: Terraform {version} not found at {}; skipping it", path.display());
        }
    }
    found
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
