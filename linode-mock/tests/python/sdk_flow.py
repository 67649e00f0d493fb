"""Drives linode-mock with the official Python SDK (linode_api4) and asserts the results.

Usage: MOCK_API_URL=http://127.0.0.1:PORT MOCK_TOKEN=mock-token python sdk_flow.py
"""

import os
import sys

from linode_api4 import LinodeClient
from linode_api4.errors import ApiError
from linode_api4.objects import Domain, Firewall, LKECluster, NodeBalancer, ObjectStorageQuota, Region


def main() -> int:
    api = os.environ["MOCK_API_URL"]
    client = LinodeClient(os.environ["MOCK_TOKEN"], base_url=f"{api}/v4", retry=False)

    # Catalog: Linode's regions, types, availability, versions and prices.
    regions = {r.id: r for r in client.regions()}
    assert len(regions) == 46, len(regions)
    assert "GPU Linodes" in regions["fr-par"].capabilities
    assert "GPU Linodes" not in regions["us-iad"].capabilities
    assert regions["nl-ams"].label == "Amsterdam, NL" and regions["nl-ams"].country == "nl"
    assert regions["us-den-1"].site_type == "distributed"
    assert "Object Storage" not in regions["eu-west"].capabilities
    types = {t.id: t for t in client.linode.types()}
    assert len(types) == 37, len(types)
    assert types["g1-gpu-rtx6000-2"].gpus == 2 and types["g1-gpu-rtx6000-2"].type_class == "gpu"
    assert types["g6-nanode-1"].price.monthly == 5.0
    availability = list(client.regions.availability())
    assert len(availability) == 34 * 13, len(availability)
    paris = [a for a in availability if a.region == "fr-par" and a.plan == "g1-gpu-rtx6000-1"]
    assert len(paris) == 1 and paris[0].available
    iad = client.load(Region, "us-iad").availability
    assert any(a.plan == "g1-gpu-rtx6000-1" and not a.available for a in iad)
    assert [v.id for v in client.lke.versions()] == ["1.35", "1.34", "1.33"]
    assert client.lke.tier("enterprise").versions()[0].id == "v1.33.6+lke7"
    assert [t.id for t in client.lke.types()] == ["lke-sa", "lke-ha"]
    assert [t.id for t in client.nodebalancers.types()] == ["nodebalancer", "nodebalancer-pr100"]
    transfer = {p.id: p for p in client.networking.transfer_prices()}
    assert transfer["network_transfer"].price.hourly == 0.005

    # LKE: create, list, update, pools, delete.
    cluster = client.lke.cluster_create(
        "fr-par", "py-cluster", "1.33", [client.lke.node_pool("g6-standard-2", 2)], tags=["python"]
    )
    assert cluster.id and cluster.label == "py-cluster"
    listed = client.lke.clusters()
    assert [c.id for c in listed] == [cluster.id], listed
    filtered = client.lke.clusters(LKECluster.label == "py-cluster")
    assert len(filtered) == 1
    assert len(client.lke.clusters(LKECluster.label == "nope")) == 0

    cluster = client.load(LKECluster, cluster.id)
    cluster.label = "py-cluster-2"
    cluster.save()
    assert client.load(LKECluster, cluster.id).label == "py-cluster-2"

    pool = cluster.node_pool_create("g6-standard-4", 1, labels={"role": "worker"})
    assert pool.count == 1
    cluster.invalidate()
    assert len(cluster.pools) == 2
    pool.count = 3
    pool.save()
    pool.invalidate()
    assert pool.count == 3 and len(pool.nodes) == 3
    pool.delete()
    cluster.invalidate()
    assert len(cluster.pools) == 1

    # Validation errors surface as ApiError with Linode's reasons.
    try:
        client.lke.cluster_create("us-iad", "gpu", "1.33", [client.lke.node_pool("g1-gpu-rtx6000-1", 1)])
        raise AssertionError("GPU pool in us-iad must be rejected")
    except ApiError as e:
        assert e.status == 400, e
        assert any("GPU" in m for m in e.errors), e.errors

    cluster.delete()
    assert len(client.lke.clusters()) == 0

    # Domains and records.
    domain = client.domain_create("py.example.com", master=True, soa_email="admin@py.example.com")
    assert domain.domain == "py.example.com"
    rec = domain.record_create("A", name="www", target="192.0.2.7")
    assert rec.target == "192.0.2.7"
    domain.record_create("MX", target="mail.py.example.com", priority=10)
    zone = domain.zone_file_view()
    assert zone[0] == f"; py.example.com [{domain.id}]", zone
    assert zone[2].startswith("@  IN  SOA  ns1.linode.com. admin.py.example.com. "), zone
    assert zone[3:8] == [f"@    NS  ns{n}.linode.com." for n in range(1, 6)], zone
    assert zone[8:] == ["www    A  192.0.2.7", "@    MX  10  mail.py.example.com."], zone
    domain.invalidate()
    assert sorted(r.type for r in domain.records) == ["A", "MX"]
    domain.description = "managed by python"
    domain.save()
    assert client.load(Domain, domain.id).description == "managed by python"
    assert len(client.domains(Domain.domain == "py.example.com")) == 1
    rec.delete()
    domain.delete()
    assert len(client.domains()) == 0

    # NodeBalancers.
    nb = client.nodebalancer_create("fr-par", label="py-lb")
    assert nb.ipv4 and nb.hostname
    config = nb.config_create(port=80, protocol="http")
    config.node_create("web-1", "192.168.10.10:80")
    assert len(config.nodes) == 1
    assert [n.id for n in client.nodebalancers()] == [nb.id]
    nb = client.load(NodeBalancer, nb.id)
    nb.label = "py-lb-2"
    nb.save()
    assert client.load(NodeBalancer, nb.id).label == "py-lb-2"
    nb.delete()
    assert len(client.nodebalancers()) == 0

    # Cloud Firewalls, VPCs and their NodeBalancer attachments.
    rules = {
        "inbound": [{"action": "ACCEPT", "protocol": "TCP", "ports": "80, 443", "label": "web",
                     "addresses": {"ipv4": ["0.0.0.0/0"], "ipv6": ["::/0"]}}],
        "inbound_policy": "DROP", "outbound": [], "outbound_policy": "ACCEPT",
    }
    fw = client.networking.firewall_create("py-fw", rules, tags=["python"])
    assert fw.status == "enabled" and fw.label == "py-fw"
    assert fw.get_rules()["inbound"][0]["ports"] == "80, 443"
    try:
        bad = {**rules, "inbound": [{"action": "ACCEPT", "protocol": "ICMP", "ports": "22",
                                      "addresses": {"ipv4": ["0.0.0.0/0"]}}]}
        client.networking.firewall_create("py-fw-bad", bad)
        raise AssertionError("ports on an ICMP rule must be rejected")
    except ApiError as e:
        assert e.status == 400 and any("not allowed for ICMP" in m for m in e.errors), e.errors
    fw.update_rules({**rules, "outbound_policy": "DROP"})
    assert fw.get_rules()["version"] == 2 and fw.get_rules()["outbound_policy"] == "DROP"
    fw.status = "disabled"
    fw.save()
    assert client.load(Firewall, fw.id).status == "disabled"

    vpc = client.vpcs.create("py-vpc", "fr-par", subnets=[{"label": "backend", "ipv4": "10.0.0.0/24"}])
    backend = vpc.subnets[0]
    assert backend.ipv4 == "10.0.0.0/24"
    extra = vpc.subnet_create("extra", ipv4="10.0.1.0/24")
    try:
        vpc.subnet_create("overlap", ipv4="10.0.0.128/25")
        raise AssertionError("an overlapping subnet must be rejected")
    except ApiError as e:
        assert e.status == 400 and any("Overlaps" in m for m in e.errors), e.errors
    vpc.invalidate()
    assert sorted(s.label for s in vpc.subnets) == ["backend", "extra"]
    assert [v.label for v in client.vpcs()] == ["py-vpc"]

    lb = client.nodebalancer_create("fr-par", label="py-vpc-lb", firewall_id=fw.id,
                                    vpcs=[{"subnet_id": backend.id, "ipv4_range": "10.0.0.64/30"}])
    assert [f.id for f in lb.firewalls()] == [fw.id]
    other = client.nodebalancer_create("fr-par", label="py-lb-3")
    device = fw.device_create(other.id, "nodebalancer")
    assert device.entity.id == other.id
    fw.invalidate()
    assert sorted(d.entity.id for d in fw.devices) == sorted([lb.id, other.id])
    ips = client.vpcs.ips()
    assert [(ip.address_range, ip.subnet_id) for ip in ips] == [("10.0.0.64/30", backend.id)], ips
    try:
        backend.delete()
        raise AssertionError("a subnet used by a NodeBalancer must not be deleted")
    except ApiError as e:
        assert e.status == 400 and any("in use" in m for m in e.errors), e.errors
    device.delete()
    for n in (lb, other):
        n.delete()
    backend.delete()
    extra.delete()
    vpc.delete()
    fw.delete()
    assert len(client.vpcs()) == 0 and len(client.networking.firewalls()) == 0

    # Object Storage buckets (the REST bucket listing is only reachable through the SDK).
    client.object_storage.bucket_create("fr-par", "py-bucket")
    client.object_storage.bucket_create("us-east", "py-bucket-2")
    again = client.object_storage.bucket_create("fr-par", "py-bucket")
    assert again.label == "py-bucket" and again.cluster == "fr-par-1"
    labels = sorted(b.label for b in client.object_storage.buckets())
    assert labels == ["py-bucket", "py-bucket-2"], labels
    in_region = client.object_storage.buckets_in_region("fr-par")
    assert [b.label for b in in_region] == ["py-bucket"]
    key = client.object_storage.keys_create(
        "py-key", bucket_access=[{"region": "fr-par", "bucket_name": "py-bucket", "permissions": "read_only"}]
    )
    assert key.limited and key.secret_key
    assert len(list(client.object_storage.endpoints())) == 25
    assert len(list(client.object_storage.clusters())) == 18
    quotas = {q.quota_id: q for q in client.object_storage.quotas()}
    assert len(quotas) == 103, len(quotas)
    buckets_quota = quotas["obj-buckets-fr-par-1.linodeobjects.com"]
    assert buckets_quota.quota_limit == 1000 and buckets_quota.endpoint_type == "E1"
    assert buckets_quota.usage().usage == 1
    loaded = client.load(ObjectStorageQuota, "obj-bytes-us-east-1.linodeobjects.com")
    assert loaded.quota_type == "obj-bytes" and loaded.usage().usage == 0

    # Pagination: linode_api4 fetches later pages lazily and checks pages/results stay stable.
    for i in range(130):
        client.domain_create(f"page{i:03}.example.com", master=True, soa_email="admin@example.com")
    every = client.domains()
    assert len(every) == 130
    assert [d.domain for d in every][-1] == "page129.example.com"
    paged = LinodeClient(os.environ["MOCK_TOKEN"], base_url=f"{api}/v4", retry=False, page_size=50)
    assert len(paged.domains(Domain.domain == "page007.example.com")) == 1
    assert len(list(paged.domains())) == 130

    print("sdk_flow: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
