//! Debug mode: the provider started by hand with `--debug`, Terraform attached through
//! `TF_REATTACH_PROVIDERS` (plaintext, no launch, no Shutdown).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use tfplugin::testing::terraform::{Workdir, first_cli};

use crate::support::example_binary;

struct Plugin(Child);

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn terraform_attaches_to_a_debug_server() {
    let Some(cli) = first_cli("the debug-mode test") else { return };
    let mut plugin = Plugin(
        Command::new(example_binary())
            .arg("--debug")
            .env("TF_LOG", "off")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start plugin"),
    );
    let mut reader = BufReader::new(plugin.0.stdout.take().unwrap());
    let reattach = loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).expect("read") > 0, "debug server printed no reattach line");
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            break rest.trim_end_matches('\'').to_string();
        }
    };
    let parsed: serde_json::Value = serde_json::from_str(&reattach).expect("reattach JSON");
    assert_eq!(parsed["example.com/test/example"]["ProtocolVersion"], 6);

    // No dev_overrides needed: point the workdir at a binary that must never be launched.
    let mut wd = Workdir::new(&cli, "example.com/test/example", std::path::Path::new("/nonexistent")).unwrap();
    wd.env("TF_REATTACH_PROVIDERS", &reattach);
    let root = wd.path().join("files");
    std::fs::create_dir_all(&root).unwrap();
    wd.write_config(&format!(
        r#"
terraform {{
  required_providers {{
    example = {{ source = "example.com/test/example" }}
  }}
}}
provider "example" {{ root = "{}" }}
resource "example_file" "f" {{
  path    = "d.txt"
  content = "debug"
}}
"#,
        root.display()
    ))
    .unwrap();
    let out = wd.run_expect(&["apply", "-auto-approve", "-no-color", "-input=false"], 0);
    assert!(out.contains("1 added"), "{out}");
    assert_eq!(std::fs::read_to_string(root.join("d.txt")).unwrap(), "debug");
    // The same long-lived process serves the next command.
    wd.run_expect(&["destroy", "-auto-approve", "-no-color", "-input=false"], 0);
    assert!(!root.join("d.txt").exists());
    assert!(plugin.0.try_wait().unwrap().is_none(), "the debug server must keep running");
}
