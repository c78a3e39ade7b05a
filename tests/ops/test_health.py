import datetime
import socket

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from redis.exceptions import ConnectionError as RedisConnectionError

from quizapp.lab.models import LabServer
from quizapp.lab.runner import run_check
from tests.livesite import free_port

pytestmark = pytest.mark.django_db


def test_a_healthy_site_answers_200_with_every_check(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert "no-cache" in response["Cache-Control"]


def test_a_task_waiting_too_long_means_no_worker_is_running(client, settings):
    settings.TASK_QUEUE_MAX_AGE = 60
    run_check.enqueue(1)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=5))
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["task_queue"]["ok"] is False


def test_a_cache_that_does_not_answer_is_unhealthy(client, monkeypatch):
    def down(*args, **kwargs):
        raise RedisConnectionError("refused")

    monkeypatch.setattr("quizapp.ops.health.cache.set", down)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "detail": "ConnectionError"} | {
        "ms": response.json()["checks"]["cache"]["ms"]
    }


def _embedded_lab(port: int) -> LabServer:
    return LabServer.objects.create(
        name="Labo",
        host="127.0.0.1",
        allowed_networks="127.0.0.1/32",
        domain="lab.test",
        embedded=True,
        submission_port=port,
    )


def test_an_embedded_lab_server_that_does_not_listen_is_unhealthy(client):
    _embedded_lab(free_port())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["lab_server"]["ok"] is False


def test_an_embedded_lab_server_that_listens_is_healthy(client):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        _embedded_lab(listener.getsockname()[1])
        response = client.get(reverse("healthz"))
    assert response.json()["checks"]["lab_server"]["ok"] is True


def test_a_database_lost_mid_request_gives_the_french_503_page(monkeypatch, db):
    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("course.views.render", lost)
    response = Client(raise_request_exception=False).get(reverse("home"))
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Service momentanément indisponible" in response.text


def test_any_other_error_is_still_a_500(monkeypatch, db):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("course.views.render", bug)
    response = Client(raise_request_exception=False).get(reverse("home"))
    assert response.status_code == 500
