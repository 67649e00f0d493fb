//! The plugin binary's go-plugin handshake and AutoMTLS, checked with raw TLS clients: only a
//! client presenting the certificate from `PLUGIN_CLIENT_CERT` gets to talk HTTP/2 to it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::example_binary;

/// Kills the plugin process we started when the test ends.
struct Plugin(Child);

impl Drop for Plugin {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Handshake {
    network: String,
    address: String,
    server_cert: CertificateDer<'static>,
    raw_cert_field: String,
}

fn start_plugin(client_cert_pem: &str) -> (Plugin, Handshake) {
    let child = Command::new(example_binary())
        .env(tfplugin::MAGIC_COOKIE_KEY, tfplugin::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_CLIENT_CERT", client_cert_pem)
        .env("TF_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start plugin");
    let mut plugin = Plugin(child);
    let mut line = String::new();
    BufReader::new(plugin.0.stdout.take().unwrap()).read_line(&mut line).expect("handshake line");
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line: {line:?}");
    assert_eq!(&parts[..2], ["1", "6"]);
    assert_eq!(parts[4], "grpc");
    let der = base64::engine::general_purpose::STANDARD_NO_PAD.decode(parts[5]).expect("unpadded base64");
    let hs = Handshake {
        network: parts[2].into(),
        address: parts[3].into(),
        server_cert: CertificateDer::from(der),
        raw_cert_field: parts[5].into(),
    };
    (plugin, hs)
}

/// Trusts exactly the certificate from the handshake, like go-plugin's client.
#[derive(Debug)]
struct TrustHandshakeCert(CertificateDer<'static>);

impl ServerCertVerifier for TrustHandshakeCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General("unexpected server certificate".into()))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::ring::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(m, c, d, &algs)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algs = rustls::crypto::ring::default_provider().signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(m, c, d, &algs)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        rustls::crypto::ring::default_provider().signature_verification_algorithms.supported_schemes()
    }
}

fn client_identity() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let pem = ck.cert.pem();
    let der = ck.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    (pem, der, key)
}

/// Connects, handshakes, sends the HTTP/2 preface and an empty SETTINGS frame, and returns
/// the negotiated ALPN protocol and how many bytes the server answered (0 = refused).
async fn connect(
    hs: &Handshake,
    identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Option<tokio_rustls::client::TlsStream<tokio::net::UnixStream>> {
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(TrustHandshakeCert(hs.server_cert.clone())));
    let mut config = match identity {
        Some((cert, key)) => builder.with_client_auth_cert(vec![cert], key).unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    assert_eq!(hs.network, "unix");
    let sock = tokio::net::UnixStream::connect(&hs.address).await.expect("connect");
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    connector.connect(ServerName::try_from("localhost").unwrap(), sock).await.ok()
}

async fn talk(hs: &Handshake, identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>) -> (Option<Vec<u8>>, usize) {
    let Some(mut tls) = connect(hs, identity).await else {
        return (None, 0);
    };
    let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend([0, 0, 0, 4, 0, 0, 0, 0, 0]); // empty SETTINGS frame
    if tls.write_all(&hello).await.is_err() || tls.flush().await.is_err() {
        return (alpn, 0);
    }
    let mut buf = [0u8; 64];
    let n = tls.read(&mut buf).await.unwrap_or(0);
    (alpn, n)
}

#[tokio::test]
async fn only_terraforms_certificate_gets_in() {
    let (terraform_pem, terraform_cert, terraform_key) = client_identity();
    let (_plugin, hs) = start_plugin(&terraform_pem);
    assert!(!hs.raw_cert_field.contains('='), "the certificate must be unpadded base64");

    // No client certificate: refused.
    let (_, answered) = talk(&hs, None).await;
    assert_eq!(answered, 0, "a client without a certificate got an HTTP/2 answer");

    // Some other certificate: refused.
    let (_, other_cert, other_key) = client_identity();
    let (_, answered) = talk(&hs, Some((other_cert, other_key))).await;
    assert_eq!(answered, 0, "a client with the wrong certificate got an HTTP/2 answer");

    // Terraform's certificate: HTTP/2 over ALPN h2, and the server answers.
    let (alpn, answered) = talk(&hs, Some((terraform_cert, terraform_key))).await;
    assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));
    assert!(answered > 0, "the server did not answer the right client");
}

#[test]
fn run_by_hand_it_explains_and_exits_1() {
    let out = Command::new(example_binary())
        .env_remove(tfplugin::MAGIC_COOKIE_KEY)
        .output()
        .expect("run plugin");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing may go to stdout");
    assert!(String::from_utf8_lossy(&out.stderr).contains("This binary is a plugin"));
}

