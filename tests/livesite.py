"""A real Facteur server in a subprocess, on its own fresh database, for tests of concurrency.

The test database of pytest-django lives inside the test process (in memory on
SQLite), where concurrent requests are not concurrent at all. Races are only
real between a server's own threads over a real database: a SQLite file in
WAL mode, or a PostgreSQL database made for the occasion when the suite runs
on PostgreSQL.
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _on_database(url: str, name: str) -> str:
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def _postgres_database(url: str) -> tuple[str, str]:
    """Create an empty database on the server `url` names; return its URL and name."""
    import psycopg

    name = f"facteur_live_{secrets.token_hex(4)}"
    with psycopg.connect(_on_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _on_database(url, name), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_on_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LiveSite:
    def __init__(self, var_dir: Path, env: dict, port: int):
        self.var_dir = var_dir
        self.env = env
        self.port = port
        self.base = f"http://{HOST}:{port}"

    def manage(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def python(self, code: str) -> object:
        """Run `code` in Django's shell on the site's database; return its printed JSON."""
        return json.loads(self.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1])

    def browser(self) -> "Browser":
        return Browser(self.base)


class Browser:
    """One person's cookies: enough of a browser to log in and post forms."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, method: str, path: str, data: dict | None = None, headers=None):
        """Return (status, body, final url); never raise for an HTTP error status."""
        body = urllib.parse.urlencode(data or {}, doseq=True).encode() if data is not None else None
        headers = {"Referer": self.base + path, **(headers or {})}
        if method == "POST":
            headers["X-CSRFToken"] = self.csrf()
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), error.url

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict, **kwargs):
        return self.request("POST", path, data, **kwargs)

    def login(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        status, _body, url = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 200 and "/accounts/login/" not in url, (status, url)


def session_path(url: str) -> str:
    return re.search(r"/practice/\d+/", url).group(0)


@contextmanager
def live_site(tmp_path: Path, *, seed: str = "", extra_env: dict | None = None):
    """Start a migrated site with `seed` run in its shell; yield a LiveSite."""
    var_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env |= {
        "FACTEUR_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "quizapp.settings",
        "DEBUG": "1",
        **(extra_env or {}),
    }
    dropped = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], name = _postgres_database(env["DATABASE_URL"])
        dropped = (os.environ["DATABASE_URL"], name)
    port = free_port()
    site = LiveSite(var_dir, env, port)
    server = None
    try:
        site.manage("migrate", "--no-input", "-v0")
        if seed:
            site.manage("shell", "--no-imports", "-c", seed)
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_for(site, server)
        yield site
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if dropped:
            _drop_postgres(*dropped)


def _wait_for(site: LiveSite, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(server.stderr.read().decode()[-3000:])
        try:
            with socket.create_connection((HOST, site.port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the live site did not start within 60 s")
