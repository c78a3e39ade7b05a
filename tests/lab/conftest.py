import datetime
import ssl

import pytest

from quizapp.lab.certs import generate_self_signed

from .fakeservers import server_context


@pytest.fixture(scope="session")
def certificate() -> tuple[bytes, bytes]:
    """A valid self-signed certificate for 127.0.0.1, as (cert PEM, key PEM)."""
    return generate_self_signed("127.0.0.1", 30)


@pytest.fixture(scope="session")
def tls_context(tmp_path_factory, certificate) -> ssl.SSLContext:
    return server_context(tmp_path_factory.mktemp("tls"), *certificate)


@pytest.fixture(scope="session")
def expired_context(tmp_path_factory) -> ssl.SSLContext:
    ten_days_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10)
    cert_pem, key_pem = generate_self_signed("127.0.0.1", 1, ten_days_ago)
    return server_context(tmp_path_factory.mktemp("expired"), cert_pem, key_pem)
