//! Independent check of the SealedSecret format: values sealed by our Rust code are unsealed by
//! the PyPI package `kubesealpy` with the controller's private key.
//!
//! The controller key pair and its self-signed certificate are made by Python's `cryptography`
//! in a temporary directory; only the certificate is given to the Rust side. Needs the tools
//! venv (`<workspace>/.tools/venv`, or `$LINODE_TOOLS_DIR/venv`, made by
//! `scripts/setup-tools.sh`): skipped with a notice when it is missing, but failing when
//! `CI=true`.

#[path = "support/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aws_sdk_s3::types::BucketVersioningStatus;
use base64::Engine as _;
use linode_sdk::secrets::{
    Bundle, MasterKey, PutOptions, SealingCertificate, SealingScope, SecretStore, SecretValue,
    render_sealed_secret,
};

const KEYGEN: &str = r#"
import datetime, sys
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

out = sys.argv[1]
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
name = x509.Name([
    x509.NameAttribute(NameOID.COMMON_NAME, "sealed-secret"),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sealed-secret"),
])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(now - datetime.timedelta(days=1))
    .not_valid_after(now + datetime.timedelta(days=3650))
    .sign(key, hashes.SHA256())
)
with open(f"{out}/tls.key", "wb") as f:
    f.write(key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ))
with open(f"{out}/tls.crt", "wb") as f:
    f.write(cert.public_bytes(serialization.Encoding.PEM))
"#;

const UNSEAL: &str = r#"
import base64, json, sys
from kubesealpy import SealedSecret, Unsealer

unsealer = Unsealer.from_private_key_file(sys.argv[1])
result = {}
for path in sys.argv[2:]:
    try:
        with open(path) as f:
            sealed = SealedSecret.from_yaml(f.read())
        secret = unsealer.unseal(sealed)
        result[path] = {
            "name": secret.metadata.name,
            "namespace": secret.metadata.namespace,
            "data": {k: base64.b64encode(v).decode() for k, v in secret.get_data_decoded().items()},
        }
    except Exception as e:
        result[path] = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps(result))
"#;

