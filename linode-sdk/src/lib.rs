//! Typed async client for the Linode API v4 (work in progress).

#[cfg(feature = "secrets")]
pub mod secrets;
