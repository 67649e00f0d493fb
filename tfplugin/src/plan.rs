//! Framework-owned planning, so that resources stay short.
//!
//! For every `PlanResourceChange` the framework, in this order:
//! 1. pairs the elements of list blocks declared with a [`Pairing`](pairing::Pairing) with their
//!    prior elements by identity, not position (Terraform's proposal is re-derived for them);
//! 2. keeps write-only attributes null and applies [`Attribute::default`] values where the
//!    configuration is null;
//! 3. if anything changed (or on create), marks every computed attribute whose configuration is
//!    null as unknown ("known after apply"), except inside elements of keyed blocks that did not
//!    change; a reorder of keyed elements and a semantically equal value are no change;
//! 4. runs each attribute's [`PlanModifier`]s in declaration order ([`RequiresReplace`],
//!    [`RequiresReplaceIf`], [`UseStateForUnknown`] or your own), each seeing its paired prior
//!    value;
//! 5. runs the [`DataValidator`](crate::validators::DataValidator)s of changed values, then
//!    [`Resource::modify_plan`](crate::Resource::modify_plan) for custom logic.
//!
//! After a read or an apply, elements of keyed blocks are put back in the earlier order (state
//! or plan) and semantically equal values keep their earlier form. It also checks results the
//! way Terraform does (see [`check_plan`] and [`check_apply_result`]), so mistakes show up as
//! clear diagnostics in unit tests instead of "Provider produced inconsistent result after
//! apply" in front of users.
//!
//! [`Attribute::default`]: crate::schema::Attribute::default

pub mod pairing;

use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::path::{AttributePath, PathStep};
use crate::schema::{Attribute, AttributeNesting, BlockNesting, Schema};
use crate::validators::ErasedDataValidator;
use crate::value::Value;
use pairing::Compare;

