//! Pairing the elements of list blocks with the prior state's elements by identity.
//!
//! Terraform pairs list-block elements by position: after the user reorders two `pool` blocks,
//! element 0 of the configuration meets element 0 of the state, and a computed `id` copied "for
//! unknown" from there belongs to the other pool. A list block declared with a [`Pairing`] is
//! paired by what identifies an element instead, in stages:
//!
//! 1. the identity attribute ([`Pairing::by`], e.g. `id`), when the configuration gives it;
//! 2. each further stage in declaration order: an attribute with an equal, non-empty value
//!    ([`Pairing::then_by`], e.g. a `label`), the same configured content
//!    ([`Pairing::then_same_configuration`]), or the same values of a few attributes
//!    ([`Pairing::then_same`], e.g. the same node type).
//!
//! Every prior element is used at most once, and only prior elements whose identity is known
//! take part. A pair whose [`Pairing::new_element_when_changed`] attributes differ is broken: the
//! configured element is a new one (created), and the prior one goes (deleted).
//!
//! Refreshed and applied values follow the element identity too: the framework puts the
//! elements of a read back in the prior state's order (and of an apply, in the plan's), new ones
//! last, so the order the user wrote is kept whatever order the API answers in.

use std::collections::BTreeMap;

use crate::schema::{Attribute, Block, BlockNesting, Schema};
use crate::value::Value;

static NULL: Value = Value::Null;

/// How the elements of a list block are paired with prior elements; see the [module docs](self).
#[derive(Clone, Debug, Default)]
pub struct Pairing {
    identity: Option<String>,
    stages: Vec<Stage>,
    renew_on: Vec<String>,
}

#[derive(Clone, Debug)]
enum Stage {
    /// Equal, known, non-empty values of an attribute.
    Attr(String),
    /// Equal values (null equal to empty) of these attributes or blocks.
    Same(Vec<String>),
    /// Equal configured content: every attribute the configuration sets, and every nested block.
    SameConfiguration,
}

impl Pairing {
    /// Elements are identified by the value of attribute `identity` (usually a computed `id`):
    /// a configured element giving it pairs with the prior element with the same value, and
    /// refreshed elements are ordered by it.
    pub fn by(identity: impl Into<String>) -> Pairing {
        Pairing { identity: Some(identity.into()), ..Pairing::default() }
    }

    /// Then pairs elements with an equal, non-empty value of `attr` (e.g. a user-chosen label).
    #[must_use]
    pub fn then_by(mut self, attr: impl Into<String>) -> Pairing {
        self.stages.push(Stage::Attr(attr.into()));
        self
    }

    /// Then pairs elements whose configured content is the same: every attribute set in the
    /// configuration (or having a default) equal, semantic equalities included, and equal nested
    /// blocks; unset computed attributes do not count.
    #[must_use]
    pub fn then_same_configuration(mut self) -> Pairing {
        self.stages.push(Stage::SameConfiguration);
        self
    }

    /// Then pairs elements with the same values of `attrs` (attributes or nested blocks; null
    /// equals empty).
    #[must_use]
    pub fn then_same(mut self, attrs: &[&str]) -> Pairing {
        self.stages.push(Stage::Same(attrs.iter().map(|s| s.to_string()).collect()));
        self
    }

    /// A configured change of any of `attrs` makes the element a new one instead of an update
    /// of its paired prior element (e.g. a node pool's type: the old pool is deleted and a new
    /// one created, the resource itself is not replaced).
    #[must_use]
    pub fn new_element_when_changed(mut self, attrs: &[&str]) -> Pairing {
        self.renew_on.extend(attrs.iter().map(|s| s.to_string()));
        self
    }

    /// The identity attribute, if declared.
    pub fn identity(&self) -> Option<&str> {
        self.identity.as_deref()
    }

