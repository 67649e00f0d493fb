//! linode-sdk: response bodies decoded into the API models, and secret bundle YAML.

use linode_sdk::Page;
use linode_sdk::models::{domains, firewalls, linode_types, lke, nodebalancers, object_storage, regions, vpcs};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What decodes must encode and decode to the same model (the SDK's requests are built from
/// models it read).
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(body: &[u8]) {
    let Ok(model) = serde_json::from_slice::<T>(body) else { return };
    let json = serde_json::to_vec(&model).expect("a decoded model encodes");
    let again: T = serde_json::from_slice(&json)
        .unwrap_or_else(|e| panic!("{model:?} encodes as {} which does not decode: {e}", String::from_utf8_lossy(&json)));
    assert_eq!(again, model, "{}", String::from_utf8_lossy(&json));
}

/// A response body (after the first byte, which picks the model), as the SDK decodes it.
pub fn sdk_response(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let decoders: &[fn(&[u8])] = &[
        round_trip::<Page<domains::Domain>>,
        round_trip::<domains::DomainRecord>,
        round_trip::<Page<domains::DomainRecord>>,
        round_trip::<lke::LkeCluster>,
        round_trip::<Page<lke::NodePool>>,
        round_trip::<lke::ControlPlaneAclResponse>,
        |body| {
            if let Ok(k) = serde_json::from_slice::<lke::Kubeconfig>(body) {
                let _ = k.decoded();
            }
        },
        round_trip::<nodebalancers::NodeBalancer>,
        round_trip::<Page<nodebalancers::NodeBalancerConfig>>,
        round_trip::<firewalls::Firewall>,
        round_trip::<firewalls::FirewallRules>,
        round_trip::<Page<linode_types::LinodeType>>,
        round_trip::<Page<regions::Region>>,
        round_trip::<object_storage::Bucket>,
        round_trip::<object_storage::ObjectStorageKey>,
        round_trip::<Page<vpcs::Vpc>>,
    ];
    decoders[usize::from(pick) % decoders.len()](body);
}

/// Secret bundle YAML, as `linode-secrets` and the provider read it.
pub fn bundle_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = linode_sdk::secrets::Bundle::from_yaml(text, "fuzz.yaml") {
        // Every error says where it comes from.
        assert!(e.to_string().contains("fuzz.yaml"), "{e}");
    }
}
