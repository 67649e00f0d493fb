//! Schemas: attributes, nested attributes and nested blocks, declared with builders.
//!
//! ```
//! use tfplugin::schema::{Attribute, Block, Schema};
//! use tfplugin::validators;
//!
//! let schema = Schema::new()
//!     .description("An LKE cluster.")
//!     .attr("id", Attribute::string().computed().use_state_for_unknown())
//!     .attr("label", Attribute::string().required().validate(validators::length_between(1, 32)))
//!     .attr("region", Attribute::string().required().requires_replace())
//!     .attr("tags", Attribute::set(tfplugin::Type::String).optional())
//!     .attr("kubeconfig", Attribute::string().computed().sensitive())
//!     .block(
//!         "pool",
//!         Block::list(
//!             Schema::new()
//!                 .attr("type", Attribute::string().required())
//!                 .attr("count", Attribute::number().required()),
//!         )
//!         .min_items(1),
//!     )
//!     .timeouts(&["create", "update", "delete"]);
//! assert!(schema.value_type().to_string().contains("pool=list(object"));
//! ```

use std::sync::Arc;

use crate::plan::{PlanModifier, RequiresReplace, RequiresReplaceIf, UseStateForUnknown};
pub use crate::plan::pairing::Pairing;
use crate::validators::{DataValidator, ErasedDataValidator, Validator};
use crate::path::AttributePath;
use crate::value::{Type, Value};

/// The schema of a provider, resource, data source or ephemeral resource (or the body of a
/// nested block): ordered attributes and nested block types.
#[derive(Clone, Default)]
pub struct Schema {
    pub(crate) version: i64,
    pub(crate) attributes: Vec<(String, Attribute)>,
    pub(crate) blocks: Vec<(String, Block)>,
    pub(crate) description: Description,
    pub(crate) deprecated: Option<String>,
}

/// Plain-text and markdown descriptions.
#[derive(Clone, Default, Debug)]
pub(crate) struct Description {
    pub(crate) plain: Option<String>,
    pub(crate) markdown: Option<String>,
}

impl Schema {
    /// An empty schema (version 0).
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Sets the schema version; bump it when the state layout changes and implement
    /// [`Resource::upgrade_state`](crate::Resource::upgrade_state).
    #[must_use]
    pub fn version(mut self, version: i64) -> Schema {
        self.version = version;
        self
    }