/// What a plan modifier sees and may change for one attribute.
pub struct AttributePlan<'a> {
    /// Where the attribute is.
    pub path: &'a AttributePath,
    /// Its configuration value.
    pub config: &'a Value,
    /// Its prior state value (null on create).
    pub state: &'a Value,
    /// Whether the whole resource is being created (no prior state).
    pub creating: bool,
    /// The planned value so far; modifiers may change it.
    pub plan: Value,
    /// Set to `true` to make this change replace the resource.
    pub requires_replace: bool,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Adjusts the planned value of one attribute (the Rust counterpart of the framework's
/// `planmodifier.String` & co, for every type at once).
pub trait PlanModifier: Send + Sync {
    /// A sentence describing the behaviour (for documentation).
    fn description(&self) -> String;

    /// Adjusts `req.plan` or sets `req.requires_replace`.
    fn modify(&self, req: &mut AttributePlan<'_>);
}

/// Replace the resource when the attribute changes (not on create or destroy).
pub struct RequiresReplace;

impl PlanModifier for RequiresReplace {
    fn description(&self) -> String {
        "Changing this value forces a new resource.".into()
    }

    fn modify(&self, req: &mut AttributePlan<'_>) {
        if !req.creating && req.plan != *req.state {
            req.requires_replace = true;
        }
    }
}

/// The condition of a [`RequiresReplaceIf`]: `(prior state value, planned value) -> replace?`.
pub type ReplaceCondition = Box<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// Replace the resource when the attribute changes and a condition holds.
pub struct RequiresReplaceIf {
    description: String,
    condition: ReplaceCondition,
}

impl RequiresReplaceIf {
    /// `condition(prior, planned)` decides whether a change replaces the resource.
    pub fn new(
        description: impl Into<String>,
        condition: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
    ) -> RequiresReplaceIf {
        RequiresReplaceIf { description: description.into(), condition: Box::new(condition) }
    }
}

impl PlanModifier for RequiresReplaceIf {
    fn description(&self) -> String {
        self.description.clone()
    }

    fn modify(&self, req: &mut AttributePlan<'_>) {
        if !req.creating && req.plan != *req.state && (self.condition)(req.state, &req.plan) {
            req.requires_replace = true;
        }
    }
}

/// Plan the prior state's value instead of unknown, for computed values that do not change
/// once set (ids, creation dates).
pub struct UseStateForUnknown;

impl PlanModifier for UseStateForUnknown {
    fn description(&self) -> String {
        "Once set, the value of this attribute in state will not change.".into()
    }

    fn modify(&self, req: &mut AttributePlan<'_>) {
        if req.creating || req.state.is_null() || !req.plan.is_unknown() || req.config.is_unknown() {
            return;
        }
        req.plan = req.state.clone();
    }
}

/// The result of the framework's planning of one resource.
pub struct PlannedChange {
    /// The planned new state.
    pub planned: Value,
    /// Attributes whose change replaces the resource.
    pub requires_replace: Vec<AttributePath>,
    /// Problems found by plan modifiers.
    pub diagnostics: Diagnostics,
    /// Data validators to run on changed values (they need the provider's data).
    pub(crate) data_checks: Vec<DataCheck>,
}

/// A [`DataValidator`](crate::validators::DataValidator) due on one changed value.
pub(crate) struct DataCheck {
    pub(crate) validator: Arc<dyn ErasedDataValidator>,
    pub(crate) value: Value,
    pub(crate) path: AttributePath,
}

/// Runs steps 1–3 of the [module docs](self) for a resource with `schema`.
pub fn plan_resource(schema: &Schema, prior: &Value, proposed: &Value, config: &Value) -> PlannedChange {
    let mut proposed = proposed.clone();
    pairing::repropose(schema, prior, config, &mut proposed);
    let mut out = PlannedChange {
        planned: proposed,
        requires_replace: vec![],
        diagnostics: Diagnostics::new(),
        data_checks: vec![],
    };
    if out.planned.is_null() {
        return out; // destroy
    }
    let creating = prior.is_null();
    let root = AttributePath::root();
    walk(schema, config, prior, &mut out.planned, &root, &mut |attr, _path, c, _p, pl| {
        if attr.write_only {
            *pl = Value::Null;
        } else if c.is_null()
            && let Some(d) = &attr.default
        {
            *pl = d.clone();
        }
    });
    // A reorder of keyed list blocks, or a value semantically equal to the prior one, is no
    // change; elements of keyed blocks that did not change keep their computed values.
    if creating || !pairing::same_object(schema, &out.planned, prior, Compare::Everything) {
        let unchanged = unchanged_elements(schema, prior, &out.planned, &root);
        walk(schema, config, prior, &mut out.planned, &root, &mut |attr, path, c, _p, pl| {
            if attr.computed
                && attr.default.is_none()
                && c.is_null()
                && !attr.write_only
                && !unchanged.iter().any(|u| path.starts_with(u))
            {
                *pl = Value::unknown();
            }
        });
    }
    let mut replace = Vec::new();
    let mut diags = Diagnostics::new();
    let mut checks = Vec::new();
    walk(schema, config, prior, &mut out.planned, &root, &mut |attr, path, c, p, pl| {
        for m in &attr.plan_modifiers {
            let mut req = AttributePlan {
                path,
                config: c,
                state: p,
                creating,
                plan: std::mem::take(pl),
                requires_replace: false,
                diagnostics: Diagnostics::new(),
            };
            m.modify(&mut req);
            *pl = req.plan;
            if req.requires_replace && !replace.contains(path) {
                replace.push(path.clone());
            }
            diags.extend(req.diagnostics);
        }
        if c.is_known() && (creating || !pairing::attr_equal(attr, c, p, false)) {
            for v in &attr.data_validators {
                checks.push(DataCheck { validator: v.clone(), value: c.clone(), path: path.clone() });
            }
        }
    });
    out.requires_replace = replace;
    out.diagnostics = diags;
    out.data_checks = checks;
    out
}

/// Paths of the elements of keyed list blocks that continue a prior element unchanged.
fn unchanged_elements(schema: &Schema, prior: &Value, planned: &Value, path: &AttributePath) -> Vec<AttributePath> {
    let mut out = Vec::new();
    for (name, block) in schema.blocks() {
        let (Some(pairing), Some(items)) = (&block.pairing, planned.get(name).and_then(Value::as_elements)) else {
            continue;
        };
        let priors = prior.get(name).and_then(Value::as_elements).unwrap_or_default();
        let here = path.clone().attr(name);
        for (i, j) in pairing.follow(&block.schema, priors, items).into_iter().enumerate() {
            if let Some(j) = j {
                let at = here.clone().index(i as i64);
                if pairing::same_object(&block.schema, &items[i], &priors[j], Compare::Everything) {
                    out.push(at);
                } else {
                    out.extend(unchanged_elements(&block.schema, &priors[j], &items[i], &at));
                }
            }
        }
    }
    out
}

static NULL: Value = Value::Null;

type Visit<'f> = dyn FnMut(&Attribute, &AttributePath, &Value, &Value, &mut Value) + 'f;

/// Calls `f(attribute, path, config, prior, plan)` for every attribute, depth first. `plan` is
/// shaped like `config`: list elements of both are paired by index, map elements by key, set
/// elements by their configured attributes; prior list elements are paired by the block's
/// [`Pairing`](pairing::Pairing) (by index when none is declared).
pub(crate) fn walk(
    schema: &Schema,
    config: &Value,
    prior: &Value,
    plan: &mut Value,
    path: &AttributePath,
    f: &mut Visit<'_>,
) {
    for (name, attr) in &schema.attributes {
        let c = config.get(name).unwrap_or(&NULL);
        let p = prior.get(name).unwrap_or(&NULL);
        let Some(pl) = plan.get_mut(name) else { continue };
        let here = path.clone().attr(name.clone());
        f(attr, &here, c, p, pl);
        if let Some((nesting, nested)) = attr.nested() {
            let mode = match nesting {
                AttributeNesting::Single => BlockNesting::Single,
                AttributeNesting::List => BlockNesting::List,
                AttributeNesting::Set => BlockNesting::Set,
                AttributeNesting::Map => BlockNesting::Map,
            };
            walk_elements(nested, mode, None, c, p, pl, &here, f);
        }
    }
    for (name, block) in &schema.blocks {
        let c = config.get(name).unwrap_or(&NULL);
        let p = prior.get(name).unwrap_or(&NULL);
        let Some(pl) = plan.get_mut(name) else { continue };
        let here = path.clone().attr(name.clone());
        walk_elements(&block.schema, block.nesting, block.pairing.as_deref(), c, p, pl, &here, f);
    }
}

#[allow(clippy::too_many_arguments)]
fn walk_elements(
    schema: &Schema,
    nesting: BlockNesting,
    pairing: Option<&pairing::Pairing>,
    config: &Value,
    prior: &Value,
    plan: &mut Value,
    path: &AttributePath,
    f: &mut Visit<'_>,
) {
    match (nesting, plan) {
        (BlockNesting::Single | BlockNesting::Group, pl @ Value::Object(_)) => {
            walk(schema, config, prior, pl, path, f);
        }
        (BlockNesting::List, Value::List(items)) => {
            let configs = config.as_elements().unwrap_or_default();
            let priors = prior.as_elements().unwrap_or_default();
            let pairs: Vec<Option<usize>> = match pairing {
                Some(pairing) => pairing.pair(schema, configs, priors),
                None => (0..items.len()).map(|i| (i < priors.len()).then_some(i)).collect(),
            };
            for (i, pl) in items.iter_mut().enumerate() {
                let c = configs.get(i).unwrap_or(&NULL);
                let p = pairs.get(i).copied().flatten().map_or(&NULL, |j| &priors[j]);
                walk(schema, c, p, pl, &path.clone().index(i as i64), f);
            }
        }
        (BlockNesting::Set, Value::Set(items)) => {
            for pl in items.iter_mut() {
                let key = pl.clone();
                let c = find_element(schema, config, &key);
                let p = find_element(schema, prior, &key);
                walk(schema, c, p, pl, &path.clone().element(key.clone()), f);
            }
        }
        (BlockNesting::Map, Value::Map(items)) => {
            for (k, pl) in items.iter_mut() {
                let c = config.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                let p = prior.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                walk(schema, c, p, pl, &path.clone().key(k.clone()), f);
            }
        }
        _ => {}
    }
}

fn find_element<'v>(schema: &Schema, set: &'v Value, key: &Value) -> &'v Value {
    set.as_elements()
        .and_then(|els| els.iter().find(|e| same_configured_part(schema, e, key)))
        .unwrap_or(&NULL)
}

