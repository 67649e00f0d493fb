//! The firewall data sources, one file each.

pub(crate) mod firewall;
pub(crate) mod firewalls;
