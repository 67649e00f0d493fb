//! Evaluation of Linode's `X-Filter` header on rendered JSON items.
//!
//! Supported: plain equality (`{"label": "prod"}`, several keys ANDed; on array fields such as
//! `tags` equality means "contains"), `+and`, `+or`, `+gt`, `+gte`, `+lt`, `+lte`, `+contains`,
//! `+neq`, and top-level `+order_by` / `+order`. Only fields the endpoint marks filterable may be
//! used; anything else is a 400 like the real API.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// Filters and orders `items` according to the raw `X-Filter` header value.
///
/// `filterable` lists the (dotted) field names this collection accepts.
pub fn apply(
    items: Vec<Value>,
    header: Option<&str>,
    filterable: &[&str],
) -> ApiResult<Vec<Value>> {
    let Some(raw) = header.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(items);
    };
    let filter: Value = serde_json::from_str(raw)
        .map_err(|_| ApiError::field("X-Filter", "The filter is not valid JSON"))?;
    let Value::Object(filter) = filter else {
        return Err(ApiError::field(
            "X-Filter",
            "The filter must be a JSON object",
        ));
    };
    validate(&filter, filterable)?;
    let mut out: Vec<Value> = items
        .into_iter()
        .filter(|item| matches(&filter, item))
        .collect();
    if let Some(order_by) = filter.get("+order_by") {
        let Some(key) = order_by.as_str() else {
            return Err(ApiError::field("X-Filter", "+order_by must be a string"));
        };
        let desc = match filter.get("+order").and_then(Value::as_str) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(_) => {
                return Err(ApiError::field(
                    "X-Filter",
                    "+order must be 'asc' or 'desc'",
                ));
            }
        };
        out.sort_by(|a, b| {
            let o = compare(lookup(a, key), lookup(b, key));
            if desc { o.reverse() } else { o }
        });
    }
    Ok(out)
}

fn validate(filter: &Map<String, Value>, filterable: &[&str]) -> ApiResult<()> {
    for (key, value) in filter {
        match key.as_str() {
            "+and" | "+or" => {
                let Value::Array(parts) = value else {
                    return Err(ApiError::field(
                        "X-Filter",
                        format!("{key} must be an array"),
                    ));
                };
                for part in parts {
                    let Value::Object(part) = part else {
                        return Err(ApiError::field(
                            "X-Filter",
                            format!("{key} items must be objects"),
                        ));
                    };
                    validate(part, filterable)?;
                }
            }
            "+order_by" => {
                let name = value.as_str().unwrap_or_default();
                if !filterable.contains(&name) {
                    return Err(ApiError::field(
                        "X-Filter",
                        format!("Cannot filter on {name}"),
                    ));
                }
            }
            "+order" => {}
            k if k.starts_with('+') => {
                return Err(ApiError::field(
                    "X-Filter",
                    format!("Unknown filter operator {k}"),
                ));
            }
            field => {
                if !filterable.contains(&field) {
                    return Err(ApiError::field(
                        "X-Filter",
                        format!("Cannot filter on {field}"),
                    ));
                }
                if let Value::Object(ops) = value {
                    for op in ops.keys() {
                        if !matches!(
                            op.as_str(),
                            "+gt" | "+gte" | "+lt" | "+lte" | "+contains" | "+neq"
                        ) {
                            return Err(ApiError::field(
                                "X-Filter",
                                format!("Unknown filter operator {op}"),
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// Looks up a dotted path such as `price.hourly`.
fn lookup<'a>(item: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(item, |v, part| v.get(part))
}

fn matches(filter: &Map<String, Value>, item: &Value) -> bool {
    filter.iter().all(|(key, cond)| match key.as_str() {
        "+and" => cond.as_array().is_some_and(|p| {
            p.iter()
                .all(|f| f.as_object().is_some_and(|f| matches(f, item)))
        }),
        "+or" => cond.as_array().is_some_and(|p| {
            p.iter()
                .any(|f| f.as_object().is_some_and(|f| matches(f, item)))
        }),
        "+order_by" | "+order" => true,
        field => field_matches(lookup(item, field), cond),
    })
}

fn field_matches(value: Option<&Value>, cond: &Value) -> bool {
    match cond {
        Value::Object(ops) => ops.iter().all(|(op, arg)| op_matches(value, op, arg)),
        _ => equals(value, cond),
    }
}

fn equals(value: Option<&Value>, want: &Value) -> bool {
    match value {
        Some(Value::Array(items)) => items.iter().any(|v| scalar_eq(v, want)),
        Some(v) => scalar_eq(v, want),
        None => want.is_null(),
    }
}

fn scalar_eq(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

fn op_matches(value: Option<&Value>, op: &str, arg: &Value) -> bool {
    match op {
        "+neq" => !equals(value, arg),
        "+contains" => {
            let needle = arg.as_str().unwrap_or_default();
            match value {
                Some(Value::String(s)) => s.contains(needle),
                Some(Value::Array(items)) => items
                    .iter()
                    .any(|v| v.as_str().is_some_and(|s| s.contains(needle))),
                _ => false,
            }
        }
        _ => {
            let ord = compare(value, Some(arg));
            match op {
                "+gt" => ord == Ordering::Greater,
                "+gte" => ord != Ordering::Less,
                "+lt" => ord == Ordering::Less,
                "+lte" => ord != Ordering::Greater,
                _ => false,
            }
        }
    }
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => match (a.as_str(), b.as_str()) {
                (Some(x), Some(y)) => x.cmp(y),
                _ => a.to_string().cmp(&b.to_string()),
            },
        },
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items() -> Vec<Value> {
        vec![
            json!({"label": "prod", "memory": 2048, "tags": ["a"], "price": {"hourly": 0.1}}),
            json!({"label": "dev", "memory": 65536, "tags": ["b", "a"], "price": {"hourly": 0.5}}),
            json!({"label": "stage", "memory": 4096, "tags": [], "price": {"hourly": 0.2}}),
        ]
    }
    const F: &[&str] = &["label", "memory", "tags", "price.hourly"];

    fn labels(v: &[Value]) -> Vec<&str> {
        v.iter().map(|i| i["label"].as_str().unwrap()).collect()
    }

    #[test]
    fn equality_and_tags() {
        let out = apply(items(), Some(r#"{"label":"prod"}"#), F).unwrap();
        assert_eq!(labels(&out), ["prod"]);
        let out = apply(items(), Some(r#"{"tags":"a"}"#), F).unwrap();
        assert_eq!(labels(&out), ["prod", "dev"]);
    }

    #[test]
    fn operators_nesting_and_order() {
        let f = r#"{"+or":[{"memory":{"+gte":61440}},{"label":{"+contains":"sta"}}],"+order_by":"label","+order":"desc"}"#;
        let out = apply(items(), Some(f), F).unwrap();
        assert_eq!(labels(&out), ["stage", "dev"]);
        let out = apply(
            items(),
            Some(r#"{"price.hourly":{"+lt":0.3},"label":{"+neq":"prod"}}"#),
            F,
        )
        .unwrap();
        assert_eq!(labels(&out), ["stage"]);
    }

    #[test]
    fn rejects_unfilterable_and_garbage() {
        assert_eq!(
            apply(items(), Some(r#"{"secret":1}"#), F)
                .unwrap_err()
                .errors[0]
                .field
                .as_deref(),
            Some("X-Filter")
        );
        assert!(apply(items(), Some("not json"), F).is_err());
        assert!(apply(items(), Some(r#"{"label":{"+bogus":1}}"#), F).is_err());
    }
}
