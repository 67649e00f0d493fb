//! Conversions between framework types and protocol messages.

use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::path::{AttributePath, PathStep};
use crate::proto::tfplugin6 as pb;
use crate::schema::{Attribute, AttributeKind, AttributeNesting, BlockNesting, Description, Schema};
use crate::value::{Type, Value, ValueError};

/// Decodes a `DynamicValue`: msgpack if present, else JSON, else null (as Terraform does).
pub(crate) fn decode_dv(dv: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, ValueError> {
    match dv {
        Some(dv) if !dv.msgpack.is_empty() => Value::from_msgpack(&dv.msgpack, ty),
        Some(dv) if !dv.json.is_empty() => Value::from_json(&dv.json, ty),
        _ => Ok(Value::Null),
    }
}

/// Encodes a value as a msgpack `DynamicValue`.
pub(crate) fn encode_dv(value: &Value, ty: &Type) -> Result<pb::DynamicValue, ValueError> {
    Ok(pb::DynamicValue { msgpack: value.to_msgpack(ty)?, json: Vec::new() })
}

/// A path as Terraform understands it; stops before a set element step (not expressible).
pub(crate) fn path_to_pb(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    let mut steps = Vec::new();
    for step in path.steps() {
        let selector = match step {
            PathStep::Attr(n) => Selector::AttributeName(n.clone()),
            PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
            PathStep::Index(i) => Selector::ElementKeyInt(*i),
            PathStep::SetElement(_) => break,
        };
        steps.push(pb::attribute_path::Step { selector: Some(selector) });
    }
    pb::AttributePath { steps }
}

/// A protocol path as ours.
#[allow(dead_code)]
pub(crate) fn path_from_pb(path: &pb::AttributePath) -> AttributePath {
    use pb::attribute_path::step::Selector;
    let mut out = AttributePath::root();
    for step in &path.steps {
        out = match &step.selector {
            Some(Selector::AttributeName(n)) => out.attr(n.clone()),
            Some(Selector::ElementKeyString(k)) => out.key(k.clone()),
            Some(Selector::ElementKeyInt(i)) => out.index(*i),
            None => out,
        };
    }
    out
}

pub(crate) fn diag_to_pb(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error as i32,
            Severity::Warning => pb::diagnostic::Severity::Warning as i32,
        },
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.path.as_ref().filter(|p| !p.is_empty()).map(path_to_pb),
    }
}

pub(crate) fn diags_to_pb(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter().map(diag_to_pb).collect()
}

#[allow(dead_code)]
pub(crate) fn diags_from_pb(ds: &[pb::Diagnostic]) -> Diagnostics {
    let mut out = Diagnostics::new();
    for d in ds {
        out.push(Diagnostic {
            severity: if d.severity == pb::diagnostic::Severity::Warning as i32 {
                Severity::Warning
            } else {
                Severity::Error
            },
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            path: d.attribute.as_ref().map(path_from_pb),
        });
    }
    out
}

fn description(d: &Description) -> (String, i32) {
    match (&d.markdown, &d.plain) {
        (Some(md), _) => (md.clone(), pb::StringKind::Markdown as i32),
        (None, Some(p)) => (p.clone(), pb::StringKind::Plain as i32),
        (None, None) => (String::new(), pb::StringKind::Plain as i32),
    }
}

fn attribute_to_pb(name: &str, a: &Attribute) -> pb::schema::Attribute {
    let (description, description_kind) = description(&a.description);
    let (ty, nested_type) = match &a.kind {
        AttributeKind::Plain(t) => (t.to_json().to_string().into_bytes(), None),
        AttributeKind::Nested(nesting, schema) => {
            use pb::schema::object::NestingMode;
            let nesting = match nesting {
                AttributeNesting::Single => NestingMode::Single,
                AttributeNesting::List => NestingMode::List,
                AttributeNesting::Set => NestingMode::Set,
                AttributeNesting::Map => NestingMode::Map,
            };
            #[allow(deprecated)]
            let object = pb::schema::Object {
                attributes: schema.attributes.iter().map(|(n, a)| attribute_to_pb(n, a)).collect(),
                nesting: nesting as i32,
                min_items: 0,
                max_items: 0,
            };
            (Vec::new(), Some(object))
        }
    };
    pb::schema::Attribute {
        name: name.to_string(),
        r#type: ty,
        nested_type,
        description,
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind,
        deprecated: a.deprecated.is_some(),
        write_only: a.write_only,
        deprecation_message: a.deprecated.clone().unwrap_or_default(),
    }
}

fn block_to_pb(s: &Schema) -> pb::schema::Block {
    let (description, description_kind) = description(&s.description);
    pb::schema::Block {
        version: s.version,
        attributes: s.attributes.iter().map(|(n, a)| attribute_to_pb(n, a)).collect(),
        block_types: s
            .blocks
            .iter()
            .map(|(n, b)| {
                use pb::schema::nested_block::NestingMode;
                let nesting = match b.nesting {
                    BlockNesting::Single => NestingMode::Single,
                    BlockNesting::Group => NestingMode::Group,
                    BlockNesting::List => NestingMode::List,
                    BlockNesting::Set => NestingMode::Set,
                    BlockNesting::Map => NestingMode::Map,
                };
                pb::schema::NestedBlock {
                    type_name: n.clone(),
                    block: Some(block_to_pb(&b.schema)),
                    nesting: nesting as i32,
                    min_items: b.min_items,
                    max_items: b.max_items,
                }
            })
            .collect(),
        description,
        description_kind,
        deprecated: s.deprecated.is_some(),
        deprecation_message: s.deprecated.clone().unwrap_or_default(),
    }
}

pub(crate) fn schema_to_pb(s: &Schema) -> pb::Schema {
    pb::Schema { version: s.version, block: Some(block_to_pb(s)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Block;

    #[test]
    fn schema_conversion() {
        let s = Schema::new()
            .version(2)
            .attr("a", Attribute::string().required().markdown_description("**A**").deprecated("use b"))
            .attr("n", Attribute::set_nested(Schema::new().attr("x", Attribute::number().optional())))
            .attr("w", Attribute::string().optional().write_only().sensitive())
            .block("b", Block::list(Schema::new()).min_items(1).max_items(3));
        let pb = schema_to_pb(&s);
        assert_eq!(pb.version, 2);
        let block = pb.block.unwrap();
        let a = &block.attributes[0];
        assert_eq!(a.r#type, b"\"string\"");
        assert_eq!(a.description_kind, pb::StringKind::Markdown as i32);
        assert!(a.deprecated && a.deprecation_message == "use b");
        let n = &block.attributes[1];
        assert!(n.r#type.is_empty());
        assert_eq!(n.nested_type.as_ref().unwrap().nesting, pb::schema::object::NestingMode::Set as i32);
        assert!(block.attributes[2].write_only && block.attributes[2].sensitive);
        assert_eq!((block.block_types[0].min_items, block.block_types[0].max_items), (1, 3));
    }

    #[test]
    fn set_element_paths_stop_at_the_set() {
        let p = AttributePath::new("pool").element(Value::from(1)).attr("count");
        assert_eq!(path_from_pb(&path_to_pb(&p)), AttributePath::new("pool"));
        let q = AttributePath::new("tags").key("k").index(3);
        assert_eq!(path_from_pb(&path_to_pb(&q)), q);
    }
}
