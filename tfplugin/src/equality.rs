//! Ready-made semantic equalities, for
//! [`Attribute::semantic_equality`](crate::schema::Attribute::semantic_equality).
//!
//! An API often stores a value in another form than the one configured: it lowercases tags,
//! rounds a TTL up to the next step it supports, reorders a list it treats as a set, or answers
//! `[]` for an attribute left unset. Declaring the equality on the attribute lets the framework
//! keep the configured form after apply and the prior form after a refresh, so no diff appears,
//! without the resource threading the prior value through its conversions.
//!
//! ```
//! use tfplugin::equality;
//! use tfplugin::schema::Attribute;
//! use tfplugin::{Type, Value};
//!
//! let tags = Attribute::set(Type::String).optional().semantic_equality(equality::case_insensitive());
//! let ttl = Attribute::number().optional().semantic_equality(equality::rounded_up_to(&[300, 3600, 86400]));
//! let eq = equality::rounded_up_to(&[300, 3600]);
//! assert!(eq(&Value::from(301), &Value::from(3600)));
//! assert!(!eq(&Value::from(299), &Value::from(3600)));
//! # let _ = (tags, ttl);
//! ```

use crate::value::{Number, Value};

/// The signature of an equality: `(earlier, later) -> same?`.
pub trait Equality: Fn(&Value, &Value) -> bool + Send + Sync + 'static {}
impl<F: Fn(&Value, &Value) -> bool + Send + Sync + 'static> Equality for F {}

/// Strings equal ignoring case; lists and sets of strings equal as sets ignoring case (order and
/// duplicates too), e.g. tags that the API lowercases.
pub fn case_insensitive() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (a, b) {
        (Value::String(x), Value::String(y)) => x.to_lowercase() == y.to_lowercase(),
        _ => match (string_set(a, str::to_lowercase), string_set(b, str::to_lowercase)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Lists equal as sets: the same elements in any order (duplicates ignored).
pub fn set_ignoring_order() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (a.as_elements(), b.as_elements()) {
        (Some(x), Some(y)) => x.iter().all(|e| y.contains(e)) && y.iter().all(|e| x.contains(e)),
        _ => false,
    }
}

/// Numbers equal when they round up to the same step of `steps` (ascending), as an API that
/// accepts any value and stores the next step (a TTL of 301 becomes 3600). A value above the
/// largest step stays itself; 0 and negative values only equal themselves.
pub fn rounded_up_to(steps: &'static [i64]) -> impl Equality + Clone {
    move |a: &Value, b: &Value| match (a.as_number().and_then(Number::as_i64), b.as_number().and_then(Number::as_i64)) {
        (Some(x), Some(y)) => round_up(steps, x) == round_up(steps, y),
        _ => false,
    }
}

/// The step `value` rounds up to (see [`rounded_up_to`]).
pub fn round_up(steps: &[i64], value: i64) -> i64 {
    if value <= 0 {
        return value;
    }
    steps.iter().copied().find(|s| *s >= value).unwrap_or(value)
}

/// Strings equal once normalised by `normalize` (e.g. without a trailing dot, or a name with its
/// domain suffix removed).
pub fn normalized(normalize: impl Fn(&str) -> String + Send + Sync + Clone + 'static) -> impl Equality + Clone {
    move |a: &Value, b: &Value| match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => normalize(x) == normalize(y),
        _ => false,
    }
}

/// Null equals an empty string, list, set or map (an API that answers `""` or `[]` for an
/// attribute the configuration leaves unset).
pub fn null_is_empty() -> impl Equality + Clone {
    |a: &Value, b: &Value| is_empty(a) && is_empty(b)
}

/// Either equality holds.
pub fn either(first: impl Equality + Clone, second: impl Equality + Clone) -> impl Equality + Clone {
    move |a: &Value, b: &Value| first(a, b) || second(a, b)
}

/// Whether `v` is null or an empty string or collection.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::List(e) | Value::Set(e) | Value::Tuple(e) => e.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

fn string_set(v: &Value, f: impl Fn(&str) -> String) -> Option<std::collections::BTreeSet<String>> {
    v.as_elements()?.iter().map(|e| e.as_str().map(&f)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_sets_and_strings() {
        let eq = case_insensitive();
        assert!(eq(&Value::from("Prod"), &Value::from("prod")));
        assert!(eq(
            &Value::set([Value::from("A"), Value::from("b")]),
            &Value::list([Value::from("B"), Value::from("a"), Value::from("a")])
        ));
        assert!(!eq(&Value::set([Value::from("a")]), &Value::set([Value::from("a"), Value::from("c")])));
        assert!(!eq(&Value::Null, &Value::set([])));
    }

    #[test]
    fn order_is_ignored_but_content_is_not() {
        let eq = set_ignoring_order();
        assert!(eq(&Value::list([Value::from(1), Value::from(2)]), &Value::list([Value::from(2), Value::from(1)])));
        assert!(!eq(&Value::list([Value::from(1)]), &Value::list([Value::from(2)])));
    }

    #[test]
    fn rounding_follows_the_steps() {
        const STEPS: &[i64] = &[30, 120, 300, 3600, 2_419_200];
        let eq = rounded_up_to(STEPS);
        assert!(eq(&Value::from(2_419_201), &Value::from(2_419_201)));
        assert!(eq(&Value::from(121), &Value::from(300)));
        assert!(!eq(&Value::from(0), &Value::from(30)));
        assert_eq!(round_up(STEPS, 2_419_201), 2_419_201, "above the largest step stays itself");
        assert_eq!(round_up(STEPS, 1), 30);
    }

    #[test]
    fn normalized_strings_and_empty_values() {
        let eq = normalized(|s| s.trim_end_matches('.').to_string());
        assert!(eq(&Value::from("example.com."), &Value::from("example.com")));
        let empty = null_is_empty();
        assert!(empty(&Value::Null, &Value::list([])));
        assert!(empty(&Value::from(""), &Value::Null));
        assert!(!empty(&Value::Null, &Value::from("x")));
        let both = either(null_is_empty(), case_insensitive());
        assert!(both(&Value::Null, &Value::set([])) && both(&Value::from("A"), &Value::from("a")));
    }
}
