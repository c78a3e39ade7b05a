"""Exercise 4's pure parts: drawing tickets and grading answers."""

import random

import pytest

from quizapp.lab.exercises.diagnose import DIAGNOSES, FIX_SETTINGS, Answer, grade_diagnosis
from quizapp.lab.faults import catalogue
from quizapp.lab.faults.server import FaultEndpoints
from quizapp.lab.server.config import LabServerConfig

CONTEXT = {
    "submission_port": 2587,
    "submissions_port": 2465,
    "certificate_name": "mail-k7p2.lab.test",
    "delay": 30.0,
    "domain": "lab.test",
}


def test_every_fault_is_a_diagnosis_with_a_fix():
    for fault in catalogue.FAULTS:
        assert fault.key in DIAGNOSES and FIX_SETTINGS[fault.key]


def test_a_new_ticket_never_repeats_the_previous_fault():
    rng = random.Random(3)

    assert all(catalogue.draw_fault(rng, avoid="over_quota").key != "over_quota" for _ in range(50))


def test_details_differ_from_one_trainee_to_the_next():
    fault = catalogue.FAULT_BY_KEY["cert_name"]
    names = {
        catalogue.draw_params(fault, random.Random(seed), domain="lab.test")["certificate_name"]
        for seed in range(20)
    }

    assert len(names) == 20
    assert all(name.endswith(".lab.test") for name in names)


@pytest.mark.parametrize("value", ["SSL/TLS", "ssl", " TLS implicite ", "Implicit TLS"])
def test_implicit_tls_is_fixed_by_ssl_tls_in_any_usual_spelling(value):
    verdict = grade_diagnosis("implicit_tls", Answer("implicit_tls", "security", value), CONTEXT)

    assert (verdict.grade, verdict.fix_code) == (1.0, "right")


def test_implicit_tls_is_also_fixed_by_the_starttls_submission_port():
    answer = Answer("implicit_tls", "port", "2587")

    assert grade_diagnosis("implicit_tls", answer, CONTEXT).grade == 1.0


def test_starttls_is_not_the_fix_of_a_port_speaking_implicit_tls():
    verdict = grade_diagnosis(
        "implicit_tls", Answer("implicit_tls", "security", "STARTTLS"), CONTEXT
    )

    assert (verdict.grade, verdict.fix_code) == (0.5, "wrong_value")


def test_the_certificate_name_must_be_the_trainees_own():
    right = Answer("cert_name", "server", "MAIL-K7P2.lab.test.")
    neighbours = Answer("cert_name", "server", "mail-zz99.lab.test")

    assert grade_diagnosis("cert_name", right, CONTEXT).grade == 1.0
    assert grade_diagnosis("cert_name", neighbours, CONTEXT).fix_code == "wrong_value"


def test_a_wrong_diagnosis_with_the_wrong_setting_scores_nothing():
    verdict = grade_diagnosis("over_quota", Answer("server_down", "port", "25"), CONTEXT)

    assert (verdict.grade, verdict.diagnosis_right, verdict.fix_code) == (
        0.0,
        False,
        "wrong_setting",
    )


@pytest.mark.parametrize(
    ("value", "right"), [("60", True), ("45 s", True), ("30", False), ("", False)]
)
def test_the_timeout_must_be_longer_than_the_greeting_delay(value, right):
    verdict = grade_diagnosis("slow_greeting", Answer("slow_greeting", "timeout", value), CONTEXT)

    assert verdict.fix_right is right


def test_the_pop3_log_shows_every_download_deleted():
    log = catalogue.server_log({"messages": 12, "client_ip": "192.0.2.7"}, "ana@lab.test")

    assert "rip=192.0.2.7" in log[0] and "retr=12/" in log[1] and "del=12/12" in log[1]


def test_the_lab_server_never_serves_a_fault_on_one_of_its_own_ports(tmp_path):
    config = LabServerConfig(data_dir=tmp_path)
    endpoints = FaultEndpoints(config, tls_options=None)

    assert not endpoints._acceptable(config.port_of("submission"), {"fault": "relay_denied"})
    assert not endpoints._acceptable(2600, {"fault": "no_such_fault"})
    assert endpoints._acceptable(2600, {"fault": "relay_denied"})
