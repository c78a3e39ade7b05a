"""The lab server's certificate: made on first start, kept under the data directory.

Trainees compare the SHA-256 fingerprint their mail client shows with the one on their lab page,
which is the honest way to accept a self-signed certificate. The certificate is renewed only
when it is about to expire or names another host, so the fingerprint stays stable across
restarts.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from twisted.internet import ssl

from quizapp.lab.certs import fingerprint_sha256, generate_self_signed
from quizapp.lab.server.store import write_atomically

DAYS_VALID = 397  # what browsers and Apple accept for a server certificate
RENEW_BEFORE = datetime.timedelta(days=7)


@dataclass(frozen=True)
class CertificateFiles:
    """Where the certificate and its key live."""

    cert: Path
    key: Path

    @classmethod
    def under(cls, data_dir: Path) -> "CertificateFiles":
        tls_dir = Path(data_dir) / "tls"
        return cls(tls_dir / "cert.pem", tls_dir / "key.pem")


def needs_renewal(cert_pem: bytes, hostname: str, now: datetime.datetime) -> bool:
    """Return whether a certificate is close to expiry or was made for another host name."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if not names or names[0].value != hostname:
        return True
    return cert.not_valid_after_utc - now < RENEW_BEFORE


def ensure_certificate(
    data_dir: Path, hostname: str, alt_names: tuple[str, ...] = ()
) -> CertificateFiles:
    """Return the certificate files, generating them if missing or due for renewal."""
    files = CertificateFiles.under(data_dir)
    now = datetime.datetime.now(datetime.UTC)
    kept = files.cert.exists() and files.key.exists()
    if kept and not needs_renewal(files.cert.read_bytes(), hostname, now):
        return files
    files.cert.parent.mkdir(parents=True, exist_ok=True)
    cert_pem, key_pem = generate_self_signed(
        hostname, DAYS_VALID, alt_names=("localhost", "127.0.0.1", *alt_names)
    )
    write_atomically(files.key, key_pem, mode=0o600)
    write_atomically(files.cert, cert_pem, mode=0o644)
    return files


def certificate_fingerprint(data_dir: Path) -> str | None:
    """Return the SHA-256 fingerprint (``AB:CD:...``) of the lab certificate, if made yet."""
    try:
        return fingerprint_sha256(CertificateFiles.under(data_dir).cert.read_bytes())
    except FileNotFoundError:
        return None


def context_factory(files: CertificateFiles) -> ssl.CertificateOptions:
    """Return the Twisted TLS server options for both STARTTLS and implicit TLS."""
    pem = files.cert.read_bytes() + files.key.read_bytes()
    return ssl.PrivateCertificate.loadPEM(pem).options()


def tls_details(transport: object) -> tuple[str, str] | None:
    """Return (TLS version, cipher) of a connection, or None if it is not encrypted."""
    handle = getattr(transport, "getHandle", lambda: None)()
    version = getattr(handle, "get_protocol_version_name", None)
    cipher = getattr(handle, "get_cipher_name", None)
    if version is None or cipher is None:
        return None
    name = cipher()
    return (version(), name) if name else None
