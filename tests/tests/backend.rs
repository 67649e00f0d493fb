//! Terraform state kept in the emulator's versioned `infra-state` bucket through Terraform's own
//! s3 backend (examples/terraform/backend-s3): local state migrates into the bucket, a plan from
//! the remote state has no changes, and the bucket keeps the state's versions.

use acceptance::terraform::{Workdir, clis};
use acceptance::{Mock, paths};

const STATE_KEY: &str = "stacks/dns/terraform.tfstate";

#[test]
fn state_migrates_into_the_versioned_infra_state_bucket() {
    // The s3 backend options the example uses (use_path_style, use_lockfile, ...) need 1.6+;
    // `init` with a development override needs 1.15.
    let Some(cli) = clis().into_iter().filter(|c| c.at_least(1, 15)).max_by_key(|c| c.version) else {
        panic!("Terraform 1.15 is needed for the backend test: run scripts/setup-tools.sh");
    };
    let mock = Mock::start(&[]);

    // 1. The state bucket itself, with versioning on, created by the provider.
    let mut bucket = Workdir::empty(&cli, &mock);
    bucket.set_env("LINODE_OBJ_ACCESS_KEY", &mock.s3_access_key);
    bucket.set_env("LINODE_OBJ_SECRET_KEY", &mock.s3_secret_key);
    bucket.write(
        "main.tf",
        r#"
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}
provider "linode" {
  # The bucket ends up holding state versions: empty it when the test cleans up.
  obj_bucket_force_delete = true
}
resource "linode_object_storage_bucket" "infra_state" {
  label      = "infra-state"
  region     = "fr-par"
  versioning = true
}
"#,
    );
    bucket.init();
    bucket.apply();

    // 2. The stack, first with local state (the example without its backend block).
    let example = std::fs::read_to_string(paths::example("backend-s3").join("main.tf")).expect("example");
    let start = example.find("  backend \"s3\" {").expect("backend block");
    let end = start + example[start..].find("\n  }\n").expect("end of backend block") + "\n  }\n".len();
    let local_only = format!("{}{}", &example[..start], &example[end..]);
    let mut stack = Workdir::empty(&cli, &mock);
    stack.use_filesystem_mirror();
    stack.write("main.tf", &local_only);
    stack.ok(&["init", "-input=false", "-no-color"]);
    stack.apply();
    assert!(stack.state_file().contains("state.example.org"), "local state holds the domain");

    // 3. Add the backend and migrate.
    stack.write("main.tf", &example);
    stack.write(
        "backend.hcl",
        &format!(
            "endpoints = {{ s3 = \"{}\" }}\naccess_key = \"{}\"\nsecret_key = \"{}\"\n",
            mock.s3_url, mock.s3_access_key, mock.s3_secret_key
        ),
    );
    stack.ok(&["init", "-input=false", "-no-color", "-migrate-state", "-force-copy", "-backend-config=backend.hcl"]);
    let plan = stack.plan_exit_code();
    assert_eq!(plan.code, 0, "plan from the remote state is not empty:\n{}", plan.all());

    // 4. Another apply writes another state version.
    stack.ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-replace=linode_domain.stack"]);
    let state = mock.state();
    let versions = state["buckets"]["fr-par/infra-state"]["objects"][STATE_KEY].as_array().cloned().unwrap_or_default();
    let live: Vec<_> = versions.iter().filter(|v| v["delete_marker"] != true).collect();
    assert!(live.len() >= 2, "the bucket should hold several versions of {STATE_KEY}: {versions:?}");
    let remote = stack.ok(&["state", "pull"]).stdout;
    assert!(remote.contains("state.example.org"), "state pull reads the remote state");

    stack.destroy();
    bucket.ok(&["apply", "-auto-approve", "-input=false", "-no-color", "-destroy"]);
}
