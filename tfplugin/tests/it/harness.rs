//! The in-process harness against a small in-memory provider.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tfplugin::resource::*;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::testing::Harness;
use tfplugin::ephemeral::{CloseRequest, OpenRequest, OpenResponse};
use tfplugin::{
    AttributePath, EphemeralResource, ConfigureRequest, DataSource, Diagnostics, Provider, ProviderData, Resource, Val, Value,
    async_trait, validators,
};
use tokio::sync::Notify;

#[derive(Default)]
struct Store {
    next: i64,
    widgets: BTreeMap<String, WidgetModel>,
    /// When set, create waits on this forever (to test cancellation) after signalling `started`.
    hang: Option<Arc<Notify>>,
    /// With `hang`: return a partial object once Terraform stops the provider, as a create that
    /// already made something must.
    graceful_stop: bool,
    /// When set, the API "normalises" sizes and returns a different computed serial.
    misbehave: bool,
}

type Shared = Arc<Mutex<Store>>;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Part {
    name: String,
    qty: Val<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
struct WidgetModel {
    id: Val<String>,
    name: String,
    region: String,
    size: Val<i64>,
    serial: Val<i64>,
    labels: Val<BTreeMap<String, String>>,
    secret: Val<String>,
    part: Vec<Part>,
}

struct Widget;

#[async_trait]
impl Resource for Widget {
    fn type_name(&self) -> &str {
        "test_widget"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("id", Attribute::string().computed().use_state_for_unknown())
            .attr("name", Attribute::string().required().validate(validators::length_between(1, 10)))
            .attr("region", Attribute::string().required().requires_replace())
            .attr("size", Attribute::number().default(1).validate(validators::between(1.0, 100.0)))
            .attr("serial", Attribute::number().computed())
            .attr("labels", Attribute::map(tfplugin::Type::String).optional())
            .attr("secret", Attribute::string().optional().write_only())
            .block(
                "part",
                Block::list(
                    Schema::new()
                        .attr("name", Attribute::string().required())
                        .attr("qty", Attribute::number().optional().validate(validators::between(0.0, 5.0))),
                ),
            )
    }

    async fn validate(&self, req: &ValidateRequest, diags: &mut Diagnostics) {
        if req.config.get("name").and_then(Value::as_str) == Some("forbidden") {
            diags.error_at("name", "Forbidden name", "pick another one");
        }
    }

    async fn modify_plan(&self, req: &mut ModifyPlanRequest, _diags: &mut Diagnostics) {
        // A "pinned" widget has a serial known at plan time.
        if req.is_create() && req.plan.get("name").and_then(Value::as_str) == Some("pinned") {
            if let Value::Object(m) = &mut req.plan {
                m.insert("serial".into(), Value::from(42));
            }
            req.private.set("planned_by", &"modify_plan");
        }
    }

    async fn create(&self, req: CreateRequest, resp: &mut ApplyResponse) {
        let Some(store) = req.ctx.client::<Shared>(&mut resp.diagnostics).cloned() else { return };
        let Some(mut m) = req.plan_as::<WidgetModel>(&mut resp.diagnostics) else { return };
        assert_ne!(m.name, "boom", "widgets named boom crash the provider");
        let (hang, graceful) = {
            let s = store.lock().unwrap();
            (s.hang.clone(), s.graceful_stop)
        };
        if let Some(started) = hang {
            started.notify_one();
            if !graceful {
                std::future::pending::<()>().await;
            }
            req.ctx.cancellation().cancelled().await;
            m.id = Val::Known("w-partial".into());
            m.serial = Val::Known(0);
            resp.set_state(&m);
            resp.diagnostics.error("Interrupted", "stopped while waiting for the widget");
            return;
        }
        // The write-only secret is only in the configuration.
        assert_eq!(req.config.get("secret").and_then(Value::as_str), Some("hunter2"));
        assert!(m.secret.is_null());
        let mut s = store.lock().unwrap();
        s.next += 1;
        m.id = Val::Known(format!("w-{}", s.next));
        m.serial = m.serial.clone().resolve(Some(s.next * 10));
        if let Some(by) = req.private.get::<String>("planned_by") {
            resp.private.set("created_after", &by);
        }
        if s.misbehave {
            m.name = m.name.to_uppercase();
        }
        s.widgets.insert(m.id.get().unwrap().clone(), m.clone());
        resp.set_state(&m);
    }

    async fn read(&self, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(store) = req.ctx.client::<Shared>(&mut resp.diagnostics).cloned() else { return };
        let id = req.state.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
        match store.lock().unwrap().widgets.get(&id) {
            Some(m) => resp.set_state(m),
            None => resp.remove(),
        }
    }

    async fn update(&self, req: UpdateRequest, resp: &mut ApplyResponse) {
        let Some(store) = req.ctx.client::<Shared>(&mut resp.diagnostics).cloned() else { return };
        let Some(mut m) = req.plan_as::<WidgetModel>(&mut resp.diagnostics) else { return };
        let mut s = store.lock().unwrap();
        let prior = req.state.get("serial").and_then(Value::as_i64).unwrap_or(0);
        m.serial = Val::Known(if s.misbehave { 999 } else { prior + 1 });
        s.widgets.insert(m.id.get().unwrap().clone(), m.clone());
        resp.set_state(&m);
    }

    async fn delete(&self, req: DeleteRequest, diags: &mut Diagnostics) {
        let Some(store) = req.ctx.client::<Shared>(diags) else { return };
        let id = req.state.get("id").and_then(Value::as_str).unwrap_or_default();
        store.lock().unwrap().widgets.remove(id);
    }

    async fn import(&self, _req: ImportRequest, resp: &mut ImportResponse) {
        resp.passthrough_id("id");
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        // Version 0 called `name` "title" and had no parts.
        let mut json = req.json;
        if let Some(obj) = json.as_object_mut()
            && let Some(title) = obj.remove("title")
        {
            obj.insert("name".into(), title);
        }
        match serde_json::from_value::<serde_json::Map<String, serde_json::Value>>(json) {
            Ok(m) => {
                resp.set_attr("id", m.get("id").and_then(|v| v.as_str()).map(str::to_string));
                resp.set_attr("name", m.get("name").and_then(|v| v.as_str()).map(str::to_string));
                resp.set_attr("region", m.get("region").and_then(|v| v.as_str()).map(str::to_string));
                resp.set_attr("size", m.get("size").and_then(|v| v.as_i64()));
                resp.set_attr("serial", m.get("serial").and_then(|v| v.as_i64()));
                resp.set_attr("part", Value::list([]));
            }
            Err(e) => resp.diagnostics.error("bad state", e.to_string()),
        }
    }
}

struct Echo;

#[async_trait]
impl DataSource for Echo {
    fn type_name(&self) -> &str {
        "test_echo"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("input", Attribute::string().required()).attr("output", Attribute::string().computed())
    }

    async fn read(&self, req: tfplugin::data_source::DataSourceReadRequest, resp: &mut tfplugin::data_source::DataSourceReadResponse) {
        let input = req.config.get("input").and_then(Value::as_str).unwrap_or_default().to_string();
        resp.state = Value::object([("input", Value::from(input.clone())), ("output", Value::from(input.to_uppercase()))]);
    }
}

struct TestProvider(Shared);

#[async_trait]
impl Provider for TestProvider {
    fn type_name(&self) -> &str {
        "test"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("endpoint", Attribute::string().optional())
    }

    async fn configure(&self, _req: ConfigureRequest, _diags: &mut Diagnostics) -> Option<ProviderData> {
        Some(Arc::new(self.0.clone()))
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Widget)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Echo)]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(Token(self.0.clone()))]
    }
}

