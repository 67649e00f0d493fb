//! Every resource family's scenario under examples/terraform, with real Terraform against the
//! emulator: init, validate, plan, apply, a second plan with no changes, an import round trip, a
//! change made out of band detected as drift, and destroy leaving the emulator empty. On the
//! Terraform on PATH and Terraform 1.15 (1.0.3 runs the platform, see platform.rs).

use acceptance::terraform::{Workdir, each_cli};
use acceptance::{Mock, paths};
use serde_json::{Value, json};

/// One scenario: its folder, the resource to import and how to build its import id from its
/// state, and an out-of-band change to make in the emulator.
struct Scenario {
    folder: &'static str,
    import_address: &'static str,
    import_id: fn(&Value) -> String,
    drift: fn(&Mock),
    mock_args: &'static [&'static str],
}

fn run(s: &Scenario) {
    each_cli(s.folder, |c| c.at_least(1, 5), |cli| {
        let mock = Mock::start(s.mock_args);
        let wd = Workdir::new(cli, &paths::example(s.folder), &mock);
        wd.init();
        wd.ok(&["validate", "-no-color"]);
        let plan = wd.plan_exit_code();
        assert_eq!(plan.code, 2, "[{}] first plan should propose changes:\n{}", cli.name, plan.all());
        wd.apply();

        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] second plan is not empty:\n{}", cli.name, again.all());

        let values = wd.resource_values(s.import_address);
        wd.reimport(s.import_address, &(s.import_id)(&values));
        let after_import = wd.plan_exit_code();
        assert_eq!(after_import.code, 0, "[{}] plan after import is not empty:\n{}", cli.name, after_import.all());

        (s.drift)(&mock);
        let drifted = wd.plan_exit_code();
        assert_eq!(drifted.code, 2, "[{}] out-of-band change not detected:\n{}", cli.name, drifted.all());

        wd.destroy();
        mock.assert_empty();
    });
}

fn id(v: &Value) -> String {
    v["id"].as_str().map(str::to_string).unwrap_or_else(|| v["id"].to_string())
}

fn num(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The first item of a list endpoint whose `field` equals `value`.
fn find(mock: &Mock, path: &str, field: &str, value: &str) -> Value {
    let (status, body) = mock.api("GET", path, None);
    assert_eq!(status, 200, "GET {path}: {body}");
    body["data"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| item[field] == value)
        .cloned()
        .unwrap_or_else(|| panic!("no item with {field}={value} in {path}: {body}"))
}

#[test]
fn dns_scenario() {
    run(&Scenario {
        folder: "dns",
        import_address: "linode_domain_record.www",
        import_id: |v| format!("{},{}", num(v, "domain_id"), id(v)),
        drift: |mock| {
            let domain = find(mock, "/domains", "domain", "scenario.example.net");
            let path = format!("/domains/{}/records", domain["id"]);
            let record = find(mock, &path, "target", "203.0.113.10");
            let (status, body) = mock.api(
                "PUT",
                &format!("{path}/{}", record["id"]),
                Some(json!({"target": "203.0.113.99"})),
            );
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &[],
    });
}

#[test]
fn nodebalancer_scenario() {
    run(&Scenario {
        folder: "nodebalancer",
        import_address: "linode_nodebalancer_config.http",
        import_id: |v| format!("{},{}", num(v, "nodebalancer_id"), id(v)),
        drift: |mock| {
            let nb = find(mock, "/nodebalancers", "label", "scenario-web");
            let (status, body) =
                mock.api("PUT", &format!("/nodebalancers/{}", nb["id"]), Some(json!({"client_conn_throttle": 3})));
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &[],
    });
}

#[test]
fn lke_scenario() {
    run(&Scenario {
        folder: "lke",
        import_address: "linode_lke_node_pool.workers",
        import_id: |v| format!("{},{}", num(v, "cluster_id"), id(v)),
        drift: |mock| {
            let cluster = find(mock, "/lke/clusters", "label", "scenario-lke");
            let (status, body) =
                mock.api("PUT", &format!("/lke/clusters/{}", cluster["id"]), Some(json!({"tags": ["drifted"]})));
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &["--node-ready-delay-ms", "300", "--kubeconfig-delay-ms", "200"],
    });
}

#[test]
fn object_storage_scenario() {
    run(&Scenario {
        folder: "object-storage",
        import_address: "linode_object_storage_bucket.assets",
        import_id: |v| format!("{}:{}", v["region"].as_str().unwrap_or("fr-par"), v["label"].as_str().unwrap_or("")),
        drift: |mock| {
            let (status, body) = mock.api(
                "PUT",
                "/object-storage/buckets/fr-par/scenario-assets/access",
                Some(json!({"acl": "public-read"})),
            );
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &[],
    });
}

#[test]
fn firewall_scenario() {
    run(&Scenario {
        folder: "firewall",
        import_address: "linode_firewall.web",
        import_id: id,
        drift: |mock| {
            // One rule changed out of band (HTTPS moved to 8443): the plan must put it back.
            let fw = find(mock, "/networking/firewalls", "label", "scenario-web-fw");
            let path = format!("/networking/firewalls/{}/rules", fw["id"]);
            let (status, mut rules) = mock.api("GET", &path, None);
            assert_eq!(status, 200, "{rules}");
            rules["inbound"][1]["ports"] = json!("8443");
            let body = json!({"inbound": rules["inbound"], "outbound": rules["outbound"]});
            let (status, body) = mock.api("PUT", &path, Some(body));
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &[],
    });
}

#[test]
fn vpc_scenario() {
    run(&Scenario {
        folder: "vpc",
        import_address: "linode_vpc_subnet.web",
        import_id: |v| format!("{},{}", num(v, "vpc_id"), id(v)),
        drift: |mock| {
            let vpc = find(mock, "/vpcs", "label", "scenario-vpc");
            let subnets = format!("/vpcs/{}/subnets", vpc["id"]);
            let web = find(mock, &subnets, "label", "web");
            let (status, body) = mock.api("PUT", &format!("{subnets}/{}", web["id"]), Some(json!({"label": "renamed"})));
            assert_eq!(status, 200, "{body}");
        },
        mock_args: &[],
    });
}
