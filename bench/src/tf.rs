//! Terraform working directories wired to the built provider (dev override) and the emulator,
//! and the generated configurations of the overhead benchmark.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Res;
use crate::mock::Mock;
use crate::procs::{Measured, run_watched};

/// The provider's source address; the dev override maps it to the built binary.
pub const PROVIDER_SOURCE: &str = "linode-rs/linode";

/// The provider binary's command name as `/proc` shows it (15 characters at most).
pub const PROVIDER_COMM: &str = "terraform-provi";

/// A throwaway directory holding a configuration, a CLI config with the dev override, and the
/// environment that points the provider at an emulator.
pub struct Workdir {
    dir: tempfile::TempDir,
    scratch: tempfile::TempDir,
    terraform: PathBuf,
    env: Vec<(String, String)>,
}

/// The CLI config that maps the provider to `provider_dir`.
pub fn cli_config(provider_dir: &Path) -> String {
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_SOURCE}\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
        provider_dir.display()
    )
}

impl Workdir {
    /// An empty working directory for `terraform`, using the provider in `provider_dir`, against
    /// `mock` (when given).
    pub fn new(terraform: &Path, provider_dir: &Path, mock: Option<&Mock>) -> Res<Workdir> {
        let dir = tempfile::tempdir()?;
        let rc = dir.path().join("cli.tfrc");
        std::fs::write(&rc, cli_config(provider_dir))?;
        let mut env = vec![
            ("TF_CLI_CONFIG_FILE".to_string(), rc.display().to_string()),
            ("CHECKPOINT_DISABLE".to_string(), "1".to_string()),
            ("TF_IN_AUTOMATION".to_string(), "1".to_string()),
            ("TF_INPUT".to_string(), "0".to_string()),
        ];
        if let Some(m) = mock {
            env.push(("LINODE_URL".to_string(), m.api_url.clone()));
            env.push(("LINODE_TOKEN".to_string(), m.token.clone()));
        }
        Ok(Workdir {
            dir,
            scratch: tempfile::tempdir()?,
            terraform: terraform.to_path_buf(),
            env,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file into the directory.
    pub fn write(&self, name: &str, contents: &str) -> Res<()> {
        std::fs::write(self.path().join(name), contents)?;
        Ok(())
    }

    /// Copies the `*.tf` files of `config_dir` in, with the `*.yaml` and `*.json` files they read.
    pub fn copy_tf_files(&self, config_dir: &Path) -> Res<()> {
        for entry in std::fs::read_dir(config_dir)? {
            let path = entry?.path();
            if path
                .extension()
                .is_some_and(|e| e == "tf" || e == "yaml" || e == "json")
            {
                std::fs::copy(
                    &path,
                    self.path().join(path.file_name().ok_or("file name")?),
                )?;
            }
        }
        Ok(())
    }

    /// Sets an environment variable for every later command.
    pub fn set_env(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_string(), value.to_string()));
    }

    /// Runs `terraform ARGS`, timed, sampling the provider's peak RSS.
    pub fn run(&self, args: &[&str]) -> Res<Measured> {
        let mut cmd = Command::new(&self.terraform);
        cmd.args(args).current_dir(self.path()).env_remove("TF_LOG");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        Ok(run_watched(cmd, PROVIDER_COMM, self.scratch.path())?)
    }

    /// Runs a command that must exit with one of `codes`.
    pub fn run_expect(&self, args: &[&str], codes: &[i32]) -> Res<Measured> {
        let m = self.run(args)?;
        if !codes.contains(&m.code) {
            return Err(format!(
                "terraform {} exited {}:\n{}",
                args.join(" "),
                m.code,
                m.all()
            )
            .into());
        }
        Ok(m)
    }

    /// `terraform init`, untimed, for CLIs that need it with a dev override (1.15 and later);
    /// older ones use the override without it.
    pub fn init_if_needed(&self) -> Res<()> {
        let needs = version(&self.terraform)
            .and_then(|v| parse_version(&v))
            .is_some_and(|v| v >= (1, 15));
        if needs {
            self.run_expect(&["init", "-input=false", "-no-color"], &[0])?;
        }
        Ok(())
    }

    /// `terraform apply -auto-approve`, which must succeed.
    pub fn apply(&self) -> Res<Measured> {
        self.run_expect(
            &["apply", "-auto-approve", "-input=false", "-no-color"],
            &[0],
        )
    }

    /// `terraform plan` (with refresh); exit 0 = no changes, 2 = changes.
    pub fn plan(&self) -> Res<Measured> {
        self.run_expect(
            &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
            &[0, 2],
        )
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    pub fn destroy(&self) -> Res<Measured> {
        self.run_expect(
            &["destroy", "-auto-approve", "-input=false", "-no-color"],
            &[0],
        )
    }
}

/// `required_providers` naming this provider, and its (empty) configuration block.
fn linode_header() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    linode = {{\n      source = \"{PROVIDER_SOURCE}\"\n    }}\n  }}\n}}\n\nprovider \"linode\" {{}}\n"
    )
}

/// One `linode_domain` and `n` `linode_domain_record`s (A records) in it.
pub fn linode_records_config(n: usize) -> String {
    let header = linode_header();
    format!(
        r#"{header}
resource "linode_domain" "bench" {{
  domain    = "bench-{n}.example.com"
  type      = "master"
  soa_email = "hostmaster@bench-{n}.example.com"
  ttl_sec   = 300
}}

resource "linode_domain_record" "r" {{
  count = {n}

  domain_id   = linode_domain.bench.id
  name        = "host-${{count.index}}"
  record_type = "A"
  target      = "192.0.2.${{count.index % 250 + 1}}"
  ttl_sec     = 300
}}
"#
    )
}

/// The same graph in `terraform_data` (Terraform core's builtin provider): one parent and `n`
/// children carrying the same attributes, so only the provider differs.
pub fn terraform_data_config(n: usize) -> String {
    format!(
        r#"resource "terraform_data" "domain" {{
  input = {{
    domain    = "bench-{n}.example.com"
    type      = "master"
    soa_email = "hostmaster@bench-{n}.example.com"
    ttl_sec   = 300
  }}
}}

resource "terraform_data" "r" {{
  count = {n}

  input = {{
    domain_id   = terraform_data.domain.id
    name        = "host-${{count.index}}"
    record_type = "A"
    target      = "192.0.2.${{count.index % 250 + 1}}"
    ttl_sec     = 300
  }}
}}
"#
    )
}

