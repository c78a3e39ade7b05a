"""With CACHE_URL naming Redis, the cache, sessions and rate limits live there."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches

from quizapp.env import load_env_file

ROOT = Path(__file__).resolve().parents[2]
# The Redis database this suite may use (never flushed whole: keys are per test).
REDIS_URL = os.environ.get("FACTEUR_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def _setting(name: str, **env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "FACTEUR_ENV_FILE")}
    code = f"from django.conf import settings; print(settings.{name})"
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_sessions_are_cached_in_redis_when_it_is_configured():
    engine = _setting("SESSION_ENGINE", CACHE_URL=REDIS_URL)
    assert engine == "django.contrib.sessions.backends.cached_db"


def test_without_redis_sessions_stay_in_the_database_alone():
    assert _setting("SESSION_ENGINE") == "django.contrib.sessions.backends.db"


@pytest.fixture
def redis_sessions(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield caches["default"]
    caches["default"].clear()  # only this test's prefix: Redis's other keys stay


def test_a_login_session_is_read_from_redis_and_written_through_to_the_database(
    client, trainee, redis_sessions
):
    client.force_login(trainee)
    key = client.cookies["sessionid"].value
    assert redis_sessions.get(f"django.contrib.sessions.cached_db{key}")
    assert Session.objects.filter(session_key=key).exists()  # a Redis restart logs nobody out
    assert client.get("/practice/").context["user"] == trainee


def test_a_dotenv_file_sets_what_the_environment_does_not(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("# comment\n\nW9_A=from-file\nexport W9_B='quoted value'\nW9_C=file\n")
    monkeypatch.setenv("W9_C", "environment")
    for name in ("W9_A", "W9_B"):
        monkeypatch.delenv(name, raising=False)
    load_env_file(env_file)
    assert os.environ["W9_A"] == "from-file"
    assert os.environ["W9_B"] == "quoted value"
    assert os.environ["W9_C"] == "environment"  # the real environment wins
    for name in ("W9_A", "W9_B"):
        monkeypatch.delenv(name)


def test_a_dotenv_line_that_is_not_name_value_is_refused(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG 0\n")
    with pytest.raises(ImproperlyConfigured, match="line 1"):
        load_env_file(env_file)