/// An ephemeral token: counts open tokens in the store's `next`.
struct Token(Shared);

#[async_trait]
impl EphemeralResource for Token {
    fn type_name(&self) -> &str {
        "test_token"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("scope", Attribute::string().required().validate(validators::one_of(&["read", "write"])))
            .attr("value", Attribute::string().computed().sensitive())
    }

    async fn open(&self, req: OpenRequest, resp: &mut OpenResponse) {
        let scope = req.config.get("scope").and_then(Value::as_str).unwrap_or_default().to_string();
        self.0.lock().unwrap().next += 1;
        resp.private.set("scope", &scope);
        resp.set_result(&serde_json::json!({ "value": format!("tok-{scope}") }));
    }

    async fn close(&self, req: CloseRequest, diags: &mut Diagnostics) {
        if req.private.get::<String>("scope").is_none() {
            diags.error("close without open", "");
        }
        self.0.lock().unwrap().next -= 1;
    }
}

async fn harness() -> (Harness, Shared) {
    let store: Shared = Arc::default();
    let h = Harness::new(TestProvider(store.clone()));
    let d = h.configure(Value::object([("endpoint", Value::from("http://x"))])).await;
    assert!(d.is_empty(), "{d}");
    (h, store)
}

fn config(name: &str, region: &str, parts: &[(&str, Option<i64>)]) -> Value {
    Value::object([
        ("name", Value::from(name)),
        ("region", Value::from(region)),
        ("secret", Value::from("hunter2")),
        (
            "part",
            Value::list(
                parts
                    .iter()
                    .map(|(n, q)| Value::object([("name", Value::from(*n)), ("qty", Value::from(*q))])),
            ),
        ),
    ])
}

