//! Helpers for [`Resource::upgrade_state`](crate::Resource::upgrade_state): state written by
//! another implementation of the same resource type.
//!
//! Providers built on terraform-plugin-sdk/v2 store an optional attribute the configuration
//! leaves unset as its type's zero value (`""`, `0`, `false`, `[]`, `{}`), not as null, and
//! their legacy type system lets Terraform accept that. Taken over as it is, such a state plans
//! a change for every one of those attributes (null in configuration, a zero value in state).
//! [`sdkv2_zero_values_to_null`] turns them back into null, which is what a resource written on
//! this crate stores; declare a schema version above the other provider's and call it from
//! `upgrade_state` for the older version, so it runs once.
//!
//! ```
//! use tfplugin::schema::{Attribute, Schema};
//! use tfplugin::upgrade::sdkv2_zero_values_to_null;
//!
//! let schema = Schema::new()
//!     .attr("id", Attribute::string().computed())
//!     .attr("description", Attribute::string().optional())
//!     .attr("status", Attribute::string().optional().computed());
//! let mut state = serde_json::json!({"id": "1", "description": "", "status": ""});
//! sdkv2_zero_values_to_null(&schema, &mut state);
//! assert_eq!(state, serde_json::json!({"id": "1", "description": null, "status": ""}));
//! ```

use serde_json::Value as Json;

use crate::schema::{AttributeNesting, BlockNesting, Schema};

/// Replaces the zero values of optional, non-computed attributes by null, in the object and in
/// its nested blocks (computed attributes keep what was stored: they are the API's values).
pub fn sdkv2_zero_values_to_null(schema: &Schema, state: &mut Json) {
    sdkv2_zero_values_to_null_except(schema, state, &[]);
}

/// [`sdkv2_zero_values_to_null`], except for the top-level attributes in `keep`: those whose
/// zero value is a real, configured value in this state (e.g. an SRV record's `priority = 0`).
pub fn sdkv2_zero_values_to_null_except(schema: &Schema, state: &mut Json, keep: &[&str]) {
    let Some(object) = state.as_object_mut() else { return };
    for (name, attr) in schema.attributes() {
        if keep.contains(&name) {
            continue;
        }
        let Some(v) = object.get_mut(name) else { continue };
        if let Some((nesting, nested)) = attr.nested() {
            match (nesting, v) {
                (AttributeNesting::Single, v) => sdkv2_zero_values_to_null(nested, v),
                (_, Json::Array(items)) => items.iter_mut().for_each(|e| sdkv2_zero_values_to_null(nested, e)),
                (_, Json::Object(items)) => items.values_mut().for_each(|e| sdkv2_zero_values_to_null(nested, e)),
                _ => {}
            }
            continue;
        }
        if !attr.is_computed() && !attr.is_required() && is_zero(v) {
            *v = Json::Null;
        }
    }
    for (name, block) in schema.blocks() {
        let Some(v) = object.get_mut(name) else { continue };
        match (block.nesting(), v) {
            (BlockNesting::Single | BlockNesting::Group, v) => sdkv2_zero_values_to_null(block.body(), v),
            (_, Json::Array(items)) => items.iter_mut().for_each(|e| sdkv2_zero_values_to_null(block.body(), e)),
            (_, Json::Object(items)) => items.values_mut().for_each(|e| sdkv2_zero_values_to_null(block.body(), e)),
            _ => {}
        }
    }
}

fn is_zero(v: &Json) -> bool {
    match v {
        Json::String(s) => s.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
        Json::Bool(b) => !b,
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Null => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block};
    use crate::Type;

    #[test]
    fn only_optional_configuration_owned_zero_values_become_null_at_every_depth() {
        let pool = Schema::new()
            .attr("id", Attribute::number().computed())
            .attr("tags", Attribute::set(Type::String).optional())
            .attr("labels", Attribute::map(Type::String).optional())
            .attr("count", Attribute::number().required());
        let schema = Schema::new()
            .attr("ttl", Attribute::number().optional())
            .attr("enabled", Attribute::bool().optional())
            .attr("label", Attribute::string().default(""))
            .block("pool", Block::list(pool));
        let mut state = serde_json::json!({
            "ttl": 0, "enabled": false, "label": "",
            "pool": [{"id": 0, "tags": [], "labels": {}, "count": 0}, {"id": 7, "tags": ["a"], "labels": {"k": "v"}, "count": 2}]
        });
        sdkv2_zero_values_to_null(&schema, &mut state);
        assert_eq!(
            state,
            serde_json::json!({
                "ttl": null, "enabled": null, "label": "",
                "pool": [{"id": 0, "tags": null, "labels": null, "count": 0}, {"id": 7, "tags": ["a"], "labels": {"k": "v"}, "count": 2}]
            })
        );
    }

    #[test]
    fn kept_attributes_keep_their_zero_values() {
        let schema = Schema::new()
            .attr("ttl", Attribute::number().optional())
            .attr("priority", Attribute::number().optional())
            .attr("tag", Attribute::string().optional());
        let mut state = serde_json::json!({"ttl": 0, "priority": 0, "tag": ""});
        sdkv2_zero_values_to_null_except(&schema, &mut state, &["priority"]);
        assert_eq!(state, serde_json::json!({"ttl": null, "priority": 0, "tag": null}));
    }
}