/// `domains` `linode_domain`s with `records` A records each.
pub fn linode_fleet_config(domains: usize, records: usize) -> String {
    let header = linode_header();
    format!(
        r#"{header}
resource "linode_domain" "d" {{
  count = {domains}

  domain    = "fleet-${{count.index}}.example.com"
  type      = "master"
  soa_email = "hostmaster@fleet-${{count.index}}.example.com"
}}

resource "linode_domain_record" "r" {{
  count = {domains} * {records}

  domain_id   = linode_domain.d[floor(count.index / {records})].id
  name        = "host-${{count.index % {records}}}"
  record_type = "A"
  target      = "192.0.2.${{count.index % 250 + 1}}"
}}
"#
    )
}

/// The fleet's graph in `terraform_data`.
pub fn terraform_data_fleet_config(domains: usize, records: usize) -> String {
    format!(
        r#"resource "terraform_data" "d" {{
  count = {domains}

  input = {{
    domain    = "fleet-${{count.index}}.example.com"
    type      = "master"
    soa_email = "hostmaster@fleet-${{count.index}}.example.com"
  }}
}}

resource "terraform_data" "r" {{
  count = {domains} * {records}

  input = {{
    domain_id   = terraform_data.d[floor(count.index / {records})].id
    name        = "host-${{count.index % {records}}}"
    record_type = "A"
    target      = "192.0.2.${{count.index % 250 + 1}}"
  }}
}}
"#
    )
}

/// The first line of `terraform version`, e.g. `Terraform v1.11.4`.
pub fn version(terraform: &Path) -> Option<String> {
    let out = Command::new(terraform)
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .map(str::to_string)
}

/// `(major, minor)` of a `Terraform v1.11.4` line.
pub fn parse_version(line: &str) -> Option<(u32, u32)> {
    let v = line.trim().strip_prefix("Terraform v")?;
    let mut parts = v.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_have_n_instances_of_the_same_shape() {
        let l = linode_records_config(100);
        assert!(l.contains("count = 100"));
        assert!(l.contains("name        = \"host-${count.index}\""));
        assert!(l.contains("source = \"linode-rs/linode\""));
        let d = terraform_data_config(100);
        assert!(d.contains("count = 100"));
        assert!(d.contains("domain_id   = terraform_data.domain.id"));
        assert!(!d.contains("linode"));
    }

    #[test]
    fn versions() {
        assert_eq!(parse_version("Terraform v1.11.4"), Some((1, 11)));
        assert_eq!(parse_version("Terraform v1.15.5"), Some((1, 15)));
        assert_eq!(parse_version("OpenTofu v1.8.0"), None);
    }

    #[test]
    fn cli_config_has_the_dev_override() {
        let c = cli_config(Path::new("/x/target/release"));
        assert!(c.contains("\"linode-rs/linode\" = \"/x/target/release\""));
        assert!(c.contains("direct {}"));
    }
}
