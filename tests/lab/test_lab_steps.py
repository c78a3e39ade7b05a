"""The guided openssl steps fit the lab's submission service."""

from quizapp.lab.models import LabServer
from quizapp.lab.presenting import exercise_steps


def lab(**ports) -> LabServer:
    return LabServer(
        name="L",
        host="127.0.0.1",
        allowed_networks="127.0.0.1/32",
        domain="lab.test",
        imap_port=2143,
        **ports,
    )


def test_implicit_tls_submission_is_opened_without_starttls():
    steps = exercise_steps(lab(submissions_port=2465, submission_port=2587), None)
    assert steps["smtp_command"] == "openssl s_client -connect 127.0.0.1:2465 -crlf -ign_eof"
    assert steps["smtp_starttls"] is False


def test_starttls_submission_asks_openssl_for_starttls():
    steps = exercise_steps(lab(submission_port=2587), None)
    assert "-starttls smtp -connect 127.0.0.1:2587" in steps["smtp_command"]
    assert steps["smtp_starttls"] is True