    /// For each configured element, the index of the prior element it continues.
    pub fn pair(&self, schema: &Schema, config: &[Value], prior: &[Value]) -> Vec<Option<usize>> {
        let mut out = vec![None; config.len()];
        let mut used = vec![false; prior.len()];
        let eligible = |p: &Value| self.identity.as_ref().is_none_or(|id| p.get(id).is_some_and(Value::is_known));
        let identity = self.identity.clone().map(Stage::Attr);
        for stage in identity.iter().chain(&self.stages) {
            for (i, c) in config.iter().enumerate() {
                if out[i].is_some() || !c.is_known() {
                    continue;
                }
                if let Some(j) =
                    (0..prior.len()).find(|&j| !used[j] && eligible(&prior[j]) && stage_matches(stage, schema, c, &prior[j]))
                {
                    used[j] = true;
                    out[i] = Some(j);
                }
            }
        }
        for (i, c) in config.iter().enumerate() {
            if let Some(j) = out[i]
                && self.renew_on.iter().any(|n| {
                    let cv = c.get(n).unwrap_or(&NULL);
                    cv.is_known() && !member_equal(schema, n, cv, prior[j].get(n).unwrap_or(&NULL), true)
                })
            {
                out[i] = None;
            }
        }
        out
    }

    /// For each `later` element (a refresh or an apply result), the index of the `earlier`
    /// element (prior state or plan) that is the same object: by identity, then, for earlier
    /// elements whose identity is not known yet (planned new elements), by the stages.
    pub fn follow(&self, schema: &Schema, earlier: &[Value], later: &[Value]) -> Vec<Option<usize>> {
        let mut out = vec![None; later.len()];
        let mut used = vec![false; earlier.len()];
        if let Some(id) = &self.identity {
            for (k, l) in later.iter().enumerate() {
                let Some(lv) = l.get(id).filter(|v| v.is_known()) else { continue };
                if let Some(j) = (0..earlier.len()).find(|&j| !used[j] && earlier[j].get(id) == Some(lv)) {
                    used[j] = true;
                    out[k] = Some(j);
                }
            }
        }
        let pending = |e: &Value| self.identity.as_ref().is_none_or(|id| !e.get(id).is_some_and(Value::is_known));
        for stage in &self.stages {
            for (j, e) in earlier.iter().enumerate() {
                if used[j] || !pending(e) {
                    continue;
                }
                if let Some(k) = (0..later.len()).find(|&k| out[k].is_none() && stage_matches(stage, schema, e, &later[k])) {
                    used[j] = true;
                    out[k] = Some(j);
                }
            }
        }
        out
    }
}

fn stage_matches(stage: &Stage, schema: &Schema, c: &Value, p: &Value) -> bool {
    match stage {
        Stage::Attr(n) => {
            let cv = c.get(n).unwrap_or(&NULL);
            cv.is_known() && !crate::equality::is_empty(cv) && member_equal(schema, n, cv, p.get(n).unwrap_or(&NULL), false)
        }
        Stage::Same(names) => names.iter().all(|n| {
            let cv = c.get(n).unwrap_or(&NULL);
            !cv.is_unknown() && member_equal(schema, n, cv, p.get(n).unwrap_or(&NULL), true)
        }),
        Stage::SameConfiguration => same_object(schema, c, p, Compare::Configured),
    }
}

/// How two objects of a schema are compared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Compare {
    /// Everything, with semantic equalities and keyed list blocks paired by identity (a reorder
    /// is no change).
    Everything,
    /// Only what the first object configures: unset (null or unknown) computed attributes of the
    /// first object are skipped, defaults stand in for unset attributes that have one, null
    /// equals empty.
    Configured,
}

/// Whether attribute or block `name` of `schema` has the same value in `a` and `b`.
fn member_equal(schema: &Schema, name: &str, a: &Value, b: &Value, null_is_empty: bool) -> bool {
    if let Some(attr) = schema.attribute(name) {
        return attr_equal(attr, a, b, null_is_empty);
    }
    if let Some(block) = schema.nested_block(name) {
        let mode = if null_is_empty { Compare::Configured } else { Compare::Everything };
        return block_equal(block, a, b, mode);
    }
    a == b
}

/// Whether two values of `attr` are the same: equal, semantically equal, or (with
/// `null_is_empty`) both null or empty.
pub(crate) fn attr_equal(attr: &Attribute, a: &Value, b: &Value, null_is_empty: bool) -> bool {
    if a == b {
        return true;
    }
    if null_is_empty && crate::equality::is_empty(a) && crate::equality::is_empty(b) {
        return true;
    }
    match &attr.semantic_eq {
        Some(eq) => !a.is_unknown() && !b.is_unknown() && eq(a, b),
        None => false,
    }
}

