//! The plural data sources' `filter` blocks, `order_by` and `order`, as linode/linode users
//! know them.
//!
//! ```hcl
//! data "linode_domains" "prod" {
//!   filter {
//!     name   = "tags"
//!     values = ["prod"]
//!   }
//!   filter {
//!     name     = "domain"
//!     values   = ["example"]
//!     match_by = "substring"
//!   }
//!   order_by = "domain"
//!   order    = "desc"
//! }
//! ```
//!
//! Every filter must match (AND across blocks); within one filter any value may match (OR
//! across values); `match_by` is `exact` (the default), `substring` (`sub`) or `re`. Exact filters
//! on fields the API can filter are sent as one `X-Filter` (so a listing is one paginated call,
//! never a GET per item), and every filter is applied again client-side, which is what the other
//! filters rely on. A filter or `order_by` naming a field the data source does not have, a bad
//! `match_by`, or a regular expression that does not compile is a plan-time error.

use linode_sdk::Filter;
use linode_sdk::filter::Order;
use regex::Regex;
use serde::{Deserialize, Serialize};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::{AttributePath, Diagnostics, Type, Val};

/// The values of `match_by`.
const MATCH_BY: &[&str] = &["exact", "substring", "sub", "re"];

/// What a list data source can be filtered and ordered by.
pub struct Filterable {
    /// Fields of a result element that `filter` and `order_by` may name.
    pub fields: &'static [&'static str],
    /// Of those, the ones the API filters on (sent as `X-Filter` when matched exactly).
    pub api: &'static [&'static str],
    /// Whether the data source has `order_by` and `order` (as the official one does).
    pub ordered: bool,
}

/// One `filter` block.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct FilterModel {
    /// The field.
    pub name: String,
    /// The values, any of which may match.
    pub values: Vec<String>,
    /// `exact`, `substring` or `re`.
    pub match_by: Val<String>,
}

/// What a list data source's configuration says about its results: the filters and the order.
pub struct Query<'a> {
    filters: &'a [FilterModel],
    order_by: Option<&'a str>,
    descending: bool,
}

impl Filterable {
    /// Adds `id`, the `filter` block and, when ordered, `order_by` and `order` to a data
    /// source's schema.
    pub fn schema(&'static self, schema: Schema) -> Schema {
        let fields = self.fields.join(", ");
        let schema = schema.attr("id", Attribute::string().computed().description("An identifier of this query (its filters and order)."));
        let schema = if !self.ordered {
            schema
        } else {
            schema
            .attr(
                "order_by",
                Attribute::string()
                    .optional()
                    .one_of(self.fields)
                    .description(format!("The field to order the results by: one of {fields}.")),
            )
            .attr(
                "order",
                Attribute::string()
                    .optional()
                    .one_of(&["asc", "desc"])
                    .description("`asc` (the default) or `desc`."),
            )
        };
        schema
            .block(
                "filter",
                Block::set(
                    Schema::new()
                        .description("A filter: every filter must match; within one filter any value may match.")
                        .attr(
                            "name",
                            Attribute::string()
                                .required()
                                .one_of(self.fields)
                                .description(format!("The field to filter on: one of {fields}.")),
                        )
                        .attr(
                            "values",
                            Attribute::set(Type::String).required().description("The values to match; any of them may match."),
                        )
                        .attr(
                            "match_by",
                            Attribute::string()
                                .optional()
                                .one_of(MATCH_BY)
                                .description("How values match: `exact` (the default), `substring` or `re` (a regular expression)."),
                        ),
                ),
            )
    }
}

