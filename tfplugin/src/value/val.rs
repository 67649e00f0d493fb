//! [`Val`]: a tri-state (known / null / unknown) field for resource model structs.

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};

/// The serde name our value (de)serializer recognises to carry null/unknown through `Val`.
pub(crate) const VAL_TOKEN: &str = "__tfplugin_Val";
/// The unit-struct name that serializes an unknown.
pub(crate) const UNKNOWN_TOKEN: &str = "__tfplugin_Unknown";

/// A model field that may be known, null, or unknown (during planning).
///
/// ```
/// use serde::{Deserialize, Serialize};
/// use tfplugin::{Type, Val, Value};
///
/// #[derive(Serialize, Deserialize)]
/// struct Record {
///     id: Val<String>,
///     ttl: Val<i64>,
/// }
/// let ty = Type::object([("id", Type::String), ("ttl", Type::Number)]);
/// let v = Value::object([("id", Value::unknown()), ("ttl", Value::from(300))]);
/// let r: Record = v.to_model().unwrap();
/// assert!(r.id.is_unknown());
/// assert_eq!(r.ttl.get(), Some(&300));
/// assert_eq!(Value::from_model(&r, &ty).unwrap(), v);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Default, Hash)]
pub enum Val<T> {
    /// A known value.
    Known(T),
    /// Null.
    #[default]
    Null,
    /// Not known yet.
    Unknown,
}

impl<T> Val<T> {
    /// The known value, if any.
    pub fn get(&self) -> Option<&T> {
        match self {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Takes the known value, if any.
    pub fn into_option(self) -> Option<T> {
        match self {
            Val::Known(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the value is known (not null, not unknown).
    pub fn is_known(&self) -> bool {
        matches!(self, Val::Known(_))
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// Whether the value is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Val::Unknown)
    }

    /// A reference form.
    pub fn as_ref(&self) -> Val<&T> {
        match self {
            Val::Known(v) => Val::Known(v),
            Val::Null => Val::Null,
            Val::Unknown => Val::Unknown,
        }
    }

    /// Maps the known value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Val<U> {
        match self {
            Val::Known(v) => Val::Known(f(v)),
            Val::Null => Val::Null,
            Val::Unknown => Val::Unknown,
        }
    }

    /// Keeps a known value; otherwise (null or unknown) uses `value`. The usual way to fill in
    /// computed attributes after create: `model.id = model.id.or_known(api.id)`.
    pub fn or_known(self, value: T) -> Val<T> {
        match self {
            Val::Known(v) => Val::Known(v),
            _ => Val::Known(value),
        }
    }

    /// Replaces an unknown with `value` (null and known values stay): what "preserve known"
    /// flattening does for optional+computed attributes.
    pub fn resolve(self, value: Option<T>) -> Val<T> {
        match self {
            Val::Unknown => value.into(),
            other => other,
        }
    }
}

impl<T: Clone> Val<T> {
    /// The known value, or `default`.
    pub fn unwrap_or(&self, default: T) -> T {
        self.get().cloned().unwrap_or(default)
    }
}

impl<T> From<Option<T>> for Val<T> {
    fn from(v: Option<T>) -> Val<T> {
        v.map_or(Val::Null, Val::Known)
    }
}

impl<T> From<T> for Val<T> {
    fn from(v: T) -> Val<T> {
        Val::Known(v)
    }
}

impl From<&str> for Val<String> {
    fn from(v: &str) -> Val<String> {
        Val::Known(v.to_string())
    }
}

impl<T: Serialize> Serialize for Val<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Known(v) => v.serialize(s),
            Val::Null => s.serialize_none(),
            Val::Unknown => s.serialize_unit_struct(UNKNOWN_TOKEN),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Val<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Val<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value, null or unknown")
            }
            fn visit_none<E: de::Error>(self) -> Result<Val<T>, E> {
                Ok(Val::Null)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Val<T>, E> {
                Ok(Val::Unknown)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Val<T>, D::Error> {
                T::deserialize(d).map(Val::Known)
            }
            fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Val<T>, D::Error> {
                // Other formats (e.g. JSON): plain optional values.
                Option::<T>::deserialize(d).map(Val::from)
            }
        }
        d.deserialize_newtype_struct(VAL_TOKEN, V(std::marker::PhantomData))
    }
}
