//! Installing the provider like a released one. `scripts/release.sh --package-only` packs the
//! debug build into a provider registry's layout (zip, SHA256SUMS, manifest, a filesystem mirror
//! and a network mirror); every Terraform we test with (1.0.3, the one on PATH, 1.15) installs it
//! with `terraform init`, without development overrides, from the filesystem mirror and from the
//! network mirror served over HTTPS with a CA made here; the lock file holds the archive's hash;
//! a tampered archive is refused. Also: every binary's `--version`, and the files a release
//! ships beside the code (LICENSE, CHANGELOG, the crates' README examples).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use acceptance::terraform::{Cli, Workdir, each_cli, filesystem_mirror_config, network_mirror_config};
use acceptance::{Mock, paths};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The workspace version: what the debug build says and what the test release is called.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where the provider lives inside a mirror.
const PROVIDER_DIR: &str = "registry.terraform.io/linode-rs/linode";
/// What Terraform says when a development override is in effect.
const DEV_OVERRIDE_WARNING: &str = "Provider development overrides are in effect";

/// Terraform's name for this machine's platform, e.g. `linux_amd64`.
fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    format!("{}_{arch}", std::env::consts::OS)
}

fn zip_name() -> String {
    format!("terraform-provider-linode_{VERSION}_{}.zip", platform())
}

