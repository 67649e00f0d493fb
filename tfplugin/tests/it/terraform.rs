//! The example provider driven by the real Terraform CLI (mTLS on): plan, apply, a no-op plan,
//! update in place, replace, import, destroy; on every Terraform found (see
//! `tfplugin::testing::terraform::available_clis`).

use tfplugin::testing::terraform::{CI_CLIS, TerraformCli, Workdir, assert_ran, available_clis, first_cli};

use crate::support::example_binary;

const TIMEOUTS: &str = r#"timeouts {
    create = "1m"
  }"#;

const CONFIG: &str = r#"
terraform {
  required_providers {
    example = { source = "example.com/test/example" }
  }
}
variable "root" {}
variable "path" { default = "a.txt" }
variable "content" { default = "hello" }
provider "example" { root = var.root }
resource "example_file" "f" {
  path    = var.path
  content = var.content
  MODE
  tag {
    name  = "env"
    value = "dev"
  }
  tag {
    name  = "app"
    value = "web"
  }
  TIMEOUTS
}
data "example_file" "d" {
  path = example_file.f.path
}
output "size" { value = example_file.f.size }
output "read_back" { value = data.example_file.d.content }
"#;

/// The configuration: `mode = "644"` (stored as `0644`), tags in an order the provider does not
/// store them in (it sorts them), and a timeouts block.
fn config_with_timeouts() -> String {
    CONFIG.replace("TIMEOUTS", TIMEOUTS).replace("MODE", "mode = \"644\"")
}

fn cycle(cli: &TerraformCli) {
    let wd = Workdir::new(cli, "example.com/test/example", &example_binary()).expect("workdir");
    wd.write_config(&config_with_timeouts()).expect("config");
    let root = wd.path().join("files");
    std::fs::create_dir_all(&root).unwrap();
    let root_var = format!("root={}", root.display());
    let vars = |extra: &[&str]| {
        let mut v = vec!["-var".to_string(), root_var.clone()];
        for e in extra {
            v.push("-var".into());
            v.push((*e).to_string());
        }
        v
    };
    let run = |cmd: &[&str], extra: &[&str], code: i32| {
        let mut args: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        args.extend(["-no-color".to_string(), "-input=false".to_string()]);
        args.extend(vars(extra));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        wd.run_expect(&args, code)
    };

    if cli.init_supports_dev_overrides() {
        wd.run_expect(&["init", "-no-color", "-input=false"], 0);
    }

    let out = run(&["plan", "-detailed-exitcode"], &[], 2);
    assert!(out.contains("size    = (known after apply)"), "{out}");
    let out = run(&["apply", "-auto-approve"], &[], 0);
    assert!(out.contains("1 added, 0 changed, 0 destroyed"), "{out}");
    assert!(out.contains("read_back = \"hello\""), "{out}");
    assert_eq!(std::fs::read_to_string(root.join("a.txt")).unwrap(), "hello");

    // A second plan has nothing to do: the tags read back sorted keep the configured order
    // (keyed list block), and "0644" read back is "644" (semantic equality).
    let out = run(&["plan", "-detailed-exitcode"], &[], 0);
    assert!(out.contains("No changes"), "{out}");
    let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap();
    assert!(state.find("\"env\"").unwrap() < state.find("\"app\"").unwrap(), "configured order kept: {state}");
    assert!(state.contains("\"mode\": \"644\""), "configured form kept: {state}");

    // A plan-time check with the provider's data: the directory must exist.
    let out = run(&["plan"], &["path=missing/a.txt"], 1);
    assert!(out.contains("Directory does not exist"), "{out}");

    // Update in place.
    let out = run(&["apply", "-auto-approve"], &["content=hello, world"], 0);
    assert!(out.contains("updated in-place"), "{out}");
    assert!(out.contains("0 added, 1 changed, 0 destroyed"), "{out}");
    assert!(out.contains("size = 12"), "{out}");
    assert_eq!(std::fs::read_to_string(root.join("a.txt")).unwrap(), "hello, world");

    // Replace.
    let out = run(&["apply", "-auto-approve"], &["content=hello, world", "path=b.txt"], 0);
    assert!(out.contains("must be replaced"), "{out}");
    assert!(out.contains("1 added, 0 changed, 1 destroyed"), "{out}");
    assert!(!root.join("a.txt").exists());

    // Import (timeouts are configuration-only, so an imported state has none: drop them; an
    // import has no configured order or form to keep, so write tags and mode as stored).
    let stored_form = CONFIG
        .replace("TIMEOUTS", "")
        .replace("MODE", "")
        .replace("name  = \"env\"\n    value = \"dev\"", "name  = \"APP\"")
        .replace("name  = \"app\"\n    value = \"web\"", "name  = \"env\"\n    value = \"dev\"")
        .replace("name  = \"APP\"", "name  = \"app\"\n    value = \"web\"");
    wd.write_config(&stored_form).expect("config");
    wd.run_expect(&["state", "rm", "-no-color", "example_file.f"], 0);
    let mut args = vec!["import", "-no-color", "-input=false"];
    let v = vars(&["content=hello, world", "path=b.txt"]);
    args.extend(v.iter().map(String::as_str));
    args.extend(["example_file.f", "b.txt"]);
    let out = wd.run_expect(&args, 0);
    assert!(out.contains("Import successful"), "{out}");
    // The imported state matches: applying changes no resource (1.0.3 still records outputs).
    let out = run(&["apply", "-auto-approve"], &["content=hello, world", "path=b.txt"], 0);
    assert!(out.contains("0 added, 0 changed, 0 destroyed"), "{out}");
    let out = run(&["plan", "-detailed-exitcode"], &["content=hello, world", "path=b.txt"], 0);
    assert!(out.contains("No changes"), "{out}");

    // Destroy.
    let out = run(&["destroy", "-auto-approve"], &["content=hello, world", "path=b.txt"], 0);
    assert!(out.contains("1 destroyed"), "{out}");
    assert!(!root.join("b.txt").exists());
}

