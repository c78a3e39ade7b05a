"""Generate the self-signed certificates the lab server and the tests use."""

import datetime
import ipaddress

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def generate_self_signed(
    common_name: str,
    days_valid: int,
    not_before: datetime.datetime | None = None,
    *,
    alt_names: tuple[str, ...] = (),
    key_size: int = 2048,
) -> tuple[bytes, bytes]:
    """Return (certificate PEM, private key PEM) for a self-signed server certificate.

    The common name and every alt name go in the subjectAltName extension, as
    DNS names or IP addresses, because clients match the host name against the
    SAN and ignore the CN. RSA rather than EC: every mail client a trainee may
    use still accepts RSA.
    """
    start = not_before or datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=days_valid))
        .add_extension(_subject_alt_names((common_name, *alt_names)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert_pem, key_pem


def fingerprint_sha256(cert_pem: bytes) -> str:
    """Return the SHA-256 fingerprint as mail clients show it (AA:BB:...)."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def _subject_alt_names(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in dict.fromkeys(names):
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)