    /// Adds an attribute.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>, attribute: Attribute) -> Schema {
        self.attributes.push((name.into(), attribute));
        self
    }

    /// Adds a nested block type.
    #[must_use]
    pub fn block(mut self, name: impl Into<String>, block: Block) -> Schema {
        self.blocks.push((name.into(), block));
        self
    }

    /// Adds the conventional `timeouts` block with optional duration strings (e.g. `"35m"`) for
    /// the given operations; read them with [`crate::timeouts::get`].
    #[must_use]
    pub fn timeouts(self, operations: &[&str]) -> Schema {
        let mut body = Schema::new();
        for op in operations {
            body = body.attr(
                *op,
                Attribute::string()
                    .optional()
                    .validate(crate::validators::duration())
                    .description(format!("How long to wait for {op}, e.g. \"30s\", \"10m\", \"2h\".")),
            );
        }
        self.block(crate::timeouts::BLOCK, Block::single(body))
    }

    /// Plain-text description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Schema {
        self.description.plain = Some(text.into());
        self
    }

    /// Markdown description (sent to Terraform in preference to the plain one).
    #[must_use]
    pub fn markdown_description(mut self, text: impl Into<String>) -> Schema {
        self.description.markdown = Some(text.into());
        self
    }

    /// Marks the whole resource or block deprecated.
    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Schema {
        self.deprecated = Some(message.into());
        self
    }

    /// The schema version.
    pub fn schema_version(&self) -> i64 {
        self.version
    }

    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// The nested block type named `name`.
    pub fn nested_block(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, b)| b)
    }

    /// Attributes in declaration order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &Attribute)> {
        self.attributes.iter().map(|(n, a)| (n.as_str(), a))
    }

    /// Nested block types in declaration order.
    pub fn blocks(&self) -> impl Iterator<Item = (&str, &Block)> {
        self.blocks.iter().map(|(n, b)| (n.as_str(), b))
    }

    /// The attribute an API field error points at, e.g. `node_pools[1].type` → `pool[1].type`
    /// when block `pool` is declared with `api_name("node_pools")`. Each segment is matched
    /// against the declared API names (by default the attribute's own name); the path stops at
    /// the deepest segment that matches. `None` when the first segment matches nothing.
    pub fn path_for_api_field(&self, field: &str) -> Option<AttributePath> {
        let mut path = AttributePath::root();
        let mut schema = Some(self);
        for segment in field.split('.') {
            let (name, indexes) = match segment.find('[') {
                Some(i) => (&segment[..i], &segment[i..]),
                None => (segment, ""),
            };
            let Some(current) = schema else { break };
            let declared = |own: &str, api: &Option<String>| api.as_deref().unwrap_or(own) == name;
            if let Some((n, a)) = current.attributes.iter().find(|(n, a)| declared(n, &a.api_name)) {
                path = path.attr(n.clone());
                schema = a.nested().map(|(_, s)| s);
            } else if let Some((n, b)) = current.blocks.iter().find(|(n, b)| declared(n, &b.api_name)) {
                path = path.attr(n.clone());
                schema = Some(&b.schema);
                if indexes.is_empty() && b.nesting == BlockNesting::List && b.max_items == 1 {
                    // A list block of at most one element is sent to the API as an object.
                    path = path.index(0);
                }
            } else {
                break;
            }
            for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
                match index.parse::<i64>() {
                    Ok(i) => path = path.index(i),
                    Err(_) => return (!path.is_empty()).then_some(path),
                }
            }
        }
        (!path.is_empty()).then_some(path)
    }

    /// Whether any list block, at any depth, is paired by identity.
    pub(crate) fn has_pairing(&self) -> bool {
        self.blocks.iter().any(|(_, b)| b.pairing.is_some() || b.schema.has_pairing())
    }

    /// The object type of values of this schema.
    pub fn value_type(&self) -> Type {
        let mut attrs = std::collections::BTreeMap::new();
        for (name, a) in &self.attributes {
            attrs.insert(name.clone(), a.value_type());
        }
        for (name, b) in &self.blocks {
            attrs.insert(name.clone(), b.value_type());
        }
        Type::Object(attrs)
    }

    /// An object of this schema with every attribute null and every block empty: what an empty
    /// configuration looks like.
    pub fn empty_value(&self) -> Value {
        let mut out = std::collections::BTreeMap::new();
        for (name, _) in &self.attributes {
            out.insert(name.clone(), Value::Null);
        }
        for (name, b) in &self.blocks {
            out.insert(
                name.clone(),
                match b.nesting {
                    BlockNesting::Single => Value::Null,
                    BlockNesting::Group => b.schema.empty_value(),
                    BlockNesting::List => Value::List(vec![]),
                    BlockNesting::Set => Value::Set(vec![]),
                    BlockNesting::Map => Value::Map(Default::default()),
                },
            );
        }
        Value::Object(out)
    }
}

/// How a nested block repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockNesting {
    /// At most one block; null when absent.
    Single,
    /// Exactly one block, never null (absent = all attributes null).
    Group,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
    /// Blocks keyed by a label.
    Map,
}

/// A nested block type.
#[derive(Clone)]
pub struct Block {
    pub(crate) nesting: BlockNesting,
    pub(crate) schema: Schema,
    pub(crate) min_items: i64,
    pub(crate) max_items: i64,
    pub(crate) pairing: Option<Arc<Pairing>>,
    pub(crate) api_name: Option<String>,
}

