import datetime
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from quizapp.lab.certs import generate_self_signed
from quizapp.lab.probe.tls import describe_certificate, handshake_failure, verify_chain

NOW = datetime.datetime.now(datetime.UTC)


def der(cert_pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)


def self_signed_der(name="lab.test", days=30, not_before=None) -> bytes:
    return der(generate_self_signed(name, days, not_before, key_size=1024)[0])


def ca_and_leaf(leaf_name: str) -> tuple[x509.Certificate, bytes]:
    """Return a small lab CA and a leaf for `leaf_name` that it signed (DER)."""
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lab CA")])
    start, end = NOW - datetime.timedelta(days=1), NOW + datetime.timedelta(days=30)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, leaf_name)]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(2)
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(leaf_name)]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return ca, leaf.public_bytes(serialization.Encoding.DER)


def test_certificate_facts_are_read_from_der():
    info = describe_certificate(self_signed_der("lab.test"))

    assert info.subject == "CN=lab.test"
    assert info.issuer == "CN=lab.test"
    assert info.self_signed
    assert info.names == ["lab.test"]
    assert info.key == "RSA 1024"
    assert len(info.fingerprint_sha256.split(":")) == 32


def test_self_signed_certificate_fails_verification_as_self_signed():
    result = verify_chain([self_signed_der("lab.test")], "lab.test")

    assert not result.ok
    assert result.problems == ["self_signed"]


def test_expired_certificate_is_called_expired_first():
    old = NOW - datetime.timedelta(days=10)

    result = verify_chain([self_signed_der("lab.test", 1, old)], "lab.test")

    assert result.problems[0] == "expired"


def test_future_certificate_is_not_yet_valid():
    later = NOW + datetime.timedelta(days=2)

    result = verify_chain([self_signed_der("lab.test", 5, later)], "lab.test")

    assert result.problems[0] == "not_yet_valid"


def test_certificate_for_another_name_is_a_hostname_mismatch():
    result = verify_chain([self_signed_der("other.test")], "lab.test")

    assert "hostname_mismatch" in result.problems


def test_ip_address_host_matches_an_ip_san():
    result = verify_chain([self_signed_der("127.0.0.1")], "127.0.0.1")

    assert "hostname_mismatch" not in result.problems


def test_leaf_signed_by_a_trusted_ca_verifies():
    ca, leaf = ca_and_leaf("mail.lab.test")

    result = verify_chain([leaf], "mail.lab.test", extra_trust=(ca,))

    assert result.ok
    assert result.problems == []


def test_leaf_signed_by_an_unknown_ca_is_untrusted_with_a_reason():
    _, leaf = ca_and_leaf("mail.lab.test")

    result = verify_chain([leaf], "mail.lab.test")

    assert result.problems == ["untrusted"]
    assert result.detail


def test_wildcard_certificate_matches_one_label_only():
    _, leaf = ca_and_leaf("*.lab.test")

    assert "hostname_mismatch" not in verify_chain([leaf], "mail.lab.test").problems
    assert "hostname_mismatch" in verify_chain([leaf], "a.b.lab.test").problems


def test_handshake_errors_are_told_apart():
    wrong_version = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    wrong_version.reason = "WRONG_VERSION_NUMBER"
    alert = ssl.SSLError(1, "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] alert")
    alert.reason = "SSLV3_ALERT_HANDSHAKE_FAILURE"

    assert handshake_failure(wrong_version)[0] == "not_tls"
    assert handshake_failure(alert)[0] == "rejected"
    assert handshake_failure(TimeoutError())[0] == "timeout"
    assert handshake_failure(ConnectionResetError())[0] == "closed"
    assert handshake_failure(ssl.SSLEOFError())[0] == "closed"
