//! `terraform plan -generate-config-out` for resources made outside Terraform: import blocks,
//! generated configuration, apply, and a second plan with no changes (Terraform >= 1.5).

use acceptance::Mock;
use acceptance::terraform::{Workdir, each_cli};
use serde_json::json;

const PROVIDER: &str = r#"terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}
"#;

#[test]
fn generated_configuration_plans_with_no_changes() {
    each_cli("generate-config-out", |c| c.at_least(1, 5), |cli| {
        let mock = Mock::start(&[]);
        let (status, domain) = mock.api(
            "POST",
            "/domains",
            Some(json!({"domain": "gen.example.com", "type": "master", "soa_email": "a@gen.example.com", "ttl_sec": 300})),
        );
        assert_eq!(status, 200, "{domain}");
        let (status, record) = mock.api(
            "POST",
            &format!("/domains/{}/records", domain["id"]),
            Some(json!({"type": "A", "name": "www", "target": "203.0.113.5"})),
        );
        assert_eq!(status, 200, "{record}");
        let (status, nb) =
            mock.api("POST", "/nodebalancers", Some(json!({"region": "fr-par", "label": "generated-nb"})));
        assert_eq!(status, 200, "{nb}");

        let wd = Workdir::empty(cli, &mock);
        wd.write(
            "main.tf",
            &format!(
                "{PROVIDER}\nimport {{\n  to = linode_domain.gen\n  id = \"{d}\"\n}}\nimport {{\n  to = linode_domain_record.www\n  id = \"{d},{r}\"\n}}\nimport {{\n  to = linode_nodebalancer.nb\n  id = \"{n}\"\n}}\n",
                d = domain["id"],
                r = record["id"],
                n = nb["id"],
            ),
        );
        wd.init();
        wd.ok(&["plan", "-input=false", "-no-color", "-generate-config-out=generated.tf"]);
        let generated = std::fs::read_to_string(wd.path().join("generated.tf")).expect("generated.tf");
        for block in [
            "resource \"linode_domain\" \"gen\"",
            "resource \"linode_domain_record\" \"www\"",
            "resource \"linode_nodebalancer\" \"nb\"",
        ] {
            assert!(generated.contains(block), "[{}] {block} missing from:\n{generated}", cli.name);
        }
        wd.apply();
        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] plan after generating config is not empty:\n{}", cli.name, again.all());
    });
}

#[test]
fn generated_firewall_and_vpc_configuration_plans_with_no_changes() {
    each_cli("generate-config-out for firewalls and VPCs", |c| c.at_least(1, 5), |cli| {
        let mock = Mock::start(&[]);
        let call = |method: &str, path: &str, body: serde_json::Value| {
            let (status, out) = mock.api(method, path, Some(body));
            assert_eq!(status, 200, "{method} {path}: {out}");
            out
        };
        let nb = call("POST", "/nodebalancers", json!({"region": "fr-par", "label": "gen-fw-nb"}));
        let rule = |label: &str, protocol: &str, ports: Option<&str>| {
            let mut r = json!({"label": label, "action": "ACCEPT", "protocol": protocol, "addresses": {"ipv4": ["0.0.0.0/0"]}});
            if let Some(p) = ports {
                r["ports"] = json!(p);
            }
            r
        };
        let fw = call(
            "POST",
            "/networking/firewalls",
            json!({"label": "gen-fw", "tags": ["gen"], "devices": {"nodebalancers": [nb["id"]]},
                   "rules": {"inbound_policy": "DROP", "outbound_policy": "ACCEPT",
                             "inbound": [rule("https", "TCP", Some("443")), rule("ping", "ICMP", None)]}}),
        );
        let vpc = call("POST", "/vpcs", json!({"label": "gen-vpc", "region": "fr-par", "description": "generated"}));
        let subnet = call("POST", &format!("/vpcs/{}/subnets", vpc["id"]), json!({"label": "web", "ipv4": "10.9.0.0/24"}));

        let wd = Workdir::empty(cli, &mock);
        let import = |to: &str, id: String| format!("import {{\n  to = {to}\n  id = \"{id}\"\n}}\n");
        wd.write(
            "main.tf",
            &[
                PROVIDER.to_string(),
                import("linode_firewall.gen", fw["id"].to_string()),
                import("linode_vpc.gen", vpc["id"].to_string()),
                import("linode_vpc_subnet.web", format!("{},{}", vpc["id"], subnet["id"])),
            ]
            .join("\n"),
        );
        wd.init();
        wd.ok(&["plan", "-input=false", "-no-color", "-generate-config-out=generated.tf"]);
        let generated = std::fs::read_to_string(wd.path().join("generated.tf")).expect("generated.tf");
        for block in ["resource \"linode_firewall\" \"gen\"", "resource \"linode_vpc\" \"gen\"", "resource \"linode_vpc_subnet\" \"web\""] {
            assert!(generated.contains(block), "[{}] {block} missing from:\n{generated}", cli.name);
        }
        wd.apply();
        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] plan after generating config is not empty:\n{}\n{generated}", cli.name, again.all());
    });
}
