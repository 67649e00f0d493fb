//! Provider configurations users have, with real Terraform: an aliased provider whose Object
//! Storage keys come from a key made in the same configuration (unknown while planning), and a
//! Linode configuration file profile instead of a token.

use acceptance::Mock;
use acceptance::terraform::{Workdir, clis, each_cli};

#[test]
fn s3_keys_from_a_key_made_in_the_same_configuration() {
    each_cli("unknown provider arguments", |c| c.at_least(1, 5), |cli| {
        let mock = Mock::start(&[]);
        let wd = Workdir::empty(cli, &mock);
        wd.write(
            "main.tf",
            r#"
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}

resource "linode_object_storage_key" "ci" {
  label = "ci-key"
}

provider "linode" {
  alias          = "s3"
  obj_access_key = linode_object_storage_key.ci.access_key
  obj_secret_key = linode_object_storage_key.ci.secret_key
}

resource "linode_object_storage_bucket" "versioned" {
  provider   = linode.s3
  label      = "versioned-with-new-key"
  region     = "us-east"
  versioning = true
}
"#,
        );
        wd.init();
        wd.apply();
        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] second plan is not empty:\n{}", cli.name, again.all());
        wd.destroy();
        mock.assert_empty();
    });
}

#[test]
fn a_linode_config_file_profile_instead_of_a_token() {
    let cli = clis().into_iter().find(|c| c.at_least(1, 5)).expect("a Terraform CLI");
    let mock = Mock::start(&[]);
    let mut wd = Workdir::empty(&cli, &mock);
    wd.unset_env("LINODE_TOKEN");
    let file = wd.path().join("linode-cli.ini");
    std::fs::write(&file, format!("[default]\ntoken = stale\n\n[emulator]\ntoken = {}\n", mock.token)).unwrap();
    wd.write(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    linode = {{ source = "linode-rs/linode" }}
  }}
}}
provider "linode" {{
  config_path    = "{}"
  config_profile = "emulator"
}}
resource "linode_domain" "d" {{
  domain    = "profile.example"
  type      = "master"
  soa_email = "ops@profile.example"
}}
"#,
            file.display()
        ),
    );
    wd.init();
    wd.apply();
    wd.destroy();
    wd.write("main.tf", &std::fs::read_to_string(wd.path().join("main.tf")).unwrap().replace("\"emulator\"", "\"missing\""));
    let run = wd.run(&["plan", "-no-color", "-input=false"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stderr.contains("config_profile") || run.stdout.contains("config_profile"), "{}", run.all());
}
