//! The MessagePack encoding of values (Terraform's `DynamicValue.msgpack`), as go-cty writes it.
//!
//! Unknowns are msgpack extensions: any extension code decodes as unknown, refined unknowns use
//! code 12 with a map of refinements, plain unknowns are written as `d4 00 00`. A `dynamic`
//! value is a two-element array: the JSON of its type as `bin`, then the value.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::number::WireNumber;
use super::{MAX_DEPTH, Number, Refinements, Type, Value, ValueError};
use crate::path::{AttributePath, PathStep};

const EXT_REFINED: i8 = 12;
const REF_NULLNESS: i64 = 1;
const REF_STRING_PREFIX: i64 = 2;
const REF_NUMBER_LOWER: i64 = 3;
const REF_NUMBER_UPPER: i64 = 4;
const REF_LENGTH_LOWER: i64 = 5;
const REF_LENGTH_UPPER: i64 = 6;

pub(super) fn decode(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rd = bytes;
    // rmpv counts two levels per array or map and up to three for a leaf: this admits exactly
    // MAX_DEPTH nested collections, so the recursive walk below stays shallow.
    let mp = rmpv::decode::read_value_with_max_depth(&mut rd, 2 * MAX_DEPTH + 3).map_err(|e| match e {
        rmpv::decode::Error::DepthLimitExceeded => {
            ValueError::new(format!("invalid msgpack: nested more than {MAX_DEPTH} levels deep"))
        }
        e => ValueError::new(format!("invalid msgpack: {e}")),
    })?;
    from_mp(mp, ty, &mut AttributePath::root())
}

fn from_mp(mp: Mp, ty: &Type, path: &mut AttributePath) -> Result<Value, ValueError> {
    let err = |msg: String, path: &AttributePath| Err(ValueError::at(path, msg));
    match (ty, mp) {
        (_, Mp::Nil) => Ok(Value::Null),
        (_, Mp::Ext(code, data)) => Ok(Value::Unknown(Box::new(if code == EXT_REFINED {
            decode_refinements(&data)
        } else {
            Refinements::default()
        }))),
        (Type::Dynamic, Mp::Array(mut parts)) if parts.len() == 2 => {
            let inner = parts.pop().unwrap_or(Mp::Nil);
            let type_json = match parts.pop() {
                Some(Mp::Binary(b)) => b,
                Some(Mp::String(s)) => s.into_bytes(),
                _ => return err("dynamic value without a type".into(), path),
            };
            let json: serde_json::Value = serde_json::from_slice(&type_json)
                .map_err(|e| ValueError::at(path, format!("dynamic type: {e}")))?;
            let actual = Type::from_json(&json)?;
            from_mp(inner, &actual, path)
        }
        (Type::String, Mp::String(s)) => match s.into_str() {
            Some(s) => Ok(Value::String(s)),
            None => err("string is not valid UTF-8".into(), path),
        },
        (Type::Number, Mp::Integer(i)) => match (i.as_i64(), i.as_u64()) {
            (Some(v), _) => Ok(Value::Number(Number::from(v))),
            (None, Some(v)) => Ok(Value::Number(Number::from(v))),
            _ => err("integer out of range".into(), path),
        },
        // A number is never NaN (go-cty refuses it too); infinities are numbers.
        (Type::Number, Mp::F64(f)) if f.is_nan() => err("NaN is not a number".into(), path),
        (Type::Number, Mp::F32(f)) if f.is_nan() => err("NaN is not a number".into(), path),
        (Type::Number, Mp::F64(f)) => Ok(Value::Number(Number::from(f))),
        (Type::Number, Mp::F32(f)) => Ok(Value::Number(Number::from(f))),
        (Type::Number, Mp::String(s)) => match s.as_str().and_then(Number::parse) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(ValueError::with_value(path, "invalid number string", format!("{}", Mp::String(s)))),
        },
        (Type::Bool, Mp::Boolean(b)) => Ok(Value::Bool(b)),
        (Type::List(t) | Type::Set(t), Mp::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_mp(item, t, path)?);
                path.pop();
            }
            Ok(if matches!(ty, Type::Set(_)) { Value::Set(out) } else { Value::List(out) })
        }
        (Type::Tuple(ts), Mp::Array(items)) if items.len() == ts.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.into_iter().zip(ts).enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(from_mp(item, t, path)?);
                path.pop();
            }
            Ok(Value::Tuple(out))
        }
        (Type::Map(t), Mp::Map(entries)) => {
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let key = key_string(k, path)?;
                path.push(PathStep::Key(key.clone()));
                let v = from_mp(v, t, path)?;
                path.pop();
                out.insert(key, v);
            }
            Ok(Value::Map(out))
        }
        (Type::Object(attrs), Mp::Map(entries)) => {
            let mut out: BTreeMap<String, Value> =
                attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let key = key_string(k, path)?;
                let Some(t) = attrs.get(&key) else {
                    return err(format!("unsupported attribute {key:?}"), path);
                };
                path.push(PathStep::Attr(key.clone()));
                let v = from_mp(v, t, path)?;
                path.pop();
                out.insert(key, v);
            }
            Ok(Value::Object(out))
        }
        (ty, other) => Err(ValueError::with_value(path, format!("expected {ty}, found msgpack"), other.to_string())),
    }
}