/// The venv's python when it has kubesealpy; `None` (with a notice) when missing outside CI.
fn python() -> Option<PathBuf> {
    let tools = std::env::var_os("LINODE_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools"));
    let python = tools.join("venv/bin/python");
    let usable = std::process::Command::new(&python)
        .args(["-c", "import kubesealpy, cryptography, yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if usable {
        return Some(python);
    }
    let message = format!(
        "{} with kubesealpy and cryptography is missing: run scripts/setup-tools.sh",
        python.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    eprintln!("NOTICE: skipping the kubesealpy unsealing check: {message}");
    None
}

fn py(python: &Path, script: &str, args: &[&Path]) -> String {
    let out = std::process::Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Unseals `files` with kubesealpy; per file, `Ok(data)` (key → bytes) or `Err(message)`.
fn unseal(
    python: &Path,
    key: &Path,
    files: &[PathBuf],
) -> Vec<Result<BTreeMap<String, Vec<u8>>, String>> {
    let mut args: Vec<&Path> = vec![key];
    args.extend(files.iter().map(PathBuf::as_path));
    let out: serde_json::Value = serde_json::from_str(&py(python, UNSEAL, &args)).unwrap();
    files
        .iter()
        .map(|f| {
            let entry = &out[f.to_str().unwrap()];
            if let Some(e) = entry["error"].as_str() {
                return Err(e.to_owned());
            }
            Ok(entry["data"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(v.as_str().unwrap())
                        .unwrap();
                    (k.clone(), bytes)
                })
                .collect())
        })
        .collect()
}

fn controller(python: &Path, dir: &Path) -> (PathBuf, SealingCertificate) {
    py(python, KEYGEN, &[dir]);
    let pem = std::fs::read_to_string(dir.join("tls.crt")).unwrap();
    (
        dir.join("tls.key"),
        SealingCertificate::from_pem(&pem).expect("certificate parses"),
    )
}

const BUNDLE: &str = "name: app-secrets\nenvironment: production\nnamespace: inference\nsecrets:\n  - key: password\n    description: P\n  - key: binary\n    description: B\n  - key: long\n    description: L\n";

#[test]
fn kubesealpy_unseals_what_we_seal_in_every_scope() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (private_key, cert) = controller(&python, dir.path());
    let bundle = Bundle::from_yaml(BUNDLE, "test").unwrap();
    let values: BTreeMap<String, SecretValue> = BTreeMap::from([
        ("password".to_owned(), "pässwörd ✓".into()),
        (
            "binary".to_owned(),
            SecretValue::new(vec![0, 1, 2, 0xff, 0x80, b'\n']),
        ),
        (
            "long".to_owned(),
            SecretValue::new("x".repeat(5000).into_bytes()),
        ),
    ]);
    let mut files = Vec::new();
    for scope in [
        SealingScope::Strict,
        SealingScope::NamespaceWide,
        SealingScope::ClusterWide,
    ] {
        let yaml = render_sealed_secret(&bundle, None, &values, &cert, scope).unwrap();
        let path = dir.path().join(format!("{scope}.yaml"));
        std::fs::write(&path, &yaml).unwrap();
        files.push(path);
        // The same document moved to another name: only strict scope must refuse it.
        let mut doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&yaml).unwrap();
        doc["metadata"]["name"] = "renamed".into();
        let path = dir.path().join(format!("{scope}-renamed.yaml"));
        std::fs::write(&path, serde_yaml_ng::to_string(&doc).unwrap()).unwrap();
        files.push(path);
    }
    let results = unseal(&python, &private_key, &files);
    let expected: BTreeMap<String, Vec<u8>> = values
        .iter()
        .map(|(k, v)| (k.clone(), v.expose().to_vec()))
        .collect();
    for (file, result) in files.iter().zip(&results) {
        let name = file.file_name().unwrap().to_str().unwrap();
        if name == "strict-renamed.yaml" {
            assert!(
                result.is_err(),
                "a strict secret must not unseal under another name"
            );
        } else {
            assert_eq!(result.as_ref().unwrap(), &expected, "{name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubesealpy_unseals_what_the_command_renders_from_the_store() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (private_key, _) = controller(&python, dir.path());

    let mock = common::start().await;
    mock.bucket("platform-secrets", Some(BucketVersioningStatus::Enabled))
        .await;
    let key = MasterKey::generate();
    let store = SecretStore::new(mock.client.clone(), "platform-secrets", "secrets/");
    let bundle_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/secrets/bundles/platform.yaml");
    let bundle = Bundle::load(&bundle_path).unwrap();
    let mut expected = BTreeMap::new();
    for s in &bundle.secrets {
        let value = format!("{}-value-{}", s.key, s.key.len());
        store
            .put(
                &key,
                &s.source,
                &value.clone().into(),
                PutOptions::default(),
            )
            .await
            .unwrap();
        expected.insert(s.key.clone(), value.into_bytes());
    }

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_linode-secrets"))
        .args([
            "--endpoint",
            &mock.handle.s3_url(),
            "--bucket",
            "platform-secrets",
            "--prefix",
            "secrets/",
        ])
        .arg("render")
        .arg(&bundle_path)
        .args(["--sealed", "--cert"])
        .arg(dir.path().join("tls.crt"))
        .env("LINODE_OBJ_ACCESS_KEY", mock.handle.s3_access_key())
        .env("LINODE_OBJ_SECRET_KEY", mock.handle.s3_secret_key())
        .env("LINODE_SECRETS_KEY", key.to_base64().as_str())
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sealed = dir.path().join("platform-sealed.yaml");
    std::fs::write(&sealed, &out.stdout).unwrap();

    let results = unseal(&python, &private_key, std::slice::from_ref(&sealed));
    assert_eq!(results[0].as_ref().unwrap(), &expected);
}