/// Runs `scripts/release.sh --package-only` for `binary`, writing into `out`.
fn package(binary: &Path, out: &Path) {
    let run = Command::new("bash")
        .arg(paths::workspace_root().join("scripts/release.sh"))
        .args(["--package-only", "--platform", &platform(), "--binary"])
        .arg(binary)
        .arg("--out")
        .arg(out)
        .arg(VERSION)
        .output()
        .expect("run scripts/release.sh");
    assert!(
        run.status.success(),
        "scripts/release.sh --package-only failed:\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A release of the debug build in a temporary folder.
fn release() -> tempfile::TempDir {
    let dist = tempfile::tempdir().expect("temp dir");
    package(&paths::binary("terraform-provider-linode"), dist.path());
    dist
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Terraform's `h1:` hash of an unpacked provider folder (Go's dirhash "Hash1": one line
/// `SHA256  NAME` per file, sorted by name, hashed again).
fn h1_of_dir(dir: &Path) -> String {
    fn walk(base: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(base, &path, files);
            } else {
                let name = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((name, path));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    assert!(!files.is_empty(), "{} holds no file", dir.display());
    let summary: String = files
        .iter()
        .map(|(name, path)| {
            format!(
                "{}  {name}\n",
                sha256_hex(&std::fs::read(path).expect("read file"))
            )
        })
        .collect();
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

/// The unpacked provider folder of a release's filesystem mirror.
fn unpacked(dist: &Path) -> PathBuf {
    dist.join("mirror")
        .join(PROVIDER_DIR)
        .join(VERSION)
        .join(platform())
}

/// `required_providers` pinned to this release, as README's Install section shows.
fn pinned_versions_tf() -> String {
    format!(
        "terraform {{\n  required_providers {{\n    linode = {{\n      source  = \"linode-rs/linode\"\n      version = \"= {VERSION}\"\n    }}\n  }}\n}}\n\nprovider \"linode\" {{}}\n"
    )
}

/// The DNS scenario with the provider pinned to this release, installed as `cli_config` says.
fn workdir(cli: &Cli, mock: &Mock, cli_config: &str) -> Workdir {
    let mut wd = Workdir::new(cli, &paths::example("dns"), mock);
    wd.write("versions.tf", &pinned_versions_tf());
    wd.use_installation(cli_config);
    wd
}

/// Runs `terraform init` in a directory that has a lock file but no `.terraform` yet, and
/// returns its output; panics when init succeeds.
fn init_must_fail(wd: &Workdir) -> String {
    let _ = std::fs::remove_dir_all(wd.path().join(".terraform"));
    let run = wd.run(&["init", "-input=false", "-no-color"]);
    assert_ne!(
        run.code,
        0,
        "[{}] init should have refused the archive:\n{}",
        wd.cli.name,
        run.all()
    );
    let installed = wd.path().join(".terraform/providers").join(PROVIDER_DIR);
    assert!(
        !installed.exists(),
        "[{}] a refused provider was installed anyway",
        wd.cli.name
    );
    run.all()
}

/// `terraform init` installs the provider as a released one (no development override) and
/// locks it to the archive whose hash is `h1`.
fn init_installs(wd: &Workdir, h1: &str) {
    let init = wd.ok(&["init", "-input=false", "-no-color"]);
    assert!(
        !init.all().contains(DEV_OVERRIDE_WARNING),
        "[{}] {}",
        wd.cli.name,
        init.all()
    );
    assert_locked(wd, h1);
}

/// The lock file's entry for the provider: it names this version and holds `h1`.
fn assert_locked(wd: &Workdir, h1: &str) {
    let lock = std::fs::read_to_string(wd.path().join(".terraform.lock.hcl"))
        .expect("lock file written by init");
    let entry = lock
        .split("provider \"")
        .find(|e| e.starts_with(PROVIDER_DIR))
        .unwrap_or_else(|| {
            panic!(
                "[{}] no lock entry for {PROVIDER_DIR}:\n{lock}",
                wd.cli.name
            )
        });
    assert!(
        entry.contains(&format!("version     = \"{VERSION}\"")),
        "[{}] lock entry:\n{entry}",
        wd.cli.name
    );
    assert!(
        entry.contains(&format!("\"{h1}\"")),
        "[{}] lock entry lacks the archive's {h1}:\n{entry}",
        wd.cli.name
    );
}

#[test]
fn the_release_has_a_registry_layout_and_verifiable_checksums() {
    let dist = release();
    let dist = dist.path();
    let zip = std::fs::read(dist.join(zip_name())).expect("the zip");
    let manifest_name = format!("terraform-provider-linode_{VERSION}_manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join(&manifest_name)).expect("manifest"))
            .expect("manifest json");
    assert_eq!(
        manifest,
        serde_json::json!({"version": 1, "metadata": {"protocol_versions": ["6.0"]}})
    );

    let sums_name = format!("terraform-provider-linode_{VERSION}_SHA256SUMS");
    let sums = std::fs::read_to_string(dist.join(&sums_name)).expect("SHA256SUMS");
    assert!(
        sums.contains(&format!("{}  {}\n", sha256_hex(&zip), zip_name())),
        "{sums}"
    );
    assert_eq!(sums.lines().count(), 2, "the zip and the manifest:\n{sums}");
    let check = Command::new("sha256sum")
        .args(["-c", &sums_name])
        .current_dir(dist)
        .output()
        .expect("sha256sum");
    assert!(
        check.status.success(),
        "sha256sum -c: {}",
        String::from_utf8_lossy(&check.stdout)
    );

    // The filesystem mirror holds the binary itself.
    let binary =
        std::fs::read(paths::binary("terraform-provider-linode")).expect("provider binary");
    let mirrored = unpacked(dist).join(format!("terraform-provider-linode_v{VERSION}"));
    assert!(
        std::fs::read(&mirrored).expect("binary in the filesystem mirror") == binary,
        "mirror copy differs"
    );

    // The network mirror lists the version and gives the zip's zh: hash.
    let network = dist.join("network-mirror").join(PROVIDER_DIR);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(network.join("index.json")).expect("index.json"))
            .expect("json");
    assert_eq!(index, serde_json::json!({"versions": {VERSION: {}}}));
    let archives: serde_json::Value = serde_json::from_slice(
        &std::fs::read(network.join(format!("{VERSION}.json"))).expect("VERSION.json"),
    )
    .expect("json");
    assert_eq!(
        archives,
        serde_json::json!({"archives": {platform(): {"url": zip_name(), "hashes": [format!("zh:{}", sha256_hex(&zip))]}}})
    );
    assert!(std::fs::read(network.join(zip_name())).expect("zip in the network mirror") == zip);
}

#[test]
fn every_binary_reports_the_workspace_version() {
    for (binary, name) in [
        ("terraform-provider-linode", "terraform-provider-linode"),
        ("linode-mock", "linode-mock"),
        ("linode-secrets", "linode-secrets"),
    ] {
        let out = Command::new(paths::binary(binary))
            .arg("--version")
            .output()
            .expect("run --version");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{binary} --version failed: {text}");
        assert!(
            text.starts_with(&format!("{name} {VERSION} (commit ")),
            "{binary} --version: {text}"
        );
    }
}

#[test]
fn terraform_init_installs_the_release_from_a_filesystem_mirror() {
    let dist = release();
    let h1 = h1_of_dir(&unpacked(dist.path()));
    each_cli("init from the filesystem mirror", |_| true, |cli| {
        let mock = Mock::start(&[]);
        // Each directory gets its own copy of the mirror: the tamper check below changes it.
        let mirror = tempfile::tempdir().expect("temp dir");
        copy_dir(&dist.path().join("mirror"), mirror.path());
        let wd = workdir(cli, &mock, &filesystem_mirror_config(mirror.path()));
        init_installs(&wd, &h1);

        let apply = wd.apply();
        assert!(
            !apply.all().contains(DEV_OVERRIDE_WARNING),
            "[{}] {}",
            cli.name,
            apply.all()
        );
        let again = wd.plan_exit_code();
        assert_eq!(
            again.code,
            0,
            "[{}] second plan is not empty:\n{}",
            cli.name,
            again.all()
        );
        wd.destroy();
        mock.assert_empty();

        // Another binary in the mirror under the same version: the lock file refuses it.
        let binary = mirror
            .path()
            .join(PROVIDER_DIR)
            .join(VERSION)
            .join(platform())
            .join(format!("terraform-provider-linode_v{VERSION}"));
        std::fs::OpenOptions::new()
            .append(true)
            .open(&binary)
            .expect("open")
            .write_all(b"tampered")
            .expect("tamper");
        let refused = init_must_fail(&wd);
        assert!(refused.contains("checksum"), "[{}] {refused}", cli.name);
    });
}

#[test]
fn terraform_init_installs_the_release_from_a_network_mirror_over_https() {
    let dist = release();
    let h1 = h1_of_dir(&unpacked(dist.path()));

    // The same version rebuilt by someone else: a different binary, packed the same way.
    let forged_binary = tempfile::NamedTempFile::new().expect("temp file");
    let mut bytes =
        std::fs::read(paths::binary("terraform-provider-linode")).expect("provider binary");
    bytes.extend_from_slice(b"forged");
    std::fs::write(forged_binary.path(), bytes).expect("write forged binary");
    let forged = tempfile::tempdir().expect("temp dir");
    package(forged_binary.path(), forged.path());

    // Three mirrors: the release; one whose zip was swapped (its JSON still has the release's
    // zh: hash); one consistent with the forged build (only the lock file can tell).
    let www = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &dist.path().join("network-mirror"),
        &www.path().join("release"),
    );
    copy_dir(
        &dist.path().join("network-mirror"),
        &www.path().join("swapped"),
    );
    std::fs::copy(
        forged.path().join(zip_name()),
        www.path()
            .join("swapped")
            .join(PROVIDER_DIR)
            .join(zip_name()),
    )
    .expect("swap the zip");
    copy_dir(
        &forged.path().join("network-mirror"),
        &www.path().join("forged"),
    );
    let server = HttpsServer::start(www.path().to_path_buf());

    each_cli("init from the network mirror", |_| true, |cli| {
        let mock = Mock::start(&[]);
        let mut wd = workdir(cli, &mock, &network_mirror_config(&server.url("release")));
        wd.set_env("SSL_CERT_FILE", &server.ca_file.display().to_string());
        init_installs(&wd, &h1);
        // The installed provider runs: it plans the scenario.
        let plan = wd.plan_exit_code();
        assert_eq!(
            plan.code,
            2,
            "[{}] plan from the network-mirror install:\n{}",
            cli.name,
            plan.all()
        );

        // A zip that does not match the mirror's zh: hash.
        let mut swapped = workdir(cli, &mock, &network_mirror_config(&server.url("swapped")));
        swapped.set_env("SSL_CERT_FILE", &server.ca_file.display().to_string());
        let refused = init_must_fail(&swapped);
        assert!(refused.contains("checksum"), "[{}] {refused}", cli.name);

        // A mirror that serves another build of this version: the lock file from the first
        // install refuses it.
        wd.use_installation(&network_mirror_config(&server.url("forged")));
        let refused = init_must_fail(&wd);
        assert!(refused.contains("checksum"), "[{}] {refused}", cli.name);
        mock.assert_empty();
    });
}

#[test]
fn release_files_match_the_manifests() {
    let root = paths::workspace_root();
    let read =
        |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let manifest = read("Cargo.toml");
    assert!(
        manifest.contains("license = \"MPL-2.0\""),
        "the workspace declares MPL-2.0"
    );
    assert!(
        read("LICENSE").starts_with("Mozilla Public License Version 2.0\n"),
        "LICENSE is the MPL 2.0 text"
    );

    let changelog = read("CHANGELOG.md");
    // Changes not yet released come first, under "Unreleased" (Keep a Changelog).
    let first = changelog
        .lines()
        .find(|l| l.starts_with("## ") && !l.starts_with("## [Unreleased]"))
        .expect("a release section in CHANGELOG.md");
    assert!(
        first.starts_with(&format!("## [{VERSION}]")),
        "the newest release in CHANGELOG.md is {first:?}, not {VERSION}"
    );

    // The README examples are the crates' examples, which `cargo build --all-targets` compiles.
    for (readme, example) in [
        (
            "linode-sdk/README.md",
            "linode-sdk/examples/kubernetes_regions.rs",
        ),
        ("tfplugin/README.md", "tfplugin/examples/hello_provider.rs"),
    ] {
        let code = read(example);
        assert!(
            read(readme).contains(&format!("```rust\n{code}```")),
            "{readme} does not show {example} as it is"
        );
    }
}

/// Copies a folder tree.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// A static HTTPS server on 127.0.0.1 for the files under a folder, with a certificate for
/// `localhost` issued by a CA made for this test; Terraform trusts the CA through `SSL_CERT_FILE`.
struct HttpsServer {
    port: u16,
    ca_file: PathBuf,
    _ca_dir: tempfile::TempDir,
}

impl HttpsServer {
    fn start(root: PathBuf) -> HttpsServer {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
        };

        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca.distinguished_name
            .push(DnType::CommonName, "acceptance test mirror CA");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::from_params(&ca, &ca_key);

        let key = KeyPair::generate().expect("server key");
        let mut leaf =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .expect("params");
        leaf.distinguished_name
            .push(DnType::CommonName, "localhost");
        let cert = leaf.signed_by(&key, &issuer).expect("server certificate");

        let ca_dir = tempfile::tempdir().expect("temp dir");
        let ca_file = ca_dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_cert.pem()).expect("write CA");

        let key_der = rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der());
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key_der.into())
        .expect("TLS config");
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (config, root) = (config.clone(), root.clone());
                std::thread::spawn(move || serve_one(stream, config, &root));
            }
        });
        HttpsServer {
            port,
            ca_file,
            _ca_dir: ca_dir,
        }
    }

    /// The network mirror URL of a top folder.
    fn url(&self, folder: &str) -> String {
        format!("https://localhost:{}/{folder}/", self.port)
    }
}

/// Answers one request (HTTP/1.1, `Connection: close`) with a file under `root`, or 404.
/// Terraform sends `HEAD` for a zip before its `GET`: that answer has the headers only.
fn serve_one(stream: TcpStream, config: Arc<rustls::ServerConfig>, root: &Path) {
    let Ok(conn) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(conn, stream);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) if head.len() < 16 * 1024 => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.split_whitespace();
    let method = request_line.next().unwrap_or_default();
    let path = request_line.next().unwrap_or("/");
    let relative = path.trim_start_matches('/');
    let file = (!relative
        .split('/')
        .any(|part| part == ".." || part.is_empty()))
    .then(|| root.join(relative))
    .filter(|f| f.is_file());
    let (status, body, kind) = match file {
        Some(f) => {
            let kind = if relative.ends_with(".json") {
                "application/json"
            } else {
                "application/zip"
            };
            ("200 OK", std::fs::read(f).unwrap_or_default(), kind)
        }
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let body = if method == "HEAD" { &[][..] } else { &body[..] };
    let _ = tls
        .write_all(header.as_bytes())
        .and_then(|()| tls.write_all(body))
        .and_then(|()| tls.flush());
    tls.conn.send_close_notify();
    let _ = tls.flush();
}
