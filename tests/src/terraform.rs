//! Terraform CLIs and throwaway working directories wired to the provider and the emulator.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::{Mock, paths};

/// The provider's source address; the dev override maps it to the freshly built binary.
pub const PROVIDER_SOURCE: &str = "linode-rs/linode";

/// A CLI configuration that installs the provider from the filesystem mirror at `mirror` (a
/// folder holding `registry.terraform.io/linode-rs/linode/...`) and every other provider as usual.
pub fn filesystem_mirror_config(mirror: &Path) -> String {
    format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"{PROVIDER_SOURCE}\"]\n  }}\n}}\n",
        mirror.display()
    )
}

/// A CLI configuration that installs the provider from the network mirror at `url` (HTTPS, ending
/// with `/`) and every other provider as usual.
pub fn network_mirror_config(url: &str) -> String {
    format!(
        "provider_installation {{\n  network_mirror {{\n    url     = \"{url}\"\n    include = [\"{PROVIDER_SOURCE}\"]\n  }}\n  direct {{\n    exclude = [\"{PROVIDER_SOURCE}\"]\n  }}\n}}\n"
    )
}

/// One Terraform CLI.
#[derive(Clone, Debug)]
pub struct Cli {
    /// A short name for messages: `path`, `1.15`, `1.0.3`.
    pub name: String,
    /// The executable.
    pub path: PathBuf,
    /// Its version (major, minor, patch).
    pub version: (u32, u32, u32),
}

impl Cli {
    /// True when this Terraform is at least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.version.0, self.version.1) >= (major, minor)
    }
}

/// The Terraform CLIs to test with: the one on `PATH` (when there is one) and the project's
/// Terraform 1.15 and 1.0.3 from the tools folder, each with its version. tfplugin's locator
/// drops (or, under CI, fails on) a CLI that is missing or whose `version` fails.
pub fn clis() -> Vec<Cli> {
    tfplugin::testing::terraform::available_clis()
        .into_iter()
        .map(|cli| {
            let text = cli.checked_version().unwrap_or_else(|e| panic!("Terraform {}: {e}", cli.label));
            let mut parts = text.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
            let version = (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0));
            Cli { name: cli.label, path: cli.path, version }
        })
        .collect()
}

/// Runs `f` with every CLI of [`clis`] that `keep` keeps, then asserts that the loop really ran:
/// with at least one CLI, and under `CI=true` with each of the tools' CLIs (1.15, 1.0.3) that
/// `keep` keeps by version. Prints and returns the names of the CLIs it ran with.
#[track_caller]
pub fn each_cli(what: &str, keep: impl Fn(&Cli) -> bool, mut f: impl FnMut(&Cli)) -> Vec<String> {
    let mut ran = Vec::new();
    for cli in clis().into_iter().filter(|c| keep(c)) {
        f(&cli);
        ran.push(cli.name);
    }
    tfplugin::testing::terraform::assert_ran(what, &ran, &required_by(&keep));
    ran
}

/// The tools' CLIs that CI must have and that `keep` keeps (judged by their known versions).
pub fn required_by(keep: &impl Fn(&Cli) -> bool) -> Vec<&'static str> {
    tfplugin::testing::terraform::CI_CLIS
        .iter()
        .filter(|(name, version)| keep(&Cli { name: (*name).into(), path: PathBuf::new(), version: *version }))
        .map(|(name, _)| *name)
        .collect()
}

/// The CLI with the newest version, for tests that need one Terraform only.
pub fn newest() -> Cli {
    clis()
        .into_iter()
        .max_by_key(|c| c.version)
        .expect("no Terraform CLI found: run scripts/setup-tools.sh")
}

/// A throwaway copy of a configuration, with a CLI config that points Terraform at the built
/// provider and an environment that points the provider at the emulator.
pub struct Workdir {
    dir: tempfile::TempDir,
    /// The CLI this directory runs.
    pub cli: Cli,
    env: Vec<(String, String)>,
    /// The provider comes from a mirror (so `init` always runs) instead of a dev override.
    from_mirror: bool,
}

/// The result of one Terraform command.
#[derive(Debug)]
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Both streams, for assertion messages.
    pub fn all(&self) -> String {
        format!("--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr)
    }
}

impl Workdir {
    /// Copies the `*.tf` files of `config_dir` into a fresh directory.
    pub fn new(cli: &Cli, config_dir: &Path, mock: &Mock) -> Workdir {
        let wd = Workdir::empty(cli, mock);
        for entry in std::fs::read_dir(config_dir).expect("read config dir") {
            let path = entry.expect("dir entry").path();
            if path.extension().is_some_and(|e| e == "tf" || e == "yaml" || e == "json") {
                std::fs::copy(&path, wd.path().join(path.file_name().unwrap())).expect("copy");
            }
        }
        wd
    }

