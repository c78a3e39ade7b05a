import datetime
import ipaddress

from cryptography import x509

from quizapp.lab.certs import fingerprint_sha256, generate_self_signed


def load(cert_pem: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(cert_pem)


def test_generated_certificate_is_self_signed_for_its_name():
    cert = load(generate_self_signed("lab.test", 30, key_size=1024)[0])

    assert cert.subject == cert.issuer
    cert.verify_directly_issued_by(cert)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["lab.test"]


def test_ip_common_name_becomes_an_ip_alt_name():
    cert = load(generate_self_signed("127.0.0.1", 30, key_size=1024)[0])

    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]


def test_validity_starts_at_not_before_and_lasts_the_days_asked():
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)

    cert = load(generate_self_signed("lab.test", 3, start, key_size=1024)[0])

    assert cert.not_valid_before_utc == start
    assert cert.not_valid_after_utc - start == datetime.timedelta(days=3)


def test_extra_alt_names_are_listed():
    cert_pem, _ = generate_self_signed("lab.test", 1, alt_names=("localhost",), key_size=1024)

    san = load(cert_pem).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["lab.test", "localhost"]


def test_private_key_matches_the_certificate():
    from cryptography.hazmat.primitives import serialization

    cert_pem, key_pem = generate_self_signed("lab.test", 1, key_size=1024)

    key = serialization.load_pem_private_key(key_pem, password=None)
    assert key.public_key() == load(cert_pem).public_key()


def test_fingerprint_is_colon_separated_upper_case_sha256():
    fingerprint = fingerprint_sha256(generate_self_signed("lab.test", 1, key_size=1024)[0])

    assert len(fingerprint) == 32 * 3 - 1
    assert fingerprint == fingerprint.upper()
