//! The in-memory store: id allocators, one collection per API area, and crash-safe
//! persistence (write to a temporary file, fsync, then rename over the state file).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Formats epoch milliseconds in Linode's wire format `YYYY-MM-DDTHH:MM:SS` (UTC, no suffix).
pub fn fmt_time(ms: u64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Per-area id allocators. Each area starts at its own base so ids never collide across areas,
/// which makes mix-ups in clients visible. Allocators missing from an older state file start at
/// their base.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Ids {
    /// Next LKE cluster id.
    pub cluster: u64,
    /// Next LKE pool id.
    pub pool: u64,
    /// Next Linode instance id (LKE nodes).
    pub instance: u64,
    /// Next NodeBalancer id.
    pub nodebalancer: u64,
    /// Next NodeBalancer config id.
    pub nb_config: u64,
    /// Next NodeBalancer node id.
    pub nb_node: u64,
    /// Next domain id.
    pub domain: u64,
    /// Next domain record id.
    pub record: u64,
    /// Next Object Storage key id.
    pub obj_key: u64,
    /// Next Cloud Firewall id.
    pub firewall: u64,
    /// Next firewall device id.
    pub fw_device: u64,
    /// Next VPC id.
    pub vpc: u64,
    /// Next VPC subnet id.
    pub subnet: u64,
    /// Next NodeBalancer VPC configuration id.
    pub nb_vpc_config: u64,
}

impl Default for Ids {
    fn default() -> Self {
        Self {
            cluster: 1001,
            pool: 2001,
            instance: 30001,
            nodebalancer: 4001,
            nb_config: 5001,
            nb_node: 6001,
            domain: 7001,
            record: 80001,
            obj_key: 901,
            firewall: 110_001,
            fw_device: 120_001,
            vpc: 130_001,
            subnet: 140_001,
            nb_vpc_config: 150_001,
        }
    }
}

/// Takes the current value of an allocator and advances it.
pub fn alloc(counter: &mut u64) -> u64 {
    let id = *counter;
    *counter += 1;
    id
}

/// An LKE cluster.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cluster {
    /// Cluster id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Region id.
    pub region: String,
    /// Kubernetes version.
    pub k8s_version: String,
    /// `standard` or `enterprise`.
    pub tier: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `control_plane` object as served (high_availability, audit_logs_enabled, acl).
    pub control_plane: Value,
    /// Whether the Akamai App Platform is enabled.
    pub apl_enabled: bool,
    /// `ipv4` or `ipv4-ipv6`.
    pub stack_type: String,
    /// VPC id, if any.
    pub vpc_id: Option<u64>,
    /// Subnet id, if any.
    pub subnet_id: Option<u64>,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
    /// When the kubeconfig becomes available (epoch ms).
    pub kubeconfig_ready_ms: u64,
    /// Bumped when the kubeconfig is regenerated.
    pub kubeconfig_revision: u32,
}

/// One node of an LKE pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LkeNode {
    /// Node id such as `2001-3f2a9c01bd`.
    pub id: String,
    /// Backing Linode id.
    pub instance_id: u64,
    /// When the node turns `ready` (epoch ms).
    pub ready_ms: u64,
}

/// An LKE node pool.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pool {
    /// Pool id.
    pub id: u64,
    /// Owning cluster.
    pub cluster_id: u64,
    /// Linode type of every node.
    pub type_id: String,
    /// Node count.
    pub count: u32,
    /// `{enabled, min, max}`.
    pub autoscaler: Value,
    /// Custom disk layout.
    pub disks: Value,
    /// Kubernetes labels (object).
    pub labels: Value,
    /// Kubernetes taints (array).
    pub taints: Value,
    /// Tags.
    pub tags: Vec<String>,
    /// Optional pool label.
    pub label: Option<String>,
    /// Firewall id, if any.
    pub firewall_id: Option<u64>,
    /// Pool Kubernetes version (enterprise tier), if any.
    pub k8s_version: Option<String>,
    /// `rolling_update` or `on_recycle` (enterprise tier), if any.
    pub update_strategy: Option<String>,
    /// `enabled` or `disabled`.
    pub disk_encryption: String,
    /// Nodes.
    pub nodes: Vec<LkeNode>,
}