const W: &str = "test_widget";

#[tokio::test]
async fn full_lifecycle() {
    let (h, store) = harness().await;

    let plan = h.plan_create(W, config("a", "eu", &[("bolt", Some(2))])).await;
    assert!(!plan.diagnostics.has_errors(), "{}", plan.diagnostics);
    assert!(plan.planned_state.get("id").unwrap().is_unknown());
    assert!(plan.planned_state.get("serial").unwrap().is_unknown());
    assert_eq!(plan.planned_state.get("size"), Some(&Value::from(1)));
    assert_eq!(plan.planned_state.get("secret"), Some(&Value::Null));

    let state = h.apply(&plan).await.expect_ok();
    assert_eq!(state.get("id"), Some(&Value::from("w-1")));
    assert_eq!(state.get("serial"), Some(&Value::from(10)));
    assert_eq!(state.get("secret"), Some(&Value::Null), "write-only values never reach state");

    // Refresh and a second plan: no changes.
    let state = h.read(W, &state).await.expect_ok();
    let again = h.plan_update(W, &state, config("a", "eu", &[("bolt", Some(2))])).await;
    assert!(!again.has_changes(), "unexpected diff: {:?}", again.planned_state);

    // In-place update keeps the id (use_state_for_unknown), re-plans serial.
    let upd = h.plan_update(W, &state, config("b", "eu", &[("bolt", Some(3))])).await;
    assert!(!upd.requires_replacement());
    assert_eq!(upd.planned_state.get("id"), Some(&Value::from("w-1")));
    assert!(upd.planned_state.get("serial").unwrap().is_unknown());
    let state = h.apply(&upd).await.expect_ok();
    assert_eq!(state.get("name"), Some(&Value::from("b")));
    assert_eq!(state.get("serial"), Some(&Value::from(11)));

    // Changing the region replaces.
    let rep = h.plan_update(W, &state, config("b", "us", &[])).await;
    assert_eq!(rep.requires_replace, vec![AttributePath::new("region")]);
    let state = h.apply(&rep).await.expect_ok();
    assert_eq!(state.get("id"), Some(&Value::from("w-2")));
    assert_eq!(store.lock().unwrap().widgets.len(), 1);

    // Import by id gives the same state.
    let imported = h.import(W, "w-2").await.expect_ok();
    assert_eq!(imported, state);

    // Destroy, then a read reports it gone.
    assert!(!h.destroy(W, &state).await.has_errors());
    assert!(h.read(W, &state).await.expect_ok().is_null());
    assert!(h.import(W, "w-2").await.diagnostics.has_errors());
}