fn key_string(k: Mp, path: &AttributePath) -> Result<String, ValueError> {
    match k {
        Mp::String(s) => s.into_str().ok_or_else(|| ValueError::at(path, "key is not UTF-8")),
        other => Err(ValueError::with_value(path, "map key must be a string", other.to_string())),
    }
}

fn mp_number(mp: &Mp) -> Option<Number> {
    match mp {
        Mp::Integer(i) => i.as_i64().map(Number::from).or_else(|| i.as_u64().map(Number::from)),
        Mp::F64(f) => Some(Number::from(*f)),
        Mp::F32(f) => Some(Number::from(*f)),
        Mp::String(s) => s.as_str().and_then(Number::parse),
        _ => None,
    }
}

fn decode_refinements(data: &[u8]) -> Refinements {
    let mut r = Refinements::default();
    let mut rd = data;
    // Refinements are a map of scalars and [number, bool] pairs: nothing deeper is valid.
    let Ok(Mp::Map(entries)) = rmpv::decode::read_value_with_max_depth(&mut rd, 16) else {
        return r;
    };
    let bound = |v: &Mp| match v {
        Mp::Array(parts) if parts.len() == 2 => {
            Some((mp_number(&parts[0])?, parts[1].as_bool().unwrap_or(false)))
        }
        _ => None,
    };
    for (k, v) in &entries {
        match k.as_i64() {
            Some(REF_NULLNESS) => r.nullable = v.as_bool(),
            Some(REF_STRING_PREFIX) => r.string_prefix = v.as_str().map(str::to_string),
            Some(REF_NUMBER_LOWER) => r.number_lower = bound(v),
            Some(REF_NUMBER_UPPER) => r.number_upper = bound(v),
            Some(REF_LENGTH_LOWER) => r.length_lower = v.as_i64(),
            Some(REF_LENGTH_UPPER) => r.length_upper = v.as_i64(),
            _ => {} // refinements we do not know are ignored, as the protocol asks
        }
    }
    r
}

fn encode_refinements(r: &Refinements) -> Mp {
    let mut entries = Vec::new();
    let num = |n: &Number| match n.wire() {
        WireNumber::Int(i) => Mp::from(i),
        WireNumber::Uint(u) => Mp::from(u),
        WireNumber::Float(f) => Mp::from(f),
        WireNumber::Text(s) => Mp::from(s),
    };
    if let Some(b) = r.nullable {
        entries.push((Mp::from(REF_NULLNESS), Mp::from(b)));
    }
    if let Some(p) = &r.string_prefix {
        entries.push((Mp::from(REF_STRING_PREFIX), Mp::from(p.as_str())));
    }
    if let Some((n, inc)) = &r.number_lower {
        entries.push((Mp::from(REF_NUMBER_LOWER), Mp::Array(vec![num(n), Mp::from(*inc)])));
    }
    if let Some((n, inc)) = &r.number_upper {
        entries.push((Mp::from(REF_NUMBER_UPPER), Mp::Array(vec![num(n), Mp::from(*inc)])));
    }
    if let Some(l) = r.length_lower {
        entries.push((Mp::from(REF_LENGTH_LOWER), Mp::from(l)));
    }
    if let Some(l) = r.length_upper {
        entries.push((Mp::from(REF_LENGTH_UPPER), Mp::from(l)));
    }
    Mp::Map(entries)
}

pub(super) fn encode(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mp = to_mp(value, ty, &mut AttributePath::root())?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &mp).map_err(|e| ValueError::new(e.to_string()))?;
    Ok(out)
}