/// A NodeBalancer and its plain fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeBalancer {
    /// Id.
    pub id: u64,
    /// Fields as served, except `id`, `created`, `updated`.
    pub doc: Map<String, Value>,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
    /// When `GET .../stats` starts answering (epoch ms); 0 in older state files (available).
    #[serde(default)]
    pub stats_ready_ms: u64,
}

/// A NodeBalancer VPC configuration: the range of a subnet the NodeBalancer uses (keeps the
/// subnet in use).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NbVpcConfig {
    /// Id.
    pub id: u64,
    /// Owning NodeBalancer.
    pub nodebalancer_id: u64,
    /// VPC of the subnet.
    pub vpc_id: u64,
    /// Subnet.
    pub subnet_id: u64,
    /// IPv4 range inside the subnet.
    pub ipv4_range: String,
}

/// A Cloud Firewall.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Firewall {
    /// Id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// `enabled` or `disabled`.
    pub status: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `{inbound, inbound_policy, outbound, outbound_policy}` as served (validated).
    pub rules: Value,
    /// Rules version, bumped on every rules change.
    pub rules_version: u64,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
}

/// One attachment of a firewall to an entity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirewallDevice {
    /// Device id.
    pub id: u64,
    /// Owning firewall.
    pub firewall_id: u64,
    /// `linode` or `nodebalancer`.
    pub entity_type: String,
    /// Id of the Linode or NodeBalancer.
    pub entity_id: u64,
    /// The LKE pool whose `firewall_id` made this attachment (kept in step with the pool).
    pub lke_pool: Option<u64>,
    /// Creation time (epoch ms).
    pub created_ms: u64,
}

/// A VPC.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Vpc {
    /// Id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Description.
    pub description: String,
    /// Region id.
    pub region: String,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
}

/// A VPC subnet.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Subnet {
    /// Id.
    pub id: u64,
    /// Owning VPC.
    pub vpc_id: u64,
    /// Label.
    pub label: String,
    /// IPv4 range (canonical CIDR).
    pub ipv4: String,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
}

/// A NodeBalancer config (port).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NbConfig {
    /// Id.
    pub id: u64,
    /// Owning NodeBalancer.
    pub nodebalancer_id: u64,
    /// Settings as served (port, protocol, algorithm, ...), without ids and `nodes_status`.
    pub doc: Map<String, Value>,
}

/// A NodeBalancer backend node.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NbNode {
    /// Id.
    pub id: u64,
    /// Owning config.
    pub config_id: u64,
    /// Owning NodeBalancer.
    pub nodebalancer_id: u64,
    /// Fields as served (address, label, mode, weight, subnet_id), without ids and `status`.
    pub doc: Map<String, Value>,
}

/// A DNS domain.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Domain {
    /// Id.
    pub id: u64,
    /// Fields as served, except `id`.
    pub doc: Map<String, Value>,
    /// Changes to the domain and its records so far: the counter part of the zone's SOA
    /// serial.
    #[serde(default)]
    pub zone_serial: u64,
}

/// A DNS record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Id.
    pub id: u64,
    /// Owning domain.
    pub domain_id: u64,
    /// Fields as served, except `id`, `created`, `updated`.
    pub doc: Map<String, Value>,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Last update time (epoch ms).
    pub updated_ms: u64,
}

/// One version of an object (or a delete marker).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjectVersion {
    /// Version id; `null` for objects written while versioning was never enabled or suspended.
    pub version_id: String,
    /// Content (cheap to clone), base64 in the state file.
    #[serde(with = "b64")]
    pub data: bytes::Bytes,
    /// Quoted MD5 hex ETag.
    pub etag: String,
    /// Last-modified time (epoch ms).
    pub modified_ms: u64,
    /// Content type, if given.
    pub content_type: Option<String>,
    /// User metadata.
    pub metadata: BTreeMap<String, String>,
    /// Whether this is a delete marker.
    pub delete_marker: bool,
    /// Canned ACL.
    pub acl: String,
}