/// Whether two objects of `schema` agree on their non-computed attributes (how set elements of
/// config, prior state and plan are matched).
fn same_configured_part(schema: &Schema, a: &Value, b: &Value) -> bool {
    schema
        .attributes
        .iter()
        .filter(|(_, attr)| !attr.computed)
        .all(|(name, _)| a.get(name) == b.get(name))
}

/// Calls `f(attribute, path, value)` for every attribute value in `value`, depth first.
pub(crate) fn visit(schema: &Schema, value: &Value, path: &AttributePath, f: &mut dyn FnMut(&Attribute, &AttributePath, &Value)) {
    let mut copy = value.clone();
    walk(schema, value, &NULL, &mut copy, path, &mut |attr, path, c, _p, _pl| f(attr, path, c));
}

/// Calls `f(attribute, earlier, later)` for every attribute of two values of the same object at
/// two times (state and refresh, plan and apply result), pairing keyed list elements by
/// identity ([`Pairing::follow`](pairing::Pairing::follow)).
fn walk_pair(schema: &Schema, earlier: &Value, later: &mut Value, path: &AttributePath, f: &mut Visit<'_>) {
    for (name, attr) in &schema.attributes {
        let e = earlier.get(name).unwrap_or(&NULL);
        let Some(l) = later.get_mut(name) else { continue };
        let here = path.clone().attr(name.clone());
        f(attr, &here, &NULL, e, l);
    }
    for (name, block) in &schema.blocks {
        let e = earlier.get(name).unwrap_or(&NULL);
        let Some(l) = later.get_mut(name) else { continue };
        let here = path.clone().attr(name.clone());
        match (block.nesting, l) {
            (BlockNesting::Single | BlockNesting::Group, l @ Value::Object(_)) => walk_pair(&block.schema, e, l, &here, f),
            (BlockNesting::List, Value::List(items)) => {
                let es = e.as_elements().unwrap_or_default();
                let pairs: Vec<Option<usize>> = match &block.pairing {
                    Some(p) => p.follow(&block.schema, es, items),
                    None => (0..items.len()).map(|i| (i < es.len()).then_some(i)).collect(),
                };
                for (i, (item, j)) in items.iter_mut().zip(pairs).enumerate() {
                    walk_pair(&block.schema, j.map_or(&NULL, |j| &es[j]), item, &here.clone().index(i as i64), f);
                }
            }
            (BlockNesting::Set, Value::Set(items)) => {
                for item in items.iter_mut() {
                    let key = item.clone();
                    let e = find_element(&block.schema, e, &key);
                    walk_pair(&block.schema, e, item, &here.clone().element(key.clone()), f);
                }
            }
            (BlockNesting::Map, Value::Map(items)) => {
                for (k, item) in items.iter_mut() {
                    let e = e.as_entries().and_then(|m| m.get(k)).unwrap_or(&NULL);
                    walk_pair(&block.schema, e, item, &here.clone().key(k.clone()), f);
                }
            }
            _ => {}
        }
    }
}

