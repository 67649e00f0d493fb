//! A typed builder for Linode's `X-Filter` header.
//!
//! ```
//! use linode_sdk::filter::{Filter, Order};
//! let f = Filter::new()
//!     .eq("region", "fr-par")
//!     .gte("vcpus", 4)
//!     .order_by("label", Order::Desc);
//! assert_eq!(f.to_header(), r#"{"region":"fr-par","vcpus":{"+gte":4},"+order_by":"label","+order":"desc"}"#);
//!
//! let either = Filter::or([Filter::new().eq("type", "A"), Filter::new().eq("type", "AAAA")]);
//! assert_eq!(either.to_header(), r#"{"+or":[{"type":"A"},{"type":"AAAA"}]}"#);
//! ```

use serde_json::{Map, Value};

/// Sort direction for [`Filter::order_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// Ascending (the API default).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// An `X-Filter` expression. Conditions added with the field methods are ANDed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    conditions: Vec<(String, Value)>,
    order_by: Option<(String, Order)>,
}

impl Filter {
    /// An empty filter (matches everything).
    pub fn new() -> Self {
        Self::default()
    }

    fn push(mut self, field: impl Into<String>, value: Value) -> Self {
        self.conditions.push((field.into(), value));
        self
    }

    fn op(self, field: impl Into<String>, op: &str, value: Value) -> Self {
        let mut m = Map::new();
        m.insert(op.to_owned(), value);
        self.push(field, Value::Object(m))
    }

    /// `field == value`.
    #[must_use]
    pub fn eq(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.push(field, value.into())
    }

    /// `field != value` (`+neq`).
    #[must_use]
    pub fn neq(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.op(field, "+neq", value.into())
    }

    /// Substring match (`+contains`).
    #[must_use]
    pub fn contains(self, field: impl Into<String>, value: impl Into<String>) -> Self {
        self.op(field, "+contains", Value::String(value.into()))
    }

    /// `field > value` (`+gt`).
    #[must_use]
    pub fn gt(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.op(field, "+gt", value.into())
    }

    /// `field >= value` (`+gte`).
    #[must_use]
    pub fn gte(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.op(field, "+gte", value.into())
    }

    /// `field < value` (`+lt`).
    #[must_use]
    pub fn lt(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.op(field, "+lt", value.into())
    }

    /// `field <= value` (`+lte`).
    #[must_use]
    pub fn lte(self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.op(field, "+lte", value.into())
    }

    /// All of `filters` must match (`+and`).
    pub fn and(filters: impl IntoIterator<Item = Filter>) -> Self {
        let list = filters.into_iter().map(|f| f.to_value()).collect();
        Filter::new().push("+and", Value::Array(list))
    }

    /// Any of `filters` must match (`+or`).
    pub fn or(filters: impl IntoIterator<Item = Filter>) -> Self {
        let list = filters.into_iter().map(|f| f.to_value()).collect();
        Filter::new().push("+or", Value::Array(list))
    }

    /// Adds `filter`'s conditions to this one (AND).
    #[must_use]
    pub fn with(mut self, filter: Filter) -> Self {
        self.conditions.extend(filter.conditions);
        if filter.order_by.is_some() {
            self.order_by = filter.order_by;
        }
        self
    }

    /// Sorts by a filterable attribute (`+order_by` and `+order`).
    #[must_use]
    pub fn order_by(mut self, field: impl Into<String>, order: Order) -> Self {
        self.order_by = Some((field.into(), order));
        self
    }

    /// `true` when the filter has no condition and no ordering.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty() && self.order_by.is_none()
    }

    /// The filter as a JSON value. Conditions on distinct fields become one object;
    /// several conditions on the same field are wrapped in `+and`.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        let mut seen = std::collections::HashSet::new();
        let unique = self.conditions.iter().all(|(k, _)| seen.insert(k.as_str()));
        if unique {
            for (k, v) in &self.conditions {
                map.insert(k.clone(), v.clone());
            }
        } else {
            let list = self
                .conditions
                .iter()
                .map(|(k, v)| {
                    let mut m = Map::new();
                    m.insert(k.clone(), v.clone());
                    Value::Object(m)
                })
                .collect();
            map.insert("+and".to_owned(), Value::Array(list));
        }
        if let Some((field, order)) = &self.order_by {
            map.insert("+order_by".to_owned(), Value::String(field.clone()));
            let o = match order {
                Order::Asc => "asc",
                Order::Desc => "desc",
            };
            map.insert("+order".to_owned(), Value::String(o.to_owned()));
        }
        Value::Object(map)
    }

    /// The header value (compact JSON).
    pub fn to_header(&self) -> String {
        self.to_value().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operators_render_like_the_api_expects() {
        let f = Filter::new()
            .eq("label", "prod")
            .contains("domain", "example")
            .gt("a", 1)
            .lt("b", 2.5)
            .lte("c", 3)
            .neq("status", "disabled");
        assert_eq!(
            f.to_value(),
            json!({"label":"prod","domain":{"+contains":"example"},"a":{"+gt":1},"b":{"+lt":2.5},"c":{"+lte":3},"status":{"+neq":"disabled"}})
        );
    }

    #[test]
    fn repeated_fields_are_anded_and_groups_nest() {
        let range = Filter::new().gte("vcpus", 12).lte("vcpus", 20);
        assert_eq!(range.to_value(), json!({"+and":[{"vcpus":{"+gte":12}},{"vcpus":{"+lte":20}}]}));
        let f = Filter::or([
            Filter::or([Filter::new().eq("class", "standard"), Filter::new().eq("class", "highmem")]),
            Filter::and([Filter::new().gte("vcpus", 12), Filter::new().lte("vcpus", 20)]),
        ]);
        assert_eq!(
            f.to_value(),
            json!({"+or":[{"+or":[{"class":"standard"},{"class":"highmem"}]},{"+and":[{"vcpus":{"+gte":12}},{"vcpus":{"+lte":20}}]}]})
        );
        assert!(Filter::new().is_empty());
        assert_eq!(Filter::new().order_by("label", Order::Asc).to_header(), r#"{"+order_by":"label","+order":"asc"}"#);
    }
}