/// Whether two objects of `schema` are the same, as `mode` says.
pub(crate) fn same_object(schema: &Schema, a: &Value, b: &Value, mode: Compare) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => return true,
        (Value::Object(_), Value::Object(_)) => {}
        _ => return a == b,
    }
    let configured = mode == Compare::Configured;
    let attrs_equal = schema.attributes().all(|(name, attr)| {
        let mut x = a.get(name).unwrap_or(&NULL);
        let y = b.get(name).unwrap_or(&NULL);
        if configured && (x.is_null() || x.is_unknown()) {
            match &attr.default {
                Some(d) if x.is_null() => x = d,
                _ if attr.computed => return true,
                _ => {}
            }
        }
        attr_equal(attr, x, y, configured)
    });
    attrs_equal
        && schema.blocks().all(|(name, block)| {
            block_equal(block, a.get(name).unwrap_or(&NULL), b.get(name).unwrap_or(&NULL), mode)
        })
}

/// Whether two values of a nested block are the same (sets and keyed lists ignore order).
pub(crate) fn block_equal(block: &Block, a: &Value, b: &Value, mode: Compare) -> bool {
    let schema = &block.schema;
    match block.nesting {
        BlockNesting::Single | BlockNesting::Group => same_object(schema, a, b, mode),
        BlockNesting::List | BlockNesting::Set => {
            let (x, y) = (a.as_elements().unwrap_or_default(), b.as_elements().unwrap_or_default());
            if a.is_unknown() || b.is_unknown() {
                return a.is_unknown() && b.is_unknown();
            }
            if x.len() != y.len() {
                return false;
            }
            match (block.nesting, &block.pairing) {
                (BlockNesting::List, None) => x.iter().zip(y).all(|(p, q)| same_object(schema, p, q, mode)),
                (BlockNesting::List, Some(pairing)) => {
                    let pairs = if mode == Compare::Configured {
                        pairing.pair(schema, x, y)
                    } else {
                        pairing.follow(schema, y, x)
                    };
                    pairs.iter().enumerate().all(|(i, j)| j.is_some_and(|j| same_object(schema, &x[i], &y[j], mode)))
                }
                _ => {
                    let mut used = vec![false; y.len()];
                    x.iter().all(|p| match (0..y.len()).find(|&j| !used[j] && same_object(schema, p, &y[j], mode)) {
                        Some(j) => {
                            used[j] = true;
                            true
                        }
                        None => false,
                    })
                }
            }
        }
        BlockNesting::Map => match (a.as_entries(), b.as_entries()) {
            (Some(x), Some(y)) => {
                x.len() == y.len()
                    && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_object(schema, v, w, mode)))
            }
            _ => a == b,
        },
    }
}

/// Terraform's proposed new state of one object (`objchange.ProposedNew`): the configuration,
/// with unset computed attributes taken from the prior object, list blocks paired as declared.
pub(crate) fn propose_object(schema: &Schema, prior: &Value, config: &Value) -> Value {
    if !config.is_known() {
        return config.clone();
    }
    let mut out = BTreeMap::new();
    for (name, attr) in schema.attributes() {
        let c = config.get(name).unwrap_or(&NULL);
        let p = prior.get(name).unwrap_or(&NULL);
        let v = if attr.computed && c.is_null() { p.clone() } else { c.clone() };
        out.insert(name.to_string(), v);
    }
    for (name, block) in schema.blocks() {
        let c = config.get(name).unwrap_or(&NULL);
        let p = prior.get(name).unwrap_or(&NULL);
        out.insert(name.to_string(), propose_block(block, p, c));
    }
    Value::Object(out)
}

fn propose_block(block: &Block, prior: &Value, config: &Value) -> Value {
    let schema = &block.schema;
    match block.nesting {
        BlockNesting::Single | BlockNesting::Group => propose_object(schema, prior, config),
        BlockNesting::List => {
            let Some(cs) = config.as_elements() else { return config.clone() };
            let ps = prior.as_elements().unwrap_or_default();
            let pairs = match &block.pairing {
                Some(pairing) => pairing.pair(schema, cs, ps),
                None => (0..cs.len()).map(|i| (i < ps.len()).then_some(i)).collect(),
            };
            Value::List(
                cs.iter()
                    .zip(pairs)
                    .map(|(c, j)| propose_object(schema, j.map_or(&NULL, |j| &ps[j]), c))
                    .collect(),
            )
        }
        BlockNesting::Set => {
            let Some(cs) = config.as_elements() else { return config.clone() };
            let ps = prior.as_elements().unwrap_or_default();
            Value::Set(
                cs.iter()
                    .map(|c| {
                        let p = ps.iter().find(|p| same_object(schema, c, p, Compare::Configured)).unwrap_or(&NULL);
                        propose_object(schema, p, c)
                    })
                    .collect(),
            )
        }
        BlockNesting::Map => {
            let Some(cs) = config.as_entries() else { return config.clone() };
            Value::Map(
                cs.iter()
                    .map(|(k, c)| {
                        let p = prior.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                        (k.clone(), propose_object(schema, p, c))
                    })
                    .collect(),
            )
        }
    }
}

