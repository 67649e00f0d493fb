//! Request and response models, one module per API area.
//!
//! Conventions:
//! - Response types use `#[serde(default)]` so that a field the API leaves out (the spec
//!   and the live API disagree in places, e.g. the 4.189 spec's LKE create response has
//!   no `id`, and many fields are newer than the spec) never breaks decoding.
//! - Enums have an `Other(String)` catch-all so a new API value never breaks decoding.
//! - Timestamps are kept as `String`: Linode sends `YYYY-MM-DDTHH:MM:SS` without zone,
//!   while spec examples sometimes add a trailing `Z`; both pass through unchanged.
//! - Spec quirks handled here (the 4.189 spec versus the live API): the LKE create and
//!   update examples have no `id`/`status` (the API sends the full cluster); pool listings
//!   type `nodes[].instance_id` as a string (it is an integer; both are accepted); the ACL
//!   field is spelled `revision-id`; regions use `site-type` in the spec and `site_type`
//!   live (both accepted); domain `description`/`group`/`soa_email` may be `null`.
//! - Request types are `CreateX` / `UpdateX` with `Option` fields that are left out of the
//!   body when `None`. Where the API distinguishes "clear" from "leave alone", the field
//!   is `Option<Option<T>>`-like (see [`Nullable`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod domains;
pub mod firewalls;
pub mod linode_types;
pub mod lke;
pub mod nodebalancers;
pub mod object_storage;
pub mod regions;
pub mod vpcs;

/// Declares a string enum with known variants and an `Other(String)` catch-all.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this SDK version does not know (kept verbatim).
            Other(String),
        }

        impl $name {
            /// Every value this SDK version knows, as sent on the wire (e.g. for a validator).
            pub const VALUES: &'static [&'static str] = &[$($value),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Other(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl Default for $name {
            /// An empty [`Self::Other`], used only when the API leaves the field out.
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from(s.as_ref()))
            }
        }
    };
}
pub(crate) use string_enum;

/// A request field that can be left alone (`Keep`), cleared (`Null`, sent as JSON
/// `null`) or set (`Value`). Use with
/// `#[serde(default, skip_serializing_if = "Nullable::is_keep")]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Nullable<T> {
    /// Leave the field out of the request.
    #[default]
    Keep,
    /// Send `null` to clear the value.
    Null,
    /// Send this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// `true` for [`Nullable::Keep`].
    pub fn is_keep(&self) -> bool {
        matches!(self, Nullable::Keep)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(v: T) -> Self {
        Nullable::Value(v)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(s),
            _ => s.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Nullable::Value(v),
            None => Nullable::Null,
        })
    }
}

/// A price in US dollars.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Price {
    /// Cost per hour.
    pub hourly: Option<f64>,
    /// Cost per month.
    pub monthly: Option<f64>,
}

/// A region-specific price.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RegionPrice {
    /// Region id.
    pub id: String,
    /// Cost per hour.
    pub hourly: Option<f64>,
    /// Cost per month.
    pub monthly: Option<f64>,
}

/// A priced service type (`/lke/types`, `/nodebalancers/types`, `/object-storage/types`,
/// `/network-transfer/prices`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceType {
    /// Type id, e.g. `lke-ha`.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Default price.
    pub price: Price,
    /// Region-specific prices.
    pub region_prices: Vec<RegionPrice>,
    /// Monthly outbound transfer in MB.
    pub transfer: u64,
}

/// The empty `{}` body of deletes and actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Empty {}

/// Deserialises an integer sent either as a number or as a numeric string (the spec
/// types some integer ids as strings).
pub(crate) fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(u64),
        Str(String),
    }
    Ok(match Option::<IntOrString>::deserialize(d)? {
        None => None,
        Some(IntOrString::Int(i)) => Some(i),
        Some(IntOrString::Str(s)) => s.trim().parse().ok(),
    })
}

/// Deserialises `null` as the type's default.
pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    string_enum! {
        /// Test enum.
        Color { /// Red.
            Red = "red", /// Blue.
            Blue = "blue" }
    }

    #[test]
    fn string_enum_round_trips_and_keeps_unknown_values() {
        let v: Vec<Color> = serde_json::from_str(r#"["red","blue","ultraviolet"]"#).unwrap();
        assert_eq!(v, vec![Color::Red, Color::Blue, Color::Other("ultraviolet".into())]);
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["red","blue","ultraviolet"]"#);
        assert_eq!(Color::VALUES, ["red", "blue"]);
    }

    #[test]
    fn nullable_serialises_three_states() {
        #[derive(Serialize, Default)]
        struct Body {
            #[serde(skip_serializing_if = "Nullable::is_keep")]
            a: Nullable<u64>,
            #[serde(skip_serializing_if = "Nullable::is_keep")]
            b: Nullable<u64>,
            #[serde(skip_serializing_if = "Nullable::is_keep")]
            c: Nullable<u64>,
        }
        let body = Body { a: Nullable::Keep, b: Nullable::Null, c: 5.into() };
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"b":null,"c":5}"#);
    }
}
