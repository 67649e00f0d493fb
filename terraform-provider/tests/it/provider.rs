//! The provider block: configuration errors are diagnostics on the attribute, never crashes.

use terraform_provider_linode::LinodeProvider;
use tfplugin::Value;
use tfplugin::testing::Harness;

use crate::support::{assert_error_on, assert_no_errors, setup};

#[tokio::test]
async fn missing_token_is_an_error_on_token() {
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let diags = h.configure(Value::object::<&str>([])).await;
    assert_error_on(&diags, "token");
}

#[tokio::test]
async fn bad_api_version_is_an_error_on_api_version() {
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let diags = h
        .configure(Value::object([("token", Value::from("t")), ("api_version", Value::from("v5"))]))
        .await;
    assert_error_on(&diags, "api_version");
}

#[tokio::test]
async fn environment_supplies_the_token() {
    let h = Harness::new(LinodeProvider::with_env(|k| (k == "LINODE_TOKEN").then(|| "from-env".to_string())));
    assert_no_errors(&h.configure(Value::object::<&str>([])).await);
}

#[tokio::test]
async fn configures_against_the_emulator() {
    let env = setup().await;
    assert!(env.mock.token().len() > 1);
}

#[tokio::test]
async fn a_linode_config_file_profile_supplies_token_and_url() {
    let env = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("linode");
    std::fs::write(
        &path,
        format!("[default]\ntoken = wrong-token\n\n[emulator]\ntoken = {}\napi_url = {}\n", env.mock.token(), env.mock.api_url()),
    )
    .unwrap();
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let config = |profile: &str, token: Option<&str>| {
        Value::object([
            ("config_path", Value::from(path.display().to_string())),
            ("config_profile", Value::from(profile)),
            ("token", token.map_or(Value::Null, Value::from)),
        ])
    };
    assert_no_errors(&h.configure(config("emulator", None)).await);
    let clusters = h.read_data_source("linode_lke_clusters", Value::object::<&str>([])).await;
    assert_no_errors(&clusters.diagnostics);

    // The token argument overrides the profile's (a wrong one is then rejected by the API).
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    assert_no_errors(&h.configure(config("emulator", Some("overridden"))).await);
    let denied = h.read_data_source("linode_lke_clusters", Value::object::<&str>([])).await;
    assert_error_on(&denied.diagnostics, "token");

    let h = Harness::new(LinodeProvider::with_env(|_| None));
    assert_error_on(&h.configure(config("production", None)).await, "config_profile");
}

#[tokio::test]
async fn provider_arguments_unknown_at_plan_time_are_accepted() {
    let env = setup().await;
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let mut config = crate::support::provider_config(&env.mock);
    if let Value::Object(m) = &mut config {
        m.insert("obj_access_key".into(), Value::unknown());
        m.insert("obj_secret_key".into(), Value::unknown());
    }
    assert_no_errors(&h.configure(config).await);
    // Versioning needs S3 keys: the provider's keys are not known yet, so the plan counts on them.
    let bucket = Value::object([
        ("label", Value::from("pending-keys")),
        ("region", Value::from("us-east")),
        ("versioning", Value::from(true)),
    ]);
    let plan = h.plan_create("linode_object_storage_bucket", bucket).await;
    assert_no_errors(&plan.diagnostics);

    // An unknown token: nothing can be checked against the API while planning, and that is no error.
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let diags = h.configure(Value::object([("token", Value::unknown())])).await;
    assert_no_errors(&diags);
}
