//! Generated protocol types (private): `tfplugin6` and go-plugin's `plugin` package.

#![allow(missing_docs, dead_code, clippy::all, clippy::pedantic)]

/// Terraform plugin protocol 6.
pub(crate) mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin side services (controller, stdio, broker).
pub(crate) mod plugin {
    tonic::include_proto!("plugin");
}