/// Re-derives Terraform's proposal for list blocks declared with a [`Pairing`] (Terraform paired
/// them by position); everything else keeps Terraform's proposal.
pub(crate) fn repropose(schema: &Schema, prior: &Value, config: &Value, proposed: &mut Value) {
    if !schema.has_pairing() || !proposed.is_known() {
        return;
    }
    for (name, block) in schema.blocks() {
        let c = config.get(name).unwrap_or(&NULL);
        let p = prior.get(name).unwrap_or(&NULL);
        let Some(pr) = proposed.get_mut(name) else { continue };
        if block.pairing.is_some() {
            *pr = propose_block(block, p, c);
            continue;
        }
        if !block.schema.has_pairing() {
            continue;
        }
        match (block.nesting, pr) {
            (BlockNesting::Single | BlockNesting::Group, pr) => repropose(&block.schema, p, c, pr),
            (BlockNesting::List, Value::List(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let ci = c.as_elements().and_then(|e| e.get(i)).unwrap_or(&NULL);
                    let pi = p.as_elements().and_then(|e| e.get(i)).unwrap_or(&NULL);
                    repropose(&block.schema, pi, ci, item);
                }
            }
            (BlockNesting::Map, Value::Map(items)) => {
                for (k, item) in items.iter_mut() {
                    let ck = c.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                    let pk = p.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                    repropose(&block.schema, pk, ck, item);
                }
            }
            _ => {}
        }
    }
}

