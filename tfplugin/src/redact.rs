//! Keeping sensitive values out of diagnostics and logs.
//!
//! The value codecs know no schema, so a [`ValueError`] carries the offending value apart from
//! its message; before an error about an attribute marked
//! [`sensitive`](crate::schema::Attribute::sensitive) (or about anything inside one) leaves the
//! provider, the value is replaced by [`SENSITIVE`], the words Terraform itself uses.

use crate::path::{AttributePath, PathStep};
use crate::schema::Schema;
use crate::value::ValueError;

/// What a diagnostic says instead of a sensitive value.
pub(crate) const SENSITIVE: &str = "(sensitive value)";

/// Whether `path` is a sensitive attribute of `schema` or lies inside one (an element, a key, a
/// nested attribute or a nested block of it).
pub(crate) fn is_sensitive(schema: &Schema, path: &AttributePath) -> bool {
    let mut current = schema;
    for step in path.steps() {
        // Element steps select within the collection the previous attribute or block holds.
        let PathStep::Attr(name) = step else { continue };
        if let Some(attr) = current.attribute(name) {
            if attr.is_sensitive() {
                return true;
            }
            match attr.nested() {
                Some((_, body)) => current = body,
                None => return false,
            }
        } else if let Some(block) = current.nested_block(name) {
            current = block.body();
        } else {
            return false;
        }
    }
    false
}

