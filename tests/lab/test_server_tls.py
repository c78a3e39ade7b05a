import datetime

from quizapp.lab.certs import generate_self_signed
from quizapp.lab.server.tls import certificate_fingerprint, ensure_certificate, needs_renewal


def test_certificate_is_made_once_and_kept(tmp_path):
    assert certificate_fingerprint(tmp_path) is None
    files = ensure_certificate(tmp_path, "mail.lab.test")
    first = certificate_fingerprint(tmp_path)
    ensure_certificate(tmp_path, "mail.lab.test")
    assert certificate_fingerprint(tmp_path) == first
    assert len(first.split(":")) == 32
    assert files.key.stat().st_mode & 0o077 == 0


def test_certificate_is_renewed_for_another_host_name(tmp_path):
    ensure_certificate(tmp_path, "mail.lab.test")
    first = certificate_fingerprint(tmp_path)
    ensure_certificate(tmp_path, "mail.other.test")
    assert certificate_fingerprint(tmp_path) != first


def test_certificate_close_to_expiry_needs_renewal():
    now = datetime.datetime.now(datetime.UTC)
    cert, _key = generate_self_signed("mail.lab.test", 3, not_before=now)
    assert needs_renewal(cert, "mail.lab.test", now)
    assert not needs_renewal(cert, "mail.lab.test", now - datetime.timedelta(days=30))
