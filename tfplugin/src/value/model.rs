//! serde bridge between [`Value`] and model structs.
//!
//! Structs and maps become objects/maps, sequences become lists (then conformed to the schema
//! type), unit enum variants are strings, `Option::None` is null, and [`Val`](super::Val)
//! carries null and unknown through.

use std::collections::BTreeMap;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::ser::{self, Serialize};

use super::val::{UNKNOWN_TOKEN, VAL_TOKEN};
use super::{Number, Value, ValueError};

impl de::Error for ValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> ValueError {
        ValueError::new(msg.to_string())
    }
}

impl ser::Error for ValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> ValueError {
        ValueError::new(msg.to_string())
    }
}

pub(super) fn to_model<T: de::DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    serde_path_to_error::deserialize(ValueDe(value)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.message.replace("unit value", "null");
        if path.is_empty() || path == "." { ValueError::new(message) } else { ValueError::new(format!("{path}: {message}")) }
    })
}

pub(super) fn from_model<T: Serialize + ?Sized>(model: &T) -> Result<Value, ValueError> {
    model.serialize(ValueSer)
}

// ----------------------------------------------------------------------------------------------
// Deserializer
// ----------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct ValueDe<'a>(&'a Value);

impl<'de> IntoDeserializer<'de, ValueError> for ValueDe<'de> {
    type Deserializer = ValueDe<'de>;
    fn into_deserializer(self) -> ValueDe<'de> {
        self
    }
}

fn unknown_error() -> ValueError {
    ValueError::new("value is unknown; declare the field as tfplugin::Val<T> to accept unknowns")
}