/// `error`, with its value hidden when it is about a sensitive attribute of `schema`.
pub(crate) fn value_error(schema: &Schema, error: ValueError) -> ValueError {
    if is_sensitive(schema, &error.path) { error.redacted() } else { error }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block};
    use crate::value::{Type, Value};

    fn schema() -> Schema {
        Schema::new()
            .attr("label", Attribute::string().required())
            .attr("kubeconfig", Attribute::string().computed().sensitive())
            .attr("keys", Attribute::map(Type::Number).optional().sensitive())
            .attr(
                "pool",
                Attribute::list_nested(
                    Schema::new()
                        .attr("count", Attribute::number().required())
                        .attr("secret_key", Attribute::string().optional().sensitive()),
                ),
            )
            .block("ssl", Block::list(Schema::new().attr("ssl_key", Attribute::string().optional().sensitive())))
    }

    #[test]
    fn sensitive_attributes_and_everything_inside_them() {
        let s = schema();
        assert!(is_sensitive(&s, &AttributePath::new("kubeconfig")));
        assert!(is_sensitive(&s, &AttributePath::new("keys").key("a")));
        assert!(is_sensitive(&s, &AttributePath::new("pool").index(0).attr("secret_key")));
        assert!(is_sensitive(&s, &AttributePath::new("ssl").index(3).attr("ssl_key")));
        assert!(!is_sensitive(&s, &AttributePath::new("label")));
        assert!(!is_sensitive(&s, &AttributePath::new("pool").index(0).attr("count")));
        assert!(!is_sensitive(&s, &AttributePath::new("pool")));
        assert!(!is_sensitive(&s, &AttributePath::root()));
        assert!(!is_sensitive(&s, &AttributePath::new("nope")));
    }

    #[test]
    fn type_errors_on_sensitive_values_hide_the_value() {
        let s = schema();
        let ty = s.value_type();
        let bad = Value::object([("label", Value::from("x")), ("keys", Value::map([("k", Value::from("pin-hunter2"))]))]);
        let err = bad.conform(&ty).unwrap_err();
        assert_eq!(err.path, AttributePath::new("keys").key("k"));
        assert!(err.to_string().contains("hunter2"), "unredacted, conform shows the value: {err}");
        let shown = value_error(&s, err).to_string();
        assert_eq!(shown, format!("keys[\"k\"]: not a number: {SENSITIVE}"));

        let json = br#"{"label":"x","kubeconfig":["apiVersion: v1 token=hunter2"]}"#;
        let err = Value::from_json(json, &ty).unwrap_err();
        assert!(err.to_string().contains("hunter2"), "unredacted, the codec shows the value: {err}");
        let shown = value_error(&s, err).to_string();
        assert!(!shown.contains("hunter2") && shown.contains(SENSITIVE), "{shown}");

        // Not sensitive: the value stays, it helps.
        let json = br#"{"label":["visible"]}"#;
        let shown = value_error(&s, Value::from_json(json, &ty).unwrap_err()).to_string();
        assert!(shown.contains("visible"), "{shown}");
    }

    /// A resource whose create returns whatever the test asks, through the real gRPC service.
    struct Leaky(fn(&mut Value));

    #[crate::async_trait]
    impl crate::Resource for Leaky {
        fn type_name(&self) -> &str {
            "x_leaky"
        }
        fn schema(&self) -> Schema {
            Schema::new()
                .attr("id", Attribute::string().computed())
                .attr("kubeconfig", Attribute::string().optional().computed().sensitive())
                .attr("pin", Attribute::number().computed().sensitive())
        }
        async fn create(&self, _: crate::resource::CreateRequest, resp: &mut crate::resource::ApplyResponse) {
            (self.0)(&mut resp.state);
        }
        async fn read(&self, _: crate::resource::ReadRequest, _: &mut crate::resource::ReadResponse) {}
        async fn update(&self, _: crate::resource::UpdateRequest, _: &mut crate::resource::ApplyResponse) {}
        async fn delete(&self, _: crate::resource::DeleteRequest, _: &mut crate::Diagnostics) {}
    }

    struct P(fn(&mut Value));

    #[crate::async_trait]
    impl crate::Provider for P {
        fn type_name(&self) -> &str {
            "x"
        }
        fn resources(&self) -> Vec<std::sync::Arc<dyn crate::Resource>> {
            vec![std::sync::Arc::new(Leaky(self.0))]
        }
    }

    async fn apply(f: fn(&mut Value)) -> crate::Diagnostics {
        let h = crate::testing::Harness::new(P(f));
        let config = Value::object([("kubeconfig", Value::from("planned-kubeconfig-s3cr3t"))]);
        h.create("x_leaky", config).await.diagnostics
    }

    /// Called directly: through the service, a configured value comes back as planned
    /// (`restore_configured`), so only a provider bug in nested values reaches this check.
    #[test]
    fn inconsistent_sensitive_apply_results_are_reported_without_the_values() {
        let schema = crate::Resource::schema(&Leaky(|_| {}));
        let planned = Value::object([
            ("id", Value::from("1")),
            ("kubeconfig", Value::from("planned-kubeconfig-s3cr3t")),
            ("pin", Value::from(1234)),
        ]);
        let new = Value::object([
            ("id", Value::from("1")),
            ("kubeconfig", Value::from("changed-kubeconfig-s3cr3t")),
            ("pin", Value::from(1234)),
        ]);
        let diags = crate::plan::check_apply_result(&schema, &planned, &new);
        let d = diags.iter().find(|d| d.summary == "Provider produced inconsistent result after apply").expect("reported");
        assert_eq!(d.path, Some(AttributePath::new("kubeconfig")));
        assert_eq!(d.detail, format!("was {SENSITIVE}, but now {SENSITIVE}"));
        assert!(!diags.to_string().contains("s3cr3t"), "{diags}");
    }

    #[tokio::test]
    async fn type_errors_on_sensitive_results_are_reported_without_the_values() {
        let diags = apply(|state| {
            *state = Value::object([
                ("id", Value::from("1")),
                ("kubeconfig", Value::from("planned-kubeconfig-s3cr3t")),
                ("pin", Value::from("pin-s3cr3t")),
            ]);
        })
        .await;
        assert!(diags.has_errors(), "the string is no number");
        let d = diags.iter().find(|d| d.path == Some(AttributePath::new("pin"))).expect("about pin");
        assert_eq!(d.detail, format!("not a number: {SENSITIVE}"));
        assert!(!diags.to_string().contains("s3cr3t"), "{diags}");
    }

    /// `set_state`, `set_plan`, `set_result` and `set_json` decode what a provider hands them;
    /// their errors go through the same redaction as the server's own decoding.
    #[test]
    fn errors_of_the_response_setters_hide_sensitive_values() {
        let shape = std::sync::Arc::new(crate::schema::Shape::new(crate::Resource::schema(&Leaky(|_| {}))));
        let mut resp = crate::resource::UpgradeStateResponse {
            state: Value::Null,
            diagnostics: crate::Diagnostics::new(),
            shape,
        };
        resp.set_json(&serde_json::json!({"id": "1", "kubeconfig": "k", "pin": "pin-s3cr3t"}));
        resp.set_state(&serde_json::json!({"id": "1", "pin": "pin-s3cr3t"}));
        let shown = resp.diagnostics.to_string();
        assert_eq!(resp.diagnostics.errors().count(), 2, "{shown}");
        assert!(resp.diagnostics.errors().all(|d| d.path == Some(AttributePath::new("pin"))), "{shown}");
        assert!(!shown.contains("s3cr3t") && shown.contains(SENSITIVE), "{shown}");
    }
}