/// An Object Storage bucket with its S3-side configuration and objects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bucket {
    /// Bucket name.
    pub label: String,
    /// Region id.
    pub region: String,
    /// Endpoint type (`E0`-`E3`) of the region endpoint holding the bucket; `None` in state
    /// files written before it was recorded (read as the region's default endpoint).
    #[serde(default)]
    pub endpoint_type: Option<String>,
    /// Creation time (epoch ms).
    pub created_ms: u64,
    /// Canned ACL.
    pub acl: String,
    /// CORS switch set through the REST `access` endpoint.
    pub cors_enabled: bool,
    /// Uploaded TLS certificate and key.
    pub ssl: Option<(String, String)>,
    /// `Enabled` or `Suspended` once set.
    pub versioning: Option<String>,
    /// Lifecycle rules set over S3.
    pub lifecycle: Option<Vec<s3s::dto::LifecycleRule>>,
    /// CORS rules set over S3.
    pub cors: Option<Vec<s3s::dto::CORSRule>>,
    /// Objects by key; versions oldest first.
    pub objects: BTreeMap<String, Vec<ObjectVersion>>,
    /// Counter for version ids.
    pub version_seq: u64,
}

impl Bucket {
    /// A new empty bucket.
    pub fn new(label: &str, region: &str) -> Self {
        Self {
            label: label.to_string(),
            region: region.to_string(),
            endpoint_type: None,
            created_ms: now_ms(),
            acl: "private".into(),
            cors_enabled: false,
            ssl: None,
            versioning: None,
            lifecycle: None,
            cors: None,
            objects: BTreeMap::new(),
            version_seq: 0,
        }
    }

    /// Current (latest, not deleted) version of each key.
    pub fn current(&self) -> impl Iterator<Item = (&String, &ObjectVersion)> {
        self.objects
            .iter()
            .filter_map(|(k, vs)| vs.last().filter(|v| !v.delete_marker).map(|v| (k, v)))
    }

    /// Number of current objects and their total size in bytes.
    pub fn usage(&self) -> (usize, usize) {
        self.current()
            .fold((0, 0), |(n, s), (_, v)| (n + 1, s + v.data.len()))
    }

    /// Whether the bucket holds no versions at all (a requirement for deletion).
    pub fn is_empty(&self) -> bool {
        self.objects.values().all(Vec::is_empty)
    }
}

/// One `bucket_access` entry of an Object Storage key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BucketAccess {
    /// Region id.
    pub region: String,
    /// Bucket name.
    pub bucket_name: String,
    /// `read_write` or `read_only`.
    pub permissions: String,
}

/// An Object Storage access key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ObjKey {
    /// Id.
    pub id: u64,
    /// Label.
    pub label: String,
    /// Access key id.
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
    /// Limits; empty means unlimited.
    pub bucket_access: Vec<BucketAccess>,
    /// Regions the key may use.
    pub regions: Vec<String>,
}

/// The whole emulated account.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct State {
    /// Id allocators.
    pub ids: Ids,
    /// LKE clusters.
    pub clusters: BTreeMap<u64, Cluster>,
    /// LKE pools.
    pub pools: BTreeMap<u64, Pool>,
    /// NodeBalancers.
    pub nodebalancers: BTreeMap<u64, NodeBalancer>,
    /// NodeBalancer configs.
    pub nb_configs: BTreeMap<u64, NbConfig>,
    /// NodeBalancer nodes.
    pub nb_nodes: BTreeMap<u64, NbNode>,
    /// Domains.
    pub domains: BTreeMap<u64, Domain>,
    /// Domain records.
    pub records: BTreeMap<u64, Record>,
    /// Buckets by [`bucket_key`] (`region/label`): as in the real API, one label may exist in
    /// several regions.
    pub buckets: BTreeMap<String, Bucket>,
    /// Object Storage keys.
    pub obj_keys: BTreeMap<u64, ObjKey>,
    /// Cloud Firewalls.
    pub firewalls: BTreeMap<u64, Firewall>,
    /// Firewall attachments.
    pub fw_devices: BTreeMap<u64, FirewallDevice>,
    /// VPCs.
    pub vpcs: BTreeMap<u64, Vpc>,
    /// VPC subnets.
    pub subnets: BTreeMap<u64, Subnet>,
    /// NodeBalancer VPC configurations.
    pub nb_vpc_configs: BTreeMap<u64, NbVpcConfig>,
}

/// The key of a bucket in [`State::buckets`].
pub fn bucket_key(region: &str, label: &str) -> String {
    format!("{region}/{label}")
}

