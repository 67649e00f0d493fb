//! Attribute validators: checks on configuration values, reported with attribute paths.
//!
//! Validators run during `ValidateResourceConfig` (and the data source / provider equivalents)
//! on every *known* value of their attribute (null and unknown values are skipped; Terraform
//! checks required-ness itself, and unknown values are checked again at plan time).
//!
//! [`DataValidator`]s need the provider's data (an API client, a catalog) and run at plan time
//! instead, only on values that changed; see
//! [`Attribute::validate_with_data`](crate::schema::Attribute::validate_with_data).

use std::any::Any;
use std::marker::PhantomData;
use std::sync::Arc;

use async_trait::async_trait;

use crate::diag::Diagnostics;
use crate::path::AttributePath;
use crate::provider::ProviderData;
use crate::value::Value;

/// A check on one attribute's configuration value.
pub trait Validator: Send + Sync {
    /// A sentence describing the rule (for documentation).
    fn description(&self) -> String;

    /// Checks `value` (known, non-null) at `path`; `config` is the whole configuration object.
    fn validate(&self, value: &Value, path: &AttributePath, config: &Value, diags: &mut Diagnostics);
}

struct FnValidator<F> {
    description: String,
    check: F,
}

impl<F> Validator for FnValidator<F>
where
    F: Fn(&Value) -> Result<(), String> + Send + Sync,
{
    fn description(&self) -> String {
        self.description.clone()
    }

    fn validate(&self, value: &Value, path: &AttributePath, _config: &Value, diags: &mut Diagnostics) {
        if let Err(detail) = (self.check)(value) {
            diags.error_at(path.clone(), "Invalid attribute value", detail);
        }
    }
}

/// A validator from a closure returning the error detail.
pub fn from_fn(
    description: impl Into<String>,
    check: impl Fn(&Value) -> Result<(), String> + Send + Sync + 'static,
) -> impl Validator {
    FnValidator { description: description.into(), check }
}

/// The string must be one of `allowed`.
pub fn one_of(allowed: &[&str]) -> impl Validator + use<> {
    let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
    let description = format!("must be one of: {}", allowed.join(", "));
    from_fn(description.clone(), move |v| match v.as_str() {
        Some(s) if allowed.iter().any(|a| a == s) => Ok(()),
        Some(s) => Err(format!("{s:?} {description}")),
        None => Ok(()),
    })
}

/// The string's length (in characters) must be within `min..=max`.
pub fn length_between(min: usize, max: usize) -> impl Validator {
    from_fn(format!("length must be between {min} and {max}"), move |v| match v.as_str() {
        Some(s) if (min..=max).contains(&s.chars().count()) => Ok(()),
        Some(s) => Err(format!("length must be between {min} and {max}, got {}", s.chars().count())),
        None => Ok(()),
    })
}

/// The number must be within `min..=max`.
pub fn between(min: f64, max: f64) -> impl Validator {
    from_fn(format!("must be between {min} and {max}"), move |v| match v.as_number() {
        Some(n) if (min..=max).contains(&n.as_f64()) => Ok(()),
        Some(n) => Err(format!("must be between {min} and {max}, got {n}")),
        None => Ok(()),
    })
}

/// The collection (list, set, map) must have between `min` and `max` elements.
pub fn size_between(min: usize, max: usize) -> impl Validator {
    from_fn(format!("must have between {min} and {max} elements"), move |v| {
        let len = v.as_elements().map(<[Value]>::len).or_else(|| v.as_entries().map(|m| m.len()));
        match len {
            Some(n) if !(min..=max).contains(&n) => {
                Err(format!("must have between {min} and {max} elements, got {n}"))
            }
            _ => Ok(()),
        }
    })
}

/// The string must be a duration such as `"30s"`, `"10m"` or `"1h30m"`.
pub fn duration() -> impl Validator {
    from_fn("must be a duration like \"30s\", \"10m\" or \"1h30m\"", |v| match v.as_str() {
        Some(s) => crate::timeouts::parse_duration(s).map(|_| ()),
        None => Ok(()),
    })
}

/// The attribute conflicts with the top-level attributes `others`: they may not both be set.
pub fn conflicts_with(others: &[&str]) -> impl Validator + use<> {
    struct Conflicts(Vec<String>);
    impl Validator for Conflicts {
        fn description(&self) -> String {
            format!("conflicts with {}", self.0.join(", "))
        }
        fn validate(&self, _value: &Value, path: &AttributePath, config: &Value, diags: &mut Diagnostics) {
            for other in &self.0 {
                if config.get(other).is_some_and(|v| !v.is_null()) {
                    diags.error_at(
                        path.clone(),
                        "Conflicting configuration arguments",
                        format!("\"{path}\": conflicts with {other}"),
                    );
                }
            }
        }
    }
    Conflicts(others.iter().map(|s| s.to_string()).collect())
}

