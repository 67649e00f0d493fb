//! Work in progress.
mod proto;
pub mod path;
pub mod value;
pub use path::{AttributePath, PathStep};
pub use value::{Number, Type, Val, Value, ValueError};