/// Terraform's plan validity rules (`objchange.AssertPlanValid`), as diagnostics: planned values
/// of non-computed attributes must equal the configuration, write-only attributes must be null,
/// and attributes set in configuration must be planned as configured.
pub fn check_plan(schema: &Schema, config: &Value, planned: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if planned.is_null() {
        return diags;
    }
    let mut copy = planned.clone();
    walk(schema, config, &NULL, &mut copy, &AttributePath::root(), &mut |attr, path, c, _p, pl| {
        if attr.write_only {
            if !pl.is_null() {
                diags.error_at(path.clone(), "Provider produced invalid plan", "write-only attribute planned non-null");
            }
            return;
        }
        if attr.nested().is_some() && pl.is_known() {
            return; // checked element by element
        }
        let must_match = !attr.computed || !c.is_null();
        if must_match && pl != c && !(c.is_unknown() && pl.is_unknown()) {
            diags.error_at(
                path.clone(),
                "Provider produced invalid plan",
                format!("planned value {} does not match config value {}", shown(schema, path, pl), shown(schema, path, c)),
            );
        }
    });
    diags
}

/// Terraform's apply consistency rule (`objchange.AssertObjectCompatible`), as diagnostics:
/// every known planned value must come back unchanged, and nothing may remain unknown. Values of
/// attributes `schema` marks sensitive (and anything inside them) show as `(sensitive value)`.
pub fn check_apply_result(schema: &Schema, planned: &Value, new: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    compatible(schema, planned, new, &mut AttributePath::root(), &mut diags);
    diags
}

fn compatible(schema: &Schema, planned: &Value, new: &Value, path: &mut AttributePath, diags: &mut Diagnostics) {
    if !new.is_wholly_known() {
        diags.error_at(
            path.clone(),
            "Provider returned invalid result object after apply",
            "the result contains unknown values; every value must be known after apply",
        );
        return;
    }
    let inconsistent = |diags: &mut Diagnostics, path: &AttributePath| {
        diags.error_at(
            path.clone(),
            "Provider produced inconsistent result after apply",
            format!("was {}, but now {}", shown(schema, path, planned), shown(schema, path, new)),
        );
    };
    match (planned, new) {
        (Value::Unknown(_), _) => {}
        (Value::Object(a), Value::Object(b)) => {
            for (k, pv) in a {
                path.push(PathStep::Attr(k.clone()));
                compatible(schema, pv, b.get(k).unwrap_or(&NULL), path, diags);
                path.pop();
            }
        }
        (Value::Map(a), Value::Map(b)) if a.len() == b.len() && a.keys().eq(b.keys()) => {
            for (k, pv) in a {
                path.push(PathStep::Key(k.clone()));
                compatible(schema, pv, &b[k], path, diags);
                path.pop();
            }
        }
        (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) if a.len() == b.len() => {
            for (i, (pv, nv)) in a.iter().zip(b).enumerate() {
                path.push(PathStep::Index(i as i64));
                compatible(schema, pv, nv, path, diags);
                path.pop();
            }
        }
        (Value::Set(a), Value::Set(_)) if !planned.is_wholly_known() => {
            // Unknown elements may resolve to anything, even merge; only the count can shrink.
            if new.as_elements().map_or(0, <[Value]>::len) > a.len() {
                inconsistent(diags, path);
            }
        }
        _ => {
            if planned != new {
                inconsistent(diags, path);
            }
        }
    }
}

/// [`short`], or `(sensitive value)` at or inside a sensitive attribute.
fn shown(schema: &Schema, path: &AttributePath, v: &Value) -> String {
    if crate::redact::is_sensitive(schema, path) { crate::redact::SENSITIVE.into() } else { short(v) }
}

fn short(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Unknown(_) => "unknown".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => format!("a {} value", other.kind()),
    }
}

/// After apply: keeps planned values of attributes the configuration sets (non-computed ones, and
/// optional+computed ones given a value) when the provider returned something else (an API
/// normalising a value), and known planned values of attributes declared
/// [`keep_planned`](crate::schema::Attribute::keep_planned); keeps write-only attributes null.
/// Returns the paths that were restored.
pub(crate) fn restore_configured(schema: &Schema, config: &Value, planned: &Value, new: &mut Value) -> Vec<AttributePath> {
    let mut configured = Vec::new();
    let mut shaped = planned.clone();
    walk(schema, config, &NULL, &mut shaped, &AttributePath::root(), &mut |attr, path, c, _p, _pl| {
        if attr.computed && !attr.write_only && c.is_known() {
            configured.push(path.clone());
        }
    });
    let mut restored = Vec::new();
    walk_pair(schema, planned, new, &AttributePath::root(), &mut |attr, path, _c, planned, nv| {
        let owned = !attr.computed || configured.contains(path) || attr.keep_planned && !planned.is_null();
        if attr.write_only {
            *nv = Value::Null;
        } else if owned && attr.nested().is_none() && planned.is_wholly_known() && nv != planned {
            *nv = planned.clone();
            restored.push(path.clone());
        }
    });
    restored
}