/// Puts the elements of keyed list blocks of `later` in the order of `earlier` (by
/// [`Pairing::follow`]), elements new to `earlier` last, at any depth.
pub(crate) fn order_like(schema: &Schema, earlier: &Value, later: &mut Value) {
    if !schema.has_pairing() {
        return;
    }
    for (name, block) in schema.blocks() {
        let e = earlier.get(name).unwrap_or(&NULL);
        let Some(l) = later.get_mut(name) else { continue };
        match (block.nesting, l) {
            (BlockNesting::List, Value::List(items)) => {
                let es = e.as_elements().unwrap_or_default();
                if let Some(pairing) = &block.pairing {
                    let follows = pairing.follow(&block.schema, es, items);
                    let mut slots: Vec<(usize, Value)> = std::mem::take(items)
                        .into_iter()
                        .zip(follows)
                        .enumerate()
                        .map(|(k, (item, j))| (j.unwrap_or(es.len() + k), item))
                        .collect();
                    slots.sort_by_key(|(rank, _)| *rank);
                    *items = slots.into_iter().map(|(_, v)| v).collect();
                    let follows = pairing.follow(&block.schema, es, items);
                    for (item, j) in items.iter_mut().zip(follows) {
                        order_like(&block.schema, j.map_or(&NULL, |j| &es[j]), item);
                    }
                } else {
                    for (i, item) in items.iter_mut().enumerate() {
                        order_like(&block.schema, es.get(i).unwrap_or(&NULL), item);
                    }
                }
            }
            (BlockNesting::Single | BlockNesting::Group, l) => order_like(&block.schema, e, l),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Attribute;

    fn pool_schema() -> Schema {
        Schema::new()
            .attr("id", Attribute::number().computed())
            .attr("label", Attribute::string().default(""))
            .attr("type", Attribute::string().required())
            .attr("count", Attribute::number().optional().computed())
            .attr("tags", Attribute::set(crate::Type::String).optional().semantic_equality(crate::equality::case_insensitive()))
    }

    fn pairing() -> Pairing {
        Pairing::by("id")
            .then_by("label")
            .then_same_configuration()
            .then_same(&["type", "tags"])
            .new_element_when_changed(&["type"])
    }

    fn pool(id: Option<i64>, label: Option<&str>, ty: &str, count: Option<i64>) -> Value {
        Value::object([
            ("id", id.map_or(Value::Null, Value::from)),
            ("label", label.map_or(Value::Null, Value::from)),
            ("type", Value::from(ty)),
            ("count", count.map_or(Value::Null, Value::from)),
            ("tags", Value::Null),
        ])
    }

    #[test]
    fn content_pairs_regardless_of_position() {
        let prior = [pool(Some(1), Some(""), "a", Some(1)), pool(Some(2), Some(""), "a", Some(3)), pool(Some(3), Some(""), "b", Some(2))];
        let config = [pool(None, None, "b", Some(2)), pool(None, None, "a", Some(3))];
        assert_eq!(pairing().pair(&pool_schema(), &config, &prior), vec![Some(2), Some(1)]);
    }

    #[test]
    fn labels_pair_first_and_a_changed_type_makes_a_new_element() {
        let prior = [pool(Some(1), Some("x"), "a", Some(1)), pool(Some(2), Some("y"), "a", Some(1))];
        let config = [pool(None, Some("y"), "a", Some(1))];
        assert_eq!(pairing().pair(&pool_schema(), &config, &prior), vec![Some(1)]);
        let config = [pool(None, Some("y"), "c", Some(1))];
        assert_eq!(pairing().pair(&pool_schema(), &config, &prior), vec![None]);
    }

    #[test]
    fn semantic_equality_and_null_is_empty_count_in_stages() {
        let schema = pool_schema();
        let mut tagged = pool(Some(1), Some(""), "a", Some(5));
        *tagged.get_mut("tags").unwrap() = Value::set([Value::from("Prod")]);
        let mut config = pool(None, None, "a", None);
        *config.get_mut("tags").unwrap() = Value::set([Value::from("prod")]);
        assert_eq!(pairing().pair(&schema, &[config], std::slice::from_ref(&tagged)), vec![Some(0)]);
        let untagged = pool(Some(2), Some(""), "a", Some(1));
        let mut empty = pool(None, None, "a", Some(1));
        *empty.get_mut("tags").unwrap() = Value::set([]);
        assert_eq!(pairing().pair(&schema, &[empty], &[untagged]), vec![Some(0)]);
    }

    #[test]
    fn prior_elements_without_identity_never_pair() {
        let prior = [pool(None, Some("x"), "a", Some(1))];
        assert_eq!(pairing().pair(&pool_schema(), &[pool(None, Some("x"), "a", Some(1))], &prior), vec![None]);
    }

    #[test]
    fn reads_keep_the_earlier_order_and_put_new_elements_last() {
        let schema = Schema::new().block("pool", Block::list(pool_schema()).paired_by(pairing()));
        let earlier = Value::object([(
            "pool",
            Value::list([pool(Some(2), Some(""), "b", Some(1)), pool(Some(1), Some(""), "a", Some(1))]),
        )]);
        let mut later = Value::object([(
            "pool",
            Value::list([
                pool(Some(1), Some(""), "a", Some(1)),
                pool(Some(9), Some(""), "z", Some(1)),
                pool(Some(2), Some(""), "b", Some(4)),
            ]),
        )]);
        order_like(&schema, &earlier, &mut later);
        let ids: Vec<i64> =
            later.get("pool").unwrap().as_elements().unwrap().iter().map(|p| p.get("id").unwrap().as_i64().unwrap()).collect();
        assert_eq!(ids, [2, 1, 9]);
    }

    #[test]
    fn applies_pair_new_elements_by_content() {
        let schema = pool_schema();
        let planned = [pool(Some(1), Some(""), "a", Some(1)), Value::object([
            ("id", Value::unknown()),
            ("label", Value::from("")),
            ("type", Value::from("b")),
            ("count", Value::from(2)),
            ("tags", Value::Null),
        ])];
        let applied = [pool(Some(7), Some(""), "b", Some(2)), pool(Some(1), Some(""), "a", Some(1))];
        assert_eq!(pairing().follow(&schema, &planned, &applied), vec![Some(1), Some(0)]);
    }

    #[test]
    fn reordered_keyed_lists_are_the_same_object() {
        let block = Block::list(pool_schema()).paired_by(pairing());
        let a = Value::list([pool(Some(1), Some(""), "a", Some(1)), pool(Some(2), Some(""), "b", Some(1))]);
        let b = Value::list([pool(Some(2), Some(""), "b", Some(1)), pool(Some(1), Some(""), "a", Some(1))]);
        assert!(block_equal(&block, &a, &b, Compare::Everything));
        let positional = Block::list(pool_schema());
        assert!(!block_equal(&positional, &a, &b, Compare::Everything));
    }
}