impl Block {
    fn with(nesting: BlockNesting, schema: Schema) -> Block {
        Block { nesting, schema, min_items: 0, max_items: 0, pairing: None, api_name: None }
    }

    /// A block that may appear at most once.
    pub fn single(schema: Schema) -> Block {
        Block::with(BlockNesting::Single, schema)
    }

    /// A block that is always present (all attributes null when not written).
    pub fn group(schema: Schema) -> Block {
        Block::with(BlockNesting::Group, schema)
    }

    /// An ordered, repeatable block.
    pub fn list(schema: Schema) -> Block {
        Block::with(BlockNesting::List, schema)
    }

    /// An unordered, repeatable block.
    pub fn set(schema: Schema) -> Block {
        Block::with(BlockNesting::Set, schema)
    }

    /// A labelled, repeatable block.
    pub fn map(schema: Schema) -> Block {
        Block::with(BlockNesting::Map, schema)
    }

    /// Minimum number of blocks (Terraform enforces it).
    #[must_use]
    pub fn min_items(mut self, n: i64) -> Block {
        self.min_items = n;
        self
    }

    /// Maximum number of blocks (Terraform enforces it; 0 = unlimited).
    #[must_use]
    pub fn max_items(mut self, n: i64) -> Block {
        self.max_items = n;
        self
    }

    /// How elements of a list block are paired with the prior state's elements (by default, by
    /// position). With a [`Pairing`], planning, plan modifiers, `use_state_for_unknown`,
    /// requires-replace and the order of refreshed elements follow the element's identity, so
    /// reordering blocks in configuration changes nothing and removing one removes exactly that
    /// element. See [`Pairing`].
    ///
    /// ```
    /// use tfplugin::schema::{Attribute, Block, Pairing, Schema};
    /// let rule = Schema::new()
    ///     .attr("id", Attribute::string().optional().computed())
    ///     .attr("days", Attribute::number().required());
    /// let block = Block::list(rule).paired_by(Pairing::by("id").then_same_configuration());
    /// assert!(block.pairing().is_some());
    /// ```
    #[must_use]
    pub fn paired_by(mut self, pairing: Pairing) -> Block {
        self.pairing = Some(Arc::new(pairing));
        self
    }

    /// The name of this block's field in the API's requests, when it differs from the block's
    /// name (e.g. block `pool` ↔ field `node_pools`); see [`Schema::path_for_api_field`].
    #[must_use]
    pub fn api_name(mut self, name: impl Into<String>) -> Block {
        self.api_name = Some(name.into());
        self
    }

    /// The declared pairing, for list blocks paired by identity.
    pub fn pairing(&self) -> Option<&Pairing> {
        self.pairing.as_deref()
    }

    /// How the block repeats.
    pub fn nesting(&self) -> BlockNesting {
        self.nesting
    }

    /// The block's body.
    pub fn body(&self) -> &Schema {
        &self.schema
    }

    /// The type of this block's value.
    pub fn value_type(&self) -> Type {
        let obj = self.schema.value_type();
        match self.nesting {
            BlockNesting::Single | BlockNesting::Group => obj,
            BlockNesting::List => Type::list(obj),
            BlockNesting::Set => Type::set(obj),
            BlockNesting::Map => Type::map(obj),
        }
    }
}

/// How a nested attribute holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttributeNesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects.
    Map,
}

/// What an attribute holds: a plain type, or nested attributes.
#[derive(Clone)]
pub(crate) enum AttributeKind {
    Plain(Type),
    Nested(AttributeNesting, Box<Schema>),
}

