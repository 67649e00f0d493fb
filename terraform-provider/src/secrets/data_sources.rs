//! The secret store's data sources.

pub(crate) mod sealed_secret;
pub(crate) mod secret;
pub(crate) mod secret_bundle;