/// Keeps `earlier` values (prior state on read, plan on apply) where the new value is
/// semantically equal per [`Attribute::semantic_equality`](crate::schema::Attribute::semantic_equality),
/// and puts keyed list elements in the earlier order.
pub(crate) fn keep_semantically_equal(schema: &Schema, earlier: &Value, new: &mut Value) {
    pairing::order_like(schema, earlier, new);
    walk_pair(schema, earlier, new, &AttributePath::root(), &mut |attr, _path, _c, old, nv| {
        if let Some(eq) = &attr.semantic_eq
            && !old.is_unknown()
            && old.is_wholly_known()
            && !nv.is_unknown()
            && old != nv
            && eq(old, nv)
        {
            *nv = old.clone();
        }
    });
}

/// Sets write-only attributes to null (state never holds them).
pub(crate) fn null_write_only(schema: &Schema, value: &mut Value) {
    walk(schema, &NULL, &NULL, value, &AttributePath::root(), &mut |attr, _path, _c, _p, v| {
        if attr.write_only {
            *v = Value::Null;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Attribute, Block};

    fn schema() -> Schema {
        Schema::new()
            .attr("id", Attribute::string().computed().use_state_for_unknown())
            .attr("name", Attribute::string().required().requires_replace())
            .attr("size", Attribute::number().optional().default(10))
            .attr("status", Attribute::string().computed())
            .attr("password", Attribute::string().optional().write_only())
            .attr(
                "kind",
                Attribute::string()
                    .optional()
                    .requires_replace_if("only when going from a to b", |p, n| {
                        p.as_str() == Some("a") && n.as_str() == Some("b")
                    }),
            )
            .block(
                "pool",
                Block::list(
                    Schema::new()
                        .attr("id", Attribute::number().computed().use_state_for_unknown())
                        .attr("count", Attribute::number().required()),
                ),
            )
    }

    fn config(name: &str, kind: Value, counts: &[i64]) -> Value {
        Value::object([
            ("id", Value::Null),
            ("name", Value::from(name)),
            ("size", Value::Null),
            ("status", Value::Null),
            ("password", Value::from("s3cret")),
            ("kind", kind),
            (
                "pool",
                Value::list(counts.iter().map(|c| Value::object([("id", Value::Null), ("count", Value::from(*c))]))),
            ),
        ])
    }

    fn state(name: &str, kind: Value, counts: &[i64]) -> Value {
        Value::object([
            ("id", Value::from("i-1")),
            ("name", Value::from(name)),
            ("size", Value::from(10)),
            ("status", Value::from("ready")),
            ("password", Value::Null),
            ("kind", kind),
            (
                "pool",
                Value::list(
                    counts
                        .iter()
                        .enumerate()
                        .map(|(i, c)| Value::object([("id", Value::from(i as i64 + 100)), ("count", Value::from(*c))])),
                ),
            ),
        ])
    }

    /// What Terraform proposes: config, with computed nulls taken from prior state.
    fn proposed(config: &Value, prior: &Value) -> Value {
        let mut p = config.clone();
        if prior.is_null() {
            return p;
        }
        for k in ["id", "size", "status"] {
            if config.get(k).unwrap().is_null() {
                *p.get_mut(k).unwrap() = prior.get(k).unwrap().clone();
            }
        }
        let ppools = prior.get("pool").unwrap().as_elements().unwrap().to_vec();
        if let Some(Value::List(items)) = p.get_mut("pool") {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(pp) = ppools.get(i) {
                    *item.get_mut("id").unwrap() = pp.get("id").unwrap().clone();
                }
            }
        }
        p
    }

    #[test]
    fn create_marks_computed_unknown_applies_defaults_and_hides_write_only() {
        let c = config("a", Value::Null, &[1]);
        let out = plan_resource(&schema(), &Value::Null, &c, &c);
        let p = &out.planned;
        assert!(p.get("id").unwrap().is_unknown());
        assert!(p.get("status").unwrap().is_unknown());
        assert_eq!(p.get("size"), Some(&Value::from(10)));
        assert_eq!(p.get("password"), Some(&Value::Null));
        assert!(p.at(&AttributePath::new("pool").index(0).attr("id")).unwrap().is_unknown());
        assert!(out.requires_replace.is_empty());
        assert!(check_plan(&schema(), &c, p).is_empty(), "{}", check_plan(&schema(), &c, p));
    }

    #[test]
    fn no_change_plans_equal_prior_state() {
        let prior = state("a", Value::Null, &[1]);
        let c = config("a", Value::Null, &[1]);
        let out = plan_resource(&schema(), &prior, &proposed(&c, &prior), &c);
        assert_eq!(out.planned, prior);
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn update_keeps_state_for_unknown_and_marks_other_computed() {
        let prior = state("a", Value::Null, &[1, 2]);
        let c = config("a", Value::Null, &[1, 5]);
        let out = plan_resource(&schema(), &prior, &proposed(&c, &prior), &c);
        assert_eq!(out.planned.get("id"), Some(&Value::from("i-1")));
        assert!(out.planned.get("status").unwrap().is_unknown());
        assert_eq!(out.planned.at(&AttributePath::new("pool").index(1).attr("id")), Some(&Value::from(101)));
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn requires_replace_and_conditional_form() {
        let prior = state("a", Value::from("a"), &[1]);
        let c = config("b", Value::from("c"), &[1]);
        let out = plan_resource(&schema(), &prior, &proposed(&c, &prior), &c);
        assert_eq!(out.requires_replace, vec![AttributePath::new("name")]);

        let c = config("a", Value::from("b"), &[1]);
        let out = plan_resource(&schema(), &prior, &proposed(&c, &prior), &c);
        assert_eq!(out.requires_replace, vec![AttributePath::new("kind")]);

        let prior = state("a", Value::from("b"), &[1]);
        let c = config("a", Value::from("a"), &[1]);
        let out = plan_resource(&schema(), &prior, &proposed(&c, &prior), &c);
        assert!(out.requires_replace.is_empty());
    }

    #[test]
    fn destroy_plans_null() {
        let out = plan_resource(&schema(), &state("a", Value::Null, &[]), &Value::Null, &Value::Null);
        assert!(out.planned.is_null());
    }

    #[test]
    fn plan_check_catches_config_mismatch() {
        let c = config("a", Value::Null, &[1]);
        let mut bad = plan_resource(&schema(), &Value::Null, &c, &c).planned;
        *bad.get_mut("name").unwrap() = Value::from("other");
        let diags = check_plan(&schema(), &c, &bad);
        assert_eq!(diags.iter().next().unwrap().path, Some(AttributePath::new("name")));
    }

    #[test]
    fn apply_check_catches_changed_and_unknown_values() {
        let planned = Value::object([("a", Value::from(2)), ("b", Value::unknown())]);
        let ok = Value::object([("a", Value::from(2)), ("b", Value::from("x"))]);
        let schema = Schema::new().attr("a", Attribute::number().required()).attr("b", Attribute::string().computed());
        assert!(check_apply_result(&schema, &planned, &ok).is_empty());
        let changed = Value::object([("a", Value::from(999)), ("b", Value::from("x"))]);
        let d = check_apply_result(&schema, &planned, &changed);
        let first = d.iter().next().unwrap();
        assert_eq!(first.path, Some(AttributePath::new("a")));
        assert_eq!(first.detail, "was 2, but now 999");
        let still_unknown = Value::object([("a", Value::from(2)), ("b", Value::unknown())]);
        assert!(check_apply_result(&schema, &planned, &still_unknown).has_errors());
    }

    #[test]
    fn apply_check_never_shows_sensitive_values() {
        let schema = Schema::new()
            .attr("kubeconfig", Attribute::string().computed().sensitive())
            .attr("keys", Attribute::list_nested(Schema::new().attr("secret_key", Attribute::string().computed().sensitive())))
            .block("ssl", Block::list(Schema::new().attr("ssl_key", Attribute::string().optional().sensitive())));
        let planned = Value::object([
            ("kubeconfig", Value::from("planned-kubeconfig-s3cr3t")),
            ("keys", Value::list([Value::object([("secret_key", Value::from("planned-key-s3cr3t"))])])),
            ("ssl", Value::list([Value::object([("ssl_key", Value::from("planned-ssl-s3cr3t"))])])),
        ]);
        let new = Value::object([
            ("kubeconfig", Value::from("other-kubeconfig-s3cr3t")),
            ("keys", Value::list([Value::object([("secret_key", Value::from("other-key-s3cr3t"))])])),
            ("ssl", Value::list([Value::object([("ssl_key", Value::from("other-ssl-s3cr3t"))])])),
        ]);
        let d = check_apply_result(&schema, &planned, &new);
        assert_eq!(d.iter().count(), 3, "{d}");
        for diag in d.iter() {
            assert!(diag.detail.contains("(sensitive value)"), "{diag}");
            assert!(!diag.to_string().contains("s3cr3t"), "a sensitive value leaked: {diag}");
        }
    }

    #[test]
    fn semantically_equal_values_keep_the_earlier_form() {
        let schema = Schema::new().attr(
            "region",
            Attribute::string().required().semantic_equality(|a, b| {
                a.as_str().map(str::to_lowercase) == b.as_str().map(str::to_lowercase)
            }),
        );
        let prior = Value::object([("region", Value::from("US-East"))]);
        let mut new = Value::object([("region", Value::from("us-east"))]);
        keep_semantically_equal(&schema, &prior, &mut new);
        assert_eq!(new, prior);
        let mut moved = Value::object([("region", Value::from("eu-west"))]);
        keep_semantically_equal(&schema, &prior, &mut moved);
        assert_eq!(moved.get("region"), Some(&Value::from("eu-west")));
    }

    #[test]
    fn restore_configured_keeps_plan_for_config_owned_values() {
        let c = config("a", Value::Null, &[1]);
        let mut planned = plan_resource(&schema(), &Value::Null, &c, &c).planned;
        *planned.get_mut("id").unwrap() = Value::from("i-1");
        let mut new = planned.clone();
        *new.get_mut("name").unwrap() = Value::from("A");
        *new.get_mut("password").unwrap() = Value::from("leak");
        let restored = restore_configured(&schema(), &c, &planned, &mut new);
        assert_eq!(restored, vec![AttributePath::new("name")]);
        assert_eq!(new.get("name"), Some(&Value::from("a")));
        assert_eq!(new.get("password"), Some(&Value::Null));
    }

    #[test]
    fn optional_computed_values_keep_their_configured_form_and_others_follow_the_api() {
        let mut c = config("a", Value::Null, &[1]);
        *c.get_mut("size").unwrap() = Value::from(20);
        let mut planned = plan_resource(&schema(), &Value::Null, &c, &c).planned;
        *planned.get_mut("id").unwrap() = Value::from("i-1");
        *planned.get_mut("status").unwrap() = Value::from("creating");
        let mut new = planned.clone();
        *new.get_mut("size").unwrap() = Value::from(30);
        *new.get_mut("status").unwrap() = Value::from("ready");
        let restored = restore_configured(&schema(), &c, &planned, &mut new);
        assert_eq!(restored, vec![AttributePath::new("size")], "configured: kept as configured");
        assert_eq!(new.get("status"), Some(&Value::from("ready")), "computed only: the API's value");
    }

    fn keyed_schema() -> Schema {
        struct AnyType;
        #[async_trait::async_trait]
        impl crate::validators::DataValidator<()> for AnyType {
            fn description(&self) -> String {
                "checked against the catalog".into()
            }
            async fn validate(&self, _d: &(), _c: crate::validators::PlanCheck<'_>, _diags: &mut Diagnostics) {}
        }
        let pool = Schema::new()
            .attr("id", Attribute::number().computed().use_state_for_unknown())
            .attr("label", Attribute::string().default(""))
            .attr("type", Attribute::string().required().validate_with_data(AnyType))
            .attr("count", Attribute::number().required())
            .attr("nodes", Attribute::list(crate::Type::String).computed());
        Schema::new()
            .attr("id", Attribute::string().computed().use_state_for_unknown())
            .attr("status", Attribute::string().computed())
            .block(
                "pool",
                Block::list(pool).paired_by(
                    pairing::Pairing::by("id")
                        .then_by("label")
                        .then_same_configuration()
                        .then_same(&["type"])
                        .new_element_when_changed(&["type"]),
                ),
            )
    }

    fn kpool(id: Option<i64>, ty: &str, count: i64) -> Value {
        let nodes = match id {
            Some(i) => Value::list((0..count).map(|n| Value::from(format!("{i}-{n}")))),
            None => Value::Null,
        };
        Value::object([
            ("id", id.map_or(Value::Null, Value::from)),
            ("label", if id.is_some() { Value::from("") } else { Value::Null }),
            ("type", Value::from(ty)),
            ("count", Value::from(count)),
            ("nodes", nodes),
        ])
    }

    fn kstate(pools: Vec<Value>) -> Value {
        Value::object([("id", Value::from("c-1")), ("status", Value::from("ready")), ("pool", Value::list(pools))])
    }

    fn kconfig(pools: Vec<Value>) -> Value {
        Value::object([("id", Value::Null), ("status", Value::Null), ("pool", Value::list(pools))])
    }

    /// Terraform's own proposal: list blocks paired by position.
    fn positional_proposal(config: &Value, prior: &Value) -> Value {
        let mut p = config.clone();
        for k in ["id", "status"] {
            *p.get_mut(k).unwrap() = prior.get(k).unwrap().clone();
        }
        let prior_pools = prior.get("pool").unwrap().as_elements().unwrap().to_vec();
        if let Some(Value::List(items)) = p.get_mut("pool") {
            for (i, item) in items.iter_mut().enumerate() {
                if let Some(pp) = prior_pools.get(i) {
                    for k in ["id", "label", "nodes"] {
                        *item.get_mut(k).unwrap() = pp.get(k).unwrap().clone();
                    }
                }
            }
        }
        p
    }

    fn ids(v: &Value) -> Vec<Value> {
        v.get("pool").unwrap().as_elements().unwrap().iter().map(|p| p.get("id").unwrap().clone()).collect()
    }

    #[test]
    fn keyed_blocks_reordered_keep_identity_and_known_values() {
        let schema = keyed_schema();
        let prior = kstate(vec![kpool(Some(1), "a", 1), kpool(Some(2), "b", 2)]);
        let config = kconfig(vec![kpool(None, "b", 2), kpool(None, "a", 1)]);
        let out = plan_resource(&schema, &prior, &positional_proposal(&config, &prior), &config);
        assert_eq!(ids(&out.planned), vec![Value::from(2), Value::from(1)]);
        assert_eq!(out.planned.get("status"), Some(&Value::from("ready")), "a reorder is no change");
        let first = &out.planned.get("pool").unwrap().as_elements().unwrap()[0];
        assert_eq!(first.get("nodes"), Some(&Value::list([Value::from("2-0"), Value::from("2-1")])));
        assert!(out.requires_replace.is_empty());
        assert!(out.data_checks.is_empty(), "nothing changed: no catalog checks");
        assert!(check_plan(&schema, &config, &out.planned).is_empty());
    }

    #[test]
    fn keyed_blocks_removing_the_middle_element_keeps_the_others() {
        let schema = keyed_schema();
        let prior = kstate(vec![kpool(Some(1), "a", 1), kpool(Some(2), "a", 2), kpool(Some(3), "a", 3)]);
        let config = kconfig(vec![kpool(None, "a", 1), kpool(None, "a", 3)]);
        let out = plan_resource(&schema, &prior, &positional_proposal(&config, &prior), &config);
        assert_eq!(ids(&out.planned), vec![Value::from(1), Value::from(3)]);
    }

    #[test]
    fn keyed_blocks_changed_elements_plan_their_computed_values_unknown() {
        let schema = keyed_schema();
        let prior = kstate(vec![kpool(Some(1), "a", 1), kpool(Some(2), "b", 2)]);
        let config = kconfig(vec![kpool(None, "a", 1), kpool(None, "b", 5)]);
        let out = plan_resource(&schema, &prior, &positional_proposal(&config, &prior), &config);
        let pools = out.planned.get("pool").unwrap().as_elements().unwrap().to_vec();
        assert_eq!(pools[1].get("id"), Some(&Value::from(2)), "use_state_for_unknown follows the pairing");
        assert!(pools[1].get("nodes").unwrap().is_unknown(), "the resized pool's nodes change");
        assert!(pools[0].get("nodes").unwrap().is_known(), "the untouched pool keeps its nodes");
        assert!(out.planned.get("status").unwrap().is_unknown());
        assert!(out.data_checks.is_empty(), "types did not change");
    }

    #[test]
    fn keyed_blocks_new_element_when_a_renewing_attribute_changes() {
        let schema = keyed_schema();
        let mut labelled = kpool(Some(1), "a", 1);
        *labelled.get_mut("label").unwrap() = Value::from("web");
        let prior = kstate(vec![labelled]);
        let mut c = kpool(None, "z", 1);
        *c.get_mut("label").unwrap() = Value::from("web");
        let config = kconfig(vec![c]);
        let out = plan_resource(&schema, &prior, &positional_proposal(&config, &prior), &config);
        assert!(ids(&out.planned)[0].is_unknown(), "a new pool, not the old one");
        assert!(out.requires_replace.is_empty(), "the resource itself stays");
        assert_eq!(out.data_checks.len(), 1, "the new type is checked");
        assert_eq!(out.data_checks[0].path, AttributePath::new("pool").index(0).attr("type"));
    }

    #[test]
    fn reads_and_applies_follow_identity_and_keep_the_earlier_order() {
        let schema = keyed_schema();
        let state = kstate(vec![kpool(Some(2), "b", 2), kpool(Some(1), "a", 1)]);
        let mut read = kstate(vec![kpool(Some(1), "a", 1), kpool(Some(2), "b", 2)]);
        keep_semantically_equal(&schema, &state, &mut read);
        assert_eq!(read, state);
    }

    fn nested_schema() -> Schema {
        let rule = Schema::new()
            .attr("port", Attribute::number().required())
            .attr("rule_id", Attribute::string().computed().use_state_for_unknown());
        Schema::new()
            .attr("id", Attribute::string().computed())
            .block("rule", Block::set(rule))
            .attr(
                "nodes",
                Attribute::map_nested(
                    Schema::new()
                        .attr("size", Attribute::number().required())
                        .attr("ip", Attribute::string().computed()),
                )
                .optional(),
            )
    }

    #[test]
    fn set_blocks_match_prior_elements_by_configured_attributes() {
        let schema = nested_schema();
        let rule = |port: i64, id: Value| Value::object([("port", Value::from(port)), ("rule_id", id)]);
        let node = |size: i64, ip: Value| Value::object([("size", Value::from(size)), ("ip", ip)]);
        let prior = Value::object([
            ("id", Value::from("x")),
            ("rule", Value::set([rule(80, Value::from("r80")), rule(443, Value::from("r443"))])),
            ("nodes", Value::map([("a", node(1, Value::from("10.0.0.1")))])),
        ]);
        // Config: rule 22 added, rule 80 removed; a second node.
        let config = Value::object([
            ("id", Value::Null),
            ("rule", Value::set([rule(443, Value::Null), rule(22, Value::Null)])),
            ("nodes", Value::map([("a", node(1, Value::Null)), ("b", node(2, Value::Null))])),
        ]);
        // Terraform's proposal copies prior computed values where it can match.
        let proposed = Value::object([
            ("id", Value::from("x")),
            ("rule", Value::set([rule(443, Value::from("r443")), rule(22, Value::Null)])),
            ("nodes", Value::map([("a", node(1, Value::from("10.0.0.1"))), ("b", node(2, Value::Null))])),
        ]);
        let out = plan_resource(&schema, &prior, &proposed, &config);
        let rules = out.planned.get("rule").unwrap().as_elements().unwrap().to_vec();
        let by_port = |p: i64| rules.iter().find(|r| r.get("port") == Some(&Value::from(p))).unwrap().clone();
        assert_eq!(by_port(443).get("rule_id"), Some(&Value::from("r443")), "kept from the matching prior element");
        assert!(by_port(22).get("rule_id").unwrap().is_unknown(), "new element: known after apply");
        let nodes = out.planned.get("nodes").unwrap();
        assert!(nodes.at(&AttributePath::root().key("a").attr("ip")).unwrap().is_unknown());
        assert!(nodes.at(&AttributePath::root().key("b").attr("ip")).unwrap().is_unknown());
        assert!(out.planned.get("id").unwrap().is_unknown());
        assert!(check_plan(&schema, &config, &out.planned).is_empty());
    }
}