#[tokio::test]
async fn validation_reports_attribute_paths() {
    let (h, _) = harness().await;
    let d = h.validate(W, config("much-too-long-name", "eu", &[("a", Some(1)), ("b", Some(9))])).await;
    let paths: Vec<_> = d.errors().map(|d| d.path.clone().unwrap().to_string()).collect();
    assert_eq!(paths, vec!["name".to_string(), "part[1].qty".to_string()]);

    let d = h.validate(W, config("forbidden", "eu", &[])).await;
    assert_eq!(d.errors().next().unwrap().summary, "Forbidden name");

    // Unknown values are not validated yet.
    let mut c = config("x", "eu", &[]);
    *c.get_mut("name").unwrap() = Value::unknown();
    assert!(h.validate(W, c).await.is_empty());

    // Type errors in the configuration carry their path too.
    let bad = Value::object([("name", Value::from("x")), ("region", Value::list([]))]);
    let d = h.validate(W, bad).await;
    assert_eq!(d.errors().next().unwrap().path, Some(AttributePath::new("region")));
}

#[tokio::test]
async fn write_only_needs_a_recent_terraform() {
    let store: Shared = Arc::default();
    let h = Harness::new(TestProvider(store)).legacy_client("1.0.3");
    assert!(h.configure(Value::object::<&str>([])).await.is_empty());
    let d = h.validate(W, config("a", "eu", &[])).await;
    assert_eq!(d.errors().next().unwrap().path, Some(AttributePath::new("secret")));
}

#[tokio::test]
async fn inconsistent_results_become_clear_diagnostics() {
    let (h, store) = harness().await;
    let state = h.create(W, config("a", "eu", &[])).await.expect_ok();
    store.lock().unwrap().misbehave = true;

    // A configured value that the API normalised keeps the configured value.
    let out = h.create(W, config("c", "eu", &[])).await;
    assert_eq!(out.clone().expect_ok().get("name"), Some(&Value::from("c")));

    // A computed value planned as known that changes is reported with its path.
    let mut plan = h.plan_update(W, &state, config("b", "eu", &[])).await;
    *plan.planned_state.get_mut("serial").unwrap() = Value::from(10);
    let out = h.apply(&plan).await;
    let err = out.diagnostics.errors().next().expect("an error");
    assert_eq!(err.summary, "Provider produced inconsistent result after apply");
    assert_eq!(err.path, Some(AttributePath::new("serial")));
    assert_eq!(err.detail, "was 10, but now 999");
    assert_eq!(out.state, state, "the prior state is kept");
}

#[tokio::test(start_paused = true)]
async fn stop_provider_cancels_work_in_flight() {
    let (h, store) = harness().await;
    let started = Arc::new(Notify::new());
    store.lock().unwrap().hang = Some(started.clone());
    let (out, ()) = tokio::join!(h.create(W, config("a", "eu", &[])), async {
        started.notified().await;
        h.stop().await;
    });
    let err = out.diagnostics.errors().next().expect("cancelled");
    assert_eq!(err.summary, "Operation cancelled");
    assert!(out.state.is_null());
}

#[tokio::test]
async fn a_stopped_create_that_returns_keeps_what_it_made() {
    let (h, store) = harness().await;
    let started = Arc::new(Notify::new());
    {
        let mut s = store.lock().unwrap();
        s.hang = Some(started.clone());
        s.graceful_stop = true;
    }
    let (out, ()) = tokio::join!(h.create(W, config("a", "eu", &[])), async {
        started.notified().await;
        h.stop().await;
    });
    let err = out.diagnostics.errors().next().expect("an error");
    assert_eq!(err.summary, "Interrupted");
    assert_eq!(out.state.get("id"), Some(&Value::from("w-partial")), "the partial object is reported");
}