    /// An empty working directory; add files with [`Workdir::write`].
    pub fn empty(cli: &Cli, mock: &Mock) -> Workdir {
        let dir = tempfile::tempdir().expect("temp dir");
        let rc = dir.path().join("cli.tfrc");
        let provider_dir = paths::binary("terraform-provider-linode")
            .parent()
            .unwrap()
            .to_path_buf();
        std::fs::write(&rc, tfplugin::testing::terraform::dev_overrides_config(PROVIDER_SOURCE, &provider_dir))
            .expect("write cli config");
        let env = vec![
            ("TF_CLI_CONFIG_FILE".into(), rc.display().to_string()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            ("LINODE_URL".into(), mock.api_url.clone()),
            ("LINODE_TOKEN".into(), mock.token.clone()),
        ];
        Workdir { dir, cli: cli.clone(), env, from_mirror: false }
    }

    /// Installs the provider through a filesystem mirror instead of a development override, so
    /// `terraform init` installs it like a released provider (needed by commands whose init path
    /// ignores development overrides, e.g. a backend migration).
    pub fn use_filesystem_mirror(&mut self) {
        let platform = "linux_amd64";
        let version = env!("CARGO_PKG_VERSION");
        let mirror = self.path().join("mirror");
        let dir = mirror.join(format!("registry.terraform.io/{PROVIDER_SOURCE}/{version}/{platform}"));
        std::fs::create_dir_all(&dir).expect("mirror dir");
        std::fs::copy(
            paths::binary("terraform-provider-linode"),
            dir.join(format!("terraform-provider-linode_v{version}")),
        )
        .expect("copy provider into the mirror");
        self.use_installation(&filesystem_mirror_config(&mirror));
    }

    /// Replaces the CLI configuration with `config` (see [`filesystem_mirror_config`] and
    /// [`network_mirror_config`]): the provider is then installed by `terraform init`.
    pub fn use_installation(&mut self, config: &str) {
        std::fs::write(self.path().join("cli.tfrc"), config).expect("write cli config");
        self.from_mirror = true;
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file into the directory.
    pub fn write(&self, name: &str, contents: &str) {
        std::fs::write(self.path().join(name), contents).expect("write file");
    }

    /// Sets (or overrides) an environment variable for every later command.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Removes an environment variable from every later command.
    pub fn unset_env(&mut self, key: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), String::new()));
    }

    /// The `terraform ARGS` command for this directory, not yet started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.cli.path);
        cmd.args(args).current_dir(self.path()).env_remove("TF_LOG");
        for (k, v) in &self.env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        cmd
    }

    /// Runs `terraform ARGS` here.
    pub fn run(&self, args: &[&str]) -> Run {
        let out: Output = self.command(args).output().expect("run terraform");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs a command that must succeed.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "terraform {} ({}) failed:\n{}", args.join(" "), self.cli.name, run.all());
        run
    }

    /// `terraform init`: always for a provider from a mirror; with the dev override, needed from
    /// 1.15 on (older CLIs use the override without it, and their init would look the overridden
    /// provider up in a registry).
    pub fn init(&self) {
        if self.from_mirror || self.cli.at_least(1, 15) {
            self.ok(&["init", "-input=false", "-no-color"]);
        }
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) -> Run {
        self.ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan_exit_code(&self) -> Run {
        self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"])
    }

    /// `terraform destroy -auto-approve`.
    pub fn destroy(&self) -> Run {
        self.ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform output -json`.
    pub fn outputs(&self) -> Value {
        let run = self.ok(&["output", "-json"]);
        serde_json::from_str(&run.stdout).expect("output json")
    }

    /// `terraform state list`.
    pub fn state_list(&self) -> Vec<String> {
        self.ok(&["state", "list"]).stdout.lines().map(str::to_string).collect()
    }

    /// The raw state file.
    pub fn state_file(&self) -> String {
        std::fs::read_to_string(self.path().join("terraform.tfstate")).unwrap_or_default()
    }
}

impl Workdir {
    /// The attribute values of one resource in state (`terraform show -json`).
    pub fn resource_values(&self, address: &str) -> Value {
        let run = self.ok(&["show", "-json"]);
        let doc: Value = serde_json::from_str(&run.stdout).expect("show json");
        fn find(module: &Value, address: &str) -> Option<Value> {
            module["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["address"] == address)
                .map(|r| r["values"].clone())
        }
        find(&doc["values"]["root_module"], address)
            .unwrap_or_else(|| panic!("{address} is not in state:\n{}", run.stdout))
    }

    /// `terraform state rm` then `terraform import` of one resource.
    pub fn reimport(&self, address: &str, id: &str) {
        self.ok(&["state", "rm", address]);
        self.ok(&["import", "-input=false", "-no-color", address, id]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_require_the_ci_clis_their_filter_keeps() {
        assert_eq!(required_by(&|_: &Cli| true), ["1.15", "1.0.3"]);
        assert_eq!(required_by(&|c: &Cli| c.at_least(1, 5)), ["1.15"]);
        assert!(required_by(&|c: &Cli| c.at_least(2, 0)).is_empty());
    }
}
