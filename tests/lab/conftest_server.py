"""Run the embedded lab mail server in a subprocess on free loopback ports, for the server tests.

A subprocess because Twisted's reactor runs once per process; one per test module (the fixture
is module-scoped), each test using mailboxes of its own so that tests do not see each other's
mail.
"""

import itertools
import os
import socket
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from quizapp.lab.server.accounts import create_mailbox
from quizapp.lab.server.config import ROLES
from quizapp.lab.server.runner import READY

REPO_ROOT = Path(__file__).resolve().parents[2]
DOMAIN = "lab.facteur.test"
HOST = "127.0.0.1"
LOGIN_DELAY = 0.3  # seconds; short, so that the brake tests stay quick
_names = itertools.count(1)


def free_ports(count: int) -> list[int]:
    """Return ``count`` distinct loopback ports that were free a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class Mailbox:
    name: str
    password: str

    @property
    def address(self) -> str:
        return self.name + "@" + DOMAIN


@dataclass
class LabServer:
    data_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def start(self, timeout: float = 15.0) -> None:
        log_path = self.data_dir.parent / "server.log"
        command = [sys.executable, "-m", "quizapp.lab.server", "--host", HOST]
        command += ["--data-dir", str(self.data_dir), "--domain", DOMAIN]
        command += ["--login-failure-delay", str(LOGIN_DELAY)]
        for key, port in self.ports.items():
            command += [f"--{key}-port", str(port)]
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        with open(log_path, "w") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        while READY not in log_path.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail("lab server did not start:\n" + log_path.read_text())
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def port(self, key: str) -> int:
        return self.ports[key]

    def tls_context(self) -> ssl.SSLContext:
        """Return a client context that trusts the server's generated certificate."""
        return ssl.create_default_context(cafile=self.data_dir / "tls" / "cert.pem")

    def new_mailbox(self) -> Mailbox:
        """Create a mailbox while the server runs (it picks up accounts.json changes)."""
        name = f"trainee{next(_names)}"
        return Mailbox(name, create_mailbox(self.data_dir, name))


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("lab") / "data"
    ports = dict(zip((role.key for role in ROLES), free_ports(len(ROLES)), strict=True))
    server = LabServer(data_dir, ports)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(lab_server) -> Mailbox:
    return lab_server.new_mailbox()


@pytest.fixture
def other_mailbox(lab_server) -> Mailbox:
    return lab_server.new_mailbox()
