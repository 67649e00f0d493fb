//! Diagnostics: errors and warnings for the user, optionally pointing at an attribute.
//!
//! Provider code never returns errors across the RPC boundary; it adds diagnostics, which
//! Terraform shows with the configuration source location when a path is attached.

use std::fmt;

use crate::path::AttributePath;

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Stops the operation.
    Error,
    /// Shown to the user; the operation continues.
    Warning,
}

/// One error or warning.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// One-line summary.
    pub summary: String,
    /// Longer explanation (may be empty).
    pub detail: String,
    /// The attribute the diagnostic is about, if any.
    pub path: Option<AttributePath>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}", self.summary)?;
        if let Some(p) = &self.path {
            write!(f, " (at {p})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An accumulator of diagnostics.
///
/// ```
/// use tfplugin::{AttributePath, Diagnostics};
/// let mut diags = Diagnostics::new();
/// diags.warning("Deprecated", "use `region` instead");
/// diags.error_at(AttributePath::new("pool").index(0).attr("count"), "Invalid count", "must be > 0");
/// assert!(diags.has_errors());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No diagnostics.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds an error.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.add(Severity::Error, summary, detail, None);
    }

    /// Adds an error about the attribute at `path`.
    pub fn error_at(&mut self, path: impl Into<AttributePath>, summary: impl Into<String>, detail: impl Into<String>) {
        self.add(Severity::Error, summary, detail, Some(path.into()));
    }

    /// Adds a warning.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.add(Severity::Warning, summary, detail, None);
    }

    /// Adds a warning about the attribute at `path`.
    pub fn warning_at(&mut self, path: impl Into<AttributePath>, summary: impl Into<String>, detail: impl Into<String>) {
        self.add(Severity::Warning, summary, detail, Some(path.into()));
    }

    fn add(&mut self, severity: Severity, summary: impl Into<String>, detail: impl Into<String>, path: Option<AttributePath>) {
        self.0.push(Diagnostic { severity, summary: summary.into(), detail: detail.into(), path });
    }

    /// Appends all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any error was added.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Whether there are no diagnostics at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All diagnostics, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Takes a `Result`, recording its error (with `summary`) and returning `None` on failure:
    /// `let Some(m) = diags.check(v.to_model::<M>(), "Invalid state") else { return };`
    pub fn check<T, E: fmt::Display>(&mut self, result: Result<T, E>, summary: &str) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(summary, e.to_string());
                None
            }
        }
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<crate::value::ValueError> for Diagnostic {
    fn from(e: crate::value::ValueError) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: "Invalid value".into(),
            detail: e.detail(),
            path: if e.path.is_empty() { None } else { Some(e.path) },
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
