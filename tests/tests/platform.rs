//! The platform (examples/terraform/platform) on every Terraform we test with, 1.0.3 included:
//! apply, exactly the declared resources in the emulator, a second plan with no changes, the
//! outputs, and destroy leaving the emulator empty.

use acceptance::terraform::{Workdir, each_cli};
use acceptance::{Mock, paths, platform_expected_counts as expected_counts};

#[test]
fn platform_applies_on_every_terraform() {
    each_cli("the platform", |_| true, |cli| {
        let mock = Mock::start(&["--node-ready-delay-ms", "300", "--kubeconfig-delay-ms", "200"]);
        let wd = Workdir::new(cli, &paths::example("platform"), &mock);
        wd.init();
        wd.apply();
        assert_eq!(mock.counts(), expected_counts(), "[{}] emulator after apply", cli.name);

        let again = wd.plan_exit_code();
        assert_eq!(again.code, 0, "[{}] second plan is not empty:\n{}", cli.name, again.all());

        let outputs = wd.outputs();
        assert!(outputs["cluster_id"]["value"].as_str().is_some_and(|s| !s.is_empty()), "{outputs}");
        assert_eq!(outputs["kubeconfig"]["sensitive"], true, "{outputs}");
        assert!(outputs["api_endpoints"]["value"].as_array().is_some_and(|a| !a.is_empty()), "{outputs}");
        assert!(outputs["nodebalancer"]["value"]["ipv4"].as_str().is_some_and(|s| s.contains('.')), "{outputs}");
        let buckets = outputs["bucket_endpoints"]["value"].as_object().expect("bucket endpoints");
        assert_eq!(buckets.len(), 3, "{outputs}");
        let missing = outputs["secrets_missing"]["value"].as_array().expect("secrets_missing");
        assert_eq!(missing.len(), 6, "no bundle key is in the fresh store yet: {outputs}");

        wd.destroy();
        mock.assert_empty();
    });
}
