//! Attribute paths: where in a value a diagnostic or a change applies.

use std::fmt;

use crate::value::Value;

/// One step of an [`AttributePath`].
#[derive(Clone, Debug, PartialEq)]
pub enum PathStep {
    /// An object attribute or nested block type.
    Attr(String),
    /// A map key (or a map-nested block label).
    Key(String),
    /// A list or tuple index.
    Index(i64),
    /// A set element, identified by its value. Terraform paths cannot express it, so paths sent
    /// to Terraform stop before this step.
    SetElement(Box<Value>),
}

/// A path from the root of a resource's value to a nested value, e.g. `pool[0].count`.
///
/// ```
/// use tfplugin::AttributePath;
/// let p = AttributePath::new("pool").index(0).attr("count");
/// assert_eq!(p.to_string(), "pool[0].count");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributePath {
    steps: Vec<PathStep>,
}

impl AttributePath {
    /// The empty path (the whole value).
    pub fn root() -> AttributePath {
        AttributePath::default()
    }

    /// A path to the top-level attribute `name`.
    pub fn new(name: impl Into<String>) -> AttributePath {
        AttributePath::root().attr(name)
    }

    /// This path followed by attribute `name`.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>) -> AttributePath {
        self.steps.push(PathStep::Attr(name.into()));
        self
    }

    /// This path followed by map key `key`.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> AttributePath {
        self.steps.push(PathStep::Key(key.into()));
        self
    }

    /// This path followed by list index `index`.
    #[must_use]
    pub fn index(mut self, index: i64) -> AttributePath {
        self.steps.push(PathStep::Index(index));
        self
    }

    /// This path followed by the set element equal to `element`.
    #[must_use]
    pub fn element(mut self, element: Value) -> AttributePath {
        self.steps.push(PathStep::SetElement(Box::new(element)));
        self
    }

    /// This path followed by `step`.
    #[must_use]
    pub fn join(mut self, step: PathStep) -> AttributePath {
        self.steps.push(step);
        self
    }

    /// The steps.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// Whether this is the root path.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether `self` is `other` or lies inside it.
    pub fn starts_with(&self, other: &AttributePath) -> bool {
        self.steps.len() >= other.steps.len() && self.steps[..other.steps.len()] == other.steps[..]
    }

    /// The parent path (`None` at the root).
    pub fn parent(&self) -> Option<AttributePath> {
        let mut steps = self.steps.clone();
        steps.pop()?;
        Some(AttributePath { steps })
    }

    /// The last attribute name on the path, if any.
    pub fn last_attr(&self) -> Option<&str> {
        self.steps.iter().rev().find_map(|s| match s {
            PathStep::Attr(n) => Some(n.as_str()),
            _ => None,
        })
    }

    pub(crate) fn push(&mut self, step: PathStep) {
        self.steps.push(step);
    }

    pub(crate) fn pop(&mut self) {
        self.steps.pop();
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attr(n) if i == 0 => f.write_str(n)?,
                PathStep::Attr(n) => write!(f, ".{n}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
                PathStep::SetElement(_) => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

impl From<&str> for AttributePath {
    fn from(name: &str) -> AttributePath {
        AttributePath::new(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_prefixes() {
        let p = AttributePath::new("tags").key("env");
        assert_eq!(p.to_string(), "tags[\"env\"]");
        assert!(p.starts_with(&AttributePath::new("tags")));
        assert!(!AttributePath::new("tags").starts_with(&p));
        assert_eq!(p.parent(), Some(AttributePath::new("tags")));
        assert_eq!(AttributePath::new("a").index(2).last_attr(), Some("a"));
    }
}
