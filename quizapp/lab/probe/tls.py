"""TLS facts: the client context, what a handshake failure means, certificate checks.

The handshake itself never verifies (CERT_NONE): a lab server with an expired
or self-signed certificate must still be described, so we take the chain in
DER, read it with `cryptography`, and verify it ourselves afterwards, giving
each problem a reason code the page can explain.
"""

import datetime
import functools
import ipaddress
import ssl
import warnings

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from .results import CertificateInfo, TlsInfo, Verification
from .transcript import clean_text

# OpenSSL reasons that mean the peer answered our ClientHello in clear text.
_NOT_TLS_REASONS = {
    "WRONG_VERSION_NUMBER",
    "PACKET_LENGTH_TOO_LONG",
    "RECORD_LAYER_FAILURE",
    "HTTP_REQUEST",
    "UNKNOWN_PROTOCOL",
    "WRONG_SSL_VERSION",
}


def client_context() -> ssl.SSLContext:
    """Return the context of every probe handshake: modern defaults, no verification.

    Not create_default_context(): it loads the system trust store into OpenSSL,
    some 20 ms of CPU for roots this context never uses. Build one per check
    and share it between ports.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def handshake_failure(exc: BaseException) -> tuple[str, str]:
    """Return (reason code, detail) for an exception raised by a TLS handshake.

    Codes: "not_tls" (the server answered in clear text), "closed" (it hung up),
    "timeout", or "rejected" (a TLS server refused us: alert, no common version).
    """
    if isinstance(exc, TimeoutError):
        return "timeout", ""
    reason = getattr(exc, "reason", None) or ""
    detail = clean_text(str(exc), 200)
    if reason in _NOT_TLS_REASONS:
        return "not_tls", detail
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError) or reason.startswith(
        "UNEXPECTED_EOF"
    ):
        return "closed", detail
    if isinstance(exc, ssl.SSLError):
        return "rejected", detail
    return "closed", detail


def describe_session(ssl_object: ssl.SSLObject, host: str) -> TlsInfo:
    """Return version, cipher, leaf certificate facts and verification of a live session."""
    cipher = ssl_object.cipher()
    info = TlsInfo(
        established=True,
        version=ssl_object.version() or "",
        cipher=cipher[0] if cipher else "",
    )
    chain = ssl_object.get_unverified_chain() or []
    if not chain:
        info.verification = Verification(ok=False, problems=["no_certificate"])
        return info
    info.certificate = describe_certificate(chain[0])
    info.verification = verify_chain(chain, host)
    return info


def describe_certificate(der: bytes) -> CertificateInfo:
    """Return the facts a trainee checks in a certificate, all as cleaned text."""
    cert = x509.load_der_x509_certificate(der)
    return CertificateInfo(
        subject=clean_text(cert.subject.rfc4514_string()),
        issuer=clean_text(cert.issuer.rfc4514_string()),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        self_signed=_is_self_signed(cert),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        names=[clean_text(name) for name in _alt_names(cert)][:20],
        key=_key_description(cert),
    )


def verify_chain(
    chain: list[bytes],
    host: str,
    *,
    now: datetime.datetime | None = None,
    extra_trust: tuple[x509.Certificate, ...] = (),
) -> Verification:
    """Check dates, self-signature, host name and the chain to a trusted root.

    Each problem gets its own code so that an expired certificate is called
    expired, not merely "untrusted". The chain check runs at a moment inside
    the leaf's validity and against a name the leaf holds, so that it only
    adds a problem the earlier checks did not already explain.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    leaf = x509.load_der_x509_certificate(chain[0])
    problems = []
    if now > leaf.not_valid_after_utc:
        problems.append("expired")
    elif now < leaf.not_valid_before_utc:
        problems.append("not_yet_valid")
    names = _alt_names(leaf)
    if not any(_name_matches(pattern, host) for pattern in names):
        problems.append("hostname_mismatch")
    trusted = _system_roots() + tuple(extra_trust)
    if _is_self_signed(leaf) and leaf not in trusted:
        problems.append("self_signed")
        return Verification(ok=False, problems=problems)
    detail = _chain_error(chain, leaf, names[0] if names else host, now, trusted)
    if detail:
        problems.append("untrusted")
    return Verification(ok=not problems, problems=problems, detail=detail)


def _chain_error(
    chain: list[bytes],
    leaf: x509.Certificate,
    name: str,
    now: datetime.datetime,
    trusted: tuple[x509.Certificate, ...],
) -> str:
    if not trusted:
        return "no trusted roots available"
    moment = min(max(now, leaf.not_valid_before_utc), leaf.not_valid_after_utc)
    intermediates = []
    for der in chain[1:]:
        try:
            intermediates.append(x509.load_der_x509_certificate(der))
        except ValueError:
            continue
    try:
        verifier = PolicyBuilder().store(_store(trusted)).time(moment)
        verifier.build_server_verifier(_subject(name)).verify(leaf, intermediates)
    except (VerificationError, ValueError) as exc:
        return clean_text(str(exc), 200) or "verification failed"
    return ""


@functools.lru_cache(maxsize=8)
def _store(trusted: tuple[x509.Certificate, ...]) -> Store:
    return Store(list(trusted))


@functools.cache
def _system_roots() -> tuple[x509.Certificate, ...]:
    paths = ssl.get_default_verify_paths()
    for path in (paths.cafile, paths.openssl_cafile):
        try:
            with open(path or "", "rb") as bundle, warnings.catch_warnings():
                # Some distribution roots have non-positive serials; we still trust them.
                warnings.simplefilter("ignore")
                return tuple(x509.load_pem_x509_certificates(bundle.read()))
        except (OSError, ValueError):
            continue
    return ()


def _subject(name: str) -> x509.DNSName | x509.IPAddress:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _alt_names(cert: x509.Certificate) -> list[str]:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    dns = san.get_values_for_type(x509.DNSName)
    ips = [str(address) for address in san.get_values_for_type(x509.IPAddress)]
    return [*dns, *ips]


def _name_matches(pattern: str, host: str) -> bool:
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    try:
        return ipaddress.ip_address(pattern) == ipaddress.ip_address(host)
    except ValueError:
        return pattern == host


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _key_description(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey | dsa.DSAPublicKey):
        kind = "RSA" if isinstance(key, rsa.RSAPublicKey) else "DSA"
        return f"{kind} {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return "Ed25519" if isinstance(key, ed25519.Ed25519PublicKey) else "Ed448"
    return ""