/// One attribute, declared with a builder:
/// `Attribute::string().optional().computed().use_state_for_unknown()`.
#[derive(Clone)]
pub struct Attribute {
    pub(crate) kind: AttributeKind,
    pub(crate) required: bool,
    pub(crate) optional: bool,
    pub(crate) computed: bool,
    pub(crate) sensitive: bool,
    pub(crate) write_only: bool,
    pub(crate) deprecated: Option<String>,
    pub(crate) description: Description,
    pub(crate) default: Option<Value>,
    pub(crate) plan_modifiers: Vec<Arc<dyn PlanModifier>>,
    pub(crate) validators: Vec<Arc<dyn Validator>>,
    pub(crate) data_validators: Vec<Arc<dyn ErasedDataValidator>>,
    pub(crate) semantic_eq: Option<SemanticEquality>,
    pub(crate) api_name: Option<String>,
    pub(crate) keep_planned: bool,
}

/// Decides whether two values of an attribute mean the same thing (`(old, new) -> same?`).
pub type SemanticEquality = Arc<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

impl Attribute {
    /// An attribute of type `ty`. Also see the shortcuts [`Attribute::string`] and friends.
    pub fn of(ty: Type) -> Attribute {
        Attribute::with_kind(AttributeKind::Plain(ty))
    }

    fn with_kind(kind: AttributeKind) -> Attribute {
        Attribute {
            kind,
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: None,
            description: Description::default(),
            default: None,
            plan_modifiers: Vec::new(),
            validators: Vec::new(),
            data_validators: Vec::new(),
            semantic_eq: None,
            api_name: None,
            keep_planned: false,
        }
    }

    /// A `string` attribute.
    pub fn string() -> Attribute {
        Attribute::of(Type::String)
    }

    /// A `number` attribute (use `i64`/`f64` fields in models).
    pub fn number() -> Attribute {
        Attribute::of(Type::Number)
    }

    /// A `bool` attribute.
    pub fn bool() -> Attribute {
        Attribute::of(Type::Bool)
    }

    /// A `dynamic` attribute (any type).
    pub fn dynamic() -> Attribute {
        Attribute::of(Type::Dynamic)
    }

    /// A `list(element)` attribute.
    pub fn list(element: Type) -> Attribute {
        Attribute::of(Type::list(element))
    }

    /// A `set(element)` attribute.
    pub fn set(element: Type) -> Attribute {
        Attribute::of(Type::set(element))
    }

    /// A `map(element)` attribute.
    pub fn map(element: Type) -> Attribute {
        Attribute::of(Type::map(element))
    }

    /// Nested attributes holding one object (`attr = { ... }` in HCL).
    pub fn single_nested(schema: Schema) -> Attribute {
        Attribute::with_kind(AttributeKind::Nested(AttributeNesting::Single, Box::new(schema)))
    }

    /// Nested attributes holding a list of objects.
    pub fn list_nested(schema: Schema) -> Attribute {
        Attribute::with_kind(AttributeKind::Nested(AttributeNesting::List, Box::new(schema)))
    }

    /// Nested attributes holding a set of objects.
    pub fn set_nested(schema: Schema) -> Attribute {
        Attribute::with_kind(AttributeKind::Nested(AttributeNesting::Set, Box::new(schema)))
    }

    /// Nested attributes holding a map of objects.
    pub fn map_nested(schema: Schema) -> Attribute {
        Attribute::with_kind(AttributeKind::Nested(AttributeNesting::Map, Box::new(schema)))
    }

    /// Must be set in configuration.
    #[must_use]
    pub fn required(mut self) -> Attribute {
        self.required = true;
        self.optional = false;
        self
    }

    /// May be set in configuration.
    #[must_use]
    pub fn optional(mut self) -> Attribute {
        self.optional = true;
        self.required = false;
        self
    }

    /// Set by the provider (combine with [`optional`](Self::optional) for "optional, with a
    /// provider-chosen value when unset").
    #[must_use]
    pub fn computed(mut self) -> Attribute {
        self.computed = true;
        self
    }