/// What a [`DataValidator`] checks: one known configuration value that changed.
#[derive(Clone, Copy)]
pub struct PlanCheck<'a> {
    /// The configured value (known, not null).
    pub value: &'a Value,
    /// Where it is.
    pub path: &'a AttributePath,
    /// The whole configuration of the resource.
    pub config: &'a Value,
    /// The whole prior state (null on create).
    pub prior: &'a Value,
}

/// A check that needs the provider's data `D` (what `Provider::configure` returned), e.g. that a
/// region exists in the API's catalog.
///
/// ```
/// use tfplugin::validators::{DataValidator, PlanCheck};
/// use tfplugin::{async_trait, Diagnostics};
///
/// struct Catalog { regions: Vec<String> }
/// struct KnownRegion;
///
/// #[async_trait]
/// impl DataValidator<Catalog> for KnownRegion {
///     fn description(&self) -> String { "must be a region of the catalog".into() }
///     async fn validate(&self, catalog: &Catalog, check: PlanCheck<'_>, diags: &mut Diagnostics) {
///         let region = check.value.as_str().unwrap_or_default();
///         if !catalog.regions.iter().any(|r| r == region) {
///             diags.error_at(check.path.clone(), "Unknown region", format!("{region:?} is not a region."));
///         }
///     }
/// }
/// ```
#[async_trait]
pub trait DataValidator<D>: Send + Sync + 'static {
    /// A sentence describing the rule (for documentation).
    fn description(&self) -> String;

    /// Checks `check.value` with the provider's data.
    async fn validate(&self, data: &D, check: PlanCheck<'_>, diags: &mut Diagnostics);
}

/// A [`DataValidator`] with its provider-data type erased (what a schema stores).
#[async_trait]
pub(crate) trait ErasedDataValidator: Send + Sync {
    async fn validate(&self, data: &ProviderData, check: PlanCheck<'_>, diags: &mut Diagnostics);
}

struct Erased<D, V> {
    validator: V,
    data: PhantomData<fn() -> D>,
}

#[async_trait]
impl<D: Any + Send + Sync, V: DataValidator<D>> ErasedDataValidator for Erased<D, V> {
    async fn validate(&self, data: &ProviderData, check: PlanCheck<'_>, diags: &mut Diagnostics) {
        // Provider data of another type means another provider's configuration: nothing to check.
        if let Some(data) = data.downcast_ref::<D>() {
            self.validator.validate(data, check, diags).await;
        }
    }
}

pub(crate) fn erase<D: Any + Send + Sync, V: DataValidator<D>>(validator: V) -> Arc<dyn ErasedDataValidator> {
    Arc::new(Erased { validator, data: PhantomData })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &dyn Validator, value: Value) -> Diagnostics {
        let mut d = Diagnostics::new();
        v.validate(&value, &AttributePath::new("x"), &Value::Null, &mut d);
        d
    }

    #[test]
    fn builtins_report_with_path() {
        let d = run(&one_of(&["a", "b"]), Value::from("c"));
        let diag = d.iter().next().unwrap();
        assert_eq!(diag.path, Some(AttributePath::new("x")));
        assert!(diag.detail.contains("one of: a, b"));
        assert!(run(&one_of(&["a"]), Value::from("a")).is_empty());
        assert!(run(&length_between(1, 3), Value::from("abcd")).has_errors());
        assert!(run(&between(1.0, 3.0), Value::from(0)).has_errors());
        assert!(!run(&between(1.0, 3.0), Value::from(2)).has_errors());
        assert!(run(&size_between(1, 2), Value::list([])).has_errors());
        assert!(run(&duration(), Value::from("10 minutes")).has_errors());
        assert!(!run(&duration(), Value::from("1h30m")).has_errors());
    }

    #[test]
    fn conflicts_with_reads_the_config() {
        let config = Value::object([("a", Value::from("1")), ("b", Value::from("2"))]);
        let mut d = Diagnostics::new();
        conflicts_with(&["b"]).validate(&Value::from("1"), &AttributePath::new("a"), &config, &mut d);
        assert!(d.has_errors());
    }
}
