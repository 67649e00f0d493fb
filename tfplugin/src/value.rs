//! Terraform values: the dynamic [`Value`] tree, its [`Type`], and conversions.
//!
//! Terraform values are typed (`string`, `number`, `bool`, `list(T)`, `set(T)`, `map(T)`,
//! `object({...})`, `tuple([...])`, `dynamic`) and any of them, at any depth, may be null or
//! unknown (not yet known during planning). [`Value`] holds such a tree without its type; the
//! [`Type`] (usually derived from the [`Schema`](crate::schema::Schema)) drives the wire codecs:
//!
//! * MessagePack, what Terraform sends and what we always answer with: [`Value::from_msgpack`],
//!   [`Value::to_msgpack`];
//! * JSON, how state is stored on disk: [`Value::from_json`], [`Value::to_json`];
//! * typed models through serde and the tri-state [`Val`]: [`Value::to_model`],
//!   [`Value::from_model`].

mod json;
mod model;
mod msgpack;
mod number;
#[cfg(test)]
mod proptests;
mod val;

use std::collections::BTreeMap;
use std::fmt;

pub use number::Number;
pub use val::Val;

use crate::path::{AttributePath, PathStep};

/// A Terraform type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    /// `string`.
    String,
    /// `number` (arbitrary precision).
    Number,
    /// `bool`.
    Bool,
    /// `dynamic`: any type, decided by the value (the type travels with it on the wire).
    Dynamic,
    /// `list(T)`: ordered elements of one type.
    List(Box<Type>),
    /// `set(T)`: unordered unique elements of one type.
    Set(Box<Type>),
    /// `map(T)`: string keys to values of one type.
    Map(Box<Type>),
    /// `object({...})`: named attributes, each with its own type.
    Object(BTreeMap<String, Type>),
    /// `tuple([...])`: fixed-length positional elements.
    Tuple(Vec<Type>),
}

impl Type {
    /// `list(element)`.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// `set(element)`.
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// `map(element)`.
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// `object({...})` from `(name, type)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The JSON form Terraform uses for types (`"string"`, `["list","number"]`, ...).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{Value as J, json};
        match self {
            Type::String => J::from("string"),
            Type::Number => J::from("number"),
            Type::Bool => J::from("bool"),
            Type::Dynamic => J::from("dynamic"),
            Type::List(t) => json!(["list", t.to_json()]),
            Type::Set(t) => json!(["set", t.to_json()]),
            Type::Map(t) => json!(["map", t.to_json()]),
            Type::Object(attrs) => {
                let m: serde_json::Map<String, J> =
                    attrs.iter().map(|(k, t)| (k.clone(), t.to_json())).collect();
                json!(["object", m])
            }
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
        }
    }

    /// Parses the JSON form of a type.
    pub fn from_json(json: &serde_json::Value) -> Result<Type, ValueError> {
        use serde_json::Value as J;
        let bad = || ValueError::new(format!("invalid type JSON: {json}"));
        match json {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            J::Array(parts) if parts.len() >= 2 => {
                let kind = parts[0].as_str().ok_or_else(bad)?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(&parts[1])?)),
                    "set" => Ok(Type::set(Type::from_json(&parts[1])?)),
                    "map" => Ok(Type::map(Type::from_json(&parts[1])?)),
                    "object" => {
                        let attrs = parts[1].as_object().ok_or_else(bad)?;
                        let mut out = BTreeMap::new();
                        for (k, v) in attrs {
                            out.insert(k.clone(), Type::from_json(v)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or_else(bad)?;
                        Ok(Type::Tuple(elems.iter().map(Type::from_json).collect::<Result<_, _>>()?))
                    }
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    /// The type of the element at `step`, if the step applies to this type.
    pub fn step(&self, step: &PathStep) -> Option<&Type> {
        match (self, step) {
            (Type::Object(attrs), PathStep::Attr(name)) => attrs.get(name),
            (Type::List(t) | Type::Set(t), PathStep::Index(_)) => Some(t),
            (Type::Set(t), PathStep::SetElement(_)) => Some(t),
            (Type::Map(t), PathStep::Key(_)) => Some(t),
            (Type::Tuple(ts), PathStep::Index(i)) => usize::try_from(*i).ok().and_then(|i| ts.get(i)),
            (Type::Dynamic, _) => Some(&Type::Dynamic),
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (k, t)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}={t}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
        }
    }
}

/// What Terraform already knows about an unknown value ("refined unknowns", Terraform 1.6+).
///
/// Refinements that Terraform sends are kept and echoed back when the framework copies an
/// unknown value into a plan.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Refinements {
    /// `Some(false)`: the value will not be null.
    pub nullable: Option<bool>,
    /// Known prefix of a future string.
    pub string_prefix: Option<String>,
    /// Lower bound of a future number, and whether it is inclusive.
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a future number, and whether it is inclusive.
    pub number_upper: Option<(Number, bool)>,
    /// Lower bound of a future collection length.
    pub length_lower: Option<i64>,
    /// Upper bound of a future collection length.
    pub length_upper: Option<i64>,
}