    /// Hidden in plan output.
    #[must_use]
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }

    /// Write-only (Terraform 1.11+): sent in configuration, never stored in plan or state.
    /// The framework keeps it null in plans and state.
    #[must_use]
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }

    /// Deprecated, with a message telling users what to do instead.
    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Attribute {
        self.deprecated = Some(message.into());
        self
    }

    /// Plain-text description.
    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Attribute {
        self.description.plain = Some(text.into());
        self
    }

    /// Markdown description (sent to Terraform in preference to the plain one).
    #[must_use]
    pub fn markdown_description(mut self, text: impl Into<String>) -> Attribute {
        self.description.markdown = Some(text.into());
        self
    }

    /// The value planned when the configuration leaves the attribute null. Implies
    /// [`computed`](Self::computed) (Terraform requires it).
    #[must_use]
    pub fn default(mut self, value: impl Into<Value>) -> Attribute {
        self.default = Some(value.into());
        self.computed = true;
        if !self.required {
            self.optional = true;
        }
        self
    }

    /// Adds a validator, run on known configuration values.
    #[must_use]
    pub fn validate(mut self, validator: impl Validator + 'static) -> Attribute {
        self.validators.push(Arc::new(validator));
        self
    }

    /// The string must be one of `allowed` (shorthand for `validate(validators::one_of(..))`,
    /// e.g. with the list of values of an SDK enum).
    #[must_use]
    pub fn one_of(self, allowed: &[&str]) -> Attribute {
        self.validate(crate::validators::one_of(allowed))
    }

    /// Adds a validator that needs the provider's data (e.g. a catalog of regions fetched from
    /// an API). It runs at plan time, once the provider is configured, on known values that
    /// differ from the prior state (all of them on create), in elements paired as the planning
    /// pairs them; a provider that is not configured skips it.
    #[must_use]
    pub fn validate_with_data<D: Send + Sync + 'static>(mut self, validator: impl DataValidator<D>) -> Attribute {
        self.data_validators.push(crate::validators::erase(validator));
        self
    }

    /// For computed values that move on their own (an autoscaler's node count, nodes being
    /// recycled, a status): after apply, a value planned as known is kept even when the API
    /// already answers another one, so Terraform does not reject the result as inconsistent; the
    /// next refresh shows the live value.
    #[must_use]
    pub fn keep_planned(mut self) -> Attribute {
        self.keep_planned = true;
        self
    }

    /// The name of this attribute's field in the API's requests, when it differs from the
    /// attribute's name; see [`Schema::path_for_api_field`].
    #[must_use]
    pub fn api_name(mut self, name: impl Into<String>) -> Attribute {
        self.api_name = Some(name.into());
        self
    }

    /// Adds a plan modifier, run in order after the framework's own planning.
    #[must_use]
    pub fn plan_modifier(mut self, modifier: impl PlanModifier + 'static) -> Attribute {
        self.plan_modifiers.push(Arc::new(modifier));
        self
    }

    /// Changing this attribute replaces the resource.
    #[must_use]
    pub fn requires_replace(self) -> Attribute {
        self.plan_modifier(RequiresReplace)
    }

    /// Changing this attribute replaces the resource when `condition(prior, planned)` holds.
    #[must_use]
    pub fn requires_replace_if(
        self,
        description: impl Into<String>,
        condition: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
    ) -> Attribute {
        self.plan_modifier(RequiresReplaceIf::new(description, condition))
    }

    /// For computed attributes that never change after create: plan the prior state's value
    /// instead of "(known after apply)".
    #[must_use]
    pub fn use_state_for_unknown(self) -> Attribute {
        self.plan_modifier(UseStateForUnknown)
    }

    /// Declares when two values mean the same (e.g. case-insensitive names, reformatted
    /// JSON; ready-made ones are in [`crate::equality`]). When a read or apply returns a value that
    /// is semantically equal to the one in prior state (read) or in the plan (apply), the
    /// framework keeps the earlier value, so the next plan shows no diff; pairing of list-block
    /// elements and change detection use it too.
    #[must_use]
    pub fn semantic_equality(mut self, equal: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static) -> Attribute {
        self.semantic_eq = Some(Arc::new(equal));
        self
    }

    /// The type of the attribute's value.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Plain(t) => t.clone(),
            AttributeKind::Nested(nesting, schema) => {
                let obj = schema.value_type();
                match nesting {
                    AttributeNesting::Single => obj,
                    AttributeNesting::List => Type::list(obj),
                    AttributeNesting::Set => Type::set(obj),
                    AttributeNesting::Map => Type::map(obj),
                }
            }
        }
    }

    /// Whether the attribute is computed.
    pub fn is_computed(&self) -> bool {
        self.computed
    }

    /// Whether the attribute is required.
    pub fn is_required(&self) -> bool {
        self.required
    }

    /// Whether the attribute is write-only.
    pub fn is_write_only(&self) -> bool {
        self.write_only
    }

    /// Whether the attribute is sensitive.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive
    }

    /// The nested attributes' schema, for nested attributes.
    pub fn nested(&self) -> Option<(AttributeNesting, &Schema)> {
        match &self.kind {
            AttributeKind::Nested(n, s) => Some((*n, s)),
            AttributeKind::Plain(_) => None,
        }
    }
}