/// Calls a unary gRPC method with an empty request message; returns the `grpc-status`.
async fn call_empty(tls: tokio_rustls::client::TlsStream<tokio::net::UnixStream>, method: &str) -> String {
    let (client, conn) = h2::client::handshake(tls).await.expect("h2 handshake");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut client = client.ready().await.expect("h2 ready");
    let req = http::Request::builder()
        .method("POST")
        .uri(format!("http://localhost{method}"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(())
        .unwrap();
    let (resp, mut send) = client.send_request(req, false).expect("send");
    send.send_data(bytes::Bytes::from_static(&[0, 0, 0, 0, 0]), true).expect("body");
    let resp = resp.await.expect("response");
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.expect("data");
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    let trailers = body.trailers().await.expect("trailers").unwrap_or_default();
    trailers.get("grpc-status").and_then(|v| v.to_str().ok()).unwrap_or("missing").to_string()
}

#[tokio::test]
async fn controller_shutdown_ends_the_process() {
    let (terraform_pem, cert, key) = client_identity();
    let (mut plugin, hs) = start_plugin(&terraform_pem);
    let tls = connect(&hs, Some((cert, key))).await.expect("TLS with the right certificate");
    assert_eq!(call_empty(tls, "/plugin.GRPCController/Shutdown").await, "0");
    let status = tokio::task::spawn_blocking(move || plugin.0.wait()).await.unwrap().expect("wait");
    assert_eq!(status.code(), Some(0));
    assert!(!std::path::Path::new(&hs.address).exists(), "the socket directory is removed");
}

/// Runs the plugin as Terraform would, with `client_cert` as `PLUGIN_CLIENT_CERT` (`None`: unset),
/// until it exits or 10 s pass; returns (exit code, stdout, stderr).
fn run_with_client_cert(client_cert: &str) -> (Option<i32>, String, String) {
    let mut child = Command::new(example_binary())
        .env(tfplugin::MAGIC_COOKIE_KEY, tfplugin::MAGIC_COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", client_cert)
        .env_remove("TF_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plugin");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().expect("wait").is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let out = child.wait_with_output().expect("output");
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_malformed_client_certificate_exits_before_the_handshake() {
    let key_only = rcgen::generate_simple_self_signed(vec!["x".to_string()]).unwrap().signing_key.serialize_pem();
    let garbled = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    let cases = [("garbage", "not a certificate"), ("garbled base64 body", garbled), ("a key, not a certificate", &key_only)];
    for (what, pem) in cases {
        let (code, stdout, stderr) = run_with_client_cert(pem);
        assert_eq!(code, Some(1), "[{what}] exit code; stderr: {stderr}");
        assert!(stdout.is_empty(), "[{what}] no handshake line may be printed: {stdout:?}");
        assert!(stderr.contains("PLUGIN_CLIENT_CERT is not a PEM certificate"), "[{what}] {stderr}");
    }
}

#[test]
fn without_a_client_certificate_it_warns_and_serves_plaintext_from_a_private_directory() {
    use std::os::unix::fs::PermissionsExt as _;
    let mut plugin = Plugin(
        Command::new(example_binary())
            .env(tfplugin::MAGIC_COOKIE_KEY, tfplugin::MAGIC_COOKIE_VALUE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env_remove("PLUGIN_CLIENT_CERT")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PROVIDER")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start plugin"),
    );
    let mut line = String::new();
    BufReader::new(plugin.0.stdout.take().unwrap()).read_line(&mut line).expect("handshake line");
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(parts.len(), 6, "handshake line: {line:?}");
    assert_eq!(parts[5], "", "no certificate without TLS: {line:?}");
    assert_eq!(parts[2], "unix");
    let dir = std::path::Path::new(parts[3]).parent().expect("socket directory");
    let mode = std::fs::metadata(dir).expect("socket directory").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "socket directory {} has mode {mode:o}", dir.display());
    let mut warning = String::new();
    BufReader::new(plugin.0.stderr.take().unwrap()).read_line(&mut warning).expect("stderr");
    let log: serde_json::Value = serde_json::from_str(&warning).unwrap_or_else(|e| panic!("{e}: {warning:?}"));
    assert_eq!(log["@level"], "warn", "{warning}");
    assert!(log["@message"].as_str().is_some_and(|m| m.starts_with("serving without TLS")), "{warning}");
}