impl<'a> Query<'a> {
    /// The query of a configuration.
    pub fn new(filters: &'a [FilterModel], order_by: &'a Val<String>, order: &'a Val<String>) -> Query<'a> {
        Query {
            filters,
            order_by: order_by.get().map(String::as_str),
            descending: order.get().is_some_and(|o| o == "desc"),
        }
    }

    /// Checks what the schema's validators cannot: regular expressions compile. (Field names and
    /// `match_by` are checked by the schema.)
    pub fn validate(&self, diags: &mut Diagnostics) {
        for f in self.filters {
            if f.match_by.get().is_some_and(|m| m == "re") {
                for v in &f.values {
                    if let Err(e) = Regex::new(v) {
                        diags.error_at(
                            AttributePath::new("filter"),
                            "Invalid regular expression",
                            format!("Filter on {:?}: {v:?} is not a regular expression: {e}", f.name),
                        );
                    }
                }
            }
        }
    }

    /// The `X-Filter` for the exact filters on fields the API filters (AND across filters, OR
    /// across values), ordered by `order_by` when the API can; empty when nothing qualifies.
    pub fn api_filter(&self, filterable: &Filterable) -> Filter {
        let mut parts = Vec::new();
        for f in self.filters.iter().filter(|f| is_exact(f) && filterable.api.contains(&f.name.as_str())) {
            let alternatives: Vec<Filter> = f.values.iter().map(|v| Filter::new().eq(f.name.clone(), v.clone())).collect();
            parts.push(if alternatives.len() == 1 {
                alternatives.into_iter().next().unwrap_or_default()
            } else {
                Filter::or(alternatives)
            });
        }
        let mut filter = if parts.is_empty() { Filter::new() } else { Filter::and(parts) };
        if let Some(field) = self.order_by.filter(|f| filterable.api.contains(f)) {
            filter = filter.order_by(field, if self.descending { Order::Desc } else { Order::Asc });
        }
        filter
    }

    /// Keeps the items every filter matches, in the requested order. Items are compared by the
    /// fields of their serialized form: a scalar field matches when one value matches it; a
    /// list or set field when any of its elements does.
    pub fn apply<T: Serialize>(&self, items: Vec<T>, diags: &mut Diagnostics) -> Vec<T> {
        let mut matchers = Vec::new();
        for f in self.filters {
            match Matcher::new(f) {
                Ok(m) => matchers.push(m),
                Err(e) => {
                    diags.error_at(AttributePath::new("filter"), "Invalid filter", e);
                    return vec![];
                }
            }
        }
        let mut kept: Vec<(serde_json::Value, T)> = items
            .into_iter()
            .filter_map(|item| {
                let json = serde_json::to_value(&item).ok()?;
                matchers.iter().all(|m| m.matches(&json)).then_some((json, item))
            })
            .collect();
        if let Some(field) = self.order_by {
            kept.sort_by(|(a, _), (b, _)| compare(&a[field], &b[field]));
            if self.descending {
                kept.reverse();
            }
        }
        kept.into_iter().map(|(_, item)| item).collect()
    }

    /// A stable identifier of the query (the same filters in any order give the same id).
    pub fn id(&self) -> String {
        let mut parts: Vec<String> = self
            .filters
            .iter()
            .map(|f| {
                let mut values = f.values.clone();
                values.sort();
                format!("{}={}:{}", f.name, f.match_by.get().map_or("exact", String::as_str), values.join(","))
            })
            .collect();
        parts.sort();
        parts.push(format!("order_by={}:{}", self.order_by.unwrap_or(""), if self.descending { "desc" } else { "asc" }));
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a
        for b in parts.join(";").bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

fn is_exact(f: &FilterModel) -> bool {
    f.match_by.get().is_none_or(|m| m == "exact")
}

/// A filter, ready to match.
struct Matcher {
    field: String,
    how: How,
}

enum How {
    Exact(Vec<String>),
    Substring(Vec<String>),
    Regex(Vec<Regex>),
}

impl Matcher {
    fn new(f: &FilterModel) -> Result<Matcher, String> {
        let how = match f.match_by.get().map_or("exact", String::as_str) {
            "exact" => How::Exact(f.values.clone()),
            "substring" | "sub" => How::Substring(f.values.clone()),
            "re" => How::Regex(
                f.values.iter().map(|v| Regex::new(v).map_err(|e| format!("{v:?}: {e}"))).collect::<Result<_, _>>()?,
            ),
            other => return Err(format!("match_by {other:?} is not one of {}", MATCH_BY.join(", "))),
        };
        Ok(Matcher { field: f.name.clone(), how })
    }

    fn matches(&self, item: &serde_json::Value) -> bool {
        let value = &item[self.field.as_str()];
        let candidates: Vec<String> = match value {
            serde_json::Value::Array(elements) => elements.iter().map(text).collect(),
            serde_json::Value::Null => vec![],
            other => vec![text(other)],
        };
        candidates.iter().any(|c| match &self.how {
            How::Exact(want) => want.iter().any(|w| w == c),
            How::Substring(want) => want.iter().any(|w| c.contains(w.as_str())),
            How::Regex(want) => want.iter().any(|re| re.is_match(c)),
        })
    }
}

/// A scalar as the text a filter value is compared with (`true`, `42`, `fr-par`).
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Orders numbers numerically and everything else by text; nulls first.
fn compare(a: &serde_json::Value, b: &serde_json::Value) -> std::cmp::Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => text(a).cmp(&text(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Debug, PartialEq)]
    struct Item {
        id: i64,
        label: &'static str,
        tags: Vec<&'static str>,
    }

    const F: Filterable = Filterable { fields: &["id", "label", "tags"], api: &["label", "tags"], ordered: true };

    fn filter(name: &str, values: &[&str], match_by: Option<&str>) -> FilterModel {
        FilterModel {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
            match_by: match_by.map(str::to_string).into(),
        }
    }

    fn items() -> Vec<Item> {
        vec![
            Item { id: 10, label: "web-1", tags: vec!["prod", "web"] },
            Item { id: 2, label: "db-1", tags: vec!["prod"] },
            Item { id: 7, label: "web-2", tags: vec!["staging"] },
        ]
    }

    fn ids(filters: &[FilterModel], order_by: Option<&str>, order: Option<&str>) -> Vec<i64> {
        let (ob, o) = (order_by.map(str::to_string).into(), order.map(str::to_string).into());
        let mut diags = Diagnostics::new();
        let out = Query::new(filters, &ob, &o).apply(items(), &mut diags);
        assert!(diags.is_empty(), "{diags}");
        out.iter().map(|i| i.id).collect()
    }

    #[test]
    fn filters_and_across_blocks_or_across_values() {
        assert_eq!(ids(&[filter("tags", &["prod"], None)], None, None), [10, 2]);
        assert_eq!(ids(&[filter("tags", &["prod"], None), filter("label", &["web"], Some("substring"))], None, None), [10]);
        assert_eq!(ids(&[filter("label", &["db-1", "web-2"], None)], None, None), [2, 7]);
        assert_eq!(ids(&[filter("label", &["^web-\\d$"], Some("re"))], None, None), [10, 7]);
        assert_eq!(ids(&[filter("id", &["7"], None)], None, None), [7], "numbers compare as text");
    }

    #[test]
    fn order_is_numeric_for_numbers_and_can_be_reversed() {
        assert_eq!(ids(&[], Some("id"), None), [2, 7, 10]);
        assert_eq!(ids(&[], Some("id"), Some("desc")), [10, 7, 2]);
        assert_eq!(ids(&[], Some("label"), None), [2, 10, 7]);
    }

    #[test]
    fn exact_filters_on_api_fields_become_one_x_filter() {
        let filters = [filter("tags", &["prod", "web"], None), filter("label", &["db"], Some("substring")), filter("id", &["7"], None)];
        let (ob, o) = (Val::Known("label".to_string()), Val::Known("desc".to_string()));
        let x = Query::new(&filters, &ob, &o).api_filter(&F).to_value();
        assert_eq!(
            x,
            serde_json::json!({"+and": [{"+or": [{"tags": "prod"}, {"tags": "web"}]}], "+order_by": "label", "+order": "desc"}),
            "substring and non-API filters stay client-side"
        );
        assert!(Query::new(&[], &Val::Null, &Val::Null).api_filter(&F).is_empty());
    }

    #[test]
    fn ids_ignore_filter_order_and_bad_regexes_are_errors() {
        let a = [filter("tags", &["b", "a"], None), filter("label", &["x"], None)];
        let b = [filter("label", &["x"], None), filter("tags", &["a", "b"], None)];
        assert_eq!(Query::new(&a, &Val::Null, &Val::Null).id(), Query::new(&b, &Val::Null, &Val::Null).id());
        let mut diags = Diagnostics::new();
        Query::new(&[filter("label", &["(open"], Some("re"))], &Val::Null, &Val::Null).validate(&mut diags);
        assert_eq!(diags.errors().next().and_then(|d| d.path.clone()), Some(AttributePath::new("filter")));
    }
}