/// A schema with its value type, built once per type and shared (behind an `Arc`) by the
/// requests and responses of every RPC about that type.
pub(crate) struct Shape {
    pub(crate) schema: Schema,
    pub(crate) ty: crate::Type,
}

impl Shape {
    pub(crate) fn new(schema: Schema) -> Shape {
        let ty = schema.value_type();
        Shape { schema, ty }
    }

    /// A value error about a value of this type, with sensitive values hidden.
    pub(crate) fn error(&self, e: crate::ValueError) -> crate::Diagnostic {
        crate::redact::value_error(&self.schema, e).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_type_covers_blocks_and_nested_attributes() {
        let schema = Schema::new()
            .attr("a", Attribute::string().required())
            .attr("n", Attribute::list_nested(Schema::new().attr("x", Attribute::number().optional())))
            .block("b", Block::set(Schema::new().attr("y", Attribute::bool().optional())))
            .block("g", Block::single(Schema::new()));
        assert_eq!(
            schema.value_type(),
            Type::object([
                ("a", Type::String),
                ("n", Type::list(Type::object([("x", Type::Number)]))),
                ("b", Type::set(Type::object([("y", Type::Bool)]))),
                ("g", Type::object::<&str>([])),
            ])
        );
        let empty = schema.empty_value();
        assert_eq!(empty.get("b"), Some(&Value::Set(vec![])));
        assert_eq!(empty.get("g"), Some(&Value::Null));
    }

    #[test]
    fn api_fields_map_to_attribute_paths_by_declared_names() {
        let pool = Schema::new().attr("type", Attribute::string().required()).attr("count", Attribute::number().optional());
        let acl = Schema::new().attr("enabled", Attribute::bool().optional());
        let schema = Schema::new()
            .attr("label", Attribute::string().required())
            .attr("ttl_sec", Attribute::number().optional().api_name("ttl"))
            .block("pool", Block::list(pool).api_name("node_pools"))
            .block("control_plane", Block::list(Schema::new().block("acl", Block::list(acl).max_items(1))).max_items(1));
        let path = |f: &str| schema.path_for_api_field(f).map(|p| p.to_string());
        assert_eq!(path("node_pools[1].type").as_deref(), Some("pool[1].type"));
        assert_eq!(path("node_pools[1].autoscaler.min").as_deref(), Some("pool[1]"), "stops at the deepest match");
        assert_eq!(path("ttl").as_deref(), Some("ttl_sec"));
        assert_eq!(path("label").as_deref(), Some("label"));
        assert_eq!(path("control_plane.acl.enabled").as_deref(), Some("control_plane[0].acl[0].enabled"));
        assert_eq!(path("region"), None);
    }

    #[test]
    fn default_implies_optional_computed() {
        let a = Attribute::number().default(3);
        assert!(a.optional && a.computed && !a.required);
    }
}

