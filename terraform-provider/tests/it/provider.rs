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
