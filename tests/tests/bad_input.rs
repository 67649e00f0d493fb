//! Invalid configurations: each fails with a diagnostic that names the attribute, and nothing is
//! created in the emulator.

use acceptance::terraform::{Workdir, newest};
use acceptance::Mock;

const PROVIDER: &str = r#"
terraform {
  required_providers {
    linode = { source = "linode-rs/linode" }
  }
}
"#;

fn lke(region: &str, pool: &str, extra: &str) -> String {
    format!(
        r#"
resource "linode_lke_cluster" "bad" {{
  label       = "bad"
  region      = "{region}"
  k8s_version = "1.33"
  {extra}
  pool {{
    {pool}
  }}
}}
"#
    )
}

/// (name, configuration, text the error must contain: the attribute's name).
fn cases() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "unknown region",
            r#"resource "linode_nodebalancer" "bad" {
  label  = "bad-region"
  region = "mars-1"
}"#
            .into(),
            "region",
        ),
        ("unknown type", lke("fr-par", r#"type = "g6-imaginary-99"
    count = 1"#, ""), "type"),
        ("GPU type in a region without GPUs", lke("us-iad", r#"type = "g1-gpu-rtx6000-1"
    count = 1"#, ""), "type"),
        ("count 0", lke("fr-par", r#"type = "g6-standard-2"
    count = 0"#, ""), "count"),
        (
            "autoscaler min > max",
            lke("fr-par", r#"type = "g6-standard-2"
    count = 3
    autoscaler {
      min = 5
      max = 2
    }"#, ""),
            "min",
        ),
        (
            "bad ACL address",
            lke(
                "fr-par",
                r#"type = "g6-standard-2"
    count = 1"#,
                r#"control_plane {
    acl {
      enabled = true
      addresses {
        ipv4 = ["300.1.2.3/40"]
      }
    }
  }"#,
            ),
            "ipv4",
        ),
        (
            "bad record type",
            r#"resource "linode_domain_record" "bad" {
  domain_id   = 1
  name        = "www"
  record_type = "AAAAA"
  target      = "203.0.113.1"
}"#
            .into(),
            "record_type",
        ),
        (
            "A record target that is not an IPv4 address",
            r#"resource "linode_domain" "zone" {
  domain    = "bad-target.example.com"
  type      = "master"
  soa_email = "admin@bad-target.example.com"
}
resource "linode_domain_record" "bad" {
  domain_id   = linode_domain.zone.id
  name        = "www"
  record_type = "A"
  target      = "not-an-address"
}"#
            .into(),
            "target",
        ),
        (
            "master domain without soa_email",
            r#"resource "linode_domain" "bad" {
  domain = "no-soa.example.com"
  type   = "master"
}"#
            .into(),
            "soa_email",
        ),
        (
            "bad bucket label",
            r#"resource "linode_object_storage_bucket" "bad" {
  label  = "Bad_Bucket_Label"
  region = "fr-par"
}"#
            .into(),
            "label",
        ),
        (
            "NodeBalancer label too short",
            r#"resource "linode_nodebalancer" "bad" {
  label  = "ab"
  region = "fr-par"
}"#
            .into(),
            "label",
        ),
        (
            "NodeBalancer node with a public address",
            r#"resource "linode_nodebalancer" "nb" {
  label  = "public-node"
  region = "fr-par"
}
resource "linode_nodebalancer_config" "c" {
  nodebalancer_id = linode_nodebalancer.nb.id
  port            = 80
}
resource "linode_nodebalancer_node" "bad" {
  nodebalancer_id = linode_nodebalancer.nb.id
  config_id       = linode_nodebalancer_config.c.id
  label           = "public"
  address         = "8.8.8.8:80"
}"#
            .into(),
            "address",
        ),
    ]
}

fn assert_rejected(wd: &Workdir, mock: &Mock, name: &str, attr: &str) {
    let run = wd.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    assert_ne!(run.code, 0, "[{name}] apply succeeded:\n{}", run.all());
    assert!(run.stderr.contains("Error"), "[{name}] no error diagnostic:\n{}", run.all());
    assert!(run.stderr.contains(attr), "[{name}] the error does not name {attr:?}:\n{}", run.all());
    mock.assert_empty();
}

#[test]
fn invalid_configurations_name_the_attribute_and_create_nothing() {
    let cli = newest();
    let mock = Mock::start(&[]);
    let cases = cases();
    assert!(cases.len() >= 12);
    for (name, config, attr) in cases {
        let wd = Workdir::empty(&cli, &mock);
        wd.write("main.tf", &format!("{PROVIDER}\n{config}\n"));
        wd.init();
        assert_rejected(&wd, &mock, name, attr);
    }
}

#[test]
fn missing_and_wrong_tokens_are_clear_errors() {
    let cli = newest();
    let mock = Mock::start(&[]);
    let config = format!(
        "{PROVIDER}\nresource \"linode_domain\" \"d\" {{\n  domain = \"token.example.com\"\n  type = \"master\"\n  soa_email = \"a@token.example.com\"\n}}\n"
    );

    let mut wd = Workdir::empty(&cli, &mock);
    wd.write("main.tf", &config);
    wd.init();
    wd.unset_env("LINODE_TOKEN");
    assert_rejected(&wd, &mock, "missing token", "token");

    wd.set_env("LINODE_TOKEN", "not-the-right-token");
    assert_rejected(&wd, &mock, "wrong token", "token");
}