/// Errors of loading or saving the state file.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The file could not be read or written.
    #[error("state file {path}: {source}")]
    Io {
        /// File path.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid state dump.
    #[error("state file {path} is not valid: {source}")]
    Parse {
        /// File path.
        path: String,
        /// Cause.
        #[source]
        source: serde_json::Error,
    },
}

/// Writes `bytes` to `path` atomically, with mode 0600 on Unix (the owner only may read it):
/// a temporary file next to `path`, fsync, then rename, so a crash leaves either the old or the
/// new file, never a torn one.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp)?;
    // The mode only applies to a new file: a leftover temporary file keeps its own.
    #[cfg(unix)]
    f.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path)?;
    // Make the rename itself durable (best effort: not every platform can open directories).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

impl State {
    /// Loads the state file, or an empty state when the file does not exist.
    pub fn load(path: &Path) -> Result<Self, PersistError> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let mut state: Self =
                    serde_json::from_slice(&bytes).map_err(|source| PersistError::Parse {
                        path: path.display().to_string(),
                        source,
                    })?;
                // Older state files keyed buckets by label alone.
                state.buckets = std::mem::take(&mut state.buckets)
                    .into_values()
                    .map(|b| (bucket_key(&b.region, &b.label), b))
                    .collect();
                Ok(state)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(PersistError::Io {
                path: path.display().to_string(),
                source,
            }),
        }
    }

    /// Writes the state atomically and readable by its owner only (see [`write_private`]):
    /// it holds the S3 keys' secrets.
    pub fn save(&self, path: &Path) -> Result<(), PersistError> {
        let bytes = serde_json::to_vec(self).map_err(|source| PersistError::Parse {
            path: path.display().to_string(),
            source,
        })?;
        write_private(path, &bytes).map_err(|source| PersistError::Io {
            path: path.display().to_string(),
            source,
        })
    }

    /// The bucket `label` in `region`.
    pub fn bucket(&self, region: &str, label: &str) -> Option<&Bucket> {
        self.buckets.get(&bucket_key(region, label))
    }

    /// The bucket `label` in `region`, for changing it.
    pub fn bucket_mut(&mut self, region: &str, label: &str) -> Option<&mut Bucket> {
        self.buckets.get_mut(&bucket_key(region, label))
    }

    /// The key of the bucket an S3 request names. The emulator serves every region on one S3
    /// endpoint, so a label that exists in several regions is told apart by the request's
    /// SigV4 region (a region id or legacy cluster id); failing that, the oldest bucket wins.
    pub fn s3_bucket_key(&self, label: &str, region_hint: Option<&str>) -> Option<String> {
        let mut matches: Vec<&Bucket> =
            self.buckets.values().filter(|b| b.label == label).collect();
        if let Some(region) = region_hint.and_then(crate::catalog::resolve_obj_region)
            && let Some(b) = matches.iter().find(|b| b.region == region)
        {
            return Some(bucket_key(&b.region, &b.label));
        }
        matches.sort_by_key(|b| b.created_ms);
        matches.first().map(|b| bucket_key(&b.region, &b.label))
    }

    /// Every pool of a cluster, by id.
    pub fn cluster_pools(&self, cluster_id: u64) -> impl Iterator<Item = &Pool> {
        self.pools
            .values()
            .filter(move |p| p.cluster_id == cluster_id)
    }

    /// Removes a cluster with its pools and nodes. Returns whether it existed.
    pub fn delete_cluster(&mut self, id: u64) -> bool {
        if self.clusters.remove(&id).is_none() {
            return false;
        }
        self.pools.retain(|_, p| p.cluster_id != id);
        true
    }

    /// Removes a NodeBalancer with its configs, nodes and VPC configurations, and detaches it
    /// from its firewall. Returns whether it existed.
    pub fn delete_nodebalancer(&mut self, id: u64) -> bool {
        if self.nodebalancers.remove(&id).is_none() {
            return false;
        }
        self.nb_configs.retain(|_, c| c.nodebalancer_id != id);
        self.nb_nodes.retain(|_, n| n.nodebalancer_id != id);
        self.nb_vpc_configs.retain(|_, c| c.nodebalancer_id != id);
        self.fw_devices
            .retain(|_, d| !(d.entity_type == "nodebalancer" && d.entity_id == id));
        true
    }

    /// Removes a firewall with its attachments, and clears it from the LKE pools that named it.
    /// Returns whether it existed.
    pub fn delete_firewall(&mut self, id: u64) -> bool {
        if self.firewalls.remove(&id).is_none() {
            return false;
        }
        self.fw_devices.retain(|_, d| d.firewall_id != id);
        for p in self.pools.values_mut() {
            if p.firewall_id == Some(id) {
                p.firewall_id = None;
            }
        }
        true
    }

    /// Keeps the `linode` devices that LKE pools' `firewall_id` imply in step with the pools:
    /// every node's Linode of a pool with a firewall is a device of that firewall, and devices
    /// made for nodes that are gone (recycled, pool resized or deleted, firewall changed) go.
    /// Called after every accepted write, so no handler has to remember it.
    pub fn sync_pool_firewalls(&mut self) {
        let mut wanted: Vec<(u64, u64, u64)> = Vec::new();
        for p in self.pools.values() {
            if let Some(fw) = p.firewall_id.filter(|f| self.firewalls.contains_key(f)) {
                wanted.extend(p.nodes.iter().map(|n| (fw, n.instance_id, p.id)));
            }
        }
        self.fw_devices.retain(|_, d| match d.lke_pool {
            None => true,
            Some(pool) => wanted.contains(&(d.firewall_id, d.entity_id, pool)),
        });
        let now = now_ms();
        for (fw, linode, pool) in wanted {
            let present = self
                .fw_devices
                .values()
                .any(|d| d.firewall_id == fw && d.entity_type == "linode" && d.entity_id == linode);
            if !present {
                let id = alloc(&mut self.ids.fw_device);
                self.fw_devices.insert(
                    id,
                    FirewallDevice {
                        id,
                        firewall_id: fw,
                        entity_type: "linode".into(),
                        entity_id: linode,
                        lke_pool: Some(pool),
                        created_ms: now,
                    },
                );
            }
        }
    }
}