impl Refinements {
    /// Whether nothing is known.
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }
}

/// A Terraform value (without its type). See the [module docs](self).
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Null (absent).
    #[default]
    Null,
    /// Not known until apply, possibly with [`Refinements`].
    Unknown(Box<Refinements>),
    /// A `bool`.
    Bool(bool),
    /// A `number`.
    Number(Number),
    /// A `string`.
    String(String),
    /// A `list`.
    List(Vec<Value>),
    /// A `set` (order carries no meaning; equality ignores it).
    Set(Vec<Value>),
    /// A `map`.
    Map(BTreeMap<String, Value>),
    /// An `object` (also the value of a block).
    Object(BTreeMap<String, Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Unknown(_), Value::Unknown(_)) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => a == b,
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && a.iter().all(|x| b.contains(x)) && b.iter().all(|x| a.contains(x))
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// An unknown value with no refinements.
    pub fn unknown() -> Value {
        Value::Unknown(Box::default())
    }

    /// An object from `(name, value)` pairs.
    pub fn object<K: Into<String>>(attrs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list.
    pub fn list(elements: impl IntoIterator<Item = Value>) -> Value {
        Value::List(elements.into_iter().collect())
    }

    /// A set (duplicates are removed).
    pub fn set(elements: impl IntoIterator<Item = Value>) -> Value {
        let mut out: Vec<Value> = Vec::new();
        for e in elements {
            if !out.contains(&e) {
                out.push(e);
            }
        }
        Value::Set(out)
    }

    /// An object with every attribute of the object type `ty` set to null (other types: null).
    pub fn null_object(ty: &Type) -> Value {
        match ty {
            Type::Object(attrs) => {
                Value::Object(attrs.keys().map(|k| (k.clone(), Value::Null)).collect())
            }
            _ => Value::Null,
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value itself is unknown (elements of a known collection may still be unknown).
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// Whether the value is neither null nor unknown.
    pub fn is_known(&self) -> bool {
        !self.is_null() && !self.is_unknown()
    }

    /// Whether no unknown appears anywhere in the value.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_wholly_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The bool, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as `i64`, if this is a known integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Entries of a map or attributes of an object.
    pub fn as_entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Map(m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// An attribute of an object (`None` if this is not an object or has no such attribute).
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(name),
            _ => None,
        }
    }

    /// Mutable access to an attribute of an object.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) => m.get_mut(name),
            _ => None,
        }
    }

    /// The value at `path`, if it exists.
    pub fn at(&self, path: &AttributePath) -> Option<&Value> {
        let mut cur = self;
        for step in path.steps() {
            cur = match (cur, step) {
                (Value::Object(m), PathStep::Attr(n)) => m.get(n)?,
                (Value::Map(m), PathStep::Key(k)) => m.get(k)?,
                (Value::List(v) | Value::Tuple(v) | Value::Set(v), PathStep::Index(i)) => {
                    v.get(usize::try_from(*i).ok()?)?
                }
                (Value::Set(v), PathStep::SetElement(e)) => v.iter().find(|x| *x == &**e)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Mutable access to the value at `path`, if it exists.
    pub fn at_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        let mut cur = self;
        for step in path.steps() {
            cur = match (cur, step) {
                (Value::Object(m), PathStep::Attr(n)) => m.get_mut(n)?,
                (Value::Map(m), PathStep::Key(k)) => m.get_mut(k)?,
                (Value::List(v) | Value::Tuple(v) | Value::Set(v), PathStep::Index(i)) => {
                    v.get_mut(usize::try_from(*i).ok()?)?
                }
                (Value::Set(v), PathStep::SetElement(e)) => v.iter_mut().find(|x| **x == **e)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Checks that the value fits `ty` and converts it where Terraform would (numbers and bools
    /// to and from strings, lists to sets or tuples, maps to objects). Objects get every attribute
    /// of the type, missing ones as null; unknown attributes are an error.
    pub fn conform(self, ty: &Type) -> Result<Value, ValueError> {
        self.conform_at(ty, &mut AttributePath::root())
    }

    fn conform_at(self, ty: &Type, path: &mut AttributePath) -> Result<Value, ValueError> {
        let mismatch = |v: &Value, path: &AttributePath| {
            ValueError::at(path, format!("expected {ty}, found {}", v.kind()))
        };
        Ok(match (ty, self) {
            (_, v @ (Value::Null | Value::Unknown(_))) => v,
            (Type::Dynamic, v) => v,
            (Type::String, Value::String(s)) => Value::String(s),
            (Type::String, Value::Number(n)) => Value::String(n.to_string()),
            (Type::String, Value::Bool(b)) => Value::String(b.to_string()),
            (Type::Number, Value::Number(n)) => Value::Number(n),
            (Type::Number, Value::String(s)) => match Number::parse(&s) {
                Some(n) => Value::Number(n),
                None => return Err(ValueError::with_value(path, "not a number", format!("{s:?}"))),
            },
            (Type::Bool, Value::Bool(b)) => Value::Bool(b),
            (Type::Bool, Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
            (Type::List(t), Value::List(v) | Value::Set(v) | Value::Tuple(v)) => {
                Value::List(conform_elements(v, t, path)?)
            }
            (Type::Set(t), Value::List(v) | Value::Set(v) | Value::Tuple(v)) => {
                Value::set(conform_elements(v, t, path)?)
            }
            (Type::Tuple(ts), Value::List(v) | Value::Tuple(v)) if ts.len() == v.len() => {
                let mut out = Vec::with_capacity(v.len());
                for (i, (e, t)) in v.into_iter().zip(ts).enumerate() {
                    path.push(PathStep::Index(i as i64));
                    out.push(e.conform_at(t, path)?);
                    path.pop();
                }
                Value::Tuple(out)
            }
            (Type::Map(t), Value::Map(m) | Value::Object(m)) => {
                let mut out = BTreeMap::new();
                for (k, e) in m {
                    path.push(PathStep::Key(k.clone()));
                    out.insert(k, e.conform_at(t, path)?);
                    path.pop();
                }
                Value::Map(out)
            }
            (Type::Object(attrs), Value::Object(mut m) | Value::Map(mut m)) => {
                let mut out = BTreeMap::new();
                for (name, t) in attrs {
                    let e = m.remove(name).unwrap_or(Value::Null);
                    path.push(PathStep::Attr(name.clone()));
                    out.insert(name.clone(), e.conform_at(t, path)?);
                    path.pop();
                }
                if let Some(extra) = m.keys().next() {
                    return Err(ValueError::at(path, format!("unsupported attribute {extra:?}")));
                }
                Value::Object(out)
            }
            (_, v) => return Err(mismatch(&v, path)),
        })
    }

    /// A short name of the value's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Object(_) => "object",
            Value::Tuple(_) => "tuple",
        }
    }

    /// The type this value most plausibly has, used to label values of `dynamic` attributes on
    /// the wire. Null and unknown values give `dynamic`.
    pub fn infer_type(&self) -> Type {
        // The elements' type when they agree; `dynamic` (each element then carries its own
        // type on the wire) when they do not, so that a mixed collection still encodes.
        fn common(values: &[Value]) -> Type {
            let mut types = values.iter().filter(|v| v.is_known()).map(Value::infer_type);
            match types.next() {
                Some(first) if types.all(|t| t == first) => first,
                _ => Type::Dynamic,
            }
        }
        match self {
            Value::Null | Value::Unknown(_) => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(v) => Type::list(common(v)),
            Value::Set(v) => Type::set(common(v)),
            Value::Tuple(v) => Type::Tuple(v.iter().map(Value::infer_type).collect()),
            Value::Map(m) => Type::map(common(&m.values().cloned().collect::<Vec<_>>())),
            Value::Object(m) => {
                Type::Object(m.iter().map(|(k, v)| (k.clone(), v.infer_type())).collect())
            }
        }
    }

    /// Decodes MessagePack (Terraform's `DynamicValue.msgpack`) of type `ty`. Empty input is null.
    pub fn from_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
        msgpack::decode(bytes, ty)
    }

    /// Encodes as MessagePack of type `ty`.
    pub fn to_msgpack(&self, ty: &Type) -> Result<Vec<u8>, ValueError> {
        msgpack::encode(self, ty)
    }

    /// Decodes Terraform's JSON value encoding of type `ty` (numbers keep full precision).
    pub fn from_json(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
        json::decode(bytes, ty, false)
    }

    /// Encodes as Terraform's JSON value encoding. Fails on unknown values (JSON has none).
    pub fn to_json(&self, ty: &Type) -> Result<String, ValueError> {
        json::encode(self, ty)
    }

    /// Decodes the value into a serde model (use [`Val`] for fields that may be null/unknown).
    pub fn to_model<T: serde::de::DeserializeOwned>(&self) -> Result<T, ValueError> {
        model::to_model(self)
    }

    /// Builds a value of type `ty` from a serde model ([`Val`] fields give null/unknown;
    /// attributes missing from the model become null).
    pub fn from_model<T: serde::Serialize + ?Sized>(model: &T, ty: &Type) -> Result<Value, ValueError> {
        model::from_model(model)?.conform(ty)
    }
}

/// The value of a serde model before conforming it to a type.
pub(crate) fn untyped_from_model<T: serde::Serialize + ?Sized>(model: &T) -> Result<Value, ValueError> {
    model::from_model(model)
}

/// Like [`Value::from_json`] but ignoring object attributes the type does not have (stored
/// state written before an attribute was removed from the schema).
pub(crate) fn decode_json_lenient(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    json::decode(bytes, ty, true)
}

fn conform_elements(v: Vec<Value>, t: &Type, path: &mut AttributePath) -> Result<Vec<Value>, ValueError> {
    let mut out = Vec::with_capacity(v.len());
    for (i, e) in v.into_iter().enumerate() {
        path.push(PathStep::Index(i as i64));
        out.push(e.conform_at(t, path)?);
        path.pop();
    }
    Ok(out)
}

macro_rules! value_from_number {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value { Value::Number(Number::from(v)) }
        }
    )*};
}
value_from_number!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl From<Number> for Value {
    fn from(v: Number) -> Value {
        Value::Number(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::String(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::String(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// How deeply arrays and objects (JSON) or arrays and maps (MessagePack) may nest in a value the
/// decoders accept: as deep as serde_json's own default limit, far deeper than any schema, and
/// shallow enough that decoding never exhausts a thread's stack.
pub const MAX_DEPTH: usize = 128;

/// A value that does not fit its type, or bytes that do not decode.
///
/// The offending value, when the message shows one, is kept apart from the message so that it
/// can be hidden: the framework replaces it with `(sensitive value)` when the error is about an
/// attribute marked sensitive.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{}", if path.is_empty() { String::new() } else { format!("{path}: ") }, self.detail())]
pub struct ValueError {
    /// Where in the value the problem is.
    pub path: AttributePath,
    /// What is wrong (never the value itself; see [`ValueError::detail`]).
    pub message: String,
    /// The offending value as the message shows it, if any.
    value: Option<String>,
}

impl ValueError {
    /// An error at the root.
    pub fn new(message: impl Into<String>) -> ValueError {
        ValueError { path: AttributePath::root(), message: message.into(), value: None }
    }

    /// An error at `path`.
    pub fn at(path: &AttributePath, message: impl Into<String>) -> ValueError {
        ValueError { path: path.clone(), message: message.into(), value: None }
    }

    /// An error at `path` about `value` (shown after the message unless redacted).
    pub(crate) fn with_value(path: &AttributePath, message: impl Into<String>, value: impl Into<String>) -> ValueError {
        ValueError { path: path.clone(), message: message.into(), value: Some(value.into()) }
    }

    /// The same error with its value, if it shows one, replaced by `(sensitive value)`.
    #[must_use]
    pub fn redacted(mut self) -> ValueError {
        if self.value.is_some() {
            self.value = Some(crate::redact::SENSITIVE.into());
        }
        self
    }

    /// The message followed by the value it is about, if any: the text of a diagnostic.
    pub fn detail(&self) -> String {
        match &self.value {
            Some(v) => format!("{}: {v}", self.message),
            None => self.message.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_json_round_trip() {
        let ty = Type::object([
            ("a", Type::list(Type::String)),
            ("b", Type::Tuple(vec![Type::Number, Type::Bool])),
            ("c", Type::map(Type::set(Type::Dynamic))),
        ]);
        let json = ty.to_json();
        assert_eq!(
            json.to_string(),
            r#"["object",{"a":["list","string"],"b":["tuple",["number","bool"]],"c":["map",["set","dynamic"]]}]"#
        );
        assert_eq!(Type::from_json(&json).unwrap(), ty);
        let with_optional: serde_json::Value =
            serde_json::from_str(r#"["object",{"x":"string"},["x"]]"#).unwrap();
        assert_eq!(Type::from_json(&with_optional).unwrap(), Type::object([("x", Type::String)]));
    }

    #[test]
    fn set_equality_ignores_order() {
        let a = Value::set([Value::from(1), Value::from(2)]);
        let b = Value::set([Value::from(2), Value::from(1), Value::from(2)]);
        assert_eq!(a, b);
        assert_ne!(Value::list([1.into(), 2.into()]), Value::list([2.into(), 1.into()]));
    }

    #[test]
    fn conform_fills_missing_attributes_and_rejects_extra() {
        let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
        let v = Value::object([("a", Value::from(5))]).conform(&ty).unwrap();
        assert_eq!(v, Value::object([("a", Value::from("5")), ("b", Value::Null)]));
        let err = Value::object([("zzz", Value::from(1))]).conform(&ty).unwrap_err();
        assert!(err.message.contains("zzz"), "{err}");
        let nested = Type::object([("l", Type::list(Type::Number))]);
        let err = Value::object([("l", Value::list([Value::from("x")]))]).conform(&nested).unwrap_err();
        assert_eq!(err.to_string(), "l[0]: not a number: \"x\"");
    }
}