#[tokio::test]
async fn state_upgrade_from_older_schema() {
    let (h, _) = harness().await;
    let out = h.upgrade_state(W, 0, r#"{"id":"w-9","title":"old","region":"eu","size":3,"serial":90}"#).await;
    let state = out.expect_ok();
    assert_eq!(state.get("name"), Some(&Value::from("old")));
    assert_eq!(state.get("part"), Some(&Value::list([])));

    // Same version: decoded as is, ignoring attributes the schema no longer has.
    let json = r#"{"id":"w-1","name":"n","region":"eu","size":1,"serial":1,"labels":null,"secret":null,"part":[],"gone":1}"#;
    let state = h.upgrade_state(W, 1, json).await.expect_ok();
    assert_eq!(state.get("id"), Some(&Value::from("w-1")));

    let newer = h.upgrade_state(W, 7, json).await;
    assert!(newer.diagnostics.has_errors());
}

#[tokio::test]
async fn data_source_read() {
    let (h, _) = harness().await;
    let out = h.read_data_source("test_echo", Value::object([("input", Value::from("hi"))])).await;
    assert_eq!(out.expect_ok().get("output"), Some(&Value::from("HI")));
}

#[tokio::test]
async fn models_round_trip_through_the_wire() {
    let (h, _) = harness().await;
    let mut c = config("a", "eu", &[("x", None)]);
    if let Value::Object(attrs) = &mut c {
        attrs.insert("labels".into(), Value::map([("team", Value::from("core"))]));
    }
    let state = h.create(W, c).await.expect_ok();
    let model: WidgetModel = state.to_model().unwrap();
    assert_eq!(model.labels.get().unwrap()["team"], "core");
    assert!(model.part[0].qty.is_null());
    let schema_type = Widget.schema().value_type();
    assert_eq!(Value::from_model(&model, &schema_type).unwrap(), state);
}

#[tokio::test]
async fn modify_plan_and_private_state() {
    let (h, _) = harness().await;
    let plan = h.plan_create(W, config("pinned", "eu", &[])).await;
    assert_eq!(plan.planned_state.get("serial"), Some(&Value::from(42)));
    let out = h.apply(&plan).await;
    let text = String::from_utf8(out.private.clone()).unwrap();
    assert!(text.contains("created_after"), "{text}");
    assert_eq!(out.expect_ok().get("serial"), Some(&Value::from(42)));
}

#[tokio::test]
async fn ephemeral_open_and_close() {
    let (h, store) = harness().await;
    let bad = h.open_ephemeral("test_token", Value::object([("scope", Value::from("admin"))])).await;
    assert_eq!(bad.diagnostics.errors().next().unwrap().path, Some(AttributePath::new("scope")));
    let out = h.open_ephemeral("test_token", Value::object([("scope", Value::from("read"))])).await;
    assert_eq!(out.state.get("value"), Some(&Value::from("tok-read")));
    assert_eq!(out.state.get("scope"), Some(&Value::from("read")), "set_result keeps configured attributes");
    assert_eq!(store.lock().unwrap().next, 1);
    assert!(h.close_ephemeral("test_token", out.private).await.is_empty());
    assert_eq!(store.lock().unwrap().next, 0);
}

#[tokio::test]
async fn panics_become_diagnostics() {
    let (h, _) = harness().await;
    let out = h.create(W, config("boom", "eu", &[])).await;
    let err = out.diagnostics.errors().next().expect("an error");
    assert_eq!(err.summary, "The provider panicked");
    assert!(err.detail.contains("widgets named boom crash the provider"), "{}", err.detail);
    // The provider keeps serving.
    assert!(!h.create(W, config("fine", "eu", &[])).await.diagnostics.has_errors());
}
