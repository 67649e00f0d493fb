//! Entry points for fuzzing tfplugin's decoders with arbitrary bytes. The cargo-fuzz targets in
//! the workspace's `fuzz/` folder call them, and the regression tests replay the saved corpus
//! through them. Each returns quietly when the input is refused as it should be, and panics
//! when an invariant breaks: whatever decodes must encode again and decode to the same value.

use std::sync::{Arc, OnceLock};

use prost::Message as _;

use crate::proto::tfplugin6 as pb;
use crate::resource::{
    ApplyResponse, CreateRequest, DeleteRequest, ReadRequest, ReadResponse, Resource, UpdateRequest,
    UpgradeStateRequest, UpgradeStateResponse,
};
use crate::schema::{Attribute, Block, Schema};
use crate::server::{decode_dv, encode_dv};
use crate::value::{Type, Value};
use crate::{Diagnostics, Provider};

/// The types an input picks from with its first byte: every kind, nested, and `dynamic`.
fn types() -> &'static [Type] {
    static TYPES: OnceLock<Vec<Type>> = OnceLock::new();
    TYPES.get_or_init(|| {
        vec![
            Type::String,
            Type::Number,
            Type::Bool,
            Type::Dynamic,
            Type::list(Type::String),
            Type::set(Type::Number),
            Type::map(Type::Dynamic),
            Type::Tuple(vec![Type::String, Type::Number, Type::Bool]),
            Type::object([
                ("s", Type::String),
                ("n", Type::Number),
                ("l", Type::list(Type::object([("k", Type::map(Type::set(Type::String)))]))),
                ("d", Type::Dynamic),
            ]),
        ]
    })
}

/// Splits an input into the type its first byte picks and the rest.
fn pick(data: &[u8]) -> Option<(&'static Type, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let types = types();
    Some((&types[usize::from(first) % types.len()], rest))
}

/// MessagePack as Terraform sends it (`DynamicValue.msgpack`), of a type the first byte picks.
pub fn msgpack_value(data: &[u8]) {
    let Some((ty, bytes)) = pick(data) else { return };
    let Ok(value) = Value::from_msgpack(bytes, ty) else { return };
    let encoded = value.to_msgpack(ty).unwrap_or_else(|e| panic!("decoded {value:?} does not encode as {ty}: {e}"));
    let again = Value::from_msgpack(&encoded, ty).unwrap_or_else(|e| panic!("re-encoded {value:?} does not decode: {e}"));
    assert_eq!(again, value, "msgpack round trip of {ty}");
}

/// JSON state (`RawState.json`), of a type the first byte picks.
pub fn json_value(data: &[u8]) {
    let Some((ty, bytes)) = pick(data) else { return };
    let Ok(value) = Value::from_json(bytes, ty) else { return };
    let encoded = value.to_json(ty).unwrap_or_else(|e| panic!("decoded {value:?} does not encode as {ty}: {e}"));
    let again = Value::from_json(encoded.as_bytes(), ty)
        .unwrap_or_else(|e| panic!("re-encoded {value:?} ({encoded}) does not decode: {e}"));
    assert_eq!(again, value, "JSON round trip of {ty}: {encoded}");
}

/// A protobuf `DynamicValue` (msgpack or JSON inside) of the test resource's type, as the
/// server decodes every request's config, plan and state.
pub fn dynamic_value(data: &[u8]) {
    let Ok(dv) = pb::DynamicValue::decode(data) else { return };
    let ty = schema().value_type();
    let Ok(value) = decode_dv(Some(&dv), &ty) else { return };
    let encoded = encode_dv(&value, &ty).unwrap_or_else(|e| panic!("decoded {value:?} does not encode: {e}"));
    let again = decode_dv(Some(&encoded), &ty).unwrap_or_else(|e| panic!("re-encoded {value:?} does not decode: {e}"));
    assert_eq!(again, value);
}

/// Stored state for `UpgradeResourceState`: the first byte is the schema version it claims
/// (0 to 3, the current one being 2), the rest its JSON.
pub fn upgrade_state(data: &[u8]) {
    let Some((&version, json)) = data.split_first() else { return };
    let json = String::from_utf8_lossy(json);
    let runtime = runtime();
    let harness = crate::testing::Harness::new(Upgrading);
    let outcome = runtime.block_on(harness.upgrade_state("fuzz_thing", i64::from(version % 4), &json));
    if !outcome.diagnostics.has_errors() {
        let ty = schema().value_type();
        assert!(outcome.state.is_wholly_known(), "upgraded state has unknowns: {:?}", outcome.state);
        outcome.state.clone().conform(&ty).unwrap_or_else(|e| panic!("upgraded state does not fit: {e}"));
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().expect("a runtime"))
}

/// The test resource: every kind of attribute and block, a sensitive one, schema version 2.
fn schema() -> Schema {
    Schema::new()
        .version(2)
        .attr("id", Attribute::string().computed())
        .attr("label", Attribute::string().required())
        .attr("count", Attribute::number().optional())
        .attr("tags", Attribute::set(Type::String).optional())
        .attr("labels", Attribute::map(Type::String).optional())
        .attr("secret", Attribute::string().optional().sensitive())
        .attr("any", Attribute::dynamic().optional())
        .attr("pools", Attribute::list_nested(Schema::new().attr("size", Attribute::number().required())).optional())
        .block("rule", Block::list(Schema::new().attr("port", Attribute::number().optional())))
}

struct Upgrading;

#[crate::async_trait]
impl Provider for Upgrading {
    fn type_name(&self) -> &str {
        "fuzz"
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Upgrading)]
    }
}

#[crate::async_trait]
impl Resource for Upgrading {
    fn type_name(&self) -> &str {
        "fuzz_thing"
    }
    fn schema(&self) -> Schema {
        schema()
    }
    /// Versions 0 and 1 named `label` `name`; everything else carries over as decoded.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        let mut json = req.json;
        if let Some(obj) = json.as_object_mut()
            && let Some(name) = obj.remove("name")
        {
            obj.insert("label".into(), name);
        }
        match crate::value::decode_json_lenient(json.to_string().as_bytes(), &schema().value_type()) {
            Ok(v) => resp.state = v,
            Err(e) => resp.diagnostics.push(e.into()),
        }
    }
    async fn create(&self, _: CreateRequest, _: &mut ApplyResponse) {}
    async fn read(&self, _: ReadRequest, _: &mut ReadResponse) {}
    async fn update(&self, _: UpdateRequest, _: &mut ApplyResponse) {}
    async fn delete(&self, _: DeleteRequest, _: &mut Diagnostics) {}
}