fn to_mp(value: &Value, ty: &Type, path: &mut AttributePath) -> Result<Mp, ValueError> {
    Ok(match (ty, value) {
        (_, Value::Null) => Mp::Nil,
        (Type::Dynamic, Value::Unknown(_)) => Mp::Ext(0, vec![0]),
        (_, Value::Unknown(r)) if r.is_empty() => Mp::Ext(0, vec![0]),
        (_, Value::Unknown(r)) => {
            let mut payload = Vec::new();
            rmpv::encode::write_value(&mut payload, &encode_refinements(r))
                .map_err(|e| ValueError::at(path, e.to_string()))?;
            Mp::Ext(EXT_REFINED, payload)
        }
        (Type::Dynamic, v) => {
            let actual = v.infer_type();
            let type_json = actual.to_json().to_string().into_bytes();
            Mp::Array(vec![Mp::Binary(type_json), to_mp(v, &actual, path)?])
        }
        (Type::String, Value::String(s)) => Mp::from(s.as_str()),
        (Type::Number, Value::Number(n)) => match n.wire() {
            WireNumber::Int(i) => Mp::from(i),
            WireNumber::Uint(u) => Mp::from(u),
            WireNumber::Float(f) => Mp::from(f),
            WireNumber::Text(s) => Mp::from(s),
        },
        (Type::Bool, Value::Bool(b)) => Mp::from(*b),
        (Type::List(t) | Type::Set(t), Value::List(items) | Value::Set(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(to_mp(item, t, path)?);
                path.pop();
            }
            Mp::Array(out)
        }
        (Type::Tuple(ts), Value::Tuple(items) | Value::List(items)) if ts.len() == items.len() => {
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(ts).enumerate() {
                path.push(PathStep::Index(i as i64));
                out.push(to_mp(item, t, path)?);
                path.pop();
            }
            Mp::Array(out)
        }
        (Type::Map(t), Value::Map(m) | Value::Object(m)) => {
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m {
                path.push(PathStep::Key(k.clone()));
                out.push((Mp::from(k.as_str()), to_mp(v, t, path)?));
                path.pop();
            }
            Mp::Map(out)
        }
        (Type::Object(attrs), Value::Object(m)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(ValueError::at(path, format!("unsupported attribute {extra:?}")));
            }
            let mut out = Vec::with_capacity(attrs.len());
            for (k, t) in attrs {
                path.push(PathStep::Attr(k.clone()));
                let v = m.get(k).unwrap_or(&Value::Null);
                out.push((Mp::from(k.as_str()), to_mp(v, t, path)?));
                path.pop();
            }
            Mp::Map(out)
        }
        (ty, v) => {
            return Err(ValueError::at(path, format!("expected {ty}, found {}", v.kind())));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: &Value, ty: &Type) -> Value {
        let bytes = encode(v, ty).unwrap();
        decode(&bytes, ty).unwrap()
    }

    #[test]
    fn every_type_round_trips_with_null_and_unknown() {
        let ty = Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("big", Type::Number),
            ("f", Type::Number),
            ("b", Type::Bool),
            ("l", Type::list(Type::String)),
            ("set", Type::set(Type::Number)),
            ("m", Type::map(Type::Bool)),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
            ("d", Type::Dynamic),
            ("dn", Type::Dynamic),
            ("du", Type::Dynamic),
            ("nul", Type::String),
            ("unk", Type::list(Type::String)),
            (
                "deep",
                Type::list(Type::object([("inner", Type::map(Type::list(Type::set(Type::String))))])),
            ),
        ]);
        let v = Value::object([
            ("s", Value::from("héllo")),
            ("n", Value::from(-42)),
            ("big", Value::Number(Number::parse("1234567890123456789012345678901234567890.5").unwrap())),
            ("f", Value::from(0.25)),
            ("b", Value::from(true)),
            ("l", Value::list([Value::from("a"), Value::unknown(), Value::Null])),
            ("set", Value::set([Value::from(1), Value::from(2)])),
            ("m", Value::map([("k", Value::from(false))])),
            ("t", Value::Tuple(vec![Value::from("x"), Value::from(1)])),
            ("d", Value::object([("x", Value::list([Value::from(1)]))])),
            ("dn", Value::Null),
            ("du", Value::unknown()),
            ("nul", Value::Null),
            ("unk", Value::unknown()),
            (
                "deep",
                Value::list([Value::object([(
                    "inner",
                    Value::map([("a", Value::list([Value::set([Value::from("z")])]))]),
                )])]),
            ),
        ]);
        assert_eq!(round_trip(&v, &ty), v);
        assert!(round_trip(&v, &ty).get("du").unwrap().is_unknown());
    }

    #[test]
    fn decodes_bytes_as_terraform_sends_them() {
        // {"id": unknown (d4 00 00), "name": "x", "n": 1.5, "big": "1e400"} as go-cty writes them.
        let ty = Type::object([
            ("id", Type::String),
            ("name", Type::String),
            ("n", Type::Number),
            ("big", Type::Number),
        ]);
        let mut bytes = vec![0x84, 0xa2, b'i', b'd', 0xd4, 0x00, 0x00];
        bytes.extend([0xa4, b'n', b'a', b'm', b'e', 0xa1, b'x']);
        bytes.extend([0xa1, b'n', 0xcb]);
        bytes.extend(1.5f64.to_be_bytes());
        bytes.extend([0xa3, b'b', b'i', b'g', 0xa5, b'1', b'e', b'4', b'0', b'0']);
        let v = decode(&bytes, &ty).unwrap();
        assert!(v.get("id").unwrap().is_unknown());
        assert_eq!(v.get("name"), Some(&Value::from("x")));
        assert_eq!(v.get("n"), Some(&Value::from(1.5)));
        assert_eq!(v.get("big").unwrap().as_number().unwrap(), &Number::parse("1e400").unwrap());
        // Our encoding of the plain unknown is go-cty's.
        assert_eq!(encode(&Value::unknown(), &Type::String).unwrap(), vec![0xd4, 0x00, 0x00]);
        // Null is nil; empty bytes decode as null.
        assert_eq!(encode(&Value::Null, &ty).unwrap(), vec![0xc0]);
        assert_eq!(decode(&[], &ty).unwrap(), Value::Null);
    }

    #[test]
    fn refined_unknowns_decode_and_round_trip() {
        // ext 12 with {1: false, 2: "ab"}: not null, prefix "ab".
        let bytes = [0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b'];
        let v = decode(&bytes, &Type::String).unwrap();
        let Value::Unknown(r) = &v else { panic!("not unknown: {v:?}") };
        assert_eq!(r.nullable, Some(false));
        assert_eq!(r.string_prefix.as_deref(), Some("ab"));
        let again = encode(&v, &Type::String).unwrap();
        assert_eq!(decode(&again, &Type::String).unwrap(), v);
        let Value::Unknown(r2) = decode(&again, &Type::String).unwrap() else { panic!() };
        assert_eq!(r2, *r);
        // Unknown extension codes are unknowns too.
        assert!(decode(&[0xd4, 0x05, 0x00], &Type::Number).unwrap().is_unknown());
    }

    #[test]
    fn dynamic_wire_form_carries_the_type() {
        let bytes = encode(&Value::from("x"), &Type::Dynamic).unwrap();
        // [bin("\"string\""), "x"]
        assert_eq!(bytes, vec![0x92, 0xc4, 0x08, b'"', b's', b't', b'r', b'i', b'n', b'g', b'"', 0xa1, b'x']);
        assert_eq!(decode(&bytes, &Type::Dynamic).unwrap(), Value::from("x"));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let nest = |depth: usize| {
            let ty = (0..depth).fold(Type::String, |t, _| Type::list(t));
            let v = (0..depth).fold(Value::from("x"), |v, _| Value::list([v]));
            (ty, v)
        };
        let (ty, v) = nest(MAX_DEPTH);
        assert_eq!(round_trip(&v, &ty), v);
        let (ty, v) = nest(MAX_DEPTH + 1);
        let err = decode(&encode(&v, &ty).unwrap(), &ty).unwrap_err();
        assert!(err.message.contains("nested more than 128 levels deep"), "{err}");
        // `dynamic` inside `dynamic`: each level names its type again; still bounded.
        let mut bytes = Vec::new();
        for _ in 0..10_000 {
            bytes.extend([0x92, 0xc4, 0x09]);
            bytes.extend(b"\"dynamic\"");
        }
        bytes.push(0xc0);
        assert!(decode(&bytes, &Type::Dynamic).unwrap_err().message.contains("nested more than"));
        let mut flood = vec![0x91; 100_000];
        flood.push(0xc0);
        assert!(decode(&flood, &Type::Dynamic).is_err());
    }

    #[test]
    fn nan_is_not_a_number_and_errors_keep_values_apart() {
        let mut bytes = vec![0xcb];
        bytes.extend(f64::NAN.to_be_bytes());
        assert!(decode(&bytes, &Type::Number).unwrap_err().message.contains("NaN"));
        let mut bytes = vec![0xcb];
        bytes.extend(f64::INFINITY.to_be_bytes());
        assert!(decode(&bytes, &Type::Number).unwrap().as_number().unwrap().as_f64().is_infinite());
        let err = decode(&encode(&Value::from("s3cr3t"), &Type::String).unwrap(), &Type::Bool).unwrap_err();
        assert_eq!(err.to_string(), "expected bool, found msgpack: \"s3cr3t\"");
        assert_eq!(err.redacted().to_string(), "expected bool, found msgpack: (sensitive value)");
    }

    #[test]
    fn object_errors_name_the_attribute() {
        let ty = Type::object([("a", Type::object([("b", Type::Number)]))]);
        let v = Value::object([("a", Value::object([("b", Value::from("x"))]))]);
        let err = encode(&v, &ty).unwrap_err();
        assert_eq!(err.to_string(), "a.b: expected number, found string");
    }
}
