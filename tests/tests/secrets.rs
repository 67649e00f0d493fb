//! The secrets scenario (examples/terraform/secrets) with the newest Terraform (1.11 or later for
//! write-only attributes): the Grafana admin password goes into the versioned bucket through
//! `value_wo`, and appears neither in terraform.tfstate nor in Terraform's and the provider's
//! logs at TF_LOG=trace; bumping `value_wo_version` writes a new version; destroy leaves the
//! emulator empty. The ephemeral `linode_secret` copies the value into a second secret, just as
//! invisibly.

use acceptance::terraform::{Workdir, newest};
use acceptance::{Mock, paths};

/// A value no log line or state field would hold by chance.
fn distinctive(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{label}-{nanos:x}-{:x}-Zq7", std::process::id())
}

fn assert_absent(haystack: &str, needle: &str, what: &str) {
    assert!(!haystack.contains(needle), "the secret value appears in {what}");
}

#[test]
fn secret_value_never_reaches_state_or_trace_logs() {
    let cli = newest();
    assert!(
        cli.at_least(1, 11),
        "Terraform {} has no write-only attributes; the secrets scenario needs 1.11 or later (run scripts/setup-tools.sh)",
        cli.name
    );
    let mock = Mock::start(&[]);
    let mut wd = Workdir::new(&cli, &paths::example("secrets"), &mock);
    let password = distinctive("grafana");
    // Any 32 bytes as hex; the key itself must not leak either.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(1);
    let key = format!("{:032x}{:032x}", nanos, nanos.rotate_left(64) ^ 0x5eed_cafe_f00d);
    let log = wd.path().join("trace.log");
    wd.set_env("TF_VAR_grafana_admin_password", &password);
    wd.set_env("LINODE_SECRETS_KEY", &key);
    wd.set_env("LINODE_OBJ_ACCESS_KEY", &mock.s3_access_key);
    wd.set_env("LINODE_OBJ_SECRET_KEY", &mock.s3_secret_key);
    wd.set_env("TF_LOG", "trace");
    wd.set_env("TF_LOG_PATH", &log.display().to_string());

    wd.init();
    let applied = wd.apply();
    let again = wd.plan_exit_code();
    assert_eq!(again.code, 0, "[{}] second plan is not empty:\n{}", cli.name, again.all());

    let secret = wd.resource_values("linode_secret.grafana_admin");
    let first_version = secret["version_id"].as_str().expect("version_id in state").to_string();
    assert!(secret["value_wo"].is_null(), "value_wo in state: {secret}");
    let outputs = wd.outputs();
    assert_eq!(outputs["grafana_admin_version"]["value"], first_version.as_str());
    assert_eq!(outputs["grafana_admin_due"]["value"], false);
    assert_eq!(outputs["platform_missing"]["value"], serde_json::json!(["vllm-api-key"]));

    // Rotation: a new value with a bumped version writes a new object version.
    let rotated = distinctive("rotated");
    wd.set_env("TF_VAR_grafana_admin_password", &rotated);
    let main = std::fs::read_to_string(wd.path().join("main.tf")).expect("main.tf");
    wd.write("main.tf", &main.replace("value_wo_version = 1", "value_wo_version = 2"));
    let rotation = wd.apply();
    let after = wd.resource_values("linode_secret.grafana_admin");
    assert_ne!(after["version_id"], first_version.as_str(), "no new version after the bump");

    // The ephemeral resource reads the value for one run only: copy it into a second secret
    // through its write-only attribute.
    wd.write(
        "copy.tf",
        r#"
ephemeral "linode_secret" "grafana_admin" {
  bucket = linode_secret.grafana_admin.bucket
  region = linode_secret.grafana_admin.region
  name   = linode_secret.grafana_admin.name
}

resource "linode_secret" "grafana_admin_copy" {
  bucket           = linode_secret.grafana_admin.bucket
  region           = linode_secret.grafana_admin.region
  name             = "backup/grafana-admin-password"
  value_wo         = ephemeral.linode_secret.grafana_admin.value
  value_wo_version = 1
}
"#,
    );
    let copy = wd.apply();
    let copied = wd.resource_values("linode_secret.grafana_admin_copy");
    assert!(copied["version_id"].as_str().is_some_and(|v| !v.is_empty()), "{copied}");

    let state = wd.state_file();
    let trace = std::fs::read_to_string(&log).expect("TF_LOG_PATH written");
    assert!(trace.contains("linode_secret"), "the trace log does not cover the provider");
    for value in [&password, &rotated] {
        assert_absent(&state, value, "terraform.tfstate");
        assert_absent(&trace, value, "the TF_LOG=trace log");
        assert_absent(&applied.all(), value, "apply's output");
        assert_absent(&rotation.all(), value, "apply's output");
        assert_absent(&copy.all(), value, "apply's output");
    }
    assert_absent(&trace, &key, "the TF_LOG=trace log (master key)");

    wd.destroy();
    mock.assert_empty();
}
