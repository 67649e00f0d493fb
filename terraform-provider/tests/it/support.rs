//! Test environment: an emulator and a configured provider harness.

use std::time::Duration;

use linode_mock::{MockHandle, MockServer};
use linode_sdk::Client;
use terraform_provider_linode::LinodeProvider;
use tfplugin::testing::Harness;
use tfplugin::{Diagnostics, Value};

/// An emulator and a provider configured against it.
pub struct Env {
    /// The emulator (its request log counts API calls; `set_faults` injects failures).
    pub mock: MockHandle,
    /// The provider, configured.
    pub h: Harness,
}

/// Starts an emulator with short provisioning delays and configures the provider against it
/// with the emulator's root S3 keys.
pub async fn setup() -> Env {
    setup_with(|b| b).await
}

/// [`setup`] with a customised emulator.
pub async fn setup_with(
    customize: impl FnOnce(linode_mock::MockServerBuilder) -> linode_mock::MockServerBuilder,
) -> Env {
    let builder = MockServer::builder()
        .node_ready_delay(Duration::from_millis(100))
        .kubeconfig_delay(Duration::from_millis(50));
    let mock = customize(builder).start().await.expect("start linode-mock");
    let h = Harness::new(LinodeProvider::with_env(|_| None));
    let diags = h.configure(provider_config(&mock)).await;
    assert_no_errors(&diags);
    Env { mock, h }
}

/// The provider block used by [`setup`].
pub fn provider_config(mock: &MockHandle) -> Value {
    Value::object([
        ("token", Value::from(mock.token())),
        ("url", Value::from(mock.api_url())),
        ("event_poll_ms", Value::from(50)),
        ("lke_node_ready_poll_ms", Value::from(50)),
        ("min_retry_delay_ms", Value::from(10)),
        ("max_retry_delay_ms", Value::from(50)),
        ("obj_access_key", Value::from(mock.s3_access_key())),
        ("obj_secret_key", Value::from(mock.s3_secret_key())),
    ])
}

/// Panics with every diagnostic when there is an error.
pub fn assert_no_errors(diags: &Diagnostics) {
    assert!(!diags.has_errors(), "unexpected errors: {diags:#?}");
}

/// Asserts an error whose attribute path starts with `attr` (e.g. `"region"` or `"pool"`).
pub fn assert_error_on(diags: &Diagnostics, attr: &str) {
    let found = diags.errors().any(|d| d.path.as_ref().is_some_and(|p| p.to_string().starts_with(attr)));
    assert!(found, "expected an error on {attr:?}, got {diags:#?}");
}

/// Number of API requests the emulator logged (admin calls excluded).
pub fn api_calls(mock: &MockHandle) -> usize {
    mock.requests().len()
}

/// A linode-sdk client for the emulator (to make or inspect objects behind the provider's back).
pub fn sdk(env: &Env) -> Client {
    Client::builder().token(env.mock.token()).base_url(env.mock.api_url()).build().expect("sdk client")
}

/// An object value from attribute pairs.
pub fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (*k, v.clone())))
}

/// Attribute `attr` of a state, which must have it.
pub fn get<'a>(state: &'a Value, attr: &str) -> &'a Value {
    state.get(attr).unwrap_or_else(|| panic!("no attribute {attr} in {state:?}"))
}

/// A state's numeric `id` (stored as a string).
pub fn id_of(state: &Value) -> u64 {
    get(state, "id").as_str().expect("id").parse().expect("numeric id")
}
