//! HTTPS: the certificate chain and private key of `[server] tls_certificate` and
//! `tls_private_key`, read once at start-up into a rustls acceptor (ring's cryptography).

use anyhow::{Context, bail};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The acceptor for the configured files; `None` when TLS is not configured. Every failure
/// names the file it is about.
pub(crate) fn acceptor(server: &crate::config::ServerConfig) -> anyhow::Result<Option<TlsAcceptor>> {
    let (Some(certificate), Some(key)) = (&server.tls_certificate, &server.tls_private_key) else {
        return Ok(None);
    };
    let chain = read_chain(certificate)?;
    let key = read_key(key)?;
    // ring rather than aws-lc: no C/CMake build. rustls marks it deprecated for lacking the
    // post-quantum key exchange; TLS 1.3 with X25519 is what it offers instead.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS: the ring provider offers no safe protocol version")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .with_context(|| {
            format!(
                "TLS: the private key {} does not go with the certificate {}",
                display(server.tls_private_key.as_deref()),
                certificate.display()
            )
        })?;
    // The service speaks HTTP/1.1 only; say so to clients that ask.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(TlsAcceptor::from(Arc::new(config))))
}

fn display(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string()).unwrap_or_default()
}

fn read_chain(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let shown = path.display();
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(|e| anyhow::anyhow!("TLS: cannot read the certificate {shown}: {e}"))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("TLS: the certificate {shown} is not valid PEM: {e}"))?;
    if chain.is_empty() {
        bail!("TLS: the certificate file {shown} holds no `BEGIN CERTIFICATE` block");
    }
    Ok(chain)
}

fn read_key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => {
            anyhow::anyhow!("TLS: the private key file {} holds no private key in PEM", path.display())
        }
        e => anyhow::anyhow!("TLS: cannot read the private key {}: {e}", path.display()),
    })
}
