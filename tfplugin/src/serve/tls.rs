//! AutoMTLS: our self-signed server certificate, and a client verifier that accepts only the
//! certificate Terraform passed in `PLUGIN_CLIENT_CERT`.
//!
//! Terraform's client certificate is a self-signed CA certificate with a P-521 key, used as an
//! end entity. webpki path building rejects that, and *ring* cannot verify P-521, so the
//! verifier pins the exact DER and checks the handshake signature with aws-lc-rs's verification
//! algorithms, while everything else (key exchange, our signature, randomness) uses *ring*,
//! which starts much faster.

use std::sync::Arc;

use rustls::DistinguishedName;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// Our server certificate (DER) and key.
pub(crate) struct ServerIdentity {
    pub(crate) cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
}

impl ServerIdentity {
    /// A fresh self-signed P-256 certificate for `localhost`.
    pub(crate) fn generate() -> Result<ServerIdentity, String> {
        let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
            .map_err(|e| format!("generating the server certificate: {e}"))?;
        Ok(ServerIdentity {
            cert: ck.cert.der().clone(),
            key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der())),
        })
    }
}

/// Accepts exactly one client certificate, verifying handshake signatures (P-521 included).
#[derive(Debug)]
pub(crate) struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// Pins the first certificate of a PEM bundle.
    pub(crate) fn from_pem(pem: &str) -> Result<PinnedClientCert, String> {
        let expected = CertificateDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))?;
        if !is_der_sequence(&expected) {
            return Err("PLUGIN_CLIENT_CERT is not a PEM certificate: its content is not an X.509 DER structure".into());
        }
        Ok(PinnedClientCert {
            expected,
            algorithms: rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms,
        })
    }
}

/// Whether `der` is one DER SEQUENCE spanning all the bytes and starting with another SEQUENCE,
/// the outline of an X.509 certificate (which starts with its `tbsCertificate`). Pinning is by
/// exact bytes, so this only turns a garbled variable into a clear error at start-up instead of
/// a plugin that refuses every connection.
fn is_der_sequence(der: &[u8]) -> bool {
    fn header(der: &[u8]) -> Option<(usize, usize)> {
        if *der.first()? != 0x30 {
            return None;
        }
        let first = usize::from(*der.get(1)?);
        if first < 0x80 {
            return Some((2, first));
        }
        let count = first - 0x80;
        if count == 0 || count > 4 {
            return None;
        }
        let bytes = der.get(2..2 + count)?;
        let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        Some((2 + count, len))
    }
    match header(der) {
        Some((start, len)) => start.checked_add(len) == Some(der.len()) && header(&der[start..]).is_some(),
        None => false,
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The TLS server configuration: ring provider, pinned client certificate, ALPN `h2`.
pub(crate) fn server_config(
    identity: &ServerIdentity,
    client_cert_pem: &str,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let verifier = PinnedClientCert::from_pem(client_cert_pem)?;
    let mut config =
        rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_client_cert_verifier(Arc::new(verifier))
            .with_single_cert(vec![identity.cert.clone()], identity.key.clone_key())
            .map_err(|e| format!("server certificate: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_certificates_are_checked_at_start_up() {
        let good = rcgen::generate_simple_self_signed(vec!["terraform".to_string()]).unwrap();
        assert!(PinnedClientCert::from_pem(&good.cert.pem()).is_ok());
        let key_only = good.signing_key.serialize_pem();
        let garbled = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        for bad in ["", "not a certificate", garbled, &key_only] {
            let err = PinnedClientCert::from_pem(bad).unwrap_err();
            assert!(err.starts_with("PLUGIN_CLIENT_CERT is not a PEM certificate"), "{err}");
        }
    }
}