mod b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &bytes::Bytes, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(data))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bytes::Bytes, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD
            .decode(s)
            .map(bytes::Bytes::from)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format_has_no_suffix() {
        assert_eq!(fmt_time(0), "1970-01-01T00:00:00");
        assert_eq!(fmt_time(1_700_000_000_000), "2023-11-14T22:13:20");
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let mut s = State::default();
        let id = alloc(&mut s.ids.domain);
        let mut b = Bucket::new("b1", "us-east");
        b.objects.insert(
            "k".into(),
            vec![ObjectVersion {
                version_id: "null".into(),
                data: bytes::Bytes::from_static(b"hello"),
                etag: "\"x\"".into(),
                modified_ms: 1,
                content_type: None,
                metadata: BTreeMap::new(),
                delete_marker: false,
                acl: "private".into(),
            }],
        );
        s.buckets.insert("b1".into(), b);
        let other = Bucket::new("b1", "fr-par");
        s.buckets.insert(bucket_key("fr-par", "b1"), other);
        s.domains.insert(
            id,
            Domain {
                id,
                doc: Map::new(),
                zone_serial: 0,
            },
        );
        s.save(&path).unwrap();
        assert!(!dir.path().join("state.json.tmp").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the state holds S3 secret keys");
        }
        let back = State::load(&path).unwrap();
        assert_eq!(back.ids.domain, id + 1);
        // The label-keyed entry of an older file is re-keyed by region and label.
        assert_eq!(
            back.bucket("us-east", "b1").unwrap().objects["k"][0].data,
            &b"hello"[..]
        );
        assert!(back.bucket("fr-par", "b1").unwrap().objects.is_empty());
        assert_eq!(
            back.s3_bucket_key("b1", Some("fr-par")).as_deref(),
            Some("fr-par/b1")
        );
        assert_eq!(
            back.s3_bucket_key("b1", Some("us-east-1")).as_deref(),
            Some("us-east/b1")
        );
        assert!(back.s3_bucket_key("b2", None).is_none());
        assert!(back.domains.contains_key(&id));
    }

    #[test]
    fn missing_file_is_empty_state() {
        let dir = tempfile::tempdir().unwrap();
        let s = State::load(&dir.path().join("none.json")).unwrap();
        assert!(s.clusters.is_empty());
    }
}
