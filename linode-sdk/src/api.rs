//! One handler per API area, reached from [`Client`]:
//! [`Client::lke`](crate::Client::lke), [`Client::nodebalancers`](crate::Client::nodebalancers),
//! [`Client::domains`](crate::Client::domains), [`Client::object_storage`](crate::Client::object_storage),
//! [`Client::regions`](crate::Client::regions), [`Client::linode_types`](crate::Client::linode_types),
//! [`Client::network_transfer`](crate::Client::network_transfer),
//! [`Client::firewalls`](crate::Client::firewalls) and [`Client::vpcs`](crate::Client::vpcs).
//!
//! Conventions: `get` fails on 404, `get_opt` returns `Ok(None)` on 404 (a Terraform
//! read), `list` returns one [`Page`](crate::Page), `list_all` streams every item of
//! every page.

pub mod domains;
pub mod firewalls;
pub mod linode_types;
pub mod lke;
pub mod network_transfer;
pub mod nodebalancers;
pub mod object_storage;
pub mod regions;
pub mod vpcs;

use crate::client::Client;

/// Percent-encodes one path segment.
pub(crate) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl Client {
    /// LKE: clusters, pools, nodes, kubeconfig, ACL, versions, types.
    pub fn lke(&self) -> lke::LkeHandler {
        lke::LkeHandler { client: self.clone() }
    }

    /// NodeBalancers: nodebalancers, configs, nodes, firewalls, VPC configurations, stats, types.
    pub fn nodebalancers(&self) -> nodebalancers::NodeBalancersHandler {
        nodebalancers::NodeBalancersHandler { client: self.clone() }
    }

    /// Domains: domains, records, zone file, clone, import.
    pub fn domains(&self) -> domains::DomainsHandler {
        domains::DomainsHandler { client: self.clone() }
    }

    /// Object Storage REST side: buckets, ACLs, URLs, clusters, endpoints, keys.
    pub fn object_storage(&self) -> object_storage::ObjectStorageHandler {
        object_storage::ObjectStorageHandler { client: self.clone() }
    }

    /// Regions and their plan availability.
    pub fn regions(&self) -> regions::RegionsHandler {
        regions::RegionsHandler { client: self.clone() }
    }

    /// Linode instance types.
    pub fn linode_types(&self) -> linode_types::LinodeTypesHandler {
        linode_types::LinodeTypesHandler { client: self.clone() }
    }

    /// Network transfer prices.
    pub fn network_transfer(&self) -> network_transfer::NetworkTransferHandler {
        network_transfer::NetworkTransferHandler { client: self.clone() }
    }

    /// Cloud Firewalls: firewalls, rules, devices, settings.
    pub fn firewalls(&self) -> firewalls::FirewallsHandler {
        firewalls::FirewallsHandler { client: self.clone() }
    }

    /// VPCs: VPCs, subnets, addresses in use.
    pub fn vpcs(&self) -> vpcs::VpcsHandler {
        vpcs::VpcsHandler { client: self.clone() }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_are_encoded() {
        assert_eq!(super::seg("a b/c"), "a%20b%2Fc");
        assert_eq!(super::seg("12345-6aa78910bc"), "12345-6aa78910bc");
    }
}