#[test]
fn terraform_cli_cycle() {
    let mut ran = Vec::new();
    for cli in &available_clis() {
        eprintln!("running the cycle with Terraform {} ({})", cli.version().unwrap_or_default(), cli.label);
        cycle(cli);
        ran.push(cli.label.clone());
    }
    assert_ran("the resource cycle", &ran, &CI_CLIS.map(|(label, _)| label));
}

#[test]
fn plaintext_when_terraform_disables_tls() {
    let Some(cli) = first_cli("the plaintext test") else { return };
    let mut wd = Workdir::new(&cli, "example.com/test/example", &example_binary()).expect("workdir");
    wd.env("TF_DISABLE_PLUGIN_TLS", "1");
    let root = wd.path().join("files");
    std::fs::create_dir_all(&root).unwrap();
    wd.write_config(&CONFIG.replace("TIMEOUTS", "").replace("MODE", "")).unwrap();
    let root_var = format!("root={}", root.display());
    let out = wd.run_expect(&["apply", "-auto-approve", "-no-color", "-input=false", "-var", &root_var], 0);
    assert!(out.contains("1 added"), "{out}");
    wd.run_expect(&["destroy", "-auto-approve", "-no-color", "-input=false", "-var", &root_var], 0);
}

/// Ephemeral resources (Terraform 1.10+) feeding write-only attributes (1.11+).
#[test]
fn ephemeral_value_into_write_only_attribute() {
    let recent: Vec<_> = available_clis().into_iter().filter(|cli| cli.at_least(1, 11)).collect();
    let mut ran = Vec::new();
    for cli in &recent {
        let wd = Workdir::new(cli, "example.com/test/example", &example_binary()).expect("workdir");
        let root = wd.path().join("files");
        std::fs::create_dir_all(&root).unwrap();
        wd.write_config(&format!(
            r#"
terraform {{
  required_providers {{
    example = {{ source = "example.com/test/example" }}
  }}
}}
provider "example" {{ root = "{}" }}
ephemeral "example_token" "t" {{
  scope = "deploy"
}}
resource "example_file" "f" {{
  path    = "s.txt"
  content = "x"
  secret  = ephemeral.example_token.t.value
}}
"#,
            root.display()
        ))
        .unwrap();
        if cli.init_supports_dev_overrides() {
            wd.run_expect(&["init", "-no-color", "-input=false"], 0);
        }
        let out = wd.run_expect(&["apply", "-auto-approve", "-no-color", "-input=false"], 0);
        assert!(out.contains("1 added"), "{out}");
        assert_eq!(std::fs::read_to_string(root.join("s.txt.secret")).unwrap(), "token-deploy");
        let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).unwrap();
        assert!(!state.contains("token-deploy"), "write-only values must not reach state");
        wd.run_expect(&["plan", "-detailed-exitcode", "-no-color", "-input=false"], 0);
        wd.run_expect(&["destroy", "-auto-approve", "-no-color", "-input=false"], 0);
        assert!(!root.join("s.txt.secret").exists());
        ran.push(cli.label.clone());
    }
    let required: Vec<_> = CI_CLIS.iter().filter(|(_, v)| (v.0, v.1) >= (1, 11)).map(|(label, _)| *label).collect();
    assert_ran("the ephemeral to write-only test", &ran, &required);
}