macro_rules! de_int {
    ($($method:ident $visit:ident $t:ty => $conv:ident),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
            match self.0 {
                Value::Number(n) => {
                    let v = n.$conv().and_then(|v| <$t>::try_from(v).ok()).ok_or_else(|| {
                        ValueError::new(format!("number {n} does not fit {}", stringify!($t)))
                    })?;
                    visitor.$visit(v)
                }
                _ => self.deserialize_any(visitor),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for ValueDe<'de> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Unknown(_) => Err(unknown_error()),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (None, Some(u)) => visitor.visit_u64(u),
                _ => visitor.visit_f64(n.as_f64()),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                visitor.visit_seq(de::value::SeqDeserializer::new(v.iter().map(ValueDe)))
            }
            Value::Map(m) | Value::Object(m) => visitor.visit_map(MapDe { iter: m.iter(), value: None }),
        }
    }

    de_int!(
        deserialize_i8 visit_i8 i8 => as_i64, deserialize_i16 visit_i16 i16 => as_i64,
        deserialize_i32 visit_i32 i32 => as_i64, deserialize_i64 visit_i64 i64 => as_i64,
        deserialize_u8 visit_u8 u8 => as_u64, deserialize_u16 visit_u16 u16 => as_u64,
        deserialize_u32 visit_u32 u32 => as_u64, deserialize_u64 visit_u64 u64 => as_u64
    );

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Number(n) => visitor.visit_f64(n.as_f64()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            Value::Unknown(_) => Err(unknown_error()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        if name == VAL_TOKEN {
            return match self.0 {
                Value::Null => visitor.visit_none(),
                Value::Unknown(_) => visitor.visit_unit(),
                _ => visitor.visit_some(self),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            Value::Object(m) | Value::Map(m) if m.len() == 1 => visitor
                .visit_enum(de::value::MapAccessDeserializer::new(MapDe { iter: m.iter(), value: None })),
            Value::Unknown(_) => Err(unknown_error()),
            other => Err(ValueError::new(format!("expected an enum variant, found {}", other.kind()))),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i128 u128 char str string bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

struct MapDe<'a, I: Iterator<Item = (&'a String, &'a Value)>> {
    iter: I,
    value: Option<&'a Value>,
}

impl<'de, I: Iterator<Item = (&'de String, &'de Value)>> MapAccess<'de> for MapDe<'de, I> {
    type Error = ValueError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ValueError> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(de::value::BorrowedStrDeserializer::new(k.as_str())).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, ValueError> {
        let v = self.value.take().ok_or_else(|| ValueError::new("value without key"))?;
        seed.deserialize(ValueDe(v))
    }
}

// ----------------------------------------------------------------------------------------------
// Serializer
// ----------------------------------------------------------------------------------------------

struct ValueSer;

/// Collects sequence elements.
struct SeqSer(Vec<Value>);

/// Collects map or struct entries; `variant` wraps the result for struct/tuple variants.
struct MapSer {
    map: BTreeMap<String, Value>,
    key: Option<String>,
    object: bool,
    variant: Option<&'static str>,
}

impl ser::Serializer for ValueSer {
    type Ok = Value;
    type Error = ValueError;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = SeqSer;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = MapSer;

    fn serialize_bool(self, v: bool) -> Result<Value, ValueError> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_u8(self, v: u8) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, ValueError> {
        Ok(Value::from(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, ValueError> {
        Number::parse(&v.to_string()).map(Value::Number).ok_or_else(|| ValueError::new("bad i128"))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, ValueError> {
        Number::parse(&v.to_string()).map(Value::Number).ok_or_else(|| ValueError::new("bad u128"))
    }
    fn serialize_char(self, v: char) -> Result<Value, ValueError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value, ValueError> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, ValueError> {
        Ok(Value::List(v.iter().map(|b| Value::from(*b)).collect()))
    }
    fn serialize_none(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, ValueError> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, ValueError> {
        Ok(if name == UNKNOWN_TOKEN { Value::unknown() } else { Value::Null })
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<Value, ValueError> {
        Ok(Value::String(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<Value, ValueError> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value, ValueError> {
        Ok(Value::object([(variant, v.serialize(ValueSer)?)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, ValueError> {
        Ok(SeqSer(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer, ValueError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<SeqSer, ValueError> {
        Err(ValueError::new("tuple variants are not supported in models"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer, ValueError> {
        Ok(MapSer { map: BTreeMap::new(), key: None, object: false, variant: None })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<MapSer, ValueError> {
        Ok(MapSer { map: BTreeMap::new(), key: None, object: true, variant: None })
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<MapSer, ValueError> {
        Ok(MapSer { map: BTreeMap::new(), key: None, object: true, variant: Some(variant) })
    }
}

impl ser::SerializeSeq for SeqSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        self.0.push(v.serialize(ValueSer)?);
        Ok(())
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::List(self.0))
    }
}

impl ser::SerializeTuple for SeqSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Tuple(self.0))
    }
}

impl ser::SerializeTupleStruct for SeqSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Tuple(self.0))
    }
}

impl ser::SerializeTupleVariant for SeqSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(Value::Tuple(self.0))
    }
}

impl MapSer {
    fn finish(self) -> Value {
        let v = if self.object { Value::Object(self.map) } else { Value::Map(self.map) };
        match self.variant {
            Some(variant) => Value::object([(variant, v)]),
            None => v,
        }
    }
}

impl ser::SerializeMap for MapSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), ValueError> {
        match k.serialize(ValueSer)? {
            Value::String(s) => self.key = Some(s),
            Value::Number(n) => self.key = Some(n.to_string()),
            other => return Err(ValueError::new(format!("map keys must be strings, found {}", other.kind()))),
        }
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        let k = self.key.take().ok_or_else(|| ValueError::new("map value without key"))?;
        self.map.insert(k, v.serialize(ValueSer)?);
        Ok(())
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, k: &'static str, v: &T) -> Result<(), ValueError> {
        self.map.insert(k.to_string(), v.serialize(ValueSer)?);
        Ok(())
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapSer {
    type Ok = Value;
    type Error = ValueError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, k: &'static str, v: &T) -> Result<(), ValueError> {
        ser::SerializeStruct::serialize_field(self, k, v)
    }
    fn end(self) -> Result<Value, ValueError> {
        Ok(self.finish())
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use crate::value::{Type, Val, Value};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Master,
        Slave,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Pool {
        id: Val<i64>,
        count: i64,
        tags: Vec<String>,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Cluster {
        id: Val<String>,
        label: String,
        kind: Val<Kind>,
        ratio: Val<f64>,
        pool: Vec<Pool>,
        labels: Val<std::collections::BTreeMap<String, String>>,
        note: Option<String>,
    }

    fn ty() -> Type {
        Type::object([
            ("id", Type::String),
            ("label", Type::String),
            ("kind", Type::String),
            ("ratio", Type::Number),
            (
                "pool",
                Type::list(Type::object([
                    ("id", Type::Number),
                    ("count", Type::Number),
                    ("tags", Type::set(Type::String)),
                ])),
            ),
            ("labels", Type::map(Type::String)),
            ("note", Type::String),
            ("extra_in_schema", Type::Bool),
        ])
    }

    #[test]
    fn model_round_trip_with_null_and_unknown() {
        let value = Value::object([
            ("id", Value::unknown()),
            ("label", Value::from("c1")),
            ("kind", Value::from("slave")),
            ("ratio", Value::Null),
            (
                "pool",
                Value::list([Value::object([
                    ("id", Value::unknown()),
                    ("count", Value::from(3)),
                    ("tags", Value::set([Value::from("a")])),
                ])]),
            ),
            ("labels", Value::map([("k", Value::from("v"))])),
            ("note", Value::Null),
            ("extra_in_schema", Value::Null),
        ]);
        let model: Cluster = value.to_model().unwrap();
        assert!(model.id.is_unknown());
        assert_eq!(model.kind, Val::Known(Kind::Slave));
        assert!(model.ratio.is_null());
        assert_eq!(model.pool[0].count, 3);
        assert!(model.pool[0].id.is_unknown());
        assert_eq!(Value::from_model(&model, &ty()).unwrap(), value);
    }

    #[test]
    fn unknown_in_plain_field_is_an_error() {
        let value = Value::object([("count", Value::unknown()), ("id", Value::Null), ("tags", Value::list([]))]);
        let err = value.to_model::<Pool>().unwrap_err();
        assert!(err.message.starts_with("count: value is unknown"), "{err}");
        let null = Value::object([("count", Value::Null), ("id", Value::Null), ("tags", Value::list([]))]);
        assert_eq!(null.to_model::<Pool>().unwrap_err().message, "count: invalid type: null, expected i64");
    }

    #[test]
    fn integers_from_float_values() {
        let value = Value::object([("count", Value::from(2.0)), ("id", Value::Null), ("tags", Value::list([]))]);
        assert_eq!(value.to_model::<Pool>().unwrap().count, 2);
        let bad = Value::object([("count", Value::from(2.5)), ("id", Value::Null), ("tags", Value::list([]))]);
        assert!(bad.to_model::<Pool>().is_err());
    }
}
